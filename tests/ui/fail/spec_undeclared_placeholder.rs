descope_api::generate! {
    spec: "../specs/undeclared_placeholder",
    relative_to: file,
    client_ext: Ext,
}

fn main() {}
