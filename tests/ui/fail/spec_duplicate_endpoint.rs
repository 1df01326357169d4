descope_api::generate! {
    spec: "../specs/duplicate_endpoint",
    relative_to: file,
}

fn main() {}
