//! What the emulator keeps and shows: users, the outbox of sent messages, and its limits.

use std::fmt;
use std::time::Duration;

use serde_json::{Map, Value, json};

/// Caps and lifetimes that keep the emulator's memory bounded.
///
/// When a cap is reached the oldest entry makes room: the least recently active user (with its
/// sessions and pending codes), the oldest pending code or link, the oldest session, the oldest
/// outbox message. Expired entries are dropped as requests come in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Users kept at once (default 10 000).
    pub max_users: usize,
    /// A user not seen for this long is forgotten (default 24 hours).
    pub user_idle_ttl: Duration,
    /// Pending one-time codes and magic-link tokens kept at once (default 10 000).
    pub max_pending: usize,
    /// How long a code or link stays valid (default 10 minutes).
    pub code_ttl: Duration,
    /// Wrong codes allowed before a code is locked (default 5).
    pub max_attempts: u32,
    /// Sessions (refresh JWTs, live or logged out) kept at once (default 10 000).
    pub max_sessions: usize,
    /// Lifetime of a session JWT (default 10 minutes).
    pub session_ttl: Duration,
    /// Lifetime of a refresh JWT and of its session (default 7 days).
    pub refresh_ttl: Duration,
    /// Messages kept in the outbox (default 1 000).
    pub max_outbox: usize,
    /// Sign-ins kept per user for `me/history` (default 20).
    pub max_history: usize,
    /// Largest request body accepted, in bytes (default 64 KiB).
    pub max_body_bytes: usize,
    /// Tenants, roles, permissions and access keys kept at once, each (default 1 000).
    pub max_objects: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_users: 10_000,
            user_idle_ttl: Duration::from_secs(24 * 60 * 60),
            max_pending: 10_000,
            code_ttl: Duration::from_secs(10 * 60),
            max_attempts: 5,
            max_sessions: 10_000,
            session_ttl: Duration::from_secs(10 * 60),
            refresh_ttl: Duration::from_secs(7 * 24 * 60 * 60),
            max_outbox: 1_000,
            max_history: 20,
            max_body_bytes: 64 * 1024,
            max_objects: 1_000,
        }
    }
}

/// The channel a code or link went through.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Channel {
    /// Email.
    Email,
    /// Text message.
    Sms,
    /// Voice call.
    Voice,
    /// Instant message (WhatsApp and similar).
    Im,
    /// WhatsApp, as the official SDKs name it.
    Whatsapp,
}

impl Channel {
    /// The delivery method as it appears in paths: `email`, `sms`, `voice`, `im`, `whatsapp`.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
            Channel::Voice => "voice",
            Channel::Im => "im",
            Channel::Whatsapp => "whatsapp",
        }
    }

    /// Parses a delivery method.
    pub fn parse(text: &str) -> Option<Channel> {
        Some(match text {
            "email" => Channel::Email,
            "sms" => Channel::Sms,
            "voice" => Channel::Voice,
            "im" => Channel::Im,
            "whatsapp" => Channel::Whatsapp,
            _ => return None,
        })
    }

    /// Whether the channel reaches a phone.
    pub fn is_phone(self) -> bool {
        !matches!(self, Channel::Email)
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a sent code or link is for: what verifying it completes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// Creates the user, then signs them in.
    SignUp,
    /// Signs an existing user in.
    SignIn,
    /// Stores a new email address on a signed-in user.
    UpdateEmail,
    /// Stores a new phone number on a signed-in user.
    UpdatePhone,
}

impl Purpose {
    /// `sign_up`, `sign_in`, `update_email` or `update_phone`.
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::SignUp => "sign_up",
            Purpose::SignIn => "sign_in",
            Purpose::UpdateEmail => "update_email",
            Purpose::UpdatePhone => "update_phone",
        }
    }
}

/// A message the emulator "sent" instead of emailing or texting it: a one-time code or a magic
/// link.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Message {
    /// Sequence number, from 1.
    pub id: u64,
    /// How it went out.
    pub channel: Channel,
    /// The address it went to (for updates: the new address).
    pub to: String,
    /// The login ID to verify with (for updates: the signed-in user's login ID).
    pub login_id: String,
    /// What verifying it completes.
    pub purpose: Purpose,
    /// The one-time code, or the magic link's token.
    pub code: String,
    /// For a magic link: the whole link, with the token in its `t` parameter.
    pub link: Option<String>,
    /// When it was sent, in Unix seconds (of the emulator's clock).
    pub sent_at: u64,
}

impl Message {
    /// The message as the emulator's `/emulator/outbox` route shows it.
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "channel": self.channel.as_str(),
            "to": self.to,
            "loginId": self.login_id,
            "purpose": self.purpose.as_str(),
            "kind": if self.link.is_some() { "magic_link" } else { "otp" },
            "code": self.code,
            "link": self.link,
            "sentAt": self.sent_at,
        })
    }
}

/// A user of the emulated project.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct User {
    /// Stable identifier (`U...`), the `sub` of the user's JWTs.
    pub user_id: String,
    /// Every login ID the user can sign in with.
    pub login_ids: Vec<String>,
    /// Email address, empty when none.
    pub email: String,
    /// Phone number, empty when none.
    pub phone: String,
    /// Whether the email address was proven with a code or link.
    pub verified_email: bool,
    /// Whether the phone number was proven with a code or link.
    pub verified_phone: bool,
    /// Display name, empty when none.
    pub name: String,
    /// First name.
    pub given_name: String,
    /// Middle name.
    pub middle_name: String,
    /// Last name.
    pub family_name: String,
    /// Picture URL.
    pub picture: String,
    /// Project-wide roles (the `roles` claim).
    pub role_names: Vec<String>,
    /// Tenants with the user's roles in each (the `tenants` claim).
    pub tenants: Vec<UserTenant>,
    /// Project-defined attributes.
    pub custom_attributes: Map<String, Value>,
    /// When the user was created, in Unix seconds.
    pub created_time: u64,
    /// `enabled` or `disabled` (management `update_status`); a disabled user cannot sign in.
    pub status: String,
    /// Whether the user is a test user (management `create_test_user`).
    pub test: bool,
}

/// A tenant a user belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserTenant {
    /// The tenant's ID.
    pub tenant_id: String,
    /// The tenant's display name.
    pub tenant_name: String,
    /// The user's roles in the tenant.
    pub role_names: Vec<String>,
}

impl User {
    /// The user in the shape of the spec's `UserResponse`.
    pub fn to_json(&self) -> Value {
        let tenants: Vec<Value> = self
            .tenants
            .iter()
            .map(|t| {
                json!({
                    "tenantId": t.tenant_id,
                    "tenantName": t.tenant_name,
                    "roleNames": t.role_names,
                    "permissions": [],
                })
            })
            .collect();
        json!({
            "loginIds": self.login_ids,
            "userId": self.user_id,
            "name": self.name,
            "email": self.email,
            "phone": self.phone,
            "verifiedEmail": self.verified_email,
            "verifiedPhone": self.verified_phone,
            "roleNames": self.role_names,
            "userTenants": tenants,
            "status": self.status,
            "picture": self.picture,
            "test": self.test,
            "customAttributes": self.custom_attributes,
            "createdTime": self.created_time,
            "givenName": self.given_name,
            "middleName": self.middle_name,
            "familyName": self.family_name,
            "editable": true,
            "permissions": [],
        })
    }
}

/// A user to seed with [`Emulator::seed_user`](crate::Emulator::seed_user).
///
/// ```
/// use descope_emulator::NewUser;
/// let ann = NewUser::new("ann@example.com").name("Ann").role("admin").tenant("T1", ["viewer"]);
/// # let _ = ann;
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct NewUser {
    /// The login ID.
    pub login_id: String,
    /// Email address; defaults to the login ID when that is an email address.
    pub email: Option<String>,
    /// Phone number; defaults to the login ID when that is a phone number.
    pub phone: Option<String>,
    /// Display name.
    pub name: String,
    /// Project-wide roles.
    pub role_names: Vec<String>,
    /// Tenants and the user's roles in each.
    pub tenants: Vec<UserTenant>,
    /// Whether the email and phone count as proven (default `true`).
    pub verified: bool,
}

impl NewUser {
    /// A user with this login ID and nothing else set.
    pub fn new(login_id: impl Into<String>) -> NewUser {
        NewUser {
            login_id: login_id.into(),
            email: None,
            phone: None,
            name: String::new(),
            role_names: Vec::new(),
            tenants: Vec::new(),
            verified: true,
        }
    }

    /// Sets the email address.
    #[must_use]
    pub fn email(mut self, email: impl Into<String>) -> NewUser {
        self.email = Some(email.into());
        self
    }

    /// Sets the phone number.
    #[must_use]
    pub fn phone(mut self, phone: impl Into<String>) -> NewUser {
        self.phone = Some(phone.into());
        self
    }

    /// Sets the display name.
    #[must_use]
    pub fn name(mut self, name: impl Into<String>) -> NewUser {
        self.name = name.into();
        self
    }

    /// Adds a project-wide role.
    #[must_use]
    pub fn role(mut self, role: impl Into<String>) -> NewUser {
        self.role_names.push(role.into());
        self
    }

    /// Adds the user to a tenant with these roles.
    #[must_use]
    pub fn tenant<I, S>(mut self, tenant_id: impl Into<String>, roles: I) -> NewUser
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let tenant_id = tenant_id.into();
        self.tenants.push(UserTenant {
            tenant_name: tenant_id.clone(),
            tenant_id,
            role_names: roles.into_iter().map(Into::into).collect(),
        });
        self
    }

    /// Whether the email and phone count as proven.
    #[must_use]
    pub fn verified(mut self, verified: bool) -> NewUser {
        self.verified = verified;
        self
    }
}

/// Why a user could not be seeded.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SeedError {
    /// Another user already has this login ID.
    Exists(String),
    /// The login ID is empty, or the email or phone is malformed.
    Invalid(String),
}

impl fmt::Display for SeedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SeedError::Exists(login_id) => write!(f, "a user with login ID {login_id} exists"),
            SeedError::Invalid(reason) => f.write_str(reason),
        }
    }
}

impl std::error::Error for SeedError {}

/// `a***@example.com`: the first character of the local part, then the domain.
pub(crate) fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".to_owned(),
    }
}

/// `+1*******00`: the first two and last two characters, the rest starred.
pub(crate) fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    if chars.len() <= 4 {
        return "*".repeat(chars.len());
    }
    let mut out: String = chars[..2].iter().collect();
    out.push_str(&"*".repeat(chars.len() - 4));
    out.extend(&chars[chars.len() - 2..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks() {
        assert_eq!(mask_email("ann@example.com"), "a***@example.com");
        assert_eq!(mask_phone("+15555550100"), "+1********00");
        assert_eq!(mask_phone("123"), "***");
    }
}
