descope_api::generate! {
    spec: "../specs/misspelled_key",
    relative_to: file,
}

fn main() {}
