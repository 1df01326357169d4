descope_api::generate! {
    spec: "../specs/undeclared_placeholder",
    relative_to: file,
}

fn main() {}
