//! The two Descope calls session validation makes: the key set and the refresh. They are written
//! here by hand, in the generated code's shape, because the runtime compiles apart from the
//! generated API; for users, descope-api generates the same endpoints from `spec/auth/session.json`
//! (`client.session().get_keys()`, `client.session().refresh(..)`), and the session tests run both
//! against the emulator.

use crate::codec::read::{Fill, Object, Slot};
use crate::request::{Call, Encode, Encoder};
use crate::{Client, Error, RefreshJwt, SessionJwt};

/// The fields of a JSON Web Key (RFC 7517) that session validation reads.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Jwk {
    pub alg: String,
    pub e: String,
    pub kid: String,
    pub kty: String,
    pub n: String,
    pub use_: String,
    pub crv: String,
    pub x: String,
    pub y: String,
}

impl Object for Jwk {
    fn field(&mut self, key: &str) -> Option<Slot<'_>> {
        match key {
            "alg" => Some(Fill::slot(&mut self.alg)),
            "e" => Some(Fill::slot(&mut self.e)),
            "kid" => Some(Fill::slot(&mut self.kid)),
            "kty" => Some(Fill::slot(&mut self.kty)),
            "n" => Some(Fill::slot(&mut self.n)),
            "use" => Some(Fill::slot(&mut self.use_)),
            "crv" => Some(Fill::slot(&mut self.crv)),
            "x" => Some(Fill::slot(&mut self.x)),
            "y" => Some(Fill::slot(&mut self.y)),
            _ => None,
        }
    }
}

/// `GET /v2/keys/{projectId}`, without credentials.
#[derive(Clone, Debug)]
pub(crate) struct GetKeys(Call);

impl GetKeys {
    pub(crate) fn new(client: &Client) -> GetKeys {
        GetKeys(Call::none(client, &GET_KEYS).path(&[("projectId", client.project_id())]))
    }
}

impl Encode for GetKeys {
    fn encode(self, _out: &mut Encoder) -> Result<Call, Error> {
        Ok(self.0)
    }
}

crate::__descope_endpoint!(
    GetKeys => Keys; GET_KEYS, get, "auth.session.get_keys", "/v2/keys/{projectId}"
);

/// The reply of [`GetKeys`].
#[derive(Clone, Debug, Default)]
pub(crate) struct Keys {
    pub keys: Vec<Jwk>,
}

impl Object for Keys {
    fn field(&mut self, key: &str) -> Option<Slot<'_>> {
        match key {
            "keys" => Some(Fill::slot(&mut self.keys)),
            _ => None,
        }
    }
}

/// `POST /v1/auth/refresh`, with the refresh JWT, and an empty body.
#[derive(Clone, Debug)]
pub(crate) struct Refresh(Call);

impl Refresh {
    pub(crate) fn new(client: &Client, jwt: &RefreshJwt) -> Refresh {
        Refresh(Call::refresh(client, &REFRESH, jwt))
    }
}

impl Encode for Refresh {
    fn encode(self, out: &mut Encoder) -> Result<Call, Error> {
        out.body::<0>([]);
        Ok(self.0)
    }
}

crate::__descope_endpoint!(
    Refresh => Refreshed; REFRESH, post, "auth.session.refresh", "/v1/auth/refresh"
);

/// The fields of the refresh reply that a refreshed [`Session`](super::Session) keeps.
#[derive(Clone, Debug, Default)]
pub(crate) struct Refreshed {
    pub session_jwt: Option<SessionJwt>,
    pub refresh_jwt: Option<RefreshJwt>,
    pub cookie_expiration: i64,
}

impl Object for Refreshed {
    fn field(&mut self, key: &str) -> Option<Slot<'_>> {
        match key {
            "sessionJwt" => Some(Slot::Text(&mut self.session_jwt)),
            "refreshJwt" => Some(Slot::Text(&mut self.refresh_jwt)),
            "cookieExpiration" => Some(Fill::slot(&mut self.cookie_expiration)),
            _ => None,
        }
    }
}
