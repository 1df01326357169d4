// One wrong type name in a spec file is one error: the macro still generates the API around it,
// so the code below, which uses the broken endpoint, adds no "no method named …" errors.
descope_api::generate! {
    spec: "../specs/unknown_type",
    relative_to: file,
    client_ext: Ext,
}

async fn change_email(
    client: &descope_api::Client,
    refresh: &descope_api::RefreshJwt,
) -> Result<(), descope_api::Error> {
    // `Ext::otp`: the generated accessor, not descope-api's own `Client::otp`.
    let request = Ext::otp(client).update_email(refresh, "ann@example.com");
    let _reply: () = request.await?;
    Ok(())
}

fn main() {
    let _ = change_email;
}
