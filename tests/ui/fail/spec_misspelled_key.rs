descope_api::generate! {
    spec: "../specs/misspelled_key",
    relative_to: file,
    client_ext: Ext,
}

fn main() {}
