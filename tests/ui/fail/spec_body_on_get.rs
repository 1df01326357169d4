descope_api::generate! {
    spec: "../specs/body_on_get",
    relative_to: file,
}

fn main() {}
