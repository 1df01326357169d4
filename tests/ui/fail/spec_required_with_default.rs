descope_api::generate! {
    spec: "../specs/required_with_default",
    relative_to: file,
    client_ext: Ext,
}

fn main() {}
