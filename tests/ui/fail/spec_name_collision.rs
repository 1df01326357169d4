descope_api::generate! {
    spec: "../specs/name_collision",
    relative_to: file,
}

fn main() {}
