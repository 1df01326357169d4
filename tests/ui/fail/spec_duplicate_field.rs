descope_api::generate! {
    spec: "../specs/duplicate_field",
    relative_to: file,
    client_ext: Ext,
}

fn main() {}
