descope_api::generate! {
    spec: "../specs/unknown_auth",
    relative_to: file,
}

fn main() {}
