descope_api::generate! {
    spec: "../specs/missing_folder",
    relative_to: file,
    client_ext: Ext,
}

fn main() {}
