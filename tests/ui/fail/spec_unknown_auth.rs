descope_api::generate! {
    spec: "../specs/unknown_auth",
    relative_to: file,
    client_ext: Ext,
}

fn main() {}
