descope_api::generate! {
    spec: "../specs/required_with_default",
    relative_to: file,
}

fn main() {}
