//! The file model: what one JSON file under `spec/` may say, as plain serde types.
//!
//! This is the one definition of the file format. Parsing is strict (`deny_unknown_fields`) so a
//! misspelled key is an error, not a silently ignored option; [`crate::write()`] writes it back in
//! the canonical layout. Everything that needs more than one value to judge (types, defaults,
//! names, placeholders) is decided by [`crate::resolve`], which turns these files into the
//! [`Api`](crate::Api) every consumer reads.

use serde::Deserialize;
use serde_json::Value;

/// One spec file: an API group with its endpoints, and any shared types it declares; or, in a
/// file named `area.json` at the top of an area folder, the area's description.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSpec {
    /// Editor hint (`"../schema.json"`); ignored by the generator.
    #[serde(rename = "$schema", default)]
    pub schema: Option<String>,
    /// The area this folder holds (only in `<area>/area.json`).
    #[serde(default)]
    pub area: Option<AreaSpec>,
    /// The group this file describes; required when the file has endpoints.
    #[serde(default)]
    pub group: Option<Group>,
    /// Named shared types, usable from any spec file.
    #[serde(default)]
    pub types: Vec<TypeDef>,
    /// The group's endpoints, in the order their methods appear in docs.
    #[serde(default)]
    pub endpoints: Vec<Endpoint>,
}

/// An area: one top folder of `spec/` (`auth/`, `management/`), one Rust module and its cargo
/// features. Its name is the folder's name.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AreaSpec {
    /// What the area covers (first line becomes the module summary).
    pub docs: String,
    /// The cargo feature that turns the area on (`auth`). With `group_features`, the umbrella
    /// feature that turns on every group's feature (`mgmt`).
    #[serde(default)]
    pub feature: Option<String>,
    /// Each group gets a feature of its own, named this prefix and the group's name with `-` for
    /// `_` (`mgmt-` gives `mgmt-access_key` → `mgmt-access-key`).
    #[serde(default)]
    pub group_features: Option<String>,
}

/// An API group: one accessor on the client (`client.otp()`) and one Rust module.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    /// snake_case accessor and module name, e.g. `otp`.
    pub name: String,
    /// What the group is for (first line becomes the summary).
    pub docs: String,
}

/// A named shared type: an object with fields, or an enum of strings.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypeDef {
    /// UpperCamelCase Rust type name, also how fields refer to it.
    pub name: String,
    /// What the type represents.
    pub docs: String,
    /// Fields of an object type, in wire order.
    #[serde(default)]
    pub fields: Option<Vec<Field>>,
    /// Values of a string enum.
    #[serde(default, rename = "enum")]
    pub variants: Option<Vec<Variant>>,
    /// For a reply that reports a batch's partial failures: the fields (arrays or maps) that
    /// are empty when everything succeeded.
    #[serde(default)]
    pub failures: Vec<String>,
}

/// One value of a string enum.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variant {
    /// The wire value, verbatim.
    pub value: String,
    /// Optional override of the derived UpperCamelCase variant name.
    #[serde(default)]
    pub rust_name: Option<String>,
    /// What the value means.
    pub docs: String,
}

/// HTTP method of an endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum HttpMethod {
    /// `GET`: fields travel in the query string.
    Get,
    /// `POST`: fields travel in a JSON body.
    Post,
    /// `PUT`: fields travel in a JSON body.
    Put,
    /// `PATCH`: fields travel in a JSON body.
    Patch,
    /// `DELETE`: fields travel in the query string.
    Delete,
}

impl HttpMethod {
    /// The method as it appears on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Delete => "DELETE",
        }
    }

    /// Whether requests with this method carry a JSON body.
    pub fn has_body(self) -> bool {
        matches!(self, HttpMethod::Post | HttpMethod::Put | HttpMethod::Patch)
    }
}

/// How an endpoint is authorized (the `Authorization` header it needs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthStyle {
    /// No `Authorization` header.
    None,
    /// `Bearer <ProjectID>`.
    Project,
    /// `Bearer <ProjectID>:<RefreshJWT>`.
    Refresh,
    /// `Bearer <ProjectID>:<SessionJWT>`.
    Session,
    /// `Bearer <ProjectID>:<AccessKey>`.
    AccessKey,
    /// `Bearer <ProjectID>:<ManagementKey>`.
    Management,
}

impl AuthStyle {
    /// The style as spec files write it (`refresh`).
    pub fn as_str(self) -> &'static str {
        match self {
            AuthStyle::None => "none",
            AuthStyle::Project => "project",
            AuthStyle::Refresh => "refresh",
            AuthStyle::Session => "session",
            AuthStyle::AccessKey => "access_key",
            AuthStyle::Management => "management",
        }
    }

    /// For styles whose credential the caller passes per call: the argument name, the runtime's
    /// credential type, and the runtime's `Auth` constructor.
    pub fn credential(self) -> Option<(&'static str, &'static str, &'static str)> {
        match self {
            AuthStyle::Refresh => Some(("refresh_jwt", "RefreshJwt", "refresh")),
            AuthStyle::Session => Some(("session_jwt", "SessionJwt", "session")),
            AuthStyle::AccessKey => Some(("access_key", "AccessKey", "access_key")),
            AuthStyle::None | AuthStyle::Project | AuthStyle::Management => None,
        }
    }

    /// How the header looks, for docs.
    pub fn header(self) -> &'static str {
        match self {
            AuthStyle::None => "no `Authorization` header",
            AuthStyle::Project => "`Authorization: Bearer <ProjectID>`",
            AuthStyle::Refresh => "`Authorization: Bearer <ProjectID>:<RefreshJWT>`",
            AuthStyle::Session => "`Authorization: Bearer <ProjectID>:<SessionJWT>`",
            AuthStyle::AccessKey => "`Authorization: Bearer <ProjectID>:<AccessKey>`",
            AuthStyle::Management => "`Authorization: Bearer <ProjectID>:<ManagementKey>`",
        }
    }
}

/// One HTTP operation.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Endpoint {
    /// snake_case method name on the group, e.g. `update_email`.
    pub name: String,
    /// HTTP method.
    pub method: HttpMethod,
    /// Path, with `{placeholder}`s declared in `path_params`.
    pub path: String,
    /// Authorization style.
    pub auth: AuthStyle,
    /// A credential the caller may add per call (`refresh` for step-up and MFA sign-ins): the
    /// request gets a `with_<credential>` method that sends `Bearer <ProjectID>:<credential>`
    /// instead of what `auth` says.
    #[serde(default)]
    pub optional_auth: Option<AuthStyle>,
    /// What the endpoint does (first line becomes the summary).
    pub docs: String,
    /// Placeholders of the path, each a string or a named enum.
    #[serde(default)]
    pub path_params: Vec<Field>,
    /// Query-string fields.
    #[serde(default)]
    pub query: Vec<Field>,
    /// JSON body fields in wire order.
    #[serde(default)]
    pub body: Vec<Field>,
    /// The reply; absent means the endpoint documents an empty reply.
    #[serde(default)]
    pub response: Option<Response>,
    /// For a search that pages: which fields hold the page, the page size, the items and the
    /// total; the request then offers a stream of every item.
    #[serde(default)]
    pub paging: Option<PagingSpec>,
}

/// How a search pages: names of its request fields and of its reply's fields.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PagingSpec {
    /// The request field with the zero-based page number (an integer).
    pub page: String,
    /// The request field with the page size (an integer).
    pub limit: String,
    /// The reply field with the page's items (an array).
    pub items: String,
    /// The reply field with the number of items of all pages (an integer), if the reply has one.
    #[serde(default)]
    pub total: Option<String>,
}

/// The reply of an endpoint: a type expression, fields of its own, or raw text.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Response {
    /// What the body is: JSON (the default) or raw text such as an XML document.
    #[serde(default)]
    pub content: Content,
    /// Type the reply decodes into: a shared object type, or an array of one
    /// (`array<UserAuthHistory>`) for a reply that is a bare JSON array.
    #[serde(default, rename = "type")]
    pub type_name: Option<String>,
    /// What the reply carries (for an inline reply).
    #[serde(default)]
    pub docs: Option<String>,
    /// Fields of an inline reply type.
    #[serde(default)]
    pub fields: Option<Vec<Field>>,
    /// For an inline reply that reports a batch's partial failures: the fields (arrays or maps)
    /// that are empty when everything succeeded.
    #[serde(default)]
    pub failures: Vec<String>,
}

/// The kind of body an endpoint replies with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Content {
    /// A JSON document, decoded into the reply type.
    #[default]
    Json,
    /// Any other text (XML metadata, HTML), handed over as a `String`.
    Text,
}

impl Content {
    /// As spec files write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Content::Json => "json",
            Content::Text => "text",
        }
    }
}

/// Where the generated code takes a path parameter's value from instead of asking the caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The client's project ID.
    ProjectId,
}

impl Source {
    /// As spec files write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::ProjectId => "project_id",
        }
    }
}

/// Client-side format check for a string field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// Must look like an email address.
    Email,
    /// Must look like a phone number.
    Phone,
}

impl Format {
    /// As spec files write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Email => "email",
            Format::Phone => "phone",
        }
    }
}

/// A field of a body, query, path, shared object or inline reply.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// The wire name, verbatim (`addToLoginIDs`).
    pub name: String,
    /// Optional override of the derived snake_case Rust name.
    #[serde(default)]
    pub rust_name: Option<String>,
    /// Type expression: `string`, `bool`, `int32`, `int64`, `number`, `any`,
    /// `array<T>`, `map<T>` (string keys) or the name of a shared type.
    #[serde(rename = "type")]
    pub ty: String,
    /// Whether the caller must provide it (becomes a method argument).
    #[serde(default)]
    pub required: bool,
    /// Value the field starts at when the caller does not set it.
    #[serde(default)]
    pub default: Option<Value>,
    /// What the field means.
    pub docs: String,
    /// Client-side format check.
    #[serde(default)]
    pub format: Option<Format>,
    /// Whether the value is a secret (codes, passwords): redacted in `Debug`.
    #[serde(default)]
    pub secret: bool,
    /// For a path parameter: fill it from the client instead of a method argument.
    #[serde(default)]
    pub source: Option<Source>,
    /// Why a field whose name ends like a credential's (a JWT, token, code, key, secret or
    /// password) is not one: without it, such a field must be `secret`.
    #[serde(default)]
    pub not_secret: Option<String>,
    /// Other wire names that clients send for this field (the official SDKs' spellings where
    /// they differ from the document's). The generated client always sends `name`; the emulator
    /// accepts these too.
    #[serde(default)]
    pub aliases: Vec<String>,
}
