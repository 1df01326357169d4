//! Validation of a whole parsed spec. Every problem is collected with its file, entry and
//! position, so one run reports all of them; [`crate::expand`] may then assume a valid spec.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::Value;

use crate::diag::Diagnostics;
use crate::load::{Spec, SpecFile};
use crate::model::{AuthStyle, Content, Field, TypeDef};
use crate::names;
use crate::ty::Ty;

/// Where a field list sits, which decides what its fields may be.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Path,
    Query,
    Body,
    Object,
    Reply,
}

/// Checks the whole spec; returns every problem found.
pub fn check(spec: &Spec) -> Diagnostics {
    let mut out = Diagnostics::default();
    let types = type_index(spec, &mut out);
    let mut groups: HashMap<&str, &str> = HashMap::new();
    for file in &spec.files {
        let mut ctx = Ctx {
            file,
            types: &types,
            out: &mut out,
        };
        if let Some(group) = &file.spec.group {
            ctx.docs("/group", &format!("group `{}`", group.name), &group.docs);
            if !names::is_snake_ident(&group.name) {
                ctx.error(
                    "/group/name",
                    format!(
                        "group name `{}` must be a snake_case identifier",
                        group.name
                    ),
                );
            }
            if let Some(first) = groups.insert(&group.name, &file.display) {
                ctx.error(
                    "/group/name",
                    format!("group `{}` is already declared in {first}", group.name),
                );
            }
        } else if !file.spec.endpoints.is_empty() {
            ctx.error("", "a file with endpoints must declare its `group`");
        }
        for (i, def) in file.spec.types.iter().enumerate() {
            ctx.type_def(&format!("/types/{i}"), def);
        }
        ctx.endpoints();
    }
    out
}

/// Every shared type by name, reporting duplicates and bad names.
pub fn type_index<'s>(spec: &'s Spec, out: &mut Diagnostics) -> HashMap<&'s str, &'s TypeDef> {
    let mut index: HashMap<&str, &TypeDef> = HashMap::new();
    let mut first_seen: HashMap<&str, &str> = HashMap::new();
    for file in &spec.files {
        for (i, def) in file.spec.types.iter().enumerate() {
            if !names::is_camel_ident(&def.name) {
                out.push(file.error(
                    &format!("/types/{i}/name"),
                    format!("type name `{}` must be UpperCamelCase", def.name),
                ));
            }
            if let Some(first) = first_seen.insert(&def.name, &file.display) {
                out.push(file.error(
                    &format!("/types/{i}/name"),
                    format!("type `{}` is already declared in {first}", def.name),
                ));
            } else {
                index.insert(&def.name, def);
            }
        }
    }
    index
}

struct Ctx<'a> {
    file: &'a SpecFile,
    types: &'a HashMap<&'a str, &'a TypeDef>,
    out: &'a mut Diagnostics,
}

impl Ctx<'_> {
    fn error(&mut self, pointer: &str, message: impl Into<String>) {
        self.out.push(self.file.error(pointer, message));
    }

    /// Every entry must say what it is: `import` writes new entries with empty docs, and they
    /// must not build until a person has described them.
    fn docs(&mut self, at: &str, what: &str, docs: &str) {
        if docs.trim().is_empty() {
            self.error(
                &format!("{at}/docs"),
                format!("{what} has empty `docs`; describe it in your own words"),
            );
        }
    }

    fn type_def(&mut self, at: &str, def: &TypeDef) {
        self.docs(at, &format!("type `{}`", def.name), &def.docs);
        match (&def.fields, &def.variants) {
            (Some(fields), None) => {
                let mut rust_names = BTreeMap::new();
                self.fields(
                    &format!("{at}/fields"),
                    fields,
                    Place::Object,
                    &mut rust_names,
                );
            }
            (None, Some(variants)) => {
                if variants.is_empty() {
                    self.error(&format!("{at}/enum"), "an enum needs at least one value");
                }
                let mut seen = HashSet::new();
                let mut rust_seen = HashMap::new();
                for (i, variant) in variants.iter().enumerate() {
                    let vat = format!("{at}/enum/{i}");
                    self.docs(
                        &vat,
                        &format!("enum value `{}`", variant.value),
                        &variant.docs,
                    );
                    if !seen.insert(&variant.value) {
                        self.error(
                            &format!("{vat}/value"),
                            format!("duplicate enum value `{}`", variant.value),
                        );
                    }
                    let rust = variant
                        .rust_name
                        .clone()
                        .unwrap_or_else(|| names::camel(&variant.value));
                    if !names::is_camel_ident(&rust) {
                        self.error(
                            &vat,
                            format!(
                                "enum value `{}` gives the variant name `{rust}`, which is not an \
                                 UpperCamelCase identifier; set `rust_name`",
                                variant.value
                            ),
                        );
                    } else if let Some(other) = rust_seen.insert(rust.clone(), &variant.value) {
                        self.error(
                            &vat,
                            format!(
                                "enum values `{other}` and `{}` both become the variant `{rust}`; \
                                 set `rust_name` on one",
                                variant.value
                            ),
                        );
                    }
                }
            }
            _ => self.error(
                at,
                format!(
                    "type `{}` must have exactly one of `fields` (an object) or `enum`",
                    def.name
                ),
            ),
        }
    }

    fn endpoints(&mut self) {
        let file = self.file;
        let mut seen: HashMap<&str, usize> = HashMap::new();
        let management = file
            .spec
            .endpoints
            .iter()
            .filter(|e| e.auth == AuthStyle::Management)
            .count();
        for (i, endpoint) in file.spec.endpoints.iter().enumerate() {
            let at = format!("/endpoints/{i}");
            self.docs(
                &at,
                &format!("endpoint `{}`", endpoint.name),
                &endpoint.docs,
            );
            if !names::is_snake_ident(&endpoint.name) {
                self.error(
                    &format!("{at}/name"),
                    format!(
                        "endpoint name `{}` must be a snake_case identifier",
                        endpoint.name
                    ),
                );
            }
            if let Some(first) = seen.insert(&endpoint.name, i) {
                self.error(
                    &format!("{at}/name"),
                    format!(
                        "duplicate endpoint `{}` (first declared as endpoints[{first}])",
                        endpoint.name
                    ),
                );
            }
            if management > 0
                && management < file.spec.endpoints.len()
                && endpoint.auth == AuthStyle::Management
            {
                self.error(
                    &format!("{at}/auth"),
                    "a group's endpoints are either all `management` or none: management groups \
                     hang off `ManagementClient`; move this endpoint to its own group",
                );
            }
            if !endpoint.method.has_body() && !endpoint.body.is_empty() {
                self.error(
                    &format!("{at}/body"),
                    format!(
                        "a {} endpoint has no body; put its fields in `query`",
                        endpoint.method.as_str()
                    ),
                );
            }
            if let Some(optional) = endpoint.optional_auth
                && (optional.credential().is_none()
                    || !matches!(endpoint.auth, AuthStyle::Project | AuthStyle::None))
            {
                self.error(
                    &format!("{at}/optional_auth"),
                    "`optional_auth` adds a per-call credential (`refresh`, `session` or \
                     `access_key`) to an endpoint whose `auth` is `project` or `none`",
                );
            }
            self.path(&at, endpoint);
            let mut rust_names = BTreeMap::new();
            if let Some((arg, ..)) = endpoint.auth.credential() {
                rust_names.insert(arg.to_owned(), "(the credential argument)".to_owned());
            }
            self.fields(
                &format!("{at}/path_params"),
                &endpoint.path_params,
                Place::Path,
                &mut rust_names,
            );
            self.fields(
                &format!("{at}/query"),
                &endpoint.query,
                Place::Query,
                &mut rust_names,
            );
            self.fields(
                &format!("{at}/body"),
                &endpoint.body,
                Place::Body,
                &mut rust_names,
            );
            if let Some(response) = &endpoint.response {
                let rat = format!("{at}/response");
                if let Some(docs) = &response.docs {
                    self.docs(&rat, &format!("the reply of `{}`", endpoint.name), docs);
                }
                match (response.content, &response.type_name, &response.fields) {
                    (Content::Text, None, None) => {}
                    (Content::Text, _, _) => self.error(
                        &rat,
                        "a text response is handed over as a string: it takes no `type` or \
                         `fields`",
                    ),
                    (Content::Json, Some(text), None) => self.reply_type(&rat, text),
                    (Content::Json, None, Some(fields)) => {
                        let mut reply_names = BTreeMap::new();
                        self.fields(
                            &format!("{rat}/fields"),
                            fields,
                            Place::Reply,
                            &mut reply_names,
                        );
                    }
                    _ => self.error(
                        &rat,
                        "a response has exactly one of `type` (a shared type) or `fields`; \
                         leave `response` out for an empty reply",
                    ),
                }
            }
        }
    }

    /// A reply `type`: a shared object type, or an array of one (a bare JSON array).
    fn reply_type(&mut self, rat: &str, text: &str) {
        let at = format!("{rat}/type");
        let ty = match Ty::parse(text) {
            Ok(ty) => ty,
            Err(message) => return self.error(&at, message),
        };
        let object = match &ty {
            Ty::Named(name) => Some(name),
            Ty::Array(inner) => match &**inner {
                Ty::Named(name) => Some(name),
                _ => None,
            },
            _ => None,
        };
        let Some(name) = object else {
            return self.error(
                &at,
                format!(
                    "reply type `{ty}` must be a shared object type or an array of one; use \
                     `fields` for a reply of its own"
                ),
            );
        };
        match self.types.get(name.as_str()) {
            Some(def) if def.fields.is_some() => {}
            Some(_) => self.error(
                &at,
                format!("reply type `{name}` is an enum; a reply must be an object"),
            ),
            None => self.error(&at, format!("unknown type `{name}`")),
        }
    }

    fn path(&mut self, at: &str, endpoint: &crate::model::Endpoint) {
        if !endpoint.path.starts_with('/') {
            self.error(&format!("{at}/path"), "a path must start with `/`");
        }
        let placeholders = placeholders(&endpoint.path);
        for name in &placeholders {
            if !endpoint.path_params.iter().any(|p| &p.name == name) {
                self.error(
                    &format!("{at}/path"),
                    format!(
                        "path placeholder `{{{name}}}` is not declared in `path_params` of `{}`",
                        endpoint.name
                    ),
                );
            }
        }
        for (i, param) in endpoint.path_params.iter().enumerate() {
            if !placeholders.contains(&param.name) {
                self.error(
                    &format!("{at}/path_params/{i}"),
                    format!(
                        "path parameter `{}` does not appear in the path",
                        param.name
                    ),
                );
            }
        }
    }

    fn fields(
        &mut self,
        at: &str,
        fields: &[Field],
        place: Place,
        rust_names: &mut BTreeMap<String, String>,
    ) {
        let mut wire = HashSet::new();
        for (i, field) in fields.iter().enumerate() {
            let fat = format!("{at}/{i}");
            if !wire.insert(&field.name) {
                self.error(
                    &format!("{fat}/name"),
                    format!("duplicate field `{}`", field.name),
                );
                continue;
            }
            let rust = field
                .rust_name
                .clone()
                .unwrap_or_else(|| names::snake(&field.name));
            if !names::is_snake_ident(&rust) && !rust.ends_with('_') {
                self.error(
                    &fat,
                    format!(
                        "field `{}` gives the Rust name `{rust}`, which is not a snake_case \
                         identifier; set `rust_name`",
                        field.name
                    ),
                );
            } else if let Some(other) = rust_names.insert(rust.clone(), field.name.clone()) {
                self.error(
                    &fat,
                    format!(
                        "fields `{other}` and `{}` both become the Rust name `{rust}`; set \
                         `rust_name` on one of them",
                        field.name
                    ),
                );
            }
            self.field(&fat, field, place);
        }
    }

    fn field(&mut self, at: &str, field: &Field, place: Place) {
        self.docs(at, &format!("field `{}`", field.name), &field.docs);
        let ty = match Ty::parse(&field.ty) {
            Ok(ty) => ty,
            Err(message) => return self.error(&format!("{at}/type"), message),
        };
        let named = ty.named().map(|n| (n, self.types.get(n).copied()));
        if let Some((name, None)) = named {
            return self.error(&format!("{at}/type"), format!("unknown type `{name}`"));
        }
        let is_enum = |def: Option<&TypeDef>| def.is_some_and(|d| d.variants.is_some());
        match place {
            Place::Path
                if !(ty == Ty::String
                    || matches!(&ty, Ty::Named(_) if is_enum(named.and_then(|n| n.1)))) =>
            {
                self.error(
                    &format!("{at}/type"),
                    "a path parameter must be a `string` or a shared enum",
                )
            }
            Place::Query if !query_type(&ty, named.and_then(|n| n.1)) => self.error(
                &format!("{at}/type"),
                "a query field must be a scalar, a shared enum, or an array of those",
            ),
            _ => {}
        }
        if field.required && field.default.is_some() {
            self.error(
                &format!("{at}/default"),
                format!(
                    "field `{}` is required and has a default; a required field cannot have one",
                    field.name
                ),
            );
        }
        if let Some(default) = &field.default
            && let Err(message) = self.default_fits(&ty, default)
        {
            self.error(
                &format!("{at}/default"),
                format!(
                    "default {default} of field `{}` does not fit type `{ty}`: {message}",
                    field.name
                ),
            );
        }
        if field.format.is_some() && ty != Ty::String {
            self.error(
                &format!("{at}/format"),
                "`format` applies to `string` fields only",
            );
        }
        if field.secret && ty != Ty::String {
            self.error(
                &format!("{at}/secret"),
                "`secret` applies to `string` fields only",
            );
        }
        if field.source.is_some() && (place != Place::Path || ty != Ty::String) {
            self.error(
                &format!("{at}/source"),
                "`source` applies to `string` path parameters only",
            );
        }
        if field.secret && place == Place::Query {
            self.error(
                &format!("{at}/secret"),
                "a secret must not travel in a URL query",
            );
        }
    }

    fn default_fits(&self, ty: &Ty, value: &Value) -> Result<(), String> {
        let ok = match ty {
            Ty::String => value.is_string(),
            Ty::Bool => value.is_boolean(),
            Ty::Int32 => value.as_i64().is_some_and(|v| i32::try_from(v).is_ok()),
            Ty::Int64 => value.is_i64(),
            Ty::Number => value.is_number(),
            Ty::Any => true,
            Ty::Url | Ty::RefreshJwt | Ty::SessionJwt => {
                return Err("URLs and JWTs take no default".into());
            }
            Ty::Array(_) if value.as_array().is_some_and(Vec::is_empty) => true,
            Ty::Map(_) if value.as_object().is_some_and(|m| m.is_empty()) => true,
            Ty::Array(_) | Ty::Map(_) => {
                return Err("only an empty array or map can be a default".into());
            }
            Ty::Named(name) => {
                let def = self.types.get(name.as_str());
                match def.and_then(|d| d.variants.as_ref()) {
                    Some(variants) => {
                        let s = value.as_str().unwrap_or_default();
                        if variants.iter().any(|v| v.value == s) {
                            true
                        } else {
                            return Err(format!(
                                "expected one of {}",
                                variants
                                    .iter()
                                    .map(|v| format!("\"{}\"", v.value))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ));
                        }
                    }
                    None => return Err("object types take no default".into()),
                }
            }
        };
        if ok {
            Ok(())
        } else {
            Err(format!("expected a JSON {}", json_kind(ty)))
        }
    }
}

fn json_kind(ty: &Ty) -> &'static str {
    match ty {
        Ty::String | Ty::Named(_) | Ty::Url | Ty::RefreshJwt | Ty::SessionJwt => "string",
        Ty::Bool => "boolean",
        Ty::Int32 => "integer within 32 bits",
        Ty::Int64 => "integer",
        Ty::Number => "number",
        Ty::Any => "value",
        Ty::Array(_) => "array",
        Ty::Map(_) => "object",
    }
}

fn query_type(ty: &Ty, named: Option<&TypeDef>) -> bool {
    match ty {
        Ty::String | Ty::Bool | Ty::Int32 | Ty::Int64 | Ty::Number | Ty::Url => true,
        // JWTs are credentials: they never travel in a URL.
        Ty::RefreshJwt | Ty::SessionJwt => false,
        Ty::Named(_) => named.is_some_and(|d| d.variants.is_some()),
        Ty::Array(inner) => !matches!(**inner, Ty::Array(_)) && query_type(inner, named),
        Ty::Any | Ty::Map(_) => false,
    }
}

/// The `{name}` placeholders of a path, in order.
pub fn placeholders(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        out.push(rest[start + 1..start + len].to_owned());
        rest = &rest[start + len + 1..];
    }
    out
}
