descope_api::generate! {
    spec: "../specs/several_errors",
    relative_to: file,
    client_ext: Ext,
}

fn main() {}
