//! The emulator's management API, driven through descope-api's generated `ManagementClient`:
//! the management key, users (one store with the auth flows), test users and their codes and
//! links, tenants, roles, permissions and access keys.

use descope_api::auth::types::DeliveryMethod;
use descope_api::management::types::{AssociatedTenant, BatchUser, TestDeliveryMethod, UserStatus};
use descope_api::{AccessKey, Client, ManagementClient, ManagementKey};
use descope_emulator::{DEFAULT_MANAGEMENT_KEY, Emulator, NewUser};
use futures_util::TryStreamExt;

mod support;

use support::*;

async fn setup() -> (Emulator, Client, ManagementClient) {
    let (emulator, client) = start().await;
    let management = client.with_management_key(ManagementKey::new(emulator.management_key()));
    (emulator, client, management)
}

// ---- the management key ---------------------------------------------------------------------

#[tokio::test]
async fn the_management_key_is_checked() {
    let (emulator, client, management) = setup().await;
    assert_eq!(emulator.management_key(), DEFAULT_MANAGEMENT_KEY);
    let wrong = client.with_management_key(ManagementKey::new("K2notTheEmulatorsKey"));
    assert_api_error(wrong.user().create("ann@example.com").await, "E014005", 401);
    assert!(emulator.user("ann@example.com").is_none());

    let raw = raw(&emulator);
    let body = r#"{"loginId":"ann@example.com"}"#;
    raw.post("/v1/mgmt/user/create", None, body)
        .await
        .error("E014001", 401);
    raw.post("/v1/mgmt/user/create", Some(&raw.project_auth()), body)
        .await
        .error("E014001", 401);
    raw.post("/v1/mgmt/user/create", Some(&raw.bearer("K2wrong")), body)
        .await
        .error("E014005", 401);
    let index = raw.get("/emulator", None).await;
    assert_eq!(index.body["managementKey"], DEFAULT_MANAGEMENT_KEY);

    let created = management
        .user()
        .create("ann@example.com")
        .await
        .expect("create");
    assert!(created.created);

    // Another key, chosen at start.
    let other = Emulator::builder()
        .management_key("K2mine")
        .start()
        .await
        .expect("emulator");
    let raw = support::raw(&other);
    raw.post("/v1/mgmt/user/create", Some(&raw.bearer("K2mine")), body)
        .await;
    assert!(other.user("ann@example.com").is_some());
}

// ---- users ----------------------------------------------------------------------------------

#[tokio::test]
async fn a_user_created_by_management_signs_in_by_otp_and_vice_versa() {
    let (emulator, client, management) = setup().await;
    let users = management.user();
    let created = users
        .create("ann@example.com")
        .email("ann@example.com")
        .verified_email(true)
        .display_name("Ann Lee")
        .role_names(["admin"])
        .await
        .expect("create");
    assert!(created.created);
    assert_eq!(created.user.name, "Ann Lee");
    assert_eq!(created.user.role_names, ["admin"]);
    assert_eq!(created.user.status, "enabled");

    client
        .otp()
        .sign_in(DeliveryMethod::Email, "ann@example.com")
        .await
        .expect("sign in");
    let session = verify(&emulator, &client, DeliveryMethod::Email, "ann@example.com").await;
    assert_eq!(session.user.user_id, created.user.user_id);
    assert_eq!(session.claims["roles"], serde_json::json!(["admin"]));

    // A user who signed up through OTP is a user for management.
    client
        .otp()
        .sign_up_email("bob@example.com")
        .await
        .expect("sign up");
    let bob = verify(&emulator, &client, DeliveryMethod::Email, "bob@example.com").await;
    let loaded = users
        .load()
        .login_id("bob@example.com")
        .await
        .expect("load");
    assert_eq!(loaded.user.user_id, bob.user.user_id);
    let by_id = users.load().user_id(&bob.user.user_id).await.expect("load");
    assert_eq!(by_id.user.login_ids, ["bob@example.com"]);
    assert_api_error(
        users.load().login_id("nobody@example.com").await,
        "E062108",
        400,
    );
    assert_api_error(users.create("bob@example.com").await, "E062107", 409);
}

#[tokio::test]
async fn update_patch_status_tenants_roles_delete() {
    let (emulator, client, management) = setup().await;
    let users = management.user();
    users
        .create("ann@example.com")
        .display_name("Ann")
        .given_name("Ann")
        .role_names(["viewer"])
        .await
        .expect("create");

    let patched = users
        .patch("ann@example.com")
        .family_name("Lee")
        .await
        .expect("patch");
    assert_eq!(
        (
            patched.user.given_name.as_str(),
            patched.user.family_name.as_str()
        ),
        ("Ann", "Lee")
    );
    assert_eq!(
        patched.user.role_names,
        ["viewer"],
        "patch keeps what it is not sent"
    );
    let updated = users
        .update("ann@example.com")
        .email("ann@example.com")
        .display_name("Ann Lee")
        .await
        .expect("update");
    assert_eq!(updated.user.name, "Ann Lee");
    assert!(
        updated.user.given_name.is_empty(),
        "update replaces everything"
    );
    assert!(updated.user.role_names.is_empty());

    let tenant = management
        .tenant()
        .create("Acme")
        .id("T2acme")
        .await
        .expect("tenant");
    assert_eq!(tenant.id, "T2acme");
    let user = users
        .add_tenant("ann@example.com", "T2acme")
        .await
        .expect("add tenant");
    assert_eq!(user.user.user_tenants[0].tenant_id, "T2acme");
    assert_eq!(user.user.user_tenants[0].tenant_name, "Acme");
    let user = users
        .add_roles("ann@example.com", ["editor", "viewer"])
        .tenant_id("T2acme")
        .await
        .expect("add roles");
    assert_eq!(user.user.user_tenants[0].role_names, ["editor", "viewer"]);
    let user = users
        .add_roles("ann@example.com", ["admin"])
        .await
        .expect("add project roles");
    assert_eq!(user.user.role_names, ["admin"]);
    let user = users
        .remove_roles("ann@example.com", ["viewer"])
        .tenant_id("T2acme")
        .await
        .expect("remove roles");
    assert_eq!(user.user.user_tenants[0].role_names, ["editor"]);
    let user = users
        .remove_tenant("ann@example.com", "T2acme")
        .await
        .expect("remove tenant");
    assert!(user.user.user_tenants.is_empty());

    // Disabled users cannot sign in, and their sessions end.
    let session = signed_in(&emulator, &client, "ann@example.com").await;
    let user = users
        .update_status("ann@example.com", UserStatus::Disabled)
        .await
        .expect("disable");
    assert_eq!(user.user.status, "disabled");
    assert_api_error(
        client
            .otp()
            .sign_in(DeliveryMethod::Email, "ann@example.com")
            .await,
        "E011004",
        400,
    );
    assert_api_error(
        client.session().me(&refresh_of(&session)).await,
        "E064001",
        401,
    );
    users
        .update_status("ann@example.com", UserStatus::Enabled)
        .await
        .expect("enable");
    signed_in(&emulator, &client, "ann@example.com").await;

    users
        .delete()
        .login_id("ann@example.com")
        .await
        .expect("delete");
    assert!(emulator.user("ann@example.com").is_none());
    // Deleting again is not an error.
    users
        .delete()
        .login_id("ann@example.com")
        .await
        .expect("delete again");
}

#[tokio::test]
async fn batch_create_reports_the_user_that_failed() {
    let (emulator, _client, management) = setup().await;
    emulator
        .seed_user(NewUser::new("taken@example.com"))
        .expect("seed");
    let users = [
        BatchUser::default().login_id("a@example.com"),
        BatchUser::default().login_id("taken@example.com"),
        BatchUser::default()
            .login_id("b@example.com")
            .user_tenants([AssociatedTenant::default().tenant_id("T1")]),
    ];
    let reply = management.user().create_batch(users).await.expect("batch");
    let created: Vec<&str> = reply
        .created_users
        .iter()
        .map(|u| u.login_ids[0].as_str())
        .collect();
    assert_eq!(created, ["a@example.com", "b@example.com"]);
    let failure = reply.into_result().expect_err("one user failed");
    assert_eq!(failure.failed, 1);
    assert_eq!(
        failure.reply.failed_users[0].user.login_ids,
        ["taken@example.com"]
    );
    assert!(
        failure.reply.failed_users[0]
            .failure
            .contains("already exists"),
        "{}",
        failure.reply.failed_users[0].failure
    );
    assert!(emulator.user("b@example.com").is_some());

    let all = management
        .user()
        .create_batch([BatchUser::default().login_id("c@example.com")])
        .await
        .expect("batch");
    assert!(all.into_result().is_ok());
}

#[tokio::test]
async fn search_pages_with_total_and_streams_every_page() {
    let (_emulator, _client, management) = setup().await;
    let users: Vec<BatchUser> = (0..7)
        .map(|i| BatchUser::default().login_id(format!("user{i}@example.com")))
        .collect();
    management
        .user()
        .create_batch(users)
        .await
        .expect("batch")
        .into_result()
        .expect("all created");
    management
        .user()
        .create_test_user("test@example.com")
        .await
        .expect("test user");

    let page = management
        .user()
        .search()
        .limit(3)
        .page(2)
        .await
        .expect("search");
    assert_eq!(page.total, 7, "test users are left out");
    assert_eq!(page.users.len(), 1);
    let first = management.user().search().limit(3).await.expect("search");
    assert_eq!(first.users.len(), 3);
    assert_eq!(first.users[0].login_ids, ["user0@example.com"]);

    let streamed: Vec<String> = management
        .user()
        .search()
        .limit(3)
        .into_stream()
        .map_ok(|u| u.login_ids[0].clone())
        .try_collect()
        .await
        .expect("stream");
    let expected: Vec<String> = (0..7).map(|i| format!("user{i}@example.com")).collect();
    assert_eq!(streamed, expected);

    let found = management
        .user()
        .search()
        .text("user3")
        .await
        .expect("search");
    assert_eq!(found.total, 1);
    let ids = [first.users[0].user_id.clone(), "U2nobody".to_owned()];
    let loaded = management.user().load_batch(ids).await.expect("load batch");
    assert_eq!(loaded.users.len(), 1);
    assert_eq!(loaded.users[0].login_ids, ["user0@example.com"]);
    let tests = management.user().search_test_users().await.expect("search");
    assert_eq!(tests.total, 1);
    assert!(tests.users[0].test);
}

// ---- test users -----------------------------------------------------------------------------

#[tokio::test]
async fn a_test_user_signs_in_with_a_generated_otp_magic_link_and_embedded_link() {
    let (emulator, client, management) = setup().await;
    let created = management
        .user()
        .create_test_user("test@example.com")
        .await
        .expect("test user");
    assert!(created.user.test);

    let otp = management
        .test_user()
        .generate_otp("test@example.com", TestDeliveryMethod::Email)
        .await
        .expect("otp");
    assert_eq!(otp.login_id, "test@example.com");
    let session = client
        .otp()
        .verify(DeliveryMethod::Email, "test@example.com", otp.code)
        .await
        .expect("verify");
    assert_eq!(session.user.user_id, created.user.user_id);
    let me = client
        .session()
        .me(&refresh_of(&session))
        .await
        .expect("me");
    assert_eq!(me.user_id, created.user.user_id);
    assert!(emulator.outbox().is_empty(), "generated codes are not sent");

    let link = management
        .test_user()
        .generate_magic_link("test@example.com", TestDeliveryMethod::Email)
        .redirect_url("http://localhost:3000/welcome")
        .await
        .expect("magic link");
    let link = link.link.expose_secret().to_owned();
    let token = link
        .split_once("?t=")
        .map(|(base, token)| {
            assert_eq!(base, "http://localhost:3000/welcome");
            token.to_owned()
        })
        .expect("a token");
    let session = client
        .magic_link()
        .verify(token)
        .await
        .expect("verify link");
    assert_eq!(session.claims["amr"], serde_json::json!(["magiclink"]));

    let enchanted = management
        .test_user()
        .generate_enchanted_link("test@example.com")
        .await
        .expect("enchanted link");
    let token = enchanted
        .link
        .expose_secret()
        .rsplit_once("t=")
        .map(|(_, token)| token.to_owned())
        .expect("a token");
    client
        .enchanted_link()
        .verify(token)
        .await
        .expect("verify enchanted link");
    let session = client
        .enchanted_link()
        .get_session(enchanted.pending_ref)
        .await
        .expect("collect the session");
    assert_eq!(session.user.user_id, created.user.user_id);

    let embedded = management
        .user()
        .generate_embedded_link("test@example.com")
        .await
        .expect("embedded link");
    let session = client
        .magic_link()
        .verify(embedded.token.clone())
        .await
        .expect("verify embedded");
    assert_eq!(session.user.user_id, created.user.user_id);
    assert_api_error(
        client.magic_link().verify(embedded.token).await,
        "E061102",
        401,
    );

    // Only test users get generated codes.
    management
        .user()
        .create("real@example.com")
        .await
        .expect("create");
    assert_api_error(
        management
            .test_user()
            .generate_otp("real@example.com", TestDeliveryMethod::Email)
            .await,
        "E011004",
        400,
    );

    management
        .test_user()
        .delete_all()
        .await
        .expect("delete all");
    assert!(emulator.user("test@example.com").is_none());
    assert!(emulator.user("real@example.com").is_some());
}

// ---- tenants, roles, permissions ------------------------------------------------------------

#[tokio::test]
async fn tenants_roles_and_permissions() {
    let (_emulator, _client, management) = setup().await;
    let tenants = management.tenant();
    let id = tenants.create("Acme").await.expect("create").id;
    assert!(id.starts_with("T2"), "{id}");
    let loaded = tenants.load(&id).await.expect("load");
    assert_eq!(loaded.name, "Acme");
    tenants.update(&id, "Acme Inc").await.expect("update");
    let all = tenants.load_all().await.expect("load all");
    assert_eq!(all.tenants.len(), 1);
    assert_eq!(all.tenants[0].name, "Acme Inc");
    let found = tenants
        .search()
        .tenant_names(["Acme Inc"])
        .await
        .expect("search");
    assert_eq!(found.tenants[0].id, id);
    tenants.delete(&id).await.expect("delete");
    assert!(
        tenants
            .load_all()
            .await
            .expect("load all")
            .tenants
            .is_empty()
    );
    assert_api_error(tenants.load(&id).await, "E011004", 400);

    let permissions = management.permission();
    permissions
        .create("read")
        .description("Reads")
        .await
        .expect("create");
    permissions.create("write").await.expect("create");
    let all = permissions.load_all().await.expect("load all");
    let names: Vec<&str> = all.permissions.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["read", "write"]);
    permissions.delete("write").await.expect("delete");
    assert_eq!(
        permissions.load_all().await.expect("all").permissions.len(),
        1
    );

    let roles = management.role();
    let role = roles
        .create("editor")
        .permission_names(["read"])
        .await
        .expect("create");
    assert_eq!(role.permission_names, ["read"]);
    let renamed = roles.update("editor", "writer").await.expect("update");
    assert_eq!(renamed.name, "writer");
    assert_eq!(renamed.id, role.id);
    let all = roles.load_all().await.expect("load all");
    assert_eq!(all.roles.len(), 1);
    assert_eq!(all.roles[0].name, "writer");
    let by_id = roles
        .update_by_id(&role.id, "author")
        .description("Writes")
        .await
        .expect("update by id");
    assert_eq!(
        (by_id.name.as_str(), by_id.description.as_str()),
        ("author", "Writes")
    );
    roles.create("reader").await.expect("create");
    roles.delete_by_id(&role.id).await.expect("delete by id");
    roles.delete("reader").await.expect("delete");
    assert!(roles.load_all().await.expect("all").roles.is_empty());
}

// ---- access keys ----------------------------------------------------------------------------

#[tokio::test]
async fn access_keys_exchange_until_deactivated() {
    let (_emulator, client, management) = setup().await;
    let keys = management.access_key();
    let created = keys
        .create("ci")
        .role_names(["deployer"])
        .await
        .expect("create");
    assert_eq!(created.key.name, "ci");
    assert_eq!(created.key.status, "active");
    let cleartext = AccessKey::new(created.cleartext.expose_secret());

    let exchanged = client
        .access_key()
        .exchange(&cleartext)
        .await
        .expect("exchange");
    assert_eq!(exchanged.key_id, created.key.id);
    assert!(exchanged.session_jwt.is_some());

    let loaded = keys.load(&created.key.id).await.expect("load");
    assert_eq!(loaded.key.role_names, ["deployer"]);
    let validated = client
        .session()
        .validate(exchanged.session_jwt.as_ref().expect("a session JWT"))
        .await
        .expect("the exchanged JWT validates");
    assert_eq!(
        validated.parsed_jwt["sub"],
        serde_json::json!(created.key.id)
    );
    assert_eq!(
        validated.parsed_jwt["roles"],
        serde_json::json!(["deployer"])
    );
    let found = keys.search().await.expect("search");
    assert_eq!(found.keys.len(), 1);
    assert_eq!(found.keys[0].id, created.key.id);

    keys.deactivate(&created.key.id).await.expect("deactivate");
    assert_api_error(
        client
            .session()
            .validate(exchanged.session_jwt.as_ref().expect("a session JWT"))
            .await,
        "E014004",
        401,
    );
    assert_api_error(
        client.access_key().exchange(&cleartext).await,
        "E014005",
        401,
    );
    keys.activate(&created.key.id).await.expect("activate");
    client
        .access_key()
        .exchange(&cleartext)
        .await
        .expect("exchange again");
    keys.delete(&created.key.id).await.expect("delete");
    assert_api_error(
        client.access_key().exchange(&cleartext).await,
        "E014005",
        401,
    );
    assert!(keys.search().await.expect("search").keys.is_empty());
}

// ---- what stays unimplemented ---------------------------------------------------------------

#[tokio::test]
async fn other_management_operations_answer_501() {
    let (_emulator, _client, management) = setup().await;
    assert_api_error(
        management
            .user()
            .update_picture("ann@example.com", "x")
            .await,
        "E011501",
        501,
    );
}

// ---- caps and bad input ---------------------------------------------------------------------

#[tokio::test]
async fn management_objects_and_users_are_capped() {
    let limits = descope_emulator::Limits {
        max_objects: 2,
        max_users: 3,
        ..descope_emulator::Limits::default()
    };
    let (emulator, client) = start_with(limits).await;
    let management = client.with_management_key(ManagementKey::new(emulator.management_key()));
    for name in ["a", "b", "c"] {
        management.tenant().create(name).await.expect("tenant");
        management
            .permission()
            .create(name)
            .await
            .expect("permission");
        management.access_key().create(name).await.expect("key");
    }
    let tenants = management
        .tenant()
        .load_all()
        .await
        .expect("tenants")
        .tenants;
    let names: Vec<&str> = tenants.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["b", "c"], "the oldest made room");
    assert_eq!(
        management
            .permission()
            .load_all()
            .await
            .expect("all")
            .permissions
            .len(),
        2
    );
    assert_eq!(
        management
            .access_key()
            .search()
            .await
            .expect("all")
            .keys
            .len(),
        2
    );
    for i in 0..5 {
        management
            .user()
            .create(format!("user{i}@example.com"))
            .await
            .expect("user");
    }
    assert_eq!(emulator.sizes().users, 3);
}

#[tokio::test]
async fn bad_management_input_is_a_typed_error() {
    let (emulator, _client, _management) = setup().await;
    let raw = raw(&emulator);
    let auth = raw.bearer(emulator.management_key());
    raw.post("/v1/mgmt/user/create", Some(&auth), r#"{"loginId":5}"#)
        .await
        .error("E011003", 400);
    raw.post("/v1/mgmt/user/create", Some(&auth), "{")
        .await
        .error("E011001", 400);
    raw.post("/v1/mgmt/user/create", Some(&auth), r#"{"loginId":"   "}"#)
        .await
        .error("E011002", 400);
    raw.post(
        "/v1/mgmt/user/create/batch",
        Some(&auth),
        r#"{"users":[{"loginId":"a@example.com","email":"nope"}]}"#,
    )
    .await
    .error("E011003", 400);
    raw.get("/v1/mgmt/user", Some(&auth))
        .await
        .error("E011004", 400);
    let reply = raw
        .post(
            "/v2/mgmt/user/search",
            Some(&auth),
            r#"{"page":2147483647,"limit":2147483647}"#,
        )
        .await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    raw.post(
        "/v1/mgmt/user/update/status",
        Some(&auth),
        r#"{"loginId":"nobody","status":"frozen"}"#,
    )
    .await
    .error("E011003", 400);
    raw.post(
        "/v1/mgmt/tests/generate/otp",
        Some(&auth),
        r#"{"loginId":"nobody","deliveryMethod":"email"}"#,
    )
    .await
    .error("E062108", 400);
}
