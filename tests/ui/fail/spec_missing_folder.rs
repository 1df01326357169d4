descope_api::generate! {
    spec: "../specs/missing_folder",
    relative_to: file,
}

fn main() {}
