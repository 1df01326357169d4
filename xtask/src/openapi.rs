//! Descope's OpenAPI 3.0 document, reduced to what the tools compare: operations with their auth
//! style, parameters, body and reply, and the object types those refer to.
//!
//! The document has known defects (an operation without `responses`, duplicate operation IDs,
//! defaults of the wrong type, `$ref`s to schemas that do not exist, properties whose names differ
//! only in case or underscores). None of them stops the reading: each becomes a [`Note`] and the
//! affected piece is left out or typed `any`.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use descope_spec::{AuthStyle, HttpMethod};
use serde_json::Value;

use crate::spec::keyword;
use crate::yaml::Node;

/// Maps the document's security scheme names to spec auth styles.
pub const AUTH_SCHEMES: &[(&str, AuthStyle)] = &[
    ("Descope Project ID", AuthStyle::Project),
    ("Descope Project ID:Refresh JWT", AuthStyle::Refresh),
    ("Descope Project ID:Access Key", AuthStyle::AccessKey),
    ("Descope Project ID:Session JWT", AuthStyle::Session),
    (
        "Descope Project ID and Management Key",
        AuthStyle::Management,
    ),
];

/// `x-publishYaml` values of operations Descope does not document publicly.
pub const UNPUBLISHED: &[&str] = &["__NO_PUBLISH__", "internal"];

/// The `x-publishYaml` groups of Descope's authentication API.
pub const AUTH_GROUPS: &[&str] = &[
    "AccessKeys",
    "EnchantedLink",
    "MagicLink",
    "NOTP",
    "OAuth",
    "OTP",
    "Password",
    "RecoveryCodes",
    "SAML",
    "SSO",
    "SecurityQuestions",
    "TOTP",
    "WSFed",
    "WebAuthn",
    "session",
    "sessionGetKeys",
];

/// Path prefixes of Descope's management API.
pub const MANAGEMENT_PREFIXES: &[&str] = &["/v1/mgmt/", "/v2/mgmt/"];

/// Management operations are filed under some auth groups; the auth API leaves them out.
pub const MANAGEMENT_PREFIX: &str = "/v1/mgmt/";

/// The parsed document.
#[derive(Clone, Debug, Default)]
pub struct Api {
    /// Every operation, in document order.
    pub operations: Vec<Operation>,
    /// Object types, indexed by [`ObjId`].
    pub objects: Vec<DocObject>,
    /// Problems found in the document.
    pub notes: Vec<Note>,
}

/// Index of an object type in [`Api::objects`].
pub type ObjId = usize;

/// One operation.
#[derive(Clone, Debug)]
pub struct Operation {
    /// HTTP method.
    pub method: HttpMethod,
    /// The path as the document writes it, placeholders included.
    pub path: String,
    /// `operationId`.
    pub id: Option<String>,
    /// `x-publishYaml`: the API area.
    pub group: Option<String>,
    /// `tags`.
    pub tags: Vec<String>,
    /// Spec auth styles its `security` allows; `[None]` for an empty or absent list, more than
    /// one when the document is ambiguous.
    pub auth: Vec<AuthStyle>,
    /// Path parameters.
    pub path_params: Vec<DocField>,
    /// Query parameters.
    pub query: Vec<DocField>,
    /// The request body.
    pub body: Body,
    /// The successful reply.
    pub reply: Reply,
}

impl Operation {
    /// `POST /v1/auth/otp/verify/email`.
    pub fn key(&self) -> String {
        format!("{} {}", self.method.as_str(), self.path)
    }

    /// Whether `x-publishYaml` marks it as not publicly documented.
    pub fn unpublished(&self) -> bool {
        self.group
            .as_deref()
            .is_some_and(|g| UNPUBLISHED.contains(&g))
    }
}

/// A request body.
#[derive(Clone, Debug, PartialEq)]
pub enum Body {
    /// None documented.
    None,
    /// A JSON body of this type.
    Json(DocTy),
    /// A body of another content type.
    Other(String),
}

/// A successful reply.
#[derive(Clone, Debug, PartialEq)]
pub enum Reply {
    /// No body.
    Empty,
    /// A JSON body of this type.
    Json(DocTy),
    /// A body of another content type (XML, text).
    Other(String),
    /// The operation documents no `responses` at all.
    Undocumented,
}

/// A field of an object, or a parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct DocField {
    /// The wire name.
    pub name: String,
    /// Its type.
    pub ty: DocTy,
    /// Its default, when the document gives one that fits the type.
    pub default: Option<Value>,
    /// Whether the document says it is required.
    pub required: bool,
}

/// An object type.
#[derive(Clone, Debug)]
pub struct DocObject {
    /// The schema name (`JWTResponse`), or `Parent.field` for an inline object.
    pub name: String,
    /// Whether it is a named schema of `components/schemas`.
    pub named: bool,
    /// Its properties, in document order.
    pub fields: Vec<DocField>,
}

/// A type in the document.
#[derive(Clone, Debug, PartialEq)]
pub enum DocTy {
    /// `type: string` (any format).
    String,
    /// `type: boolean`.
    Bool,
    /// `type: integer` with `format: int32` (or a protobuf `enum`).
    Int32,
    /// Any other `type: integer`.
    Int64,
    /// `type: number`.
    Number,
    /// A schema without a type: any JSON value.
    Any,
    /// `type: object` without properties: any JSON object.
    FreeObject,
    /// `type: array`.
    Array(Box<DocTy>),
    /// `type: object` with `additionalProperties`: string keys.
    Map(Box<DocTy>),
    /// A string with `enum` values; the schema name when it has one.
    Enum(Option<String>, Vec<String>),
    /// An object with properties.
    Object(ObjId),
    /// A `$ref` to a schema that does not exist.
    Missing(String),
}

/// A problem in the document, and what it concerns.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Note {
    /// The operations or schemas it concerns (`POST /v1/...`, `schema JWTResponse`).
    pub subjects: Vec<String>,
    /// What is wrong and what the tools did about it.
    pub message: String,
}

/// Which operations a command works on: the union of all criteria.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    /// `x-publishYaml` values.
    pub groups: Vec<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// Path prefixes.
    pub path_prefixes: Vec<String>,
}

impl Selection {
    /// Whether nothing was asked for.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty() && self.tags.is_empty() && self.path_prefixes.is_empty()
    }

    /// Whether `op` is selected.
    pub fn selects(&self, op: &Operation) -> bool {
        op.group.as_ref().is_some_and(|g| self.groups.contains(g))
            || op.tags.iter().any(|t| self.tags.contains(t))
            || self
                .path_prefixes
                .iter()
                .any(|p| op.path.starts_with(p.as_str()))
    }
}

impl Api {
    /// The operations `selection` picks, in document order, and those it leaves out with why:
    /// operations Descope does not publish (unless their group is named), and management
    /// operations filed under an auth group (unless a tag or path prefix picks them).
    pub fn select(&self, selection: &Selection) -> (Vec<usize>, Vec<String>) {
        let mut picked = Vec::new();
        let mut left_out = Vec::new();
        for (i, op) in self.operations.iter().enumerate() {
            if !selection.selects(op) {
                continue;
            }
            let group = op.group.as_deref().unwrap_or_default();
            let named = selection.groups.iter().any(|g| g == group);
            let by_other = op.tags.iter().any(|t| selection.tags.contains(t))
                || selection
                    .path_prefixes
                    .iter()
                    .any(|p| op.path.starts_with(p.as_str()));
            if op.unpublished() && !named {
                left_out.push(format!("{} ({group}): not published", op.key()));
            } else if AUTH_GROUPS.contains(&group)
                && op.path.starts_with(MANAGEMENT_PREFIX)
                && !by_other
            {
                left_out.push(format!(
                    "{} ({group}): a management operation filed under an auth group",
                    op.key()
                ));
            } else {
                picked.push(i);
            }
        }
        (picked, left_out)
    }

    /// Parses the document's text (YAML or JSON).
    pub fn parse(text: &str) -> Result<Api, String> {
        let root = Node::parse(text)?;
        if root.get("paths").is_none() {
            return Err("not an OpenAPI document: it has no `paths`".into());
        }
        let version = root.get("openapi").and_then(Node::as_str).unwrap_or("");
        if !version.starts_with("3.") {
            return Err(format!(
                "expected an OpenAPI 3 document, found `openapi: {version}`"
            ));
        }
        let mut reader = Reader {
            root: &root,
            api: Api::default(),
            schema_types: HashMap::new(),
            resolving: BTreeSet::new(),
        };
        reader.operations();
        reader.duplicate_ids();
        Ok(reader.api)
    }

    /// Reads a document from disk.
    pub fn load(path: &std::path::Path) -> Result<Api, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        Api::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// The object `id`.
    pub fn object(&self, id: ObjId) -> &DocObject {
        &self.objects[id]
    }

    /// The notes that concern `ops` (by index) or the schemas they use.
    pub fn notes_for(&self, ops: &[usize]) -> Vec<&Note> {
        let mut subjects: BTreeSet<String> = BTreeSet::new();
        let mut seen = BTreeSet::new();
        for &i in ops {
            let op = &self.operations[i];
            subjects.insert(op.key());
            let mut tys: Vec<&DocTy> = op.path_params.iter().map(|f| &f.ty).collect();
            tys.extend(op.query.iter().map(|f| &f.ty));
            if let Body::Json(ty) = &op.body {
                tys.push(ty);
            }
            if let Reply::Json(ty) = &op.reply {
                tys.push(ty);
            }
            for ty in tys {
                self.schemas_of(ty, &mut seen, &mut subjects);
            }
        }
        self.notes
            .iter()
            .filter(|n| n.subjects.iter().any(|s| subjects.contains(s)))
            .collect()
    }

    fn schemas_of(&self, ty: &DocTy, seen: &mut BTreeSet<ObjId>, out: &mut BTreeSet<String>) {
        match ty {
            DocTy::Array(inner) | DocTy::Map(inner) => self.schemas_of(inner, seen, out),
            DocTy::Enum(Some(name), _) => {
                out.insert(format!("schema {name}"));
            }
            DocTy::Object(id) if seen.insert(*id) => {
                let object = self.object(*id);
                let root = object.name.split('.').next().unwrap_or_default();
                out.insert(format!("schema {}", object.name));
                out.insert(format!("schema {root}"));
                for field in &object.fields {
                    self.schemas_of(&field.ty, seen, out);
                }
            }
            _ => {}
        }
    }
}

struct Reader<'a> {
    root: &'a Node,
    api: Api,
    /// Resolved `components/schemas` entries.
    schema_types: HashMap<String, DocTy>,
    /// Schemas being resolved (to stop reference cycles through non-objects).
    resolving: BTreeSet<String>,
}

impl<'a> Reader<'a> {
    fn note(&mut self, subject: impl Into<String>, message: impl Into<String>) {
        let note = Note {
            subjects: vec![subject.into()],
            message: message.into(),
        };
        if !self.api.notes.contains(&note) {
            self.api.notes.push(note);
        }
    }

    fn operations(&mut self) {
        let root = self.root;
        for (path, item) in root.get("paths").map(Node::entries).unwrap_or_default() {
            let shared_params = item.get("parameters");
            for (method, op) in item.entries() {
                let lower = method.to_ascii_lowercase();
                if let Some(known) = keyword::<HttpMethod>(&lower.to_ascii_uppercase()) {
                    self.operation(path, known, op, shared_params);
                } else if !matches!(lower.as_str(), "parameters" | "summary" | "description")
                    && !lower.starts_with("x-")
                {
                    self.note(
                        format!("{} {path}", method.to_ascii_uppercase()),
                        format!("method `{method}` is not supported; operation left out"),
                    );
                }
            }
        }
    }

    fn operation(
        &mut self,
        path: &str,
        method: HttpMethod,
        op: &'a Node,
        shared: Option<&'a Node>,
    ) {
        let key = format!("{} {path}", method.as_str());
        let id = op
            .get("operationId")
            .and_then(Node::as_str)
            .map(str::to_owned);
        let context = id.clone().unwrap_or_else(|| key.clone());
        let auth = self.auth(&key, op.get("security"));
        let (path_params, query) = self.parameters(&key, &context, shared, op.get("parameters"));
        let body = self.body(&key, &context, op.get("requestBody"));
        let reply = self.reply(&key, &context, op.get("responses"));
        self.api.operations.push(Operation {
            method,
            path: path.to_owned(),
            id,
            group: op
                .get("x-publishYaml")
                .and_then(Node::as_str)
                .map(str::to_owned),
            tags: op
                .get("tags")
                .map(Node::items)
                .unwrap_or_default()
                .iter()
                .filter_map(Node::as_str)
                .map(str::to_owned)
                .collect(),
            auth,
            path_params,
            query,
            body,
            reply,
        });
    }

    fn auth(&mut self, key: &str, security: Option<&Node>) -> Vec<AuthStyle> {
        let Some(security) = security else {
            self.note(
                key,
                "no `security`: treated as no Authorization header (the document's global \
                 `security` lists every scheme at once)",
            );
            return vec![AuthStyle::None];
        };
        let mut styles: Vec<AuthStyle> = Vec::new();
        for requirement in security.items() {
            for (scheme, _) in requirement.entries() {
                match AUTH_SCHEMES.iter().find(|(name, _)| name == scheme) {
                    Some((_, style)) => {
                        if !styles.contains(style) {
                            styles.push(*style);
                        }
                    }
                    None => self.note(key, format!("unknown security scheme `{scheme}`")),
                }
            }
        }
        if styles.is_empty() {
            styles.push(AuthStyle::None);
        }
        if styles.len() > 1 {
            self.note(
                key,
                format!(
                    "`security` names several schemes ({}); any of them is accepted",
                    auth_text(&styles, ", ")
                ),
            );
        }
        styles
    }

    fn parameters(
        &mut self,
        key: &str,
        context: &str,
        shared: Option<&'a Node>,
        own: Option<&'a Node>,
    ) -> (Vec<DocField>, Vec<DocField>) {
        let mut path_params: Vec<DocField> = Vec::new();
        let mut query: Vec<DocField> = Vec::new();
        let shared = shared.map(Node::items).unwrap_or_default();
        let own = own.map(Node::items).unwrap_or_default();
        for param in shared.iter().chain(own) {
            let Some(param) = self.deref(key, param, "parameters") else {
                continue;
            };
            let name = param.get("name").and_then(Node::as_str).unwrap_or_default();
            let place = param.get("in").and_then(Node::as_str).unwrap_or_default();
            let list = match place {
                "path" => &mut path_params,
                "query" => &mut query,
                _ => {
                    self.note(
                        key,
                        format!("{place} parameter `{name}` is not supported; left out"),
                    );
                    continue;
                }
            };
            let schema = param.get("schema").cloned().unwrap_or(Node::Null);
            let ty = self.ty(key, &format!("{context}.{name}"), &schema);
            let default = self.default(key, name, &ty, schema.get("default"));
            let field = DocField {
                name: name.to_owned(),
                ty,
                default,
                required: param.get("required").and_then(Node::as_bool) == Some(true),
            };
            // An operation's own parameter replaces a path-level one of the same name.
            match list.iter_mut().find(|f| f.name == field.name) {
                Some(existing) => *existing = field,
                None => list.push(field),
            }
        }
        (path_params, query)
    }

    /// Follows a `$ref` into `components/<section>`; notes a broken one.
    fn deref(&mut self, key: &str, node: &'a Node, section: &str) -> Option<&'a Node> {
        let root = self.root;
        match node.get("$ref").and_then(Node::as_str) {
            None => Some(node),
            Some(reference) => {
                let prefix = format!("#/components/{section}/");
                let found = reference
                    .strip_prefix(prefix.as_str())
                    .and_then(|name| root.get("components")?.get(section)?.get(name));
                if found.is_none() {
                    self.note(
                        key,
                        format!("`$ref: {reference}` points to nothing; left out"),
                    );
                }
                found
            }
        }
    }

    fn body(&mut self, key: &str, context: &str, body: Option<&'a Node>) -> Body {
        let Some(body) = body else {
            return Body::None;
        };
        let Some(body) = self.deref(key, body, "requestBodies") else {
            return Body::Json(DocTy::Any);
        };
        let content = body.get("content").map(Node::entries).unwrap_or_default();
        if let Some((_, media)) = content.iter().find(|(ct, _)| is_json(ct)) {
            let schema = media.get("schema").cloned().unwrap_or(Node::Null);
            return Body::Json(self.ty(key, &format!("{context}Body"), &schema));
        }
        match content.first() {
            Some((ct, _)) => Body::Other(ct.clone()),
            None => Body::None,
        }
    }

    fn reply(&mut self, key: &str, context: &str, responses: Option<&'a Node>) -> Reply {
        let Some(responses) = responses else {
            self.note(key, "no `responses`: the reply is not compared");
            return Reply::Undocumented;
        };
        let success = responses
            .entries()
            .iter()
            .filter(|(code, _)| code.starts_with('2'))
            .min_by(|a, b| a.0.cmp(&b.0));
        let Some((_, response)) = success else {
            self.note(key, "no 2xx response: the reply is not compared");
            return Reply::Undocumented;
        };
        let Some(response) = self.deref(key, response, "responses") else {
            return Reply::Json(DocTy::Any);
        };
        let content = response
            .get("content")
            .map(Node::entries)
            .unwrap_or_default();
        if let Some((_, media)) = content.iter().find(|(ct, _)| is_json(ct)) {
            let schema = media.get("schema").cloned().unwrap_or(Node::Null);
            return match self.ty(key, &format!("{context}Reply"), &schema) {
                DocTy::Object(id) if self.api.objects[id].fields.is_empty() => Reply::Empty,
                ty => Reply::Json(ty),
            };
        }
        match content.first() {
            Some((ct, _)) => Reply::Other(ct.clone()),
            None => Reply::Empty,
        }
    }

    /// The type of `schema`; `owner` is who the notes concern, `context` names inline objects.
    fn ty(&mut self, owner: &str, context: &str, schema: &Node) -> DocTy {
        if let Some(reference) = schema.get("$ref").and_then(Node::as_str) {
            return match reference.strip_prefix("#/components/schemas/") {
                Some(name) => self.schema(owner, name),
                None => {
                    self.note(
                        owner,
                        format!("`$ref: {reference}` is not supported; typed `any`"),
                    );
                    DocTy::Missing(reference.to_owned())
                }
            };
        }
        if let Some(parts) = schema.get("allOf") {
            return self.all_of(owner, context, parts.items());
        }
        for keyword in ["oneOf", "anyOf"] {
            if schema.get(keyword).is_some() {
                self.note(
                    owner,
                    format!("`{keyword}` in `{context}` is not supported; typed `any`"),
                );
                return DocTy::Any;
            }
        }
        let format = schema.get("format").and_then(Node::as_str).unwrap_or("");
        match schema.get("type").and_then(Node::as_str) {
            Some("string") => match schema.get("enum") {
                Some(values) => DocTy::Enum(
                    None,
                    values
                        .items()
                        .iter()
                        .map(|v| match v {
                            Node::Str(s) => s.clone(),
                            other => other.to_json().to_string(),
                        })
                        .collect(),
                ),
                None => DocTy::String,
            },
            Some("boolean") => DocTy::Bool,
            Some("integer") => match format {
                "int32" | "enum" => DocTy::Int32,
                _ => DocTy::Int64,
            },
            Some("number") => DocTy::Number,
            Some("array") => {
                let items = schema.get("items").cloned().unwrap_or(Node::Null);
                DocTy::Array(Box::new(self.ty(owner, context, &items)))
            }
            Some("object") | None if schema.get("properties").is_some() => {
                self.object(owner, context, schema, false)
            }
            Some("object") => match schema.get("additionalProperties") {
                Some(Node::Bool(_)) | None => DocTy::FreeObject,
                Some(values) => DocTy::Map(Box::new(self.ty(owner, context, values))),
            },
            None => DocTy::Any,
            Some(other) => {
                self.note(
                    owner,
                    format!("unknown type `{other}` in `{context}`; typed `any`"),
                );
                DocTy::Any
            }
        }
    }

    fn schema(&mut self, owner: &str, name: &str) -> DocTy {
        if let Some(ty) = self.schema_types.get(name) {
            return ty.clone();
        }
        let root = self.root;
        let Some(schema) = root
            .get("components")
            .and_then(|c| c.get("schemas"))
            .and_then(|s| s.get(name))
        else {
            self.note(
                owner,
                format!("`$ref` to schema `{name}`, which does not exist; typed `any`"),
            );
            return DocTy::Missing(name.to_owned());
        };
        if !self.resolving.insert(name.to_owned()) {
            self.note(
                format!("schema {name}"),
                "refers to itself other than through an object; typed `any`",
            );
            return DocTy::Any;
        }
        let subject = format!("schema {name}");
        let ty = if schema.get("properties").is_some() && schema.get("allOf").is_none() {
            self.object(&subject, name, schema, true)
        } else {
            match self.ty(&subject, name, schema) {
                DocTy::Enum(None, values) => DocTy::Enum(Some(name.to_owned()), values),
                // An `allOf` schema: the merged object is this schema.
                DocTy::Object(id) if self.api.objects[id].name == name => {
                    self.api.objects[id].named = true;
                    DocTy::Object(id)
                }
                other => other,
            }
        };
        self.resolving.remove(name);
        self.schema_types.insert(name.to_owned(), ty.clone());
        ty
    }

    fn all_of(&mut self, owner: &str, context: &str, parts: &[Node]) -> DocTy {
        if let [single] = parts {
            return self.ty(owner, context, single);
        }
        let id = self.new_object(context, false);
        let mut fields: Vec<DocField> = Vec::new();
        for part in parts {
            match self.ty(owner, context, part) {
                DocTy::Object(part_id) => {
                    for field in self.api.objects[part_id].fields.clone() {
                        if !fields.iter().any(|f| f.name == field.name) {
                            fields.push(field);
                        }
                    }
                }
                DocTy::FreeObject | DocTy::Missing(_) => {}
                other => self.note(
                    owner,
                    format!("`allOf` in `{context}` mixes in a non-object ({other:?}); skipped"),
                ),
            }
        }
        self.api.objects[id].fields = fields;
        DocTy::Object(id)
    }

    fn new_object(&mut self, name: &str, named: bool) -> ObjId {
        self.api.objects.push(DocObject {
            name: name.to_owned(),
            named,
            fields: Vec::new(),
        });
        self.api.objects.len() - 1
    }

    fn object(&mut self, owner: &str, name: &str, schema: &Node, named: bool) -> DocTy {
        let id = self.new_object(name, named);
        if named {
            // Self-references resolve to this object while its fields are read.
            self.schema_types.insert(name.to_owned(), DocTy::Object(id));
        }
        let required: Vec<&str> = schema
            .get("required")
            .map(Node::items)
            .unwrap_or_default()
            .iter()
            .filter_map(Node::as_str)
            .collect();
        let mut fields: Vec<DocField> = Vec::new();
        let mut folded: BTreeMap<String, String> = BTreeMap::new();
        for (prop, prop_schema) in schema
            .get("properties")
            .map(Node::entries)
            .unwrap_or_default()
        {
            let fold = prop.to_lowercase().replace('_', "");
            if let Some(first) = folded.get(&fold) {
                self.note(
                    owner,
                    format!(
                        "properties `{first}` and `{prop}` of `{name}` differ only in case or \
                         underscores; `{prop}` is left out"
                    ),
                );
                continue;
            }
            folded.insert(fold, prop.clone());
            let context = format!("{name}.{prop}");
            let ty = self.ty(owner, &context, prop_schema);
            let default = self.default(owner, &context, &ty, prop_schema.get("default"));
            fields.push(DocField {
                name: prop.clone(),
                ty,
                default,
                required: required.contains(&prop.as_str()),
            });
        }
        self.api.objects[id].fields = fields;
        DocTy::Object(id)
    }

    /// The default, when it fits `ty` and a spec can state it; otherwise a note.
    fn default(
        &mut self,
        owner: &str,
        context: &str,
        ty: &DocTy,
        default: Option<&Node>,
    ) -> Option<Value> {
        let value = default?.to_json();
        let fits = match ty {
            DocTy::String => value.is_string(),
            DocTy::Bool => value.is_boolean(),
            DocTy::Int32 => value.as_i64().is_some_and(|v| i32::try_from(v).is_ok()),
            DocTy::Int64 => value.is_i64(),
            DocTy::Number => value.is_number(),
            DocTy::Enum(_, values) => value
                .as_str()
                .is_some_and(|v| values.iter().any(|x| x == v)),
            DocTy::Array(_) => value.as_array().is_some_and(Vec::is_empty),
            DocTy::Map(_) | DocTy::FreeObject => value.as_object().is_some_and(|m| m.is_empty()),
            DocTy::Any => true,
            DocTy::Object(_) | DocTy::Missing(_) => false,
        };
        if fits {
            Some(value)
        } else {
            self.note(
                owner,
                format!(
                    "default {value} of `{context}` does not fit its type ({}); ignored",
                    describe(ty)
                ),
            );
            None
        }
    }

    fn duplicate_ids(&mut self) {
        let mut by_id: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for op in &self.api.operations {
            if let Some(id) = &op.id {
                by_id.entry(id).or_default().push(op.key());
            }
        }
        let notes: Vec<Note> = by_id
            .into_iter()
            .filter(|(_, ops)| ops.len() > 1)
            .map(|(id, ops)| Note {
                message: format!(
                    "operationId `{id}` is used by {} operations: {}",
                    ops.len(),
                    ops.join(", ")
                ),
                subjects: ops,
            })
            .collect();
        self.api.notes.extend(notes);
    }
}

fn is_json(content_type: &str) -> bool {
    content_type == "application/json" || content_type.ends_with("+json")
}

/// Auth styles as spec files write them, joined by `separator`.
pub fn auth_text(styles: &[AuthStyle], separator: &str) -> String {
    let names: Vec<&str> = styles.iter().map(|s| s.as_str()).collect();
    names.join(separator)
}

/// The type as a short phrase, for messages.
pub fn describe(ty: &DocTy) -> String {
    match ty {
        DocTy::String => "string".into(),
        DocTy::Bool => "boolean".into(),
        DocTy::Int32 => "int32".into(),
        DocTy::Int64 => "int64".into(),
        DocTy::Number => "number".into(),
        DocTy::Any => "any".into(),
        DocTy::FreeObject => "object".into(),
        DocTy::Array(inner) => format!("array<{}>", describe(inner)),
        DocTy::Map(inner) => format!("map<{}>", describe(inner)),
        DocTy::Enum(Some(name), _) => format!("enum {name}"),
        DocTy::Enum(None, values) => format!("enum [{}]", values.join("|")),
        DocTy::Object(_) => "object".into(),
        DocTy::Missing(name) => format!("missing schema {name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_input_is_an_error_not_a_panic() {
        assert!(Api::parse("paths: [").is_err());
        assert!(
            Api::parse("swagger: '2.0'\npaths: {}")
                .unwrap_err()
                .contains("expected an OpenAPI 3 document")
        );
        assert!(
            Api::parse("openapi: 3.0.3")
                .unwrap_err()
                .contains("no `paths`")
        );
    }

    #[test]
    fn types_auth_and_replies() {
        let api = Api::parse(
            r"
openapi: 3.0.3
paths:
  /a/{id}:
    parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
    post:
      security: [{ 'Descope Project ID:Access Key': [] }]
      parameters: [{ name: n, in: query, required: true, schema: { type: integer } }]
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                tags: { type: array, items: { type: string } }
                meta: { type: object, additionalProperties: { type: boolean } }
                free: { type: object }
                kind: { $ref: '#/components/schemas/Kind' }
                self: { $ref: '#/components/schemas/Node' }
      responses:
        '200': { description: OK, content: { text/xml: { schema: { type: string } } } }
  /b:
    get:
      security: []
      responses:
        '200':
          description: OK
          content: { application/json: { schema: { $ref: '#/components/schemas/Empty' } } }
components:
  schemas:
    Kind: { type: string, enum: [x, y] }
    Node: { type: object, properties: { next: { $ref: '#/components/schemas/Node' } } }
    Empty: { type: object, properties: {} }
",
        )
        .unwrap();
        let a = &api.operations[0];
        assert_eq!(a.key(), "POST /a/{id}");
        assert_eq!(a.auth, [AuthStyle::AccessKey]);
        assert_eq!(a.path_params[0].name, "id");
        assert_eq!(
            (a.query[0].ty.clone(), a.query[0].required),
            (DocTy::Int64, true)
        );
        assert_eq!(a.reply, Reply::Other("text/xml".into()));
        let Body::Json(DocTy::Object(body)) = &a.body else {
            panic!("{:?}", a.body)
        };
        let types: Vec<&DocTy> = api.object(*body).fields.iter().map(|f| &f.ty).collect();
        assert_eq!(types[0], &DocTy::Array(Box::new(DocTy::String)));
        assert_eq!(types[1], &DocTy::Map(Box::new(DocTy::Bool)));
        assert_eq!(types[2], &DocTy::FreeObject);
        assert_eq!(
            types[3],
            &DocTy::Enum(Some("Kind".into()), vec!["x".into(), "y".into()])
        );
        let DocTy::Object(node) = types[4] else {
            panic!("{:?}", types[4])
        };
        assert_eq!(api.object(*node).fields[0].ty, DocTy::Object(*node));
        let b = &api.operations[1];
        assert_eq!(b.auth, [AuthStyle::None]);
        assert_eq!(
            b.reply,
            Reply::Empty,
            "an object without properties is an empty reply"
        );
    }
}
