descope_api::generate! {
    spec: "../specs/body_on_get",
    relative_to: file,
    client_ext: Ext,
}

fn main() {}
