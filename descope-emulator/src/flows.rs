//! The implemented operations: one-time codes, magic links and sessions.
//!
//! Every function here runs with the state locked and the request already routed, authorized
//! and checked against the spec, so required fields are present and have their spec types.

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use descope_spec::Endpoint;

use crate::api::{is_email, is_phone};
use crate::auth::{Caller, Kind, Token};
use crate::error::{Code, Fail, fail};
use crate::model::{Channel, Message, Purpose, User, UserTenant, mask_email, mask_phone};
use crate::server::Shared;
use crate::state::{
    Action, Address, Enchanted, Pending, PendingKey, Profile, SessionRecord, SignInOptions, State,
};

/// A routed, authorized and checked request.
pub(crate) struct Request<'a> {
    pub op: &'a Endpoint,
    pub params: &'a HashMap<String, String>,
    pub body: &'a Map<String, Value>,
    /// The query string's fields (checked against the spec).
    pub query: &'a HashMap<String, String>,
    pub caller: Caller,
}

/// How a code reaches the user: a one-time code, a magic link with a token, or an enchanted
/// link (a magic link whose session the starting screen collects with a pending reference).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Delivery {
    Code,
    Link,
    Enchanted,
}

/// What implements one operation.
type Handler = fn(&Cx<'_>, &mut State) -> Result<Value, Fail>;

/// Every operation the emulator implements, by its id in the spec (`auth.otp.verify`), with
/// what implements it: the one list both dispatch and [`implemented`] read. Every other operation
/// of the spec answers 501.
const OPERATIONS: &[(&str, Handler)] = &[
    ("auth.otp.sign_up_email", |cx, s| {
        cx.sign_up(s, Channel::Email, Delivery::Code)
    }),
    ("auth.otp.sign_up_phone", |cx, s| {
        cx.sign_up(s, cx.method()?, Delivery::Code)
    }),
    ("auth.otp.sign_in", |cx, s| {
        cx.sign_in(s, cx.method()?, Delivery::Code)
    }),
    ("auth.otp.sign_up_or_in", |cx, s| {
        cx.sign_up_or_in(s, cx.method()?, Delivery::Code)
    }),
    ("auth.otp.verify", |cx, s| cx.verify_code(s, cx.method()?)),
    ("auth.otp.update_email", |cx, s| {
        cx.update(s, Channel::Email, Delivery::Code)
    }),
    ("auth.otp.update_phone", |cx, s| {
        cx.update(s, cx.method()?, Delivery::Code)
    }),
    ("auth.magic_link.sign_up_email", |cx, s| {
        cx.sign_up(s, Channel::Email, Delivery::Link)
    }),
    ("auth.magic_link.sign_up_phone", |cx, s| {
        cx.sign_up(s, cx.method()?, Delivery::Link)
    }),
    ("auth.magic_link.sign_in_email", |cx, s| {
        cx.sign_in(s, Channel::Email, Delivery::Link)
    }),
    ("auth.magic_link.sign_in_phone", |cx, s| {
        cx.sign_in(s, cx.method()?, Delivery::Link)
    }),
    ("auth.magic_link.sign_up_or_in_email", |cx, s| {
        cx.sign_up_or_in(s, Channel::Email, Delivery::Link)
    }),
    ("auth.magic_link.sign_up_or_in_phone", |cx, s| {
        cx.sign_up_or_in(s, cx.method()?, Delivery::Link)
    }),
    ("auth.magic_link.verify", |cx, s| {
        cx.verify_link(s, Delivery::Link)
    }),
    ("auth.magic_link.update_email", |cx, s| {
        cx.update(s, Channel::Email, Delivery::Link)
    }),
    ("auth.magic_link.update_phone", |cx, s| {
        cx.update(s, cx.method()?, Delivery::Link)
    }),
    ("auth.enchanted_link.sign_up_email", |cx, s| {
        cx.sign_up(s, Channel::Email, Delivery::Enchanted)
    }),
    ("auth.enchanted_link.sign_in_email", |cx, s| {
        cx.sign_in(s, Channel::Email, Delivery::Enchanted)
    }),
    ("auth.enchanted_link.sign_up_or_in_email", |cx, s| {
        cx.sign_up_or_in(s, Channel::Email, Delivery::Enchanted)
    }),
    ("auth.enchanted_link.verify", |cx, s| {
        cx.verify_link(s, Delivery::Enchanted)
    }),
    ("auth.enchanted_link.get_session", |cx, s| {
        cx.enchanted_session(s)
    }),
    ("auth.enchanted_link.update_email", |cx, s| {
        cx.update(s, Channel::Email, Delivery::Enchanted)
    }),
    ("auth.session.refresh", |cx, s| cx.refresh(s)),
    ("auth.session.try_refresh", |cx, s| cx.try_refresh(s)),
    ("auth.session.me", |cx, s| cx.me(s)),
    ("auth.session.me_history", |cx, s| cx.me_history(s)),
    ("auth.session.me_tenants", |cx, s| cx.me_tenants(s)),
    ("auth.session.select_tenant", |cx, s| cx.select_tenant(s)),
    ("auth.session.logout", |cx, s| cx.logout(s, false)),
    ("auth.session.logout_all", |cx, s| cx.logout(s, true)),
    ("auth.session.validate", |cx, _| cx.validate()),
    ("auth.session.get_keys", |cx, _| {
        cx.keys().map(|keys| json!({ "keys": keys }))
    }),
    ("auth.session.get_keys_v1", |cx, _| {
        cx.keys().map(Value::Array)
    }),
];

/// The ids of the operations the emulator implements, in spec order of the table.
pub(crate) fn implemented() -> impl Iterator<Item = &'static str> {
    OPERATIONS
        .iter()
        .map(|(id, _)| *id)
        .chain(crate::management::implemented())
}

/// Runs the operation; `sent` collects the messages it put in the outbox.
pub(crate) fn dispatch(
    shared: &Shared,
    state: &mut State,
    req: &Request<'_>,
    now: u64,
) -> Result<Value, Fail> {
    let cx = Cx { shared, now, req };
    if let Some(result) = crate::management::dispatch(shared, state, req, now) {
        return result;
    }
    match OPERATIONS.iter().find(|(id, _)| *id == req.op.id) {
        Some((_, handler)) => handler(&cx, state),
        None => fail(
            Code::NotImplemented,
            format!(
                "the emulator checked this request against spec/ ({}: {} {}) but does not \
                 implement the operation",
                req.op.id,
                req.op.method.as_str(),
                req.op.path.text
            ),
        ),
    }
}

struct Cx<'a> {
    shared: &'a Shared,
    now: u64,
    req: &'a Request<'a>,
}

impl Cx<'_> {
    /// The delivery method in the path (`/otp/verify/{method}`), which routing has checked
    /// against its enum.
    fn method(&self) -> Result<Channel, Fail> {
        let text = self.req.params.get("method").map_or("", String::as_str);
        Channel::parse(text).ok_or_else(|| {
            Fail::new(
                Code::ValidationFailure,
                format!("unknown delivery method `{text}` in the path"),
            )
        })
    }

    // ---- sending ---------------------------------------------------------------------------

    fn sign_up(
        &self,
        state: &mut State,
        channel: Channel,
        delivery: Delivery,
    ) -> Result<Value, Fail> {
        let login_id = self.text("loginId");
        if state.user_id_by_login(login_id).is_some() {
            return fail(
                Code::UserExists,
                format!("a user with login ID {login_id} already exists"),
            );
        }
        let user = self.object("user");
        let from_user = |name: &str| {
            user.and_then(|u| u.get(name))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let (email, phone) = if channel.is_phone() {
            let phone = self.optional("phone").unwrap_or(login_id).to_owned();
            if !is_phone(&phone) {
                return fail(
                    Code::ValidationFailure,
                    format!(
                        "no phone number to send to: login ID {login_id} is not a phone number \
                         and the request has no `phone`"
                    ),
                );
            }
            (from_user("email"), phone)
        } else {
            let email = self.optional("email").unwrap_or(login_id).to_owned();
            if !is_email(&email) {
                return fail(
                    Code::ValidationFailure,
                    format!(
                        "no email address to send to: login ID {login_id} is not an email \
                         address and the request has no `email`"
                    ),
                );
            }
            (email, from_user("phone"))
        };
        let profile = Profile {
            name: from_user("name"),
            given_name: from_user("givenName"),
            middle_name: from_user("middleName"),
            family_name: from_user("familyName"),
            picture: from_user("icon"),
        };
        let options = self.sign_in_options(state, None)?;
        let to = if channel.is_phone() {
            phone.clone()
        } else {
            email.clone()
        };
        let action = Action::SignUp {
            login_id: login_id.to_owned(),
            email,
            phone,
            profile,
        };
        Ok(self.send(
            state,
            channel,
            delivery,
            &to,
            login_id,
            Purpose::SignUp,
            action,
            options,
        ))
    }

    fn sign_in(
        &self,
        state: &mut State,
        channel: Channel,
        delivery: Delivery,
    ) -> Result<Value, Fail> {
        let login_id = self.text("loginId");
        let Some(user) = state.user_by_login(login_id).cloned() else {
            return fail(
                Code::UserNotFound,
                format!("no user has login ID {login_id}"),
            );
        };
        check_enabled(&user)?;
        let to = if channel.is_phone() {
            &user.phone
        } else {
            &user.email
        };
        if to.is_empty() {
            let what = if channel.is_phone() {
                "phone number"
            } else {
                "email address"
            };
            return fail(
                Code::ValidationFailure,
                format!("the user with login ID {login_id} has no {what} to send to"),
            );
        }
        let options = self.sign_in_options(state, Some(&user))?;
        let action = Action::SignIn {
            user_id: user.user_id.clone(),
        };
        Ok(self.send(
            state,
            channel,
            delivery,
            to,
            login_id,
            Purpose::SignIn,
            action,
            options,
        ))
    }

    fn sign_up_or_in(
        &self,
        state: &mut State,
        channel: Channel,
        delivery: Delivery,
    ) -> Result<Value, Fail> {
        if state.user_id_by_login(self.text("loginId")).is_some() {
            self.sign_in(state, channel, delivery)
        } else {
            self.sign_up(state, channel, delivery)
        }
    }

    fn update(
        &self,
        state: &mut State,
        channel: Channel,
        delivery: Delivery,
    ) -> Result<Value, Fail> {
        let token = self.refresh_token()?;
        let login_id = self.text("loginId");
        let user = state
            .user(&token.user_id)
            .expect("verified: the user exists");
        if !user.login_ids.iter().any(|id| id == login_id) {
            return fail(
                Code::InvalidArgument,
                format!("login ID {login_id} is not the signed-in user's"),
            );
        }
        let (address, purpose) = if channel.is_phone() {
            (
                Address::Phone(self.text("phone").to_owned()),
                Purpose::UpdatePhone,
            )
        } else {
            (
                Address::Email(self.text("email").to_owned()),
                Purpose::UpdateEmail,
            )
        };
        let fail_on_conflict = self.flag("failOnConflict");
        if fail_on_conflict {
            conflict_check(state, &token.user_id, address.value())?;
        }
        let to = address.value().to_owned();
        let action = Action::Update {
            user_id: token.user_id.clone(),
            address,
            add_to_login_ids: self.flag("addToLoginIDs"),
            on_merge_use_existing: self.flag("onMergeUseExisting"),
            fail_on_conflict,
        };
        let options = SignInOptions::default();
        Ok(self.send(
            state, channel, delivery, &to, login_id, purpose, action, options,
        ))
    }

    /// Puts a code or link in the outbox and remembers it; returns the reply.
    #[allow(clippy::too_many_arguments)] // one call site per flow, each naming every part
    fn send(
        &self,
        state: &mut State,
        channel: Channel,
        delivery: Delivery,
        to: &str,
        login_id: &str,
        purpose: Purpose,
        action: Action,
        options: SignInOptions,
    ) -> Value {
        let keys = &self.shared.keys;
        let limits = &self.shared.limits;
        let (code, link, key, amr) = match delivery {
            Delivery::Code => {
                let code = keys.random_code();
                let key = PendingKey::Code {
                    login_id: login_id.to_owned(),
                    channel,
                };
                (code, None, key, "otp")
            }
            Delivery::Link | Delivery::Enchanted => {
                let token = keys.random_token();
                let base = self
                    .optional("redirectUrl")
                    .unwrap_or(&self.shared.redirect_url);
                let separator = if base.contains('?') { '&' } else { '?' };
                let link = format!("{base}{separator}t={token}");
                let amr = if delivery == Delivery::Link {
                    "magiclink"
                } else {
                    "enchantedlink"
                };
                (token.clone(), Some(link), PendingKey::Link(token), amr)
            }
        };
        let pending_ref = (delivery == Delivery::Enchanted).then(|| keys.random_token());
        let pending = Pending {
            code: code.clone(),
            created: self.now,
            expires: self.now + limits.code_ttl.as_secs(),
            attempts_left: limits.max_attempts.max(1),
            channel,
            amr,
            action,
            options,
            pending_ref: pending_ref.clone(),
        };
        state.put_pending(key, pending, limits);
        let message = Message {
            id: 0,
            channel,
            to: to.to_owned(),
            login_id: login_id.to_owned(),
            purpose,
            code,
            link,
            sent_at: self.now,
        };
        state.push_message(message, limits);
        let mut reply = Map::new();
        if channel.is_phone() {
            reply.insert("maskedPhone".into(), json!(mask_phone(to)));
        } else {
            reply.insert("maskedEmail".into(), json!(mask_email(to)));
        }
        if delivery == Delivery::Code {
            reply.insert(
                "verificationAttempts".into(),
                json!(limits.max_attempts.max(1)),
            );
        }
        if let Some(pending_ref) = pending_ref {
            let flow = Enchanted {
                created: self.now,
                expires: self.now + limits.code_ttl.as_secs(),
                done: None,
            };
            state.put_enchanted(pending_ref.clone(), flow, limits);
            reply.insert("pendingRef".into(), json!(pending_ref));
            // Descope emails several numbered links and shows the right number on the starting
            // screen; the emulator sends only the right one.
            reply.insert("linkId".into(), json!(keys.random_code()[..2]));
        }
        Value::Object(reply)
    }

    /// Claims, tenant and step-up of a sign-in or sign-up; `user` is `None` for a sign-up.
    fn sign_in_options(&self, state: &State, user: Option<&User>) -> Result<SignInOptions, Fail> {
        let mut options = SignInOptions::default();
        let Some(login) = self.object("loginOptions") else {
            return Ok(options);
        };
        if let Some(Value::Object(claims)) = login.get("customClaims") {
            options.custom_claims = claims.clone();
        }
        if let Some(tenant) = login.get("tenantId").and_then(Value::as_str)
            && !tenant.is_empty()
        {
            if let Some(user) = user {
                check_member(user, tenant)?;
            }
            options.tenant = Some(tenant.to_owned());
        }
        let flag = |name: &str| login.get(name).and_then(Value::as_bool).unwrap_or(false);
        if flag("stepup") || flag("mfa") {
            match (&self.req.caller, user) {
                (Caller::Refresh(token), Some(user)) if token.user_id == user.user_id => {
                    options.prior_amr = state
                        .session(&token.sid)
                        .map(|s| s.amr.clone())
                        .unwrap_or_default();
                }
                _ => {
                    return fail(
                        Code::MissingAuthorization,
                        "step-up and MFA sign-ins need the user's own refresh JWT: \
                         `Bearer <ProjectID>:<RefreshJWT>`",
                    );
                }
            }
        }
        Ok(options)
    }

    // ---- verifying -------------------------------------------------------------------------

    fn verify_code(&self, state: &mut State, channel: Channel) -> Result<Value, Fail> {
        let login_id = self.text("loginId");
        let code = self.text("code");
        let key = PendingKey::Code {
            login_id: login_id.to_owned(),
            channel,
        };
        let Some(pending) = state.pending_mut(&key, self.now) else {
            return fail(
                Code::WrongCode,
                format!(
                    "no code is pending for login ID {login_id} by {channel} (never sent, \
                     already used, or expired)"
                ),
            );
        };
        if pending.attempts_left == 0 {
            return fail(
                Code::TooManyAttempts,
                format!("too many wrong codes for login ID {login_id}: send a new code"),
            );
        }
        if pending.code != code {
            pending.attempts_left -= 1;
            return match pending.attempts_left {
                0 => fail(
                    Code::TooManyAttempts,
                    format!("too many wrong codes for login ID {login_id}: send a new code"),
                ),
                left => fail(
                    Code::WrongCode,
                    format!("wrong code for login ID {login_id} ({left} attempts left)"),
                ),
            };
        }
        let pending = state.take_pending(&key).expect("found above");
        let (sid, first_seen) = self.complete(state, pending)?;
        Ok(self.session_reply(state, &sid, first_seen))
    }

    /// Verifies a magic-link or enchanted-link token (each only at its own endpoint).
    fn verify_link(&self, state: &mut State, delivery: Delivery) -> Result<Value, Fail> {
        let key = PendingKey::Link(self.text("token").to_owned());
        let enchanted = delivery == Delivery::Enchanted;
        let kind = if enchanted {
            "enchanted-link"
        } else {
            "magic-link"
        };
        let found = state.pending_mut(&key, self.now);
        if found.is_none_or(|p| p.pending_ref.is_some() != enchanted) {
            return fail(
                Code::WrongCode,
                format!("unknown {kind} token (never sent, already used, or expired)"),
            );
        }
        let pending = state.take_pending(&key).expect("found above");
        let pending_ref = pending.pending_ref.clone();
        let (sid, first_seen) = self.complete(state, pending)?;
        match pending_ref {
            None => Ok(self.session_reply(state, &sid, first_seen)),
            Some(pending_ref) => {
                if let Some(flow) = state.enchanted_mut(&pending_ref, self.now) {
                    flow.done = Some((sid, first_seen));
                }
                Ok(json!({}))
            }
        }
    }

    /// The session an enchanted link opened, for the screen that started the flow.
    fn enchanted_session(&self, state: &mut State) -> Result<Value, Fail> {
        let pending_ref = self.text("pendingRef");
        let Some(flow) = state.enchanted_mut(pending_ref, self.now) else {
            return fail(
                Code::WrongCode,
                "unknown pending reference (never issued, already collected, or expired)",
            );
        };
        let Some((sid, first_seen)) = flow.done.clone() else {
            return fail(
                Code::EnchantedLinkPending,
                "the enchanted link has not been verified yet",
            );
        };
        state.take_enchanted(pending_ref);
        if state.session(&sid).is_none() {
            return fail(Code::WrongCode, "the session this link opened is gone");
        }
        Ok(self.session_reply(state, &sid, first_seen))
    }

    /// Does what a verified code or link was sent for, then opens a session; returns the
    /// session's ID and whether the user is new.
    fn complete(&self, state: &mut State, pending: Pending) -> Result<(String, bool), Fail> {
        let limits = &self.shared.limits;
        let channel = pending.channel;
        let (user_id, first_seen) = match pending.action {
            Action::SignUp {
                login_id,
                email,
                phone,
                profile,
            } => {
                if state.user_id_by_login(&login_id).is_some() {
                    return fail(
                        Code::UserExists,
                        format!("a user with login ID {login_id} already exists"),
                    );
                }
                let user_id = self.shared.keys.random_id("U2");
                let tenants = pending
                    .options
                    .tenant
                    .iter()
                    .map(|id| UserTenant {
                        tenant_id: id.clone(),
                        tenant_name: id.clone(),
                        role_names: Vec::new(),
                    })
                    .collect();
                let user = User {
                    user_id: user_id.clone(),
                    login_ids: vec![login_id],
                    email,
                    phone,
                    verified_email: !channel.is_phone(),
                    verified_phone: channel.is_phone(),
                    name: profile.name,
                    given_name: profile.given_name,
                    middle_name: profile.middle_name,
                    family_name: profile.family_name,
                    picture: profile.picture,
                    role_names: Vec::new(),
                    tenants,
                    custom_attributes: Map::new(),
                    created_time: self.now,
                    status: "enabled".to_owned(),
                    test: false,
                };
                state.insert_user(user, self.now, limits);
                (user_id, true)
            }
            Action::SignIn { user_id } => {
                let Some(user) = state.user(&user_id) else {
                    return fail(Code::UserNotFound, "the user no longer exists");
                };
                check_enabled(user)?;
                state.update_user(&user_id, |u| mark_verified(u, channel));
                (user_id, false)
            }
            Action::Update {
                user_id,
                address,
                add_to_login_ids,
                on_merge_use_existing,
                fail_on_conflict,
            } => {
                if state.user(&user_id).is_none() {
                    return fail(Code::UserNotFound, "the user no longer exists");
                }
                if fail_on_conflict {
                    conflict_check(state, &user_id, address.value())?;
                }
                let survivor = apply_update(
                    state,
                    &user_id,
                    &address,
                    add_to_login_ids,
                    on_merge_use_existing,
                );
                (survivor, false)
            }
        };
        let mut amr = pending.options.prior_amr;
        if !amr.iter().any(|a| a == pending.amr) {
            amr.push(pending.amr.to_owned());
        }
        let sid = self.shared.keys.random_id("S");
        let session = SessionRecord {
            user_id: user_id.clone(),
            created: self.now,
            expires: self.now + limits.refresh_ttl.as_secs(),
            revoked: false,
            amr,
            tenant: pending.options.tenant,
            custom_claims: pending.options.custom_claims,
        };
        state.insert_session(sid.clone(), session, limits);
        state.touch(&user_id, self.now, true, limits);
        Ok((sid, first_seen))
    }

    /// The reply of a completed authentication.
    fn session_reply(&self, state: &State, sid: &str, first_seen: bool) -> Value {
        let mut reply = self.jwt_response(state, sid, true);
        reply["firstSeen"] = json!(first_seen);
        reply
    }

    // ---- sessions --------------------------------------------------------------------------

    fn refresh(&self, state: &mut State) -> Result<Value, Fail> {
        let token = self.refresh_token()?;
        state.touch(&token.user_id, self.now, false, &self.shared.limits);
        let mut reply = self.jwt_response(state, &token.sid, true);
        if let Some(external) = self.optional("externalToken") {
            reply["externalToken"] = json!(external);
        }
        Ok(reply)
    }

    fn try_refresh(&self, state: &mut State) -> Result<Value, Fail> {
        match &self.req.caller {
            Caller::Refresh(_) => {
                let mut reply = self.refresh(state)?;
                if let Value::Object(map) = &mut reply {
                    map.remove("user");
                    map.remove("firstSeen");
                }
                Ok(reply)
            }
            _ => Ok(json!({})),
        }
    }

    fn me(&self, state: &mut State) -> Result<Value, Fail> {
        let token = self.refresh_token()?;
        state.touch(&token.user_id, self.now, false, &self.shared.limits);
        Ok(state.user(&token.user_id).expect("verified").to_json())
    }

    fn me_history(&self, state: &mut State) -> Result<Value, Fail> {
        let token = self.refresh_token()?;
        let entries: Vec<Value> = state
            .history(&token.user_id)
            .into_iter()
            .rev()
            .map(|time| {
                json!({
                    "userId": token.user_id,
                    "loginTime": time,
                    "city": "",
                    "country": "",
                    "ip": "",
                    "selectedTenant": "",
                })
            })
            .collect();
        Ok(Value::Array(entries))
    }

    fn me_tenants(&self, state: &mut State) -> Result<Value, Fail> {
        let token = self.refresh_token()?;
        let dct = self.flag("dct");
        let ids: Option<Vec<&str>> = self
            .req
            .body
            .get("ids")
            .and_then(Value::as_array)
            .map(|ids| ids.iter().filter_map(Value::as_str).collect());
        if dct && ids.is_some() {
            return fail(
                Code::InvalidArgument,
                "ask for the current tenant (`dct`) or for tenant IDs (`ids`), not both",
            );
        }
        let current = state.session(&token.sid).and_then(|s| s.tenant.clone());
        let Some(user) = state.user(&token.user_id) else {
            return fail(
                Code::InvalidToken,
                "the refresh JWT's user no longer exists",
            );
        };
        let tenants: Vec<Value> = user
            .tenants
            .iter()
            .filter(|t| match (&ids, dct) {
                (Some(ids), _) => ids.contains(&t.tenant_id.as_str()),
                (None, true) => current.as_deref() == Some(t.tenant_id.as_str()),
                (None, false) => true,
            })
            .map(|t| json!({ "id": t.tenant_id, "name": t.tenant_name, "customAttributes": {} }))
            .collect();
        Ok(json!({ "tenants": tenants }))
    }

    fn select_tenant(&self, state: &mut State) -> Result<Value, Fail> {
        let token = self.refresh_token()?;
        let tenant = self.text("tenant");
        check_member(state.user(&token.user_id).expect("verified"), tenant)?;
        if let Some(session) = state.session_mut(&token.sid) {
            session.tenant = Some(tenant.to_owned());
        }
        Ok(self.jwt_response(state, &token.sid, true))
    }

    fn logout(&self, state: &mut State, everywhere: bool) -> Result<Value, Fail> {
        let token = self.refresh_token()?;
        if everywhere {
            state.revoke_all(&token.user_id);
        } else if let Some(session) = state.session_mut(&token.sid) {
            session.revoked = true;
        }
        Ok(json!({
            "sessionJwt": "",
            "refreshJwt": "",
            "cookieDomain": "",
            "cookiePath": "/",
            "cookieMaxAge": 0,
            "cookieExpiration": 0,
        }))
    }

    fn validate(&self) -> Result<Value, Fail> {
        match &self.req.caller {
            Caller::Session(token) => Ok(json!({ "parsedJWT": token.claims })),
            _ => fail(
                Code::MissingAuthorization,
                "this operation needs a session JWT",
            ),
        }
    }

    fn keys(&self) -> Result<Vec<Value>, Fail> {
        let project = self.req.params.get("projectId").map_or("", String::as_str);
        if project != self.shared.project_id {
            return fail(
                Code::InvalidArgument,
                format!(
                    "unknown project ID `{project}`: this emulator serves {}",
                    self.shared.project_id
                ),
            );
        }
        Ok(self.shared.keys.jwks(self.now))
    }

    /// The reply of a completed authentication or refresh: both JWTs, their lifetimes, the
    /// session's claims and (when `with_user`) the user.
    fn jwt_response(&self, state: &State, sid: &str, with_user: bool) -> Value {
        let session = state.session(sid).expect("the session was just looked up");
        let user = state
            .user(&session.user_id)
            .expect("sessions belong to users");
        let session_claims = self.claims(Kind::Session, user, session, sid);
        let refresh_claims = self.claims(Kind::Refresh, user, session, sid);
        let session_exp = session_claims["exp"].as_u64().unwrap_or(0);
        let mut reply = json!({
            "sessionJwt": self.shared.keys.sign(&session_claims, self.now),
            "refreshJwt": self.shared.keys.sign(&refresh_claims, self.now),
            "cookieDomain": "",
            "cookiePath": "/",
            "cookieMaxAge": session.expires.saturating_sub(self.now),
            "cookieExpiration": session.expires,
            "sessionExpiration": session_exp,
            "nextRefreshSeconds": session_exp.saturating_sub(self.now),
            "claims": session_claims,
        });
        if with_user {
            reply["user"] = user.to_json();
        }
        reply
    }

    /// Descope's claims for a session (`DS`) or refresh (`DSR`) JWT.
    fn claims(
        &self,
        kind: Kind,
        user: &User,
        session: &SessionRecord,
        sid: &str,
    ) -> Map<String, Value> {
        let limits = &self.shared.limits;
        let exp = match kind {
            Kind::Session => (self.now + limits.session_ttl.as_secs()).min(session.expires),
            Kind::Refresh => session.expires,
        };
        let tenants: Map<String, Value> = user
            .tenants
            .iter()
            .map(|t| {
                (
                    t.tenant_id.clone(),
                    json!({ "roles": t.role_names, "permissions": [] }),
                )
            })
            .collect();
        // Custom claims first, so that none of Descope's own claims can be overridden.
        let mut claims = session.custom_claims.clone();
        for (name, value) in [
            ("sub", json!(user.user_id)),
            ("iss", json!(self.shared.issuer)),
            ("iat", json!(self.now)),
            ("exp", json!(exp)),
            ("drn", json!(kind.drn())),
            ("sid", json!(sid)),
            ("amr", json!(session.amr)),
            ("roles", json!(user.role_names)),
            ("permissions", json!([])),
            ("tenants", Value::Object(tenants)),
        ] {
            claims.insert(name.to_owned(), value);
        }
        if let Some(tenant) = &session.tenant {
            claims.insert("dct".to_owned(), json!(tenant));
        }
        claims
    }

    // ---- request helpers -------------------------------------------------------------------

    /// A required string field (present: the spec check ran).
    fn text(&self, name: &str) -> &str {
        self.req
            .body
            .get(name)
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// An optional string field, `None` when absent or empty.
    fn optional(&self, name: &str) -> Option<&str> {
        self.req
            .body
            .get(name)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    }

    fn flag(&self, name: &str) -> bool {
        self.req
            .body
            .get(name)
            .and_then(Value::as_bool)
            .unwrap_or(false)
    }

    fn object(&self, name: &str) -> Option<&Map<String, Value>> {
        self.req.body.get(name).and_then(Value::as_object)
    }

    fn refresh_token(&self) -> Result<&Token, Fail> {
        match &self.req.caller {
            Caller::Refresh(token) => Ok(token),
            _ => fail(
                Code::MissingAuthorization,
                "this operation needs a refresh JWT",
            ),
        }
    }
}

/// A disabled user (management `update_status`) cannot sign in.
pub(crate) fn check_enabled(user: &User) -> Result<(), Fail> {
    if user.status == "disabled" {
        return fail(
            Code::InvalidArgument,
            format!(
                "the user with login ID {} is disabled",
                user.login_ids.join(", ")
            ),
        );
    }
    Ok(())
}

fn mark_verified(user: &mut User, channel: Channel) {
    if channel.is_phone() {
        user.verified_phone = true;
    } else {
        user.verified_email = true;
    }
}

fn check_member(user: &User, tenant: &str) -> Result<(), Fail> {
    if user.tenants.iter().any(|t| t.tenant_id == tenant) {
        Ok(())
    } else {
        fail(
            Code::InvalidArgument,
            format!("the user is not a member of tenant {tenant}"),
        )
    }
}

/// With `failOnConflict`: fails when another user has `value` as a login ID, email or phone.
fn conflict_check(state: &State, user_id: &str, value: &str) -> Result<(), Fail> {
    let taken = state.users().any(|u| {
        u.user_id != user_id
            && (u.login_ids.iter().any(|id| id == value) || u.email == value || u.phone == value)
    });
    if taken {
        fail(
            Code::UpdateConflict,
            format!("{value} already belongs to another user"),
        )
    } else {
        Ok(())
    }
}

/// Stores a verified new address on the user. With `addToLoginIDs` the address becomes a login
/// ID too; when another user already signs in with it, the two users merge: by default into the
/// current user, with `onMergeUseExisting` into the other one. Returns the surviving user's ID.
fn apply_update(
    state: &mut State,
    user_id: &str,
    address: &Address,
    add_to_login_ids: bool,
    on_merge_use_existing: bool,
) -> String {
    let value = address.value().to_owned();
    let set = |u: &mut User| match address {
        Address::Email(email) => {
            u.email = email.clone();
            u.verified_email = true;
        }
        Address::Phone(phone) => {
            u.phone = phone.clone();
            u.verified_phone = true;
        }
    };
    let holder = state
        .user_id_by_login(&value)
        .filter(|id| *id != user_id)
        .map(str::to_owned);
    let Some(other) = holder.filter(|_| add_to_login_ids) else {
        state.update_user(user_id, |u| {
            set(u);
            if add_to_login_ids && !u.login_ids.contains(&value) {
                u.login_ids.push(value.clone());
            }
        });
        return user_id.to_owned();
    };
    let (survivor, folded) = if on_merge_use_existing {
        (other, user_id.to_owned())
    } else {
        (user_id.to_owned(), other)
    };
    let folded = state.remove_user(&folded).expect("both users exist");
    state.update_user(&survivor, |u| {
        for login_id in &folded.login_ids {
            if !u.login_ids.contains(login_id) {
                u.login_ids.push(login_id.clone());
            }
        }
        for (mine, theirs) in [
            (&mut u.name, &folded.name),
            (&mut u.given_name, &folded.given_name),
            (&mut u.middle_name, &folded.middle_name),
            (&mut u.family_name, &folded.family_name),
            (&mut u.picture, &folded.picture),
            (&mut u.email, &folded.email),
            (&mut u.phone, &folded.phone),
        ] {
            if mine.is_empty() {
                mine.clone_from(theirs);
            }
        }
        for role in &folded.role_names {
            if !u.role_names.contains(role) {
                u.role_names.push(role.clone());
            }
        }
        for tenant in &folded.tenants {
            if !u.tenants.iter().any(|t| t.tenant_id == tenant.tenant_id) {
                u.tenants.push(tenant.clone());
            }
        }
        set(u);
    });
    survivor
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::api;

    #[test]
    fn implemented_operations_exist_in_the_spec() {
        let ids: Vec<&str> = api()
            .unwrap()
            .operations()
            .map(|op| op.id.as_str())
            .collect();
        for id in implemented() {
            assert!(ids.contains(&id), "{id} is not in spec/");
        }
        let mut unique: Vec<&str> = implemented().collect();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(
            unique.len(),
            implemented().count(),
            "an operation is listed twice"
        );
    }
}
