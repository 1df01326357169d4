//! The resolved model: the API as every consumer reads it, with every decision already made.
//!
//! [`Api`] holds areas (the top folders of `spec/`), their groups and endpoints, and one table of
//! types. Names are Rust names, types are resolved ([`Type::Object`] points into the table),
//! each parameter knows where it travels and whether it is required, defaulted or optional, and
//! each type knows which area owns it and whether requests or replies reach it. The code
//! generator, the emulator, xtask and the tests read this and nothing else.

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde_json::Value;

pub use crate::file::{AuthStyle, Format, HttpMethod, Source};

/// The id of endpoint `endpoint` of group `group` in area `area` (`""` for the top of the spec
/// folder): `auth.otp.update_email`, or `otp.update_email`.
pub fn endpoint_id(area: &str, group: &str, endpoint: &str) -> String {
    if area.is_empty() {
        format!("{group}.{endpoint}")
    } else {
        format!("{area}.{group}.{endpoint}")
    }
}

/// Index of an [`Area`] in [`Api::areas`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AreaId(pub usize);

/// Index of a [`Group`] in [`Api::groups`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GroupId(pub usize);

/// Index of a [`TypeDef`] in [`Api::types`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeId(pub usize);

/// Index of a [`SourceFile`] in [`Api::files`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub usize);

/// The whole API.
#[derive(Clone, Debug, Default)]
pub struct Api {
    /// Areas in folder order; files at the top of the spec folder form an area named `""`.
    pub areas: Vec<Area>,
    /// Every group, in file order.
    pub groups: Vec<Group>,
    /// Every type: the shared ones of each area, then the inline reply types of each group.
    pub types: Vec<TypeDef>,
    /// Every file read, in path order.
    pub files: Vec<SourceFile>,
}

/// One file the model was read from.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// The file as messages name it (`spec/auth/otp.json`).
    pub display: String,
    /// The path below the spec folder (`auth/otp.json`).
    pub rel: String,
    /// The file on disk, when read from disk.
    pub path: Option<PathBuf>,
    /// The area whose folder holds the file.
    pub area: AreaId,
    /// The group the file declares.
    pub group: Option<GroupId>,
}

/// A top folder of `spec/`: one Rust module and its cargo features.
#[derive(Clone, Debug)]
pub struct Area {
    /// The folder name (`auth`), which is also the module name; `""` for the top of the folder.
    pub name: String,
    /// What the area covers, from its `area.json`.
    pub docs: Option<String>,
    /// The area's cargo feature (with `group_features`: the umbrella feature of all its groups).
    pub feature: Option<String>,
    /// Whether each group has a feature of its own ([`Group::feature`]).
    pub group_features: bool,
    /// Its groups, in file order.
    pub groups: Vec<GroupId>,
    /// Its shared types (not the inline reply types of its groups), in file order.
    pub types: Vec<TypeId>,
}

impl Area {
    /// The Rust module of the area (`auth`), or `None` for the top of the spec folder, whose
    /// items are generated where the macro is called.
    pub fn module(&self) -> Option<&str> {
        (!self.name.is_empty()).then_some(self.name.as_str())
    }
}

/// Which client type a group's accessor hangs off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Handle {
    /// `Client`.
    Client,
    /// `ManagementClient`: every endpoint needs the management key.
    Management,
}

/// An API group: one accessor (`client.otp()`) and one Rust module.
#[derive(Clone, Debug)]
pub struct Group {
    /// The area it belongs to.
    pub area: AreaId,
    /// The file declaring it.
    pub file: FileId,
    /// snake_case accessor and module name (`otp`).
    pub name: String,
    /// UpperCamelCase name of the accessor type (`Otp`).
    pub type_name: String,
    /// What the group is for.
    pub docs: String,
    /// The client type its accessor hangs off.
    pub handle: Handle,
    /// The cargo feature the group is compiled under, if any.
    pub feature: Option<String>,
    /// Its endpoints, in file order.
    pub endpoints: Vec<Endpoint>,
}

/// One HTTP operation.
#[derive(Clone, Debug)]
pub struct Endpoint {
    /// `group.endpoint`, qualified by the area (`auth.otp.update_email`): unique in the API.
    pub id: String,
    /// snake_case method name (`update_email`).
    pub name: String,
    /// UpperCamelCase name of its request type (`UpdateEmailRequest`).
    pub request: String,
    /// HTTP method.
    pub method: HttpMethod,
    /// The path, split at its placeholders.
    pub path: PathTemplate,
    /// How it is authorized.
    pub auth: AuthStyle,
    /// A credential the caller may add per call instead (`refresh` for step-up sign-ins).
    pub optional_auth: Option<AuthStyle>,
    /// What it does.
    pub docs: String,
    /// Path parameters, then query fields, then body fields, each in spec order.
    pub params: Vec<Param>,
    /// What it replies.
    pub reply: Reply,
    /// How it pages, for a search that does.
    pub paging: Option<Paging>,
}

/// How a search pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Paging {
    /// The parameter with the zero-based page number (index into [`Endpoint::params`]).
    pub page: usize,
    /// The parameter with the page size (index into [`Endpoint::params`]).
    pub limit: usize,
    /// The reply field with the page's items (index into the reply type's fields).
    pub items: usize,
    /// The reply field with the number of items of all pages, if any.
    pub total: Option<usize>,
}

impl Endpoint {
    /// The parameters that travel at `place`.
    pub fn params_at(&self, place: Place) -> impl Iterator<Item = &Param> {
        self.params.iter().filter(move |p| p.place == place)
    }

    /// The parameters the caller passes as method arguments, in order.
    pub fn arguments(&self) -> impl Iterator<Item = &Param> {
        self.params.iter().filter(|p| p.is_argument())
    }
}

/// A path with its placeholders resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathTemplate {
    /// As written (`/v1/auth/otp/verify/{method}`).
    pub text: String,
    /// The pieces between slashes, each literal or a parameter.
    pub segments: Vec<Segment>,
}

impl PathTemplate {
    /// The literal path, when it has no placeholders.
    pub fn literal(&self) -> Option<&str> {
        self.segments
            .iter()
            .all(|s| matches!(s, Segment::Literal(_)))
            .then_some(self.text.as_str())
    }
}

/// One piece of a path between slashes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment {
    /// Literal text.
    Literal(String),
    /// The whole segment is a parameter: the index into [`Endpoint::params`].
    Param(usize),
}

/// Where a parameter travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Place {
    /// A path segment.
    Path,
    /// A query pair.
    Query,
    /// A field of the JSON body.
    Body,
}

impl Place {
    /// `path`, `query` or `body`, as spec files name the lists.
    pub fn as_str(self) -> &'static str {
        match self {
            Place::Path => "path_params",
            Place::Query => "query",
            Place::Body => "body",
        }
    }
}

/// Whether a value must be given.
#[derive(Clone, Debug, PartialEq)]
pub enum Presence {
    /// The caller must give it.
    Required,
    /// It starts at this (checked) value when the caller does not set it.
    Default(Value),
    /// It may be left out.
    Optional,
}

/// A parameter of an endpoint.
#[derive(Clone, Debug)]
pub struct Param {
    /// The wire name, verbatim (`addToLoginIDs`).
    pub wire: String,
    /// The Rust identifier (`add_to_login_ids`), keyword-safe.
    pub rust: String,
    /// The resolved type.
    pub ty: Type,
    /// Where it travels.
    pub place: Place,
    /// Required, defaulted or optional. Path parameters are always required.
    pub presence: Presence,
    /// A client-side format check.
    pub format: Option<Format>,
    /// Whether the value is a secret (redacted in `Debug`).
    pub secret: bool,
    /// For a path parameter filled by the client instead of the caller.
    pub source: Option<Source>,
    /// Other wire names the emulator accepts for it (what other clients send).
    pub aliases: Vec<String>,
    /// What it means.
    pub docs: String,
}

impl Param {
    /// Whether the caller passes it as a method argument (path parameters not filled by the
    /// client, and required fields).
    pub fn is_argument(&self) -> bool {
        self.source.is_none() && (self.place == Place::Path || self.presence == Presence::Required)
    }

    /// Whether the request holds it as an `Option` (optional fields without a default).
    pub fn is_option(&self) -> bool {
        self.place != Place::Path && self.presence == Presence::Optional
    }
}

/// What an endpoint replies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    /// Nothing worth reading.
    Empty,
    /// A non-JSON body (XML metadata, HTML), handed over as text.
    Text,
    /// A JSON object of this type.
    Object(TypeId),
    /// A bare JSON array of objects of this type.
    Array(TypeId),
}

/// Where a type's items live.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// A shared type of an area (`auth::types::LoginOptions`).
    Area(AreaId),
    /// The inline reply type of an endpoint, in its group's module (`auth::otp::VerifyResponse`).
    Group(GroupId),
}

/// A named type: an object or a string enum.
#[derive(Clone, Debug)]
pub struct TypeDef {
    /// UpperCamelCase Rust name, unique in its area (or group, for an inline reply).
    pub name: String,
    /// What it represents.
    pub docs: String,
    /// The area that owns it.
    pub area: AreaId,
    /// Where its items are generated.
    pub scope: Scope,
    /// The file declaring it.
    pub file: FileId,
    /// Its fields or values.
    pub kind: TypeKind,
    /// Whether a request parameter reaches it (directly or through other types).
    pub in_requests: bool,
    /// Whether a reply reaches it.
    pub in_replies: bool,
    /// The groups whose requests or replies reach it.
    pub used_by: BTreeSet<GroupId>,
    /// For a reply reporting a batch's partial failures: the fields (indices into
    /// [`TypeDef::fields`]; arrays or maps) that are empty when everything succeeded.
    pub failures: Vec<usize>,
}

impl TypeDef {
    /// The fields of an object type (empty for an enum).
    pub fn fields(&self) -> &[Field] {
        match &self.kind {
            TypeKind::Object(fields) => fields,
            TypeKind::Enum(_) => &[],
        }
    }

    /// The values of an enum type (empty for an object).
    pub fn variants(&self) -> &[Variant] {
        match &self.kind {
            TypeKind::Enum(variants) => variants,
            TypeKind::Object(_) => &[],
        }
    }

    /// Whether it is the inline reply type of an endpoint (declared by the endpoint's
    /// `response.fields`, generated in its group's module).
    pub fn is_inline(&self) -> bool {
        matches!(self.scope, Scope::Group(_))
    }

    /// Whether it is an enum.
    pub fn is_enum(&self) -> bool {
        matches!(self.kind, TypeKind::Enum(_))
    }

    /// Whether an enum accepts values the spec does not list (it is reachable from a reply, and
    /// the server may add values): they decode to an `Unknown` variant instead of failing the
    /// reply. Request-only enums stay closed.
    pub fn is_open_enum(&self) -> bool {
        self.is_enum() && self.in_replies
    }
}

/// The body of a [`TypeDef`].
#[derive(Clone, Debug)]
pub enum TypeKind {
    /// An object with these fields, in wire order.
    Object(Vec<Field>),
    /// A string enum with these values.
    Enum(Vec<Variant>),
}

/// A field of an object type.
#[derive(Clone, Debug)]
pub struct Field {
    /// The wire name, verbatim.
    pub wire: String,
    /// The Rust identifier, keyword-safe.
    pub rust: String,
    /// The resolved type.
    pub ty: Type,
    /// Required, defaulted or optional, as the spec says.
    pub presence: Presence,
    /// Whether the Rust field is an `Option`: for request-reachable types, fields that are
    /// neither required nor defaulted; for every type, fields whose Rust type has no meaningful
    /// default (enums, URLs, JWTs).
    pub option: bool,
    /// A client-side format check (request-reachable types).
    pub format: Option<Format>,
    /// Whether the value is a secret (redacted in `Debug`).
    pub secret: bool,
    /// Other wire names the emulator accepts for it.
    pub aliases: Vec<String>,
    /// What it means.
    pub docs: String,
}

/// One value of an enum.
#[derive(Clone, Debug)]
pub struct Variant {
    /// The wire value, verbatim.
    pub value: String,
    /// The UpperCamelCase variant name.
    pub rust: String,
    /// What the value means.
    pub docs: String,
}

/// A resolved type.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    /// A string (a `Secret` when the field is secret).
    String,
    /// `true` or `false`.
    Bool,
    /// A 32-bit integer.
    Int32,
    /// A 64-bit integer; replies may carry it as a numeric string.
    Int64,
    /// A floating-point number.
    Number,
    /// Any JSON value.
    Any,
    /// An absolute URL.
    Url,
    /// A refresh JWT (the runtime's `RefreshJwt` credential).
    RefreshJwt,
    /// A session JWT (the runtime's `SessionJwt` credential).
    SessionJwt,
    /// A list.
    Array(Box<Type>),
    /// A map with string keys.
    Map(Box<Type>),
    /// A shared or inline object type.
    Object(TypeId),
    /// A shared enum type.
    Enum(TypeId),
}

impl Type {
    /// The named type it mentions, through arrays and maps.
    pub fn named(&self) -> Option<TypeId> {
        match self {
            Type::Object(id) | Type::Enum(id) => Some(*id),
            Type::Array(inner) | Type::Map(inner) => inner.named(),
            _ => None,
        }
    }

    /// Whether the Rust type has no meaningful `Default` (enums, URLs, JWTs), so a field of it
    /// that may be absent is an `Option`.
    pub fn lacks_default(&self) -> bool {
        matches!(
            self,
            Type::Enum(_) | Type::Url | Type::RefreshJwt | Type::SessionJwt
        )
    }

    /// Whether a value of this type fits a query string (scalars, enums, arrays of those).
    pub fn fits_query(&self) -> bool {
        match self {
            Type::String | Type::Bool | Type::Int32 | Type::Int64 | Type::Number | Type::Url => {
                true
            }
            Type::Enum(_) => true,
            Type::Array(inner) => !matches!(**inner, Type::Array(_)) && inner.fits_query(),
            // JWTs are credentials: they never travel in a URL.
            Type::RefreshJwt | Type::SessionJwt => false,
            Type::Any | Type::Map(_) | Type::Object(_) => false,
        }
    }
}

impl Api {
    /// The area of `id`.
    pub fn area(&self, id: AreaId) -> &Area {
        &self.areas[id.0]
    }

    /// The group of `id`.
    pub fn group(&self, id: GroupId) -> &Group {
        &self.groups[id.0]
    }

    /// The type of `id`.
    pub fn ty(&self, id: TypeId) -> &TypeDef {
        &self.types[id.0]
    }

    /// Every endpoint with its group, in order.
    pub fn endpoints(&self) -> impl Iterator<Item = (&Group, &Endpoint)> {
        self.groups
            .iter()
            .flat_map(|g| g.endpoints.iter().map(move |e| (g, e)))
    }

    /// The endpoint with this id (`auth.otp.update_email`).
    pub fn endpoint(&self, id: &str) -> Option<(&Group, &Endpoint)> {
        self.endpoints().find(|(_, e)| e.id == id)
    }

    /// The group called `name` in area `area`.
    pub fn find_group(&self, area: &str, name: &str) -> Option<GroupId> {
        self.groups
            .iter()
            .position(|g| g.name == name && self.area(g.area).name == area)
            .map(GroupId)
    }

    /// The shared type called `name` in area `area`.
    pub fn find_type(&self, area: &str, name: &str) -> Option<TypeId> {
        self.types
            .iter()
            .position(|t| {
                t.name == name
                    && matches!(t.scope, Scope::Area(_))
                    && self.area(t.area).name == area
            })
            .map(TypeId)
    }

    /// A type as spec files write it: `bool`, `array<LoginOptions>`, `auth::User` for a type of
    /// another area than `from`'s (or every named type qualified, with `from` `None`).
    pub fn type_expr(&self, ty: &Type, from: Option<AreaId>) -> String {
        match ty {
            Type::String => "string".into(),
            Type::Bool => "bool".into(),
            Type::Int32 => "int32".into(),
            Type::Int64 => "int64".into(),
            Type::Number => "number".into(),
            Type::Any => "any".into(),
            Type::Url => "url".into(),
            Type::RefreshJwt => "refresh_jwt".into(),
            Type::SessionJwt => "session_jwt".into(),
            Type::Array(inner) => format!("array<{}>", self.type_expr(inner, from)),
            Type::Map(inner) => format!("map<{}>", self.type_expr(inner, from)),
            Type::Object(id) | Type::Enum(id) => {
                let def = self.ty(*id);
                let area = &self.area(def.area).name;
                if Some(def.area) == from || area.is_empty() {
                    def.name.clone()
                } else {
                    format!("{area}::{}", def.name)
                }
            }
        }
    }

    /// The cargo features under which `group` is compiled (none: always).
    pub fn group_features(&self, group: GroupId) -> Option<BTreeSet<&str>> {
        let group = self.group(group);
        let feature = group
            .feature
            .as_deref()
            .or(self.area(group.area).feature.as_deref())?;
        Some(BTreeSet::from([feature]))
    }

    /// The cargo features under any of which type `id` is compiled (none: always): those of the
    /// groups that reach it, or of the group declaring it when none does, so that a type two
    /// areas use compiles when either is on.
    pub fn type_features(&self, id: TypeId) -> Option<BTreeSet<&str>> {
        let def = self.ty(id);
        let mut features = BTreeSet::new();
        let owners: Vec<GroupId> = if def.used_by.is_empty() {
            match (def.scope, self.files[def.file.0].group) {
                (Scope::Group(group), _) | (Scope::Area(_), Some(group)) => vec![group],
                (Scope::Area(area), None) => {
                    return Some(BTreeSet::from([self.area(area).feature.as_deref()?]));
                }
            }
        } else {
            def.used_by.iter().copied().collect()
        };
        for group in owners {
            features.extend(self.group_features(group)?);
        }
        Some(features)
    }

    /// The cargo features under any of which area `id`'s module exists (none: always).
    pub fn area_features(&self, id: AreaId) -> Option<BTreeSet<&str>> {
        let area = self.area(id);
        let mut features = BTreeSet::new();
        for &group in &area.groups {
            features.extend(self.group_features(group)?);
        }
        for &ty in &area.types {
            features.extend(self.type_features(ty)?);
        }
        if features.is_empty() {
            return area.feature.as_deref().map(|f| BTreeSet::from([f]));
        }
        Some(features)
    }

    /// Every cargo feature the spec names, with the features each turns on: an area's feature,
    /// and for areas with `group_features` each group's (the area's feature then lists them).
    pub fn features(&self) -> Vec<(String, Vec<String>)> {
        let mut out = Vec::new();
        for area in &self.areas {
            let groups: Vec<String> = area
                .groups
                .iter()
                .filter_map(|&g| self.group(g).feature.clone())
                .collect();
            if let Some(feature) = &area.feature {
                out.push((feature.clone(), groups.clone()));
            }
            out.extend(groups.into_iter().map(|g| (g, Vec::new())));
        }
        out
    }
}

/// Sample values that pass the model's checks, for tests and tools (the spec-driven wire table,
/// the emulator's coverage test): what a caller could send.
pub mod sample {
    use serde_json::{Map, Value, json};

    use super::{Api, Field, Format, Param, Place, Presence, Type, TypeKind};

    /// Which fields a sample holds.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Fill {
        /// Only the required ones.
        Required,
        /// Every field (objects nested to a bounded depth).
        All,
    }

    /// A string that passes a field's format check.
    pub fn text(format: Option<Format>, secret: bool, name: &str) -> String {
        match format {
            Some(Format::Email) => "ann@example.com".to_owned(),
            Some(Format::Phone) => "+15555550100".to_owned(),
            None if secret => format!("secret-{name}"),
            None => format!("{name}-value"),
        }
    }

    impl Api {
        /// A JSON value of `ty`; strings are derived from `name`.
        pub fn sample(&self, ty: &Type, format: Option<Format>, name: &str, fill: Fill) -> Value {
            self.sample_at(ty, format, false, name, fill, 0)
        }

        fn sample_at(
            &self,
            ty: &Type,
            format: Option<Format>,
            secret: bool,
            name: &str,
            fill: Fill,
            depth: usize,
        ) -> Value {
            match ty {
                Type::String => json!(text(format, secret, name)),
                Type::Url => json!(format!("https://example.com/{name}")),
                Type::RefreshJwt | Type::SessionJwt => json!(format!("{name}.jwt.value")),
                Type::Bool => json!(true),
                Type::Int32 => json!(7),
                Type::Int64 => json!(1_700_000_000_000_i64),
                Type::Number => json!(1.5),
                Type::Any => json!({ "sample": name }),
                Type::Array(item) => {
                    json!([self.sample_at(item, None, false, name, fill, depth + 1)])
                }
                Type::Map(item) => {
                    json!({ "key": self.sample_at(item, None, false, name, fill, depth + 1) })
                }
                Type::Enum(id) => match &self.ty(*id).kind {
                    TypeKind::Enum(variants) => {
                        variants.last().map_or(Value::Null, |v| json!(v.value))
                    }
                    TypeKind::Object(_) => Value::Null,
                },
                Type::Object(id) if depth < 4 => {
                    Value::Object(self.sample_fields(self.ty(*id).fields(), fill, depth + 1))
                }
                Type::Object(_) => json!({}),
            }
        }

        /// A JSON object with sample values for `fields`.
        pub fn sample_fields(
            &self,
            fields: &[Field],
            fill: Fill,
            depth: usize,
        ) -> Map<String, Value> {
            fields
                .iter()
                .filter(|f| fill == Fill::All || f.presence == Presence::Required)
                .map(|f| {
                    let value = self.sample_at(&f.ty, f.format, f.secret, &f.wire, fill, depth);
                    (f.wire.clone(), value)
                })
                .collect()
        }

        /// Sample values for an endpoint's parameters at `place`, by wire name.
        pub fn sample_params<'p>(
            &self,
            params: impl IntoIterator<Item = &'p Param>,
            place: Place,
            fill: Fill,
        ) -> Map<String, Value> {
            params
                .into_iter()
                .filter(|p| p.place == place && p.source.is_none())
                .filter(|p| fill == Fill::All || p.is_argument())
                .map(|p| {
                    let value = self.sample_at(&p.ty, p.format, p.secret, &p.wire, fill, 0);
                    (p.wire.clone(), value)
                })
                .collect()
        }
    }
}
