//! The implemented management operations: users (one store with the auth flows, so a user
//! created here signs in through OTP and the other flows), test-user codes and links, tenants,
//! roles, permissions and access keys, and the access-key exchange of the auth API that uses
//! those keys.
//!
//! Like `flows.rs`, every function runs with the state locked and the request already routed,
//! authorized (the management key checked) and checked against the spec. Replies have the
//! shapes of the spec's reply types.

use serde_json::{Map, Value, json};

use crate::api::{is_email, is_phone};
use crate::auth::Caller;
use crate::error::{Code, Fail, fail};
use crate::flows::{Request, check_enabled};
use crate::model::{Channel, User, UserTenant, mask_email, mask_phone};
use crate::server::Shared;
use crate::state::{Action, Enchanted, Pending, PendingKey, SignInOptions, State, push_capped};

/// What implements one operation.
type Handler = fn(&Mx<'_>, &mut State) -> Result<Value, Fail>;

/// Every management operation the emulator implements (and the access-key exchange), by its
/// id in the spec. Merged into dispatch by `flows::dispatch`; everything else answers 501.
const OPERATIONS: &[(&str, Handler)] = &[
    ("management.user.create", |m, s| m.create_user(s, false)),
    ("management.user.create_test_user", |m, s| {
        m.create_user(s, true)
    }),
    ("management.user.create_batch", |m, s| m.create_batch(s)),
    ("management.user.load", |m, s| m.load_user(s)),
    ("management.user.load_batch", |m, s| m.load_batch(s)),
    ("management.user.search", |m, s| m.search_users(s, false)),
    ("management.user.search_test_users", |m, s| {
        m.search_users(s, true)
    }),
    ("management.user.update", |m, s| m.change_user(s, true)),
    ("management.user.patch", |m, s| m.change_user(s, false)),
    ("management.user.update_status", |m, s| m.update_status(s)),
    ("management.user.add_tenant", |m, s| m.user_tenant(s, true)),
    ("management.user.remove_tenant", |m, s| {
        m.user_tenant(s, false)
    }),
    ("management.user.add_roles", |m, s| {
        m.user_roles(s, Roles::Add)
    }),
    ("management.user.add_roles_v1", |m, s| {
        m.user_roles(s, Roles::Add)
    }),
    ("management.user.set_roles", |m, s| {
        m.user_roles(s, Roles::Set)
    }),
    ("management.user.remove_roles", |m, s| {
        m.user_roles(s, Roles::Remove)
    }),
    ("management.user.delete", |m, s| m.delete_user(s)),
    ("management.user.delete_batch", |m, s| m.delete_users(s)),
    ("management.user.generate_embedded_link", |m, s| {
        m.embedded_link(s)
    }),
    ("management.test_user.delete_all", |m, s| {
        m.delete_test_users(s)
    }),
    ("management.test_user.generate_otp", |m, s| m.test_otp(s)),
    ("management.test_user.generate_magic_link", |m, s| {
        m.test_link(s, false)
    }),
    ("management.test_user.generate_enchanted_link", |m, s| {
        m.test_link(s, true)
    }),
    ("management.tenant.create", |m, s| m.create_tenant(s)),
    ("management.tenant.load", |m, s| m.load_tenant(s)),
    ("management.tenant.load_all", |_, s| {
        Ok(json!({ "tenants": s.directory.tenants }))
    }),
    ("management.tenant.search", |m, s| m.search_tenants(s)),
    ("management.tenant.update", |m, s| m.update_tenant(s)),
    ("management.tenant.delete", |m, s| m.delete_tenant(s)),
    ("management.role.create", |m, s| m.create_role(s)),
    ("management.role.update", |m, s| m.update_role(s, false)),
    ("management.role.update_by_id", |m, s| {
        m.update_role(s, true)
    }),
    ("management.role.delete", |m, s| m.delete_role(s, false)),
    ("management.role.delete_by_id", |m, s| {
        m.delete_role(s, true)
    }),
    ("management.role.load_all", |_, s| {
        Ok(json!({ "roles": s.directory.roles }))
    }),
    ("management.permission.create", |m, s| {
        m.create_permission(s)
    }),
    ("management.permission.update", |m, s| {
        m.update_permission(s, false)
    }),
    ("management.permission.update_by_id", |m, s| {
        m.update_permission(s, true)
    }),
    ("management.permission.delete", |m, s| {
        m.delete_permission(s, false)
    }),
    ("management.permission.delete_by_id", |m, s| {
        m.delete_permission(s, true)
    }),
    ("management.permission.load_all", |_, s| {
        Ok(json!({ "permissions": s.directory.permissions }))
    }),
    ("management.access_key.create", |m, s| m.create_key(s)),
    ("management.access_key.load", |m, s| m.load_key(s)),
    ("management.access_key.search", |m, s| m.search_keys(s)),
    ("management.access_key.activate", |m, s| {
        m.key_status(s, "id", "active")
    }),
    ("management.access_key.activate_batch", |m, s| {
        m.key_status(s, "ids", "active")
    }),
    ("management.access_key.deactivate", |m, s| {
        m.key_status(s, "id", "inactive")
    }),
    ("management.access_key.deactivate_batch", |m, s| {
        m.key_status(s, "ids", "inactive")
    }),
    ("management.access_key.delete", |m, s| {
        m.delete_keys(s, "id")
    }),
    ("management.access_key.delete_batch", |m, s| {
        m.delete_keys(s, "ids")
    }),
    ("auth.access_key.exchange", |m, s| m.exchange(s)),
];

/// The ids of the operations implemented here.
pub(crate) fn implemented() -> impl Iterator<Item = &'static str> {
    OPERATIONS.iter().map(|(id, _)| *id)
}

/// Runs the operation when it is one of this module's; `None` otherwise.
pub(crate) fn dispatch(
    shared: &Shared,
    state: &mut State,
    req: &Request<'_>,
    now: u64,
) -> Option<Result<Value, Fail>> {
    let (_, handler) = OPERATIONS.iter().find(|(id, _)| *id == req.op.id)?;
    let mx = Mx { shared, now, req };
    Some(handler(&mx, state))
}

/// How a roles call changes the user's roles.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Roles {
    Add,
    Set,
    Remove,
}

struct Mx<'a> {
    shared: &'a Shared,
    now: u64,
    req: &'a Request<'a>,
}

impl Mx<'_> {
    fn cap(&self) -> usize {
        self.shared.limits.max_objects
    }

    // ---- users -----------------------------------------------------------------------------

    /// A new user from a `create` body or a `BatchUser`, not yet stored.
    fn new_user(&self, state: &State, obj: &Map<String, Value>, test: bool) -> Result<User, Fail> {
        let login_id = str_of(obj, "loginId").trim().to_owned();
        if login_id.is_empty() {
            return fail(Code::InvalidArgument, "the login ID must not be empty");
        }
        let mut login_ids = vec![login_id.clone()];
        for extra in strings(obj.get("additionalLoginIds")) {
            if !extra.is_empty() && !login_ids.contains(&extra) {
                login_ids.push(extra);
            }
        }
        for id in &login_ids {
            if state.user_id_by_login(id).is_some() {
                return fail(
                    Code::UserExists,
                    format!("a user with login ID {id} already exists"),
                );
            }
        }
        let email = opt_of(obj, "email")
            .map(str::to_owned)
            .or_else(|| is_email(&login_id).then(|| login_id.clone()))
            .unwrap_or_default();
        let phone = opt_of(obj, "phone")
            .map(str::to_owned)
            .or_else(|| is_phone(&login_id).then(|| login_id.clone()))
            .unwrap_or_default();
        let status = opt_of(obj, "status").unwrap_or("enabled").to_owned();
        let mut user = User {
            user_id: self.shared.keys.random_id("U2"),
            login_ids,
            verified_email: flag_of(obj, "verifiedEmail") && !email.is_empty(),
            verified_phone: flag_of(obj, "verifiedPhone") && !phone.is_empty(),
            email,
            phone,
            name: String::new(),
            given_name: String::new(),
            middle_name: String::new(),
            family_name: String::new(),
            picture: String::new(),
            role_names: Vec::new(),
            tenants: Vec::new(),
            custom_attributes: Map::new(),
            created_time: self.now,
            status,
            test: test || flag_of(obj, "test"),
        };
        apply_profile(state, &mut user, obj, false);
        Ok(user)
    }

    fn create_user(&self, state: &mut State, test: bool) -> Result<Value, Fail> {
        let user = self.new_user(state, self.req.body, test)?;
        let reply = json!({ "user": user.to_json(), "created": true });
        state.insert_user(user, self.now, &self.shared.limits);
        Ok(reply)
    }

    fn create_batch(&self, state: &mut State) -> Result<Value, Fail> {
        let mut created = Vec::new();
        let mut failed = Vec::new();
        for entry in self
            .req
            .body
            .get("users")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let Some(obj) = entry.as_object() else {
                continue;
            };
            match self.new_user(state, obj, false) {
                Ok(user) => {
                    created.push(user.to_json());
                    state.insert_user(user, self.now, &self.shared.limits);
                }
                Err(error) => {
                    let login_id = str_of(obj, "loginId");
                    failed.push(json!({
                        "failure": error.message,
                        "user": { "loginIds": [login_id], "userId": "" },
                    }));
                }
            }
        }
        Ok(json!({
            "createdUsers": created,
            "failedUsers": failed,
            "additionalErrors": {},
        }))
    }

    /// The user ID of the user `id` names, by login ID or by user ID.
    fn find(&self, state: &State, id: &str) -> Result<String, Fail> {
        if let Some(user_id) = state.user_id_by_login(id) {
            return Ok(user_id.to_owned());
        }
        if state.user(id).is_some() {
            return Ok(id.to_owned());
        }
        fail(
            Code::UserNotFound,
            format!("no user has login ID or user ID {id}"),
        )
    }

    fn reply(state: &State, user_id: &str) -> Value {
        let user = state
            .user(user_id)
            .map(User::to_json)
            .unwrap_or(Value::Null);
        json!({ "user": user, "created": false })
    }

    fn load_user(&self, state: &mut State) -> Result<Value, Fail> {
        let query = self.req.query;
        let id = query
            .get("loginId")
            .or_else(|| query.get("userId"))
            .map(String::as_str)
            .filter(|id| !id.is_empty());
        let Some(id) = id else {
            return fail(Code::InvalidArgument, "give `loginId` or `userId`");
        };
        let user_id = self.find(state, id)?;
        Ok(Mx::reply(state, &user_id))
    }

    fn load_batch(&self, state: &mut State) -> Result<Value, Fail> {
        let users: Vec<Value> = strings(self.req.body.get("userIds"))
            .iter()
            .filter_map(|id| state.user(id))
            .map(User::to_json)
            .collect();
        let total = users.len();
        Ok(json!({ "users": users, "total": total }))
    }

    fn search_users(&self, state: &mut State, test_only: bool) -> Result<Value, Fail> {
        let body = self.req.body;
        let login_ids = strings(body.get("loginIds"));
        let user_ids = strings(body.get("userIds"));
        let emails = strings(body.get("emails"));
        let phones = strings(body.get("phones"));
        let statuses = strings(body.get("statuses"));
        let tenant_ids = strings(body.get("tenantIds"));
        let role_names = strings(body.get("roleNames"));
        let text = opt_of(body, "text").map(str::to_lowercase);
        let test_only = test_only || flag_of(body, "testUsersOnly");
        let with_test = test_only || flag_of(body, "withTestUser");
        let users: Vec<&User> = state
            .users_in_order()
            .into_iter()
            .filter(|u| {
                if test_only {
                    u.test
                } else {
                    with_test || !u.test
                }
            })
            .filter(|u| login_ids.is_empty() || u.login_ids.iter().any(|l| login_ids.contains(l)))
            .filter(|u| user_ids.is_empty() || user_ids.contains(&u.user_id))
            .filter(|u| emails.is_empty() || emails.contains(&u.email))
            .filter(|u| phones.is_empty() || phones.contains(&u.phone))
            .filter(|u| statuses.is_empty() || statuses.contains(&u.status))
            .filter(|u| {
                tenant_ids.is_empty() || u.tenants.iter().any(|t| tenant_ids.contains(&t.tenant_id))
            })
            .filter(|u| {
                role_names.is_empty()
                    || u.role_names.iter().any(|r| role_names.contains(r))
                    || u.tenants
                        .iter()
                        .any(|t| t.role_names.iter().any(|r| role_names.contains(r)))
            })
            .filter(|u| {
                text.as_deref().is_none_or(|text| {
                    u.login_ids.iter().any(|l| l.to_lowercase().contains(text))
                        || u.email.to_lowercase().contains(text)
                        || u.phone.contains(text)
                        || u.name.to_lowercase().contains(text)
                })
            })
            .collect();
        let total = users.len();
        let int = |name: &str| body.get(name).and_then(Value::as_i64).unwrap_or(0).max(0);
        let limit = match int("limit") {
            0 => 100,
            n => usize::try_from(n).unwrap_or(usize::MAX),
        };
        let page = usize::try_from(int("page")).unwrap_or(usize::MAX);
        let page: Vec<Value> = users
            .into_iter()
            .skip(page.saturating_mul(limit))
            .take(limit)
            .map(User::to_json)
            .collect();
        Ok(json!({ "users": page, "total": total }))
    }

    /// `update` (every field replaced) or `patch` (only the fields sent).
    fn change_user(&self, state: &mut State, replace: bool) -> Result<Value, Fail> {
        let body = self.req.body;
        let user_id = self.find(state, str_of(body, "loginId"))?;
        let mut user = state.user(&user_id).cloned().expect("found above");
        let extra_name = if replace {
            "additionalLoginIds"
        } else {
            "additionalIdentifiers"
        };
        if replace || body.contains_key(extra_name) {
            let first = user.login_ids.first().cloned().unwrap_or_default();
            let mut login_ids = vec![first];
            for extra in strings(body.get(extra_name)) {
                if let Some(holder) = state.user_id_by_login(&extra)
                    && holder != user_id
                {
                    return fail(
                        Code::UserExists,
                        format!("a user with login ID {extra} already exists"),
                    );
                }
                if !extra.is_empty() && !login_ids.contains(&extra) {
                    login_ids.push(extra);
                }
            }
            user.login_ids = login_ids;
        }
        for (field, verified, is_phone_field) in [
            ("email", "verifiedEmail", false),
            ("phone", "verifiedPhone", true),
        ] {
            let (value, flag) = if is_phone_field {
                (&mut user.phone, &mut user.verified_phone)
            } else {
                (&mut user.email, &mut user.verified_email)
            };
            if replace || body.contains_key(field) {
                *value = str_of(body, field).to_owned();
            }
            if replace || body.contains_key(verified) {
                *flag = flag_of(body, verified) && !value.is_empty();
            }
        }
        if let Some(status) = opt_of(body, "status") {
            status.clone_into(&mut user.status);
        }
        apply_profile(state, &mut user, body, !replace);
        state.update_user(&user_id, |u| *u = user);
        Ok(Mx::reply(state, &user_id))
    }

    fn update_status(&self, state: &mut State) -> Result<Value, Fail> {
        let user_id = self.find(state, str_of(self.req.body, "loginId"))?;
        let status = str_of(self.req.body, "status").to_owned();
        if status == "disabled" {
            state.revoke_all(&user_id);
        }
        state.update_user(&user_id, |u| u.status = status);
        Ok(Mx::reply(state, &user_id))
    }

    fn user_tenant(&self, state: &mut State, add: bool) -> Result<Value, Fail> {
        let body = self.req.body;
        let user_id = self.find(state, str_of(body, "loginId"))?;
        let tenant_id = str_of(body, "tenantId").to_owned();
        let name = tenant_name(state, &tenant_id);
        state.update_user(&user_id, |u| {
            if add {
                if !u.tenants.iter().any(|t| t.tenant_id == tenant_id) {
                    u.tenants.push(UserTenant {
                        tenant_id,
                        tenant_name: name,
                        role_names: Vec::new(),
                    });
                }
            } else {
                u.tenants.retain(|t| t.tenant_id != tenant_id);
            }
        });
        Ok(Mx::reply(state, &user_id))
    }

    fn user_roles(&self, state: &mut State, how: Roles) -> Result<Value, Fail> {
        let body = self.req.body;
        let user_id = self.find(state, str_of(body, "loginId"))?;
        let roles = strings(body.get("roleNames"));
        let tenant = opt_of(body, "tenantId").map(str::to_owned);
        let name = tenant.as_deref().map(|t| tenant_name(state, t));
        state.update_user(&user_id, |u| {
            let list = match (&tenant, name) {
                (None, _) => &mut u.role_names,
                (Some(tenant_id), name) => {
                    if !u.tenants.iter().any(|t| &t.tenant_id == tenant_id) {
                        u.tenants.push(UserTenant {
                            tenant_id: tenant_id.clone(),
                            tenant_name: name.unwrap_or_default(),
                            role_names: Vec::new(),
                        });
                    }
                    let found = u.tenants.iter_mut().find(|t| &t.tenant_id == tenant_id);
                    &mut found.expect("just added").role_names
                }
            };
            change_list(list, &roles, how);
        });
        Ok(Mx::reply(state, &user_id))
    }

    fn delete_user(&self, state: &mut State) -> Result<Value, Fail> {
        let body = self.req.body;
        let id = opt_of(body, "loginId").or_else(|| opt_of(body, "userId"));
        // Deleting a user who does not exist succeeds, as in Descope.
        if let Some(user_id) = id.and_then(|id| self.find(state, id).ok()) {
            state.remove_user(&user_id);
        }
        Ok(json!({}))
    }

    fn delete_users(&self, state: &mut State) -> Result<Value, Fail> {
        for id in strings(self.req.body.get("userIds")) {
            state.remove_user(&id);
        }
        Ok(json!({}))
    }

    fn delete_test_users(&self, state: &mut State) -> Result<Value, Fail> {
        let test: Vec<String> = state
            .users()
            .filter(|u| u.test)
            .map(|u| u.user_id.clone())
            .collect();
        for user_id in test {
            state.remove_user(&user_id);
        }
        Ok(json!({}))
    }

    // ---- codes and links for test users ------------------------------------------------------

    /// The test user `loginId` names.
    fn test_user(&self, state: &State) -> Result<User, Fail> {
        let login_id = str_of(self.req.body, "loginId");
        let user_id = self.find(state, login_id)?;
        let user = state.user(&user_id).cloned().expect("found above");
        if !user.test {
            return fail(
                Code::InvalidArgument,
                format!("{login_id} is not a test user (create it with create_test_user)"),
            );
        }
        check_enabled(&user)?;
        Ok(user)
    }

    fn options(&self) -> SignInOptions {
        let mut options = SignInOptions::default();
        let login = self.req.body.get("loginOptions").and_then(Value::as_object);
        if let Some(Value::Object(claims)) = login.and_then(|l| l.get("customClaims")) {
            options.custom_claims = claims.clone();
        }
        if let Some(Value::Object(claims)) = self.req.body.get("customClaims") {
            options.custom_claims = claims.clone();
        }
        options
    }

    fn pending(&self, channel: Channel, amr: &'static str, user: &User, code: &str) -> Pending {
        let limits = &self.shared.limits;
        Pending {
            code: code.to_owned(),
            created: self.now,
            expires: self.now + limits.code_ttl.as_secs(),
            attempts_left: limits.max_attempts.max(1),
            channel,
            amr,
            action: Action::SignIn {
                user_id: user.user_id.clone(),
            },
            options: self.options(),
            pending_ref: None,
        }
    }

    fn channel(&self) -> Result<Channel, Fail> {
        let text = opt_of(self.req.body, "deliveryMethod").unwrap_or("email");
        // `Embedded` sends nothing; the code verifies as an email code.
        if text == "Embedded" {
            return Ok(Channel::Email);
        }
        Channel::parse(text).ok_or_else(|| {
            Fail::new(
                Code::ValidationFailure,
                format!("unknown delivery method `{text}`"),
            )
        })
    }

    fn test_otp(&self, state: &mut State) -> Result<Value, Fail> {
        let user = self.test_user(state)?;
        let channel = self.channel()?;
        let login_id = str_of(self.req.body, "loginId").to_owned();
        let code = self.shared.keys.random_code();
        let pending = self.pending(channel, "otp", &user, &code);
        let key = PendingKey::Code {
            login_id: login_id.clone(),
            channel,
        };
        state.put_pending(key, pending, &self.shared.limits);
        Ok(json!({ "loginId": login_id, "code": code }))
    }

    fn link(&self, token: &str) -> String {
        let base = opt_of(self.req.body, "URI").unwrap_or(&self.shared.redirect_url);
        let separator = if base.contains('?') { '&' } else { '?' };
        format!("{base}{separator}t={token}")
    }

    fn test_link(&self, state: &mut State, enchanted: bool) -> Result<Value, Fail> {
        let user = self.test_user(state)?;
        let channel = if enchanted {
            Channel::Email
        } else {
            self.channel()?
        };
        let login_id = str_of(self.req.body, "loginId").to_owned();
        let keys = &self.shared.keys;
        let limits = &self.shared.limits;
        let token = keys.random_token();
        let amr = if enchanted {
            "enchantedlink"
        } else {
            "magiclink"
        };
        let mut pending = self.pending(channel, amr, &user, &token);
        let link = self.link(&token);
        if !enchanted {
            state.put_pending(PendingKey::Link(token), pending, limits);
            return Ok(json!({ "loginId": login_id, "link": link }));
        }
        let pending_ref = keys.random_token();
        pending.pending_ref = Some(pending_ref.clone());
        state.put_pending(PendingKey::Link(token), pending, limits);
        let flow = Enchanted {
            created: self.now,
            expires: self.now + limits.code_ttl.as_secs(),
            done: None,
        };
        state.put_enchanted(pending_ref.clone(), flow, limits);
        Ok(json!({ "loginId": login_id, "link": link, "pendingRef": pending_ref }))
    }

    /// An embedded link: a token `auth.magic_link.verify` signs the user in with.
    fn embedded_link(&self, state: &mut State) -> Result<Value, Fail> {
        let user_id = self.find(state, str_of(self.req.body, "loginId"))?;
        let user = state.user(&user_id).cloned().expect("found above");
        check_enabled(&user)?;
        let token = self.shared.keys.random_token();
        let mut pending = self.pending(Channel::Email, "magiclink", &user, &token);
        if let Some(timeout) = self.req.body.get("timeout").and_then(Value::as_u64)
            && timeout > 0
        {
            pending.expires = self.now.saturating_add(timeout);
        }
        state.put_pending(
            PendingKey::Link(token.clone()),
            pending,
            &self.shared.limits,
        );
        Ok(json!({
            "token": token,
            "maskedEmail": if user.email.is_empty() { String::new() } else { mask_email(&user.email) },
            "maskedPhone": if user.phone.is_empty() { String::new() } else { mask_phone(&user.phone) },
        }))
    }

    // ---- tenants ---------------------------------------------------------------------------

    fn create_tenant(&self, state: &mut State) -> Result<Value, Fail> {
        let body = self.req.body;
        let id = opt_of(body, "id")
            .map(str::to_owned)
            .unwrap_or_else(|| self.shared.keys.random_id("T2"));
        if find_by(&state.directory.tenants, "id", &id).is_some() {
            return fail(
                Code::InvalidArgument,
                format!("a tenant with ID {id} already exists"),
            );
        }
        let mut tenant = json_object(json!({
            "id": id,
            "name": str_of(body, "name"),
            "customAttributes": {},
            "selfProvisioningDomains": [],
            "domains": [],
            "createdTime": self.now,
            "disabled": false,
            "enforceSSO": false,
            "enforceSSOExclusions": [],
            "federatedAppIds": [],
            "parent": str_of(body, "parent"),
            "successors": [],
            "defaultRoles": [],
        }));
        copy_fields(&mut tenant, body, TENANT_FIELDS);
        push_capped(&mut state.directory.tenants, tenant, self.cap());
        Ok(json!({ "id": id }))
    }

    fn load_tenant(&self, state: &mut State) -> Result<Value, Fail> {
        let id = self.req.query.get("id").map_or("", String::as_str);
        match find_by(&state.directory.tenants, "id", id) {
            Some(i) => Ok(Value::Object(state.directory.tenants[i].clone())),
            None => fail(Code::InvalidArgument, format!("no tenant has ID {id}")),
        }
    }

    fn search_tenants(&self, state: &mut State) -> Result<Value, Fail> {
        let ids = strings(self.req.body.get("tenantIds"));
        let names = strings(self.req.body.get("tenantNames"));
        let tenants: Vec<&Map<String, Value>> = state
            .directory
            .tenants
            .iter()
            .filter(|t| ids.is_empty() || ids.iter().any(|id| t["id"] == json!(id)))
            .filter(|t| names.is_empty() || names.iter().any(|n| t["name"] == json!(n)))
            .collect();
        Ok(json!({ "tenants": tenants }))
    }

    fn update_tenant(&self, state: &mut State) -> Result<Value, Fail> {
        let body = self.req.body;
        let id = str_of(body, "id");
        let Some(i) = find_by(&state.directory.tenants, "id", id) else {
            return fail(Code::InvalidArgument, format!("no tenant has ID {id}"));
        };
        let tenant = &mut state.directory.tenants[i];
        copy_fields(tenant, body, TENANT_FIELDS);
        let name = str_of(tenant, "name").to_owned();
        for user in state
            .users()
            .filter(|u| u.tenants.iter().any(|t| t.tenant_id == id))
            .map(|u| u.user_id.clone())
            .collect::<Vec<_>>()
        {
            state.update_user(&user, |u| {
                for t in u.tenants.iter_mut().filter(|t| t.tenant_id == id) {
                    t.tenant_name.clone_from(&name);
                }
            });
        }
        Ok(json!({}))
    }

    fn delete_tenant(&self, state: &mut State) -> Result<Value, Fail> {
        let id = str_of(self.req.body, "id").to_owned();
        state.directory.tenants.retain(|t| t["id"] != json!(id));
        state
            .directory
            .roles
            .retain(|r| r.get("tenantId").is_none_or(|t| *t != json!(id)));
        let members: Vec<String> = state
            .users()
            .filter(|u| u.tenants.iter().any(|t| t.tenant_id == id))
            .map(|u| u.user_id.clone())
            .collect();
        for user_id in members {
            state.update_user(&user_id, |u| u.tenants.retain(|t| t.tenant_id != id));
        }
        Ok(json!({}))
    }

    // ---- roles -----------------------------------------------------------------------------

    /// The index of the role the body names: by `id`, or by `name` within `tenantId`.
    fn role_index(&self, state: &State, by_id: bool) -> Result<usize, Fail> {
        let body = self.req.body;
        let tenant = json!(str_of(body, "tenantId"));
        let found = if by_id {
            find_by(&state.directory.roles, "id", str_of(body, "id"))
        } else {
            let name = json!(str_of(body, "name"));
            state
                .directory
                .roles
                .iter()
                .position(|r| r["name"] == name && r["tenantId"] == tenant)
        };
        found.ok_or_else(|| Fail::new(Code::InvalidArgument, "no such role"))
    }

    fn create_role(&self, state: &mut State) -> Result<Value, Fail> {
        if self.role_index(state, false).is_ok() {
            return fail(
                Code::InvalidArgument,
                format!(
                    "a role named {} already exists",
                    str_of(self.req.body, "name")
                ),
            );
        }
        let mut role = json_object(json!({
            "id": self.shared.keys.random_id("RL"),
            "name": str_of(self.req.body, "name"),
            "description": "",
            "permissionNames": [],
            "createdTime": self.now,
            "tenantId": str_of(self.req.body, "tenantId"),
            "default": false,
            "private": false,
        }));
        copy_fields(&mut role, self.req.body, ROLE_FIELDS);
        push_capped(&mut state.directory.roles, role.clone(), self.cap());
        Ok(Value::Object(role))
    }

    fn update_role(&self, state: &mut State, by_id: bool) -> Result<Value, Fail> {
        let i = self.role_index(state, by_id)?;
        let role = &mut state.directory.roles[i];
        copy_fields(role, self.req.body, ROLE_FIELDS);
        if let Some(new_name) = opt_of(self.req.body, "newName") {
            role.insert("name".to_owned(), json!(new_name));
        }
        Ok(Value::Object(role.clone()))
    }

    fn delete_role(&self, state: &mut State, by_id: bool) -> Result<Value, Fail> {
        if let Ok(i) = self.role_index(state, by_id) {
            state.directory.roles.remove(i);
        }
        Ok(json!({}))
    }

    // ---- permissions -------------------------------------------------------------------------

    fn permission_index(&self, state: &State, by_id: bool) -> Option<usize> {
        let (field, value) = if by_id {
            ("id", "id")
        } else {
            ("name", "name")
        };
        find_by(
            &state.directory.permissions,
            field,
            str_of(self.req.body, value),
        )
    }

    fn create_permission(&self, state: &mut State) -> Result<Value, Fail> {
        let name = str_of(self.req.body, "name");
        if self.permission_index(state, false).is_some() {
            return fail(
                Code::InvalidArgument,
                format!("a permission named {name} already exists"),
            );
        }
        let permission = json_object(json!({
            "id": self.shared.keys.random_id("PR"),
            "name": name,
            "description": str_of(self.req.body, "description"),
            "systemDefault": false,
        }));
        push_capped(&mut state.directory.permissions, permission, self.cap());
        Ok(json!({}))
    }

    fn update_permission(&self, state: &mut State, by_id: bool) -> Result<Value, Fail> {
        let Some(i) = self.permission_index(state, by_id) else {
            return fail(Code::InvalidArgument, "no such permission");
        };
        let permission = &mut state.directory.permissions[i];
        if let Some(new_name) = opt_of(self.req.body, "newName") {
            permission.insert("name".to_owned(), json!(new_name));
        }
        if let Some(description) = self.req.body.get("description") {
            permission.insert("description".to_owned(), description.clone());
        }
        Ok(json!({}))
    }

    fn delete_permission(&self, state: &mut State, by_id: bool) -> Result<Value, Fail> {
        if let Some(i) = self.permission_index(state, by_id) {
            state.directory.permissions.remove(i);
        }
        Ok(json!({}))
    }

    // ---- access keys -----------------------------------------------------------------------

    fn create_key(&self, state: &mut State) -> Result<Value, Fail> {
        let body = self.req.body;
        let keys = &self.shared.keys;
        let id = keys.random_id("K2");
        let cleartext = format!("{id}{}", keys.random_token());
        let tenants: Vec<Value> = body
            .get("keyTenants")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_object)
            .map(|t| {
                let tenant_id = str_of(t, "tenantId");
                json!({
                    "tenantId": tenant_id,
                    "roleNames": strings(t.get("roleNames")),
                    "tenantName": tenant_name(state, tenant_id),
                })
            })
            .collect();
        let key = json_object(json!({
            "id": id,
            "name": str_of(body, "name"),
            "roleNames": strings(body.get("roleNames")),
            "keyTenants": tenants,
            "status": "active",
            "createdTime": self.now,
            "expireTime": body.get("expireTime").and_then(Value::as_i64).unwrap_or(0),
            "createdBy": "",
            "clientId": "",
            "boundUserId": str_of(body, "userId"),
            "customClaims": body.get("customClaims").cloned().unwrap_or_else(|| json!({})),
            "editable": true,
            "description": str_of(body, "description"),
            "permittedIps": strings(body.get("permittedIps")),
            "customAttributes": body.get("customAttributes").cloned().unwrap_or_else(|| json!({})),
        }));
        let reply = json!({ "cleartext": cleartext, "key": key });
        push_capped(
            &mut state.directory.access_keys,
            (cleartext, key),
            self.cap(),
        );
        Ok(reply)
    }

    fn load_key(&self, state: &mut State) -> Result<Value, Fail> {
        let id = json!(self.req.query.get("id").map_or("", String::as_str));
        match state
            .directory
            .access_keys
            .iter()
            .find(|(_, k)| k["id"] == id)
        {
            Some((_, key)) => Ok(json!({ "key": key })),
            None => fail(Code::InvalidArgument, format!("no access key has ID {id}")),
        }
    }

    fn search_keys(&self, state: &mut State) -> Result<Value, Fail> {
        let body = self.req.body;
        let tenant_ids = strings(body.get("tenantIds"));
        let text = opt_of(body, "text").map(str::to_lowercase);
        let bound = opt_of(body, "boundUserId");
        let keys: Vec<&Map<String, Value>> = state
            .directory
            .access_keys
            .iter()
            .map(|(_, k)| k)
            .filter(|k| {
                tenant_ids.is_empty()
                    || k["keyTenants"].as_array().is_some_and(|ts| {
                        ts.iter()
                            .any(|t| tenant_ids.iter().any(|id| t["tenantId"] == json!(id)))
                    })
            })
            .filter(|k| {
                text.as_deref()
                    .is_none_or(|text| str_of(k, "name").to_lowercase().contains(text))
            })
            .filter(|k| bound.is_none_or(|b| k["boundUserId"] == json!(b)))
            .collect();
        Ok(json!({ "keys": keys }))
    }

    /// The IDs a call names: `id`, or the list `ids`.
    fn ids(&self, field: &str) -> Vec<String> {
        match self.req.body.get(field) {
            Some(Value::String(id)) => vec![id.clone()],
            other => strings(other),
        }
    }

    fn key_status(&self, state: &mut State, field: &str, status: &str) -> Result<Value, Fail> {
        let ids = self.ids(field);
        for (_, key) in state.directory.access_keys.iter_mut() {
            if ids.iter().any(|id| key["id"] == json!(id)) {
                key.insert("status".to_owned(), json!(status));
            }
        }
        Ok(json!({}))
    }

    fn delete_keys(&self, state: &mut State, field: &str) -> Result<Value, Fail> {
        let ids = self.ids(field);
        state
            .directory
            .access_keys
            .retain(|(_, key)| !ids.iter().any(|id| key["id"] == json!(id)));
        Ok(json!({}))
    }

    /// `auth.access_key.exchange`: a session JWT for an active access key.
    fn exchange(&self, state: &mut State) -> Result<Value, Fail> {
        let Caller::AccessKey(cleartext) = &self.req.caller else {
            return fail(
                Code::MissingAuthorization,
                "this operation needs an access key",
            );
        };
        let Some((_, key)) = state
            .directory
            .access_keys
            .iter()
            .find(|(c, _)| c == cleartext)
        else {
            return fail(Code::InvalidKey, "unknown access key");
        };
        if key["status"] != json!("active") {
            return fail(Code::InvalidKey, "the access key is deactivated");
        }
        let expire = key["expireTime"].as_u64().unwrap_or(0);
        if expire != 0 && expire <= self.now {
            return fail(Code::InvalidKey, "the access key has expired");
        }
        let exp = self.now + self.shared.limits.session_ttl.as_secs();
        let tenants: Map<String, Value> = key["keyTenants"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|t| {
                (
                    str_of(t.as_object().unwrap_or(&Map::new()), "tenantId").to_owned(),
                    json!({ "roles": t["roleNames"], "permissions": [] }),
                )
            })
            .collect();
        let mut claims = key["customClaims"].as_object().cloned().unwrap_or_default();
        let login = self.req.body.get("loginOptions").and_then(Value::as_object);
        if let Some(Value::Object(extra)) = login.and_then(|l| l.get("customClaims")) {
            claims.extend(extra.clone());
        }
        for (name, value) in [
            ("sub", key["id"].clone()),
            ("iss", json!(self.shared.issuer)),
            ("iat", json!(self.now)),
            ("exp", json!(exp)),
            ("drn", json!("DS")),
            ("roles", key["roleNames"].clone()),
            ("permissions", json!([])),
            ("tenants", Value::Object(tenants)),
        ] {
            claims.insert(name.to_owned(), value);
        }
        if let Some(tenant) = login.and_then(|l| opt_of(l, "selectedTenant")) {
            claims.insert("dct".to_owned(), json!(tenant));
        }
        Ok(json!({
            "keyId": key["id"],
            "sessionJwt": self.shared.keys.sign(&claims, self.now),
            "expiration": exp,
        }))
    }
}

/// Tenant fields a create or update copies from the body as sent.
const TENANT_FIELDS: &[&str] = &[
    "name",
    "selfProvisioningDomains",
    "customAttributes",
    "authType",
    "disabled",
    "enforceSSO",
    "enforceSSOExclusions",
    "federatedAppIds",
    "roleInheritance",
];

/// Role fields a create or update copies from the body as sent.
const ROLE_FIELDS: &[&str] = &["description", "permissionNames", "default", "private"];

fn copy_fields(target: &mut Map<String, Value>, body: &Map<String, Value>, fields: &[&str]) {
    for field in fields {
        if let Some(value) = body.get(*field).filter(|v| !v.is_null()) {
            target.insert((*field).to_owned(), value.clone());
        }
    }
}

fn json_object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

fn find_by<'a>(
    list: impl IntoIterator<Item = &'a Map<String, Value>>,
    field: &str,
    value: &str,
) -> Option<usize> {
    let value = json!(value);
    list.into_iter()
        .position(|item| item.get(field) == Some(&value))
}

fn tenant_name(state: &State, tenant_id: &str) -> String {
    find_by(&state.directory.tenants, "id", tenant_id)
        .and_then(|i| state.directory.tenants[i].get("name"))
        .and_then(Value::as_str)
        .filter(|n| !n.is_empty())
        .unwrap_or(tenant_id)
        .to_owned()
}

fn change_list(list: &mut Vec<String>, items: &[String], how: Roles) {
    match how {
        Roles::Set => list.clone_from(&items.to_vec()),
        Roles::Add => {
            for item in items {
                if !list.contains(item) {
                    list.push(item.clone());
                }
            }
        }
        Roles::Remove => list.retain(|r| !items.contains(r)),
    }
}

/// Names, picture, roles, tenants and custom attributes from a create, update or patch body;
/// with `only_sent`, fields the body leaves out stay as they are.
fn apply_profile(state: &State, user: &mut User, obj: &Map<String, Value>, only_sent: bool) {
    let display = if obj.contains_key("displayName") {
        "displayName"
    } else {
        "name"
    };
    for (field, value) in [
        (display, &mut user.name),
        ("givenName", &mut user.given_name),
        ("middleName", &mut user.middle_name),
        ("familyName", &mut user.family_name),
        ("picture", &mut user.picture),
    ] {
        if !only_sent || obj.contains_key(field) {
            str_of(obj, field).clone_into(value);
        }
    }
    if !only_sent || obj.contains_key("roleNames") {
        user.role_names = strings(obj.get("roleNames"));
    }
    if !only_sent || obj.contains_key("userTenants") {
        user.tenants = obj
            .get("userTenants")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_object)
            .map(|t| {
                let tenant_id = str_of(t, "tenantId").to_owned();
                UserTenant {
                    tenant_name: tenant_name(state, &tenant_id),
                    tenant_id,
                    role_names: strings(t.get("roleNames")),
                }
            })
            .collect();
    }
    if let Some(Value::Object(attributes)) = obj.get("customAttributes") {
        if only_sent {
            user.custom_attributes.extend(attributes.clone());
        } else {
            user.custom_attributes = attributes.clone();
        }
    } else if !only_sent {
        user.custom_attributes = Map::new();
    }
}

fn str_of<'a>(obj: &'a Map<String, Value>, name: &str) -> &'a str {
    obj.get(name).and_then(Value::as_str).unwrap_or_default()
}

fn opt_of<'a>(obj: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    obj.get(name)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

fn flag_of(obj: &Map<String, Value>, name: &str) -> bool {
    obj.get(name).and_then(Value::as_bool).unwrap_or(false)
}

fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}
