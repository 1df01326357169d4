descope_api::generate! {
    spec: "../specs/name_collision",
    relative_to: file,
    client_ext: Ext,
}

fn main() {}
