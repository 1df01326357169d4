descope_api::generate! {
    spec: "../specs/syntax_error",
    relative_to: file,
    client_ext: Ext,
}

fn main() {}
