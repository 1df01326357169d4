descope_api::generate! {
    spec: "../specs/unknown_type",
    relative_to: file,
    client_ext: Ext,
}

fn main() {}
