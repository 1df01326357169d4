//! Admin: create a tenant and a role, batch-create users, page through them, then create a test
//! user, generate a one-time code for it and sign it in through the authentication API.
//!
//! ```text
//! cargo run -p descope-api --example admin --features mgmt
//! ```
//!
//! With nothing set it starts the offline Descope emulator (`descope-emulator`) in-process and
//! uses the emulator's own management key: no account, no network.
//!
//! With `DESCOPE_PROJECT_ID` and `DESCOPE_MANAGEMENT_KEY` set (and optionally
//! `DESCOPE_BASE_URL`, e.g. a standalone emulator: `cargo run -p descope-emulator -- --port
//! 4510`) it works on that project. Everything it creates carries a run suffix and is deleted
//! at the end.

use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use descope_api::auth::types::DeliveryMethod;
use descope_api::management::types::{AssociatedTenant, BatchUser, TestDeliveryMethod};
use descope_api::{Client, ManagementClient, ManagementKey};
use descope_emulator::Emulator;
use futures_util::TryStreamExt;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let var = |name: &str| std::env::var(name).ok();
    ExitCode::from(run(&var).await)
}

/// The whole example, with the environment given as a lookup; returns the exit status.
async fn run(var: &dyn Fn(&str) -> Option<String>) -> u8 {
    let var = |name: &str| {
        var(name)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    println!("descope-api admin example");
    // Kept alive until the end: dropping it stops the in-process emulator.
    let mut emulator = None;
    let (client, suffix) = match (var("DESCOPE_PROJECT_ID"), var("DESCOPE_MANAGEMENT_KEY")) {
        (Some(project_id), Some(key)) => {
            let mut builder = Client::builder(project_id).management_key(ManagementKey::new(key));
            if let Some(base_url) = var("DESCOPE_BASE_URL") {
                builder = builder.base_url(base_url);
            }
            match builder.build() {
                Ok(client) => {
                    println!(
                        "Using project {} at {} (from DESCOPE_PROJECT_ID / DESCOPE_MANAGEMENT_KEY).",
                        client.project_id(),
                        client.base_url()
                    );
                    let now = SystemTime::now()
                        .duration_since(UNIX_EPOCH)
                        .map_or(0, |d| d.as_secs());
                    (client, format!("-{now}"))
                }
                Err(e) => {
                    eprintln!("configuration: {e}");
                    return 2;
                }
            }
        }
        (Some(_), None) => {
            eprintln!("configuration: DESCOPE_PROJECT_ID is set but DESCOPE_MANAGEMENT_KEY is not");
            return 2;
        }
        (None, _) => {
            let started = match Emulator::start().await {
                Ok(started) => started,
                Err(e) => {
                    eprintln!("could not start the emulator: {e}");
                    return 1;
                }
            };
            println!(
                "DESCOPE_PROJECT_ID is not set: started the offline Descope emulator in-process at \
                 {} (project {}, management key {}).",
                started.base_url(),
                started.project_id(),
                started.management_key()
            );
            let built = Client::builder(started.project_id())
                .base_url(started.base_url())
                .management_key(ManagementKey::new(started.management_key()))
                .build();
            let client = match built {
                Ok(client) => client,
                Err(e) => {
                    eprintln!("could not configure the client: {e}");
                    return 1;
                }
            };
            emulator = Some(started);
            (client, String::new())
        }
    };
    let management = match client.management() {
        Ok(management) => management,
        Err(e) => {
            eprintln!("configuration: {e}");
            return 2;
        }
    };
    let result = walk(&client, &management, &suffix).await;
    drop(emulator);
    match result {
        Ok(()) => {
            println!("\nDone: every step succeeded.");
            0
        }
        Err(e) => {
            println!("   -> failed: {e}");
            1
        }
    }
}

/// The steps; stops at the first failure.
async fn walk(
    client: &Client,
    management: &ManagementClient,
    suffix: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    step(1, "Create a tenant");
    let tenant_name = format!("Example Corp{suffix}");
    let tenant = management.tenant().create(&tenant_name).await?;
    result(&format!("tenant {} ({tenant_name})", tenant.id));

    step(2, "Create a role in the tenant");
    let role_name = format!("editor{suffix}");
    let role = management
        .role()
        .create(&role_name)
        .description("Edits documents")
        .tenant_id(&tenant.id)
        .await?;
    result(&format!("role {} ({})", role.name, role.id));

    step(3, "Batch-create five users in the tenant with the role");
    let login_ids: Vec<String> = (1..=5)
        .map(|i| format!("user{i}{suffix}@example.com"))
        .collect();
    let users: Vec<BatchUser> = login_ids
        .iter()
        .map(|login_id| {
            BatchUser::default()
                .login_id(login_id)
                .email(login_id)
                .verified_email(true)
                .user_tenants([AssociatedTenant::default()
                    .tenant_id(&tenant.id)
                    .role_names([role_name.clone()])])
        })
        .collect();
    let created = management.user().create_batch(users).await?.into_result()?;
    for user in &created.created_users {
        result(&format!(
            "created {} ({})",
            user.login_ids.join(", "),
            user.user_id
        ));
    }

    step(4, "Search the tenant's users, two per page");
    let mut pages = management
        .user()
        .search()
        .tenant_ids([tenant.id.clone()])
        .limit(2)
        .into_stream();
    let mut found = 0;
    while let Some(user) = pages.try_next().await? {
        found += 1;
        let roles: Vec<&str> = user
            .user_tenants
            .iter()
            .flat_map(|t| t.role_names.iter().map(String::as_str))
            .collect();
        result(&format!(
            "#{found} {} (roles in the tenant: {})",
            user.login_ids.join(", "),
            roles.join(", ")
        ));
    }
    if found != login_ids.len() {
        return Err(format!(
            "the search found {found} users, expected {}",
            login_ids.len()
        )
        .into());
    }

    step(5, "Create a test user and generate a one-time code for it");
    let tester = format!("tester{suffix}@example.com");
    let test_user = management
        .user()
        .create_test_user(&tester)
        .email(&tester)
        .verified_email(true)
        .await?;
    result(&format!(
        "test user {} ({})",
        tester, test_user.user.user_id
    ));
    let generated = management
        .test_user()
        .generate_otp(&tester, TestDeliveryMethod::Email)
        .await?;
    result("code generated (nothing was sent)");

    step(6, "Sign the test user in through the authentication API");
    let session = client
        .otp()
        .verify(DeliveryMethod::Email, &tester, generated.code)
        .await?;
    result(&format!(
        "signed in as {} (session JWT: {}, refresh JWT: {})",
        session.user.user_id,
        if session.session_jwt.is_some() {
            "yes"
        } else {
            "no"
        },
        if session.refresh_jwt.is_some() {
            "yes"
        } else {
            "no"
        },
    ));

    step(7, "Clean up");
    let ids: Vec<String> = created
        .created_users
        .iter()
        .map(|u| u.user_id.clone())
        .chain([test_user.user.user_id.clone()])
        .collect();
    management.user().delete_batch(ids).await?;
    management
        .role()
        .delete(&role_name)
        .tenant_id(&tenant.id)
        .await?;
    management.tenant().delete(&tenant.id).await?;
    result("deleted the users, the role and the tenant");
    Ok(())
}

fn step(number: u32, title: &str) {
    println!("\n{number}. {title}");
}

fn result(text: &str) {
    println!("   -> {text}");
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn runs_to_the_end_with_no_configuration() {
        assert_eq!(super::run(&|_| None).await, 0);
    }

    #[tokio::test]
    async fn a_project_without_a_management_key_is_a_configuration_error() {
        let var = |name: &str| (name == "DESCOPE_PROJECT_ID").then(|| "P2abc".to_owned());
        assert_eq!(super::run(&var).await, 2);
    }
}
