descope_api::generate! {
    spec: "../specs/several_errors",
    relative_to: file,
}

fn main() {}
