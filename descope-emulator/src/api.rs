//! The operations of `spec/`, as the emulator routes and checks requests against them.
//!
//! The spec files are embedded at compile time (see `build.rs`) and parsed with
//! `descope_codegen` once per process. From them come the routes (method and path template),
//! the auth style, and the rules for path parameters, query fields and body fields: required,
//! JSON type (recursing into shared object types), enum values and email/phone formats.

use std::collections::HashMap;
use std::sync::OnceLock;

use descope_codegen::model::{AuthStyle, Field, Format, HttpMethod, TypeDef};
use descope_codegen::{Spec, Ty};
use serde_json::{Map, Value};

use crate::error::{Code, Fail, fail};

include!(concat!(env!("OUT_DIR"), "/spec_files.rs"));

/// The parsed spec: every operation and every shared type.
pub(crate) struct Api {
    operations: Vec<Operation>,
    types: HashMap<String, TypeDef>,
}

/// One operation of the spec.
pub(crate) struct Operation {
    /// `group.name`, e.g. `otp.verify`.
    pub id: String,
    /// HTTP method.
    pub method: HttpMethod,
    /// The path template, e.g. `/v1/auth/otp/verify/{method}`.
    pub path: String,
    /// How it is authorized.
    pub auth: AuthStyle,
    segments: Vec<Segment>,
    query: Vec<Field>,
    body: Vec<Field>,
}

enum Segment {
    Literal(String),
    Param(Field),
}

/// A request routed to an operation: its path parameters, decoded.
pub(crate) struct Routed<'a> {
    pub op: &'a Operation,
    pub params: HashMap<String, String>,
}

/// The process-wide parsed spec.
///
/// # Panics
///
/// When the embedded spec does not load or check, which descope-api's own build already rules
/// out (it compiles the same files).
pub(crate) fn api() -> &'static Api {
    static API: OnceLock<Api> = OnceLock::new();
    API.get_or_init(|| {
        let spec = Spec::from_sources(SPEC_FILES.iter().copied())
            .unwrap_or_else(|d| panic!("the embedded spec does not parse:\n{d}"));
        let problems = descope_codegen::check(&spec);
        assert!(
            problems.is_empty(),
            "the embedded spec does not check:\n{problems}"
        );
        Api::new(&spec)
    })
}

impl Api {
    fn new(spec: &Spec) -> Api {
        let mut types = HashMap::new();
        let mut operations = Vec::new();
        for file in &spec.files {
            for def in &file.spec.types {
                types.insert(def.name.clone(), def.clone());
            }
            let Some(group) = file.group_name() else {
                continue;
            };
            for endpoint in &file.spec.endpoints {
                let segments = endpoint
                    .path
                    .split('/')
                    .skip(1)
                    .map(
                        |part| match part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                            Some(name) => Segment::Param(
                                endpoint
                                    .path_params
                                    .iter()
                                    .find(|f| f.name == name)
                                    .cloned()
                                    .expect("checked: every placeholder is declared"),
                            ),
                            None => Segment::Literal(part.to_owned()),
                        },
                    )
                    .collect();
                operations.push(Operation {
                    id: format!("{group}.{}", endpoint.name),
                    method: endpoint.method,
                    path: endpoint.path.clone(),
                    auth: endpoint.auth,
                    segments,
                    query: endpoint.query.clone(),
                    body: endpoint.body.clone(),
                });
            }
        }
        Api { operations, types }
    }

    /// Every operation, in spec order.
    pub fn operations(&self) -> &[Operation] {
        &self.operations
    }

    /// Finds the operation for `method` and `path`.
    ///
    /// A literal segment beats a placeholder (`/otp/signup/email` over `/otp/signup/{method}`).
    /// Fails with 404 when nothing matches the path and method, and with 400 when the path
    /// matches but a placeholder's value is not one of its enum's values.
    pub fn route(&self, method: &str, path: &str) -> Result<Routed<'_>, Fail> {
        let parts: Vec<String> = path.split('/').skip(1).map(percent_decode).collect();
        let mut best: Option<(usize, &Operation)> = None;
        let mut other_methods = Vec::new();
        for op in &self.operations {
            let Some(literals) = shape_match(&op.segments, &parts) else {
                continue;
            };
            if op.method.as_str() != method {
                other_methods.push(op.method.as_str());
                continue;
            }
            if best.is_none_or(|(n, _)| literals > n) {
                best = Some((literals, op));
            }
        }
        let Some((_, op)) = best else {
            let hint = if other_methods.is_empty() {
                String::new()
            } else {
                other_methods.sort_unstable();
                other_methods.dedup();
                format!(" (the path accepts {})", other_methods.join(", "))
            };
            return fail(
                Code::UnknownOperation,
                format!("no operation {method} {path} in the Descope API{hint}"),
            );
        };
        let mut params = HashMap::new();
        for (segment, value) in op.segments.iter().zip(parts) {
            if let Segment::Param(field) = segment {
                if let Some(values) = self.enum_values(&field.ty)
                    && !values.contains(&value.as_str())
                {
                    return fail(
                        Code::ValidationFailure,
                        format!(
                            "unknown {} `{value}` in the path: expected one of {}",
                            words(&field.ty),
                            values.join(", ")
                        ),
                    );
                }
                params.insert(field.name.clone(), value);
            }
        }
        Ok(Routed { op, params })
    }

    /// Parses and checks a JSON body against the operation's fields; an empty body counts as
    /// `{}`. Returns the body's fields.
    pub fn check_body(&self, op: &Operation, raw: &[u8]) -> Result<Map<String, Value>, Fail> {
        if !op.method.has_body() {
            return Ok(Map::new());
        }
        let value: Value = if raw.iter().all(u8::is_ascii_whitespace) {
            Value::Object(Map::new())
        } else {
            serde_json::from_slice(raw).map_err(|e| {
                Fail::new(Code::BadRequest, format!("the body is not valid JSON: {e}"))
            })?
        };
        let Value::Object(body) = value else {
            return fail(Code::BadRequest, "the body must be a JSON object");
        };
        self.check_fields(&op.body, &body, "")?;
        Ok(body)
    }

    /// Checks query fields (strings on the wire) against the operation's query fields.
    pub fn check_query(&self, op: &Operation, query: &HashMap<String, String>) -> Result<(), Fail> {
        for field in &op.query {
            let Some(value) = query.get(&field.name) else {
                if field.required {
                    return fail(
                        Code::MissingArgument,
                        format!("missing query parameter `{}`", field.name),
                    );
                }
                continue;
            };
            let ok = match Ty::parse(&field.ty) {
                Ok(Ty::Bool) => value == "true" || value == "false",
                Ok(Ty::Int32 | Ty::Int64) => value.parse::<i64>().is_ok(),
                Ok(Ty::Number) => value.parse::<f64>().is_ok(),
                Ok(Ty::Named(name)) => self
                    .enum_values(&name)
                    .is_none_or(|values| values.contains(&value.as_str())),
                _ => true,
            };
            if !ok {
                return fail(
                    Code::ValidationFailure,
                    format!(
                        "query parameter `{}` must be {}, got `{value}`",
                        field.name, field.ty
                    ),
                );
            }
        }
        Ok(())
    }

    fn check_fields(
        &self,
        fields: &[Field],
        object: &Map<String, Value>,
        at: &str,
    ) -> Result<(), Fail> {
        for field in fields {
            let path = if at.is_empty() {
                field.name.clone()
            } else {
                format!("{at}.{}", field.name)
            };
            match object.get(&field.name) {
                None | Some(Value::Null) => {
                    if field.required {
                        return fail(Code::MissingArgument, format!("missing argument `{path}`"));
                    }
                }
                Some(value) => {
                    let ty = Ty::parse(&field.ty).expect("checked: valid type expression");
                    self.check_value(&ty, value, &path)?;
                    if let Value::String(text) = value {
                        if field.required && text.trim().is_empty() {
                            return fail(
                                Code::MissingArgument,
                                format!("argument `{path}` must not be empty"),
                            );
                        }
                        check_format(field.format, text, &path)?;
                    }
                }
            }
        }
        Ok(())
    }

    fn check_value(&self, ty: &Ty, value: &Value, path: &str) -> Result<(), Fail> {
        let ok = match ty {
            Ty::String | Ty::Url | Ty::RefreshJwt | Ty::SessionJwt => value.is_string(),
            Ty::Bool => value.is_boolean(),
            Ty::Int32 => value.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
            // Protobuf's JSON form sends 64-bit integers as numbers or numeric strings.
            Ty::Int64 => {
                value.is_i64()
                    || value.is_u64()
                    || value.as_str().is_some_and(|s| s.parse::<i64>().is_ok())
            }
            Ty::Number => value.is_number(),
            Ty::Any => true,
            Ty::Array(item) => {
                let Value::Array(items) = value else {
                    return wrong_type(ty, value, path);
                };
                for (i, element) in items.iter().enumerate() {
                    self.check_value(item, element, &format!("{path}[{i}]"))?;
                }
                true
            }
            Ty::Map(item) => {
                let Value::Object(entries) = value else {
                    return wrong_type(ty, value, path);
                };
                for (key, element) in entries {
                    self.check_value(item, element, &format!("{path}.{key}"))?;
                }
                true
            }
            Ty::Named(name) => {
                let def = self.types.get(name).expect("checked: type exists");
                if let Some(variants) = &def.variants {
                    let Some(text) = value.as_str() else {
                        return wrong_type(ty, value, path);
                    };
                    if !variants.iter().any(|v| v.value == text) {
                        let values: Vec<&str> = variants.iter().map(|v| v.value.as_str()).collect();
                        return fail(
                            Code::ValidationFailure,
                            format!(
                                "`{path}` must be one of {}, got `{text}`",
                                values.join(", ")
                            ),
                        );
                    }
                    true
                } else {
                    let Value::Object(inner) = value else {
                        return wrong_type(ty, value, path);
                    };
                    self.check_fields(def.fields.as_deref().unwrap_or_default(), inner, path)?;
                    true
                }
            }
        };
        if ok {
            Ok(())
        } else {
            wrong_type(ty, value, path)
        }
    }

    /// The values of `type_name` when it names a string enum.
    fn enum_values(&self, type_name: &str) -> Option<Vec<&str>> {
        let variants = self.types.get(type_name)?.variants.as_ref()?;
        Some(variants.iter().map(|v| v.value.as_str()).collect())
    }
}

/// `DeliveryMethod` → `delivery method`.
fn words(type_name: &str) -> String {
    let mut out = String::new();
    for c in type_name.chars() {
        if c.is_uppercase() && !out.is_empty() {
            out.push(' ');
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// How many literal segments match, or `None` when the path does not have this shape.
fn shape_match(segments: &[Segment], parts: &[String]) -> Option<usize> {
    if segments.len() != parts.len() {
        return None;
    }
    let mut literals = 0;
    for (segment, part) in segments.iter().zip(parts) {
        match segment {
            Segment::Literal(text) if text == part => literals += 1,
            Segment::Literal(_) => return None,
            Segment::Param(_) if part.is_empty() => return None,
            Segment::Param(_) => {}
        }
    }
    Some(literals)
}

fn wrong_type(ty: &Ty, value: &Value, path: &str) -> Result<(), Fail> {
    let got = match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    };
    fail(
        Code::ValidationFailure,
        format!("`{path}` must be {}, got {got}", describe(ty)),
    )
}

fn describe(ty: &Ty) -> String {
    match ty {
        Ty::String | Ty::Url | Ty::RefreshJwt | Ty::SessionJwt => "a string".to_owned(),
        Ty::Bool => "a boolean".to_owned(),
        Ty::Int32 | Ty::Int64 => "an integer".to_owned(),
        Ty::Number => "a number".to_owned(),
        Ty::Any => "any value".to_owned(),
        Ty::Array(item) => format!("an array of {}", describe(item)),
        Ty::Map(item) => format!("an object whose values are {}", describe(item)),
        Ty::Named(name) => format!("a {name}"),
    }
}

fn check_format(format: Option<Format>, text: &str, path: &str) -> Result<(), Fail> {
    match format {
        Some(Format::Email) if !is_email(text) => fail(
            Code::ValidationFailure,
            format!("`{path}` is not a valid email address"),
        ),
        Some(Format::Phone) if !is_phone(text) => fail(
            Code::ValidationFailure,
            format!("`{path}` is not a valid phone number"),
        ),
        _ => Ok(()),
    }
}

/// One `@`, a non-empty local part, a domain with a `.`, no whitespace (as descope-api checks).
pub(crate) fn is_email(value: &str) -> bool {
    !value.chars().any(char::is_whitespace)
        && value.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !domain.contains('@')
        })
}

/// An optional `+` and 6 to 15 digits, ignoring spaces, `-`, `(` and `)` (as descope-api checks).
pub(crate) fn is_phone(value: &str) -> bool {
    let rest = value.strip_prefix('+').unwrap_or(value);
    let mut digits = 0usize;
    for c in rest.chars() {
        match c {
            '0'..='9' => digits += 1,
            ' ' | '-' | '(' | ')' => {}
            _ => return false,
        }
    }
    (6..=15).contains(&digits)
}

/// Decodes `%XX` escapes; invalid escapes stay as they are.
fn percent_decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl Operation {
    /// Whether the path has no placeholders.
    #[cfg(test)]
    pub fn is_fixed(&self) -> bool {
        self.segments
            .iter()
            .all(|s| matches!(s, Segment::Literal(_)))
    }
}

/// Who an `AuthStyle` expects, for messages.
pub(crate) fn expected_header(style: AuthStyle) -> &'static str {
    match style {
        AuthStyle::None => "no Authorization header",
        AuthStyle::Project => "Bearer <ProjectID>",
        AuthStyle::Refresh => "Bearer <ProjectID>:<RefreshJWT>",
        AuthStyle::Session => "Bearer <ProjectID>:<SessionJWT>",
        AuthStyle::AccessKey => "Bearer <ProjectID>:<AccessKey>",
        AuthStyle::Management => "Bearer <ProjectID>:<ManagementKey>",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_is_routable_to_itself() {
        let api = api();
        assert!(api.operations().len() > 70);
        for op in api.operations() {
            if !op.is_fixed() {
                continue;
            }
            let routed = api.route(op.method.as_str(), &op.path).unwrap();
            assert_eq!(routed.op.id, op.id);
        }
    }

    #[test]
    fn literal_beats_placeholder_and_enums_are_checked() {
        let api = api();
        let r = api.route("POST", "/v1/auth/otp/signup/email").unwrap();
        assert_eq!(r.op.id, "otp.sign_up_email");
        let r = api.route("POST", "/v1/auth/otp/signup/sms").unwrap();
        assert_eq!(r.op.id, "otp.sign_up_phone");
        assert_eq!(r.params["method"], "sms");
        let err = api.route("POST", "/v1/auth/otp/verify/fax").err().unwrap();
        assert_eq!(err.code, Code::ValidationFailure);
        assert_eq!(
            err.message,
            "unknown delivery method `fax` in the path: expected one of email, sms, voice, im"
        );
        let err = api.route("GET", "/v1/auth/otp/verify/sms").err().unwrap();
        assert_eq!(err.code, Code::UnknownOperation);
        assert!(err.message.contains("accepts POST"), "{}", err.message);
        let err = api.route("POST", "/v1/auth/nothing").err().unwrap();
        assert_eq!(err.code, Code::UnknownOperation);
    }

    #[test]
    fn bodies_are_checked_deeply() {
        let api = api();
        let op = api.route("POST", "/v1/auth/otp/signup/email").unwrap().op;
        let check = |body: &str| api.check_body(op, body.as_bytes());
        assert!(check(r#"{"loginId":"a@b.co"}"#).is_ok());
        assert_eq!(check("").unwrap_err().code, Code::MissingArgument);
        assert_eq!(check("[1]").unwrap_err().code, Code::BadRequest);
        assert_eq!(check("{").unwrap_err().code, Code::BadRequest);
        assert_eq!(
            check(r#"{"loginId":""}"#).unwrap_err().code,
            Code::MissingArgument
        );
        let err = check(r#"{"loginId":5}"#).unwrap_err();
        assert_eq!(err.code, Code::ValidationFailure);
        assert_eq!(err.message, "`loginId` must be a string, got a number");
        let err = check(r#"{"loginId":"a","user":{"name":true}}"#).unwrap_err();
        assert_eq!(err.message, "`user.name` must be a string, got a boolean");
        let err =
            check(r#"{"loginId":"a","loginOptions":{"templateOptions":{"x":1}}}"#).unwrap_err();
        assert_eq!(
            err.message,
            "`loginOptions.templateOptions.x` must be a string, got a number"
        );
        let err = check(r#"{"loginId":"a","email":"nope"}"#).unwrap_err();
        assert_eq!(err.message, "`email` is not a valid email address");
        assert!(check(r#"{"loginId":"a","unknownField":1}"#).is_ok());
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("a%20b"), "a b");
        assert_eq!(percent_decode("%zz%2"), "%zz%2");
        assert_eq!(percent_decode("%41"), "A");
    }
}
