descope_api::generate! {
    spec: "../specs/unknown_type",
    relative_to: file,
}

fn main() {}
