descope_api::generate! {
    spec: "../specs/wrong_default",
    relative_to: file,
    client_ext: Ext,
}

fn main() {}
