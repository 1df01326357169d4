//! An offline emulator of the Descope authentication API, driven by the same spec files
//! (`descope-api/spec/`) as the `descope-api` client, so the two cannot drift.
//!
//! Run it standalone (`cargo run -p descope-emulator -- --port 4510`) or in-process for tests:
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use descope_emulator::Emulator;
//!
//! let emulator = Emulator::start().await?; // 127.0.0.1, ephemeral port
//! // Point any Descope client at emulator.base_url() with emulator.project_id(), sign a user
//! // up, then read the code the emulator "emailed":
//! let code = emulator.last_code("ann@example.com");
//! # let _ = code; Ok(()) }
//! ```
//!
//! # What it checks
//!
//! Every request is routed and checked against `spec/` before anything else:
//!
//! - an unknown path, or a known path with another method: **404**;
//! - the `Authorization` header against the operation's auth style (`Bearer <ProjectID>`,
//!   `Bearer <ProjectID>:<RefreshJWT>`, ...): missing or malformed, another project ID, a
//!   credential of the wrong kind, or a JWT that does not verify: **401**;
//! - path placeholders against their enums (`/otp/verify/fax`: unknown delivery method), body
//!   fields against the spec: required fields, JSON types (deep, into shared types), enum
//!   values, email and phone formats; query fields: **400**.
//!
//! Operations that pass these checks but that the emulator does not implement answer **501**
//! ([`Emulator::unimplemented_operations`]).
//!
//! # What it implements
//!
//! In memory: OTP sign-up, sign-in and sign-up-or-in by email, SMS, voice, instant message and
//! WhatsApp,
//! and verify; updating a signed-in user's email or phone (with `addToLoginIDs`,
//! `onMergeUseExisting` and `failOnConflict`); the same flows by magic link, and by enchanted
//! link (verify the link, then collect the session with its pending reference); refresh,
//! try-refresh, me, sign-in history, the user's tenants, tenant selection, logout, logout
//! everywhere, session
//! validation, and the JWKS at `/v2/keys/{projectId}` and `/v1/keys/{projectId}`. The full list
//! is [`Emulator::implemented_operations`].
//!
//! The management API, with the emulator's management key ([`Emulator::management_key`],
//! default [`DEFAULT_MANAGEMENT_KEY`], printed at startup and shown by `GET /emulator`; any
//! other key answers 401): users (create, create test user, batch create, load, load batch,
//! search and search test users with `page`, `limit` and `total`, update, patch, status, add
//! and remove tenants, add, set and remove roles, delete, delete batch, delete all test users),
//! codes and links for test users (OTP, magic link, enchanted link, and embedded links for any
//! user) that the auth API verifies, tenants, roles and permissions (create, load, update,
//! delete), and access keys (create, load, search, activate, deactivate, delete) that the auth
//! API's access-key exchange trades for a session JWT until they are deactivated or deleted.
//! Users are one store: a user created through management signs in through OTP and the other
//! flows, and a user who signed up shows in management searches. A disabled user cannot sign
//! in, and disabling ends the user's sessions.
//!
//! Codes and links go to an outbox instead of a mailbox or phone: [`Emulator::outbox`],
//! [`Emulator::last_code`], or over HTTP. Successful verifications return a session JWT and a
//! refresh JWT signed RS256 (or ES256 / ES384: [`EmulatorBuilder::signing_algorithm`]), with
//! Descope's claims (`sub`, `iss`, `iat`, `exp`, `drn` (`DS` or `DSR`), `sid`, `amr`, `roles`,
//! `permissions`, `tenants`, `dct` once a tenant is selected, and any `customClaims`),
//! verifiable with the JWKS by any standard JWT library.
//!
//! # Keys and tokens for tests
//!
//! - [`Emulator::rotate_keys`]: JWTs are signed with a new key from then on; the JWKS serves it
//!   first and keeps the old key for a grace period ([`EmulatorBuilder::key_grace_period`],
//!   default 1 hour of emulator time), during which the old key's tokens still verify.
//! - [`Emulator::mint_session`]: a session or refresh JWT with chosen claims, times, roles and
//!   permissions, tenants with theirs, a current tenant, or a foreign `kid`, signed with the
//!   current key ([`MintSession`]).
//!
//! # The signing key is not a secret
//!
//! By default every emulator signs with the same RSA key, committed in this crate
//! (`src/emulator_test_key.pem`, and `src/emulator_rotation_keys.pem` for rotations) so that
//! runs are reproducible. It is public: a JWT signed with
//! it proves nothing. Never trust it outside the emulator; pass another key with
//! [`EmulatorBuilder::signing_key_pkcs8`] if you need one. Each emulator puts its own base URL
//! and project ID in `iss`, and rejects tokens issued by another.
//!
//! # Emulator-only routes
//!
//! Outside the Descope API, under `/emulator` (no `Authorization` needed):
//!
//! | route | what |
//! |---|---|
//! | `GET /emulator` | project ID, management key, base URL, implemented and unimplemented operations |
//! | `GET /emulator/outbox[?loginId=]` | sent messages, oldest first (optionally for one login ID or address) |
//! | `GET /emulator/outbox/last?loginId=` | the newest message for a login ID or address, or `null` |
//! | `GET /emulator/users` | every user, in the shape of `UserResponse` |
//! | `POST /emulator/users` | seeds a user: `{"loginId", "email", "phone", "name", "roleNames", "userTenants": [{"tenantId", "roleNames"}], "verified"}` |
//!
//! # Error codes
//!
//! Errors come as `{"errorCode", "errorDescription", "errorMessage"}` with the status below.
//! The codes marked *Descope* are the ones Descope's SDKs name; the rest are the emulator's own,
//! in Descope's format, for cases whose real code the SDKs do not name.
//!
//! | code | status | when | from |
//! |---|---|---|---|
//! | `E011001` | 400 | the body is not JSON, or not an object | Descope |
//! | `E011002` | 400 | a required field is missing, `null` or empty | Descope |
//! | `E011003` | 400 | wrong JSON type, unknown enum value (e.g. delivery method in the path), malformed email or phone, no address to send to | Descope |
//! | `E011004` | 400 | a login ID that is not the signed-in user's, a tenant the user is not in, another project's keys | Descope |
//! | `E011404` | 404 | no operation with this method and path | emulator |
//! | `E011501` | 501 | operation in `spec/`, not implemented by the emulator | emulator |
//! | `E014001` | 401 | `Authorization` missing, malformed, or without the credential the operation needs | emulator |
//! | `E014002` | 401 | another project ID in `Authorization` | emulator |
//! | `E014003` | 401 | a credential of the wrong kind (session JWT for a refresh JWT, a key for a JWT, ...) | emulator |
//! | `E014004` | 401 | a JWT with a bad signature, expired, from another emulator, or for an unknown session or user | emulator |
//! | `E014005` | 401 | a management key that is not the emulator's; an access key unknown, deactivated or expired | emulator |
//! | `E061102` | 401 | wrong code or magic-link token, or none pending (never sent, used, or expired) | Descope |
//! | `E061103` | 429 | too many wrong codes: the code is locked, send a new one | Descope |
//! | `E062107` | 409 | sign-up for a login ID that already exists | Descope |
//! | `E062108` | 400 | sign-in for a login ID no user has | Descope |
//! | `E062125` | 409 | `failOnConflict` and the new address belongs to another user | Descope |
//! | `E062503` | 401 | an enchanted link's session was asked for before the link was verified | Descope |
//! | `E064001` | 401 | the refresh JWT's session ended with a logout | Descope |
//!
//! # Bounded memory
//!
//! Users, pending codes and links, sessions and the outbox are capped and expire
//! ([`Limits`]; defaults: 10 000 users forgotten after 24 h idle, 10 000 pending codes valid
//! 10 min with 5 attempts, 10 000 sessions living 7 days with session JWTs of 10 min, 1 000
//! outbox messages, 20 history entries per user, 64 KiB bodies, 1 000 each of tenants,
//! roles, permissions and access keys). At a cap the oldest entry
//! makes room. [`Emulator::advance_time`] moves the emulator's clock to test expiry without
//! waiting.

#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod api;
mod auth;
mod error;
mod flows;
mod jwt;
mod management;
mod mint;
mod model;
mod server;
mod state;

pub use error::Code;
pub use jwt::SigningAlgorithm;
pub use mint::{MintSession, TokenKind};
pub use model::{Channel, Limits, Message, NewUser, Purpose, SeedError, User, UserTenant};
pub use server::{DEFAULT_MANAGEMENT_KEY, DEFAULT_PROJECT_ID, Emulator, EmulatorBuilder, Sizes};

#[cfg(test)]
mod tests {
    use super::Code;

    #[test]
    fn the_docs_list_every_code_with_its_status() {
        let docs = include_str!("lib.rs");
        for code in Code::ALL {
            let row = format!("| `{}` | {} |", code.as_str(), code.status());
            assert!(
                docs.contains(&row),
                "crate docs lack the row for {code:?}: {row}"
            );
        }
    }
}
