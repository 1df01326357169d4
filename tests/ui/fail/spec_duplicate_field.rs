descope_api::generate! {
    spec: "../specs/duplicate_field",
    relative_to: file,
}

fn main() {}
