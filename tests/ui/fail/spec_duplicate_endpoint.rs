descope_api::generate! {
    spec: "../specs/duplicate_endpoint",
    relative_to: file,
    client_ext: Ext,
}

fn main() {}
