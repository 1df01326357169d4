descope_api::generate! {
    spec: "../specs/syntax_error",
    relative_to: file,
}

fn main() {}
