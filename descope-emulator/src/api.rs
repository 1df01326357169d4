//! The operations of `spec/`, as the emulator routes and checks requests against them.
//!
//! The spec files are embedded at compile time (see `build.rs`) and resolved into
//! [`descope_spec::Api`] once per process: the same model the client is generated from. From it
//! come the routes (method and path template), the auth style, and the rules for path
//! parameters, query fields and body fields: required, JSON type (recursing into object types),
//! enum values, email/phone formats, and the other spellings (`aliases`) other clients send.

use std::collections::HashMap;
use std::sync::OnceLock;

use descope_spec::{AuthStyle, Endpoint, Field, Format, Place, Presence, Segment, Type, TypeKind};
use serde_json::{Map, Value};

use crate::error::{Code, Fail, fail};

include!(concat!(env!("OUT_DIR"), "/spec_files.rs"));

/// The resolved spec every request is checked against.
pub(crate) struct Api {
    model: descope_spec::Api,
}

/// A request routed to an operation: its path parameters, decoded.
pub(crate) struct Routed<'a> {
    pub op: &'a Endpoint,
    /// Other operations on the very same method and path, told apart by their bodies (role
    /// and permission updates by name or by ID): the first whose body checks pass is meant.
    pub alternatives: Vec<&'a Endpoint>,
    pub params: HashMap<String, String>,
}

/// The process-wide resolved spec, or why the embedded spec does not resolve (which the
/// emulator's build script already rules out: it resolves the same files).
pub(crate) fn api() -> Result<&'static Api, &'static str> {
    static API: OnceLock<Result<Api, String>> = OnceLock::new();
    API.get_or_init(|| {
        descope_spec::Api::from_sources("spec", SPEC_FILES.iter().copied())
            .map(|model| Api { model })
            .map_err(|d| format!("the embedded spec does not resolve:\n{d}"))
    })
    .as_ref()
    .map_err(String::as_str)
}

impl Api {
    /// Every operation, in spec order.
    pub fn operations(&self) -> impl Iterator<Item = &Endpoint> {
        self.model.endpoints().map(|(_, e)| e)
    }

    /// Finds the operation for `method` and `path`.
    ///
    /// A literal segment beats a placeholder (`/otp/signup/email` over `/otp/signup/{method}`).
    /// Fails with 404 when nothing matches the path and method, and with 400 when the path
    /// matches but a placeholder's value is not one of its enum's values.
    pub fn route(&self, method: &str, path: &str) -> Result<Routed<'_>, Fail> {
        let parts: Vec<String> = path.split('/').skip(1).map(percent_decode).collect();
        let mut best: Option<(usize, &Endpoint)> = None;
        let mut alternatives = Vec::new();
        let mut other_methods = Vec::new();
        for op in self.operations() {
            let Some(literals) = shape_match(&op.path.segments, &parts) else {
                continue;
            };
            if op.method.as_str() != method {
                other_methods.push(op.method.as_str());
                continue;
            }
            match best {
                Some((n, first)) if n == literals && first.path.segments == op.path.segments => {
                    alternatives.push(op);
                }
                Some((n, _)) if n >= literals => {}
                _ => {
                    best = Some((literals, op));
                    alternatives.clear();
                }
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
        for (segment, value) in op.path.segments.iter().zip(parts) {
            let Segment::Param(index) = segment else {
                continue;
            };
            let param = &op.params[*index];
            if let Type::Enum(id) = param.ty {
                let def = self.model.ty(id);
                let values: Vec<&str> = def.variants().iter().map(|v| v.value.as_str()).collect();
                if !values.contains(&value.as_str()) {
                    return fail(
                        Code::ValidationFailure,
                        format!(
                            "unknown {} `{value}` in the path: expected one of {}",
                            words(&def.name),
                            values.join(", ")
                        ),
                    );
                }
            }
            params.insert(param.wire.clone(), value);
        }
        Ok(Routed {
            op,
            alternatives,
            params,
        })
    }

    /// Parses and checks a JSON body against the operation's fields; an empty body counts as
    /// `{}`. Returns the body's fields, with any alias renamed to the field's own name.
    pub fn check_body(&self, op: &Endpoint, raw: &[u8]) -> Result<Map<String, Value>, Fail> {
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
        let Value::Object(mut body) = value else {
            return fail(Code::BadRequest, "the body must be a JSON object");
        };
        let fields: Vec<Rule<'_>> = op.params_at(Place::Body).map(Rule::from).collect();
        self.check_fields(&fields, &mut body, "")?;
        Ok(body)
    }

    /// Checks query fields (strings on the wire) against the operation's query fields.
    pub fn check_query(&self, op: &Endpoint, query: &HashMap<String, String>) -> Result<(), Fail> {
        for param in op.params_at(Place::Query) {
            let value = std::iter::once(&param.wire)
                .chain(&param.aliases)
                .find_map(|name| query.get(name));
            let Some(value) = value else {
                if param.presence == Presence::Required {
                    return fail(
                        Code::MissingArgument,
                        format!("missing query parameter `{}`", param.wire),
                    );
                }
                continue;
            };
            let item = match &param.ty {
                Type::Array(item) => item,
                other => other,
            };
            let ok = match item {
                Type::Bool => value == "true" || value == "false",
                Type::Int32 | Type::Int64 => value.parse::<i64>().is_ok(),
                Type::Number => value.parse::<f64>().is_ok(),
                Type::Enum(id) => self
                    .model
                    .ty(*id)
                    .variants()
                    .iter()
                    .any(|v| &v.value == value),
                _ => true,
            };
            if !ok {
                return fail(
                    Code::ValidationFailure,
                    format!(
                        "query parameter `{}` must be {}, got `{value}`",
                        param.wire,
                        self.model.type_expr(item, None)
                    ),
                );
            }
        }
        Ok(())
    }

    fn check_fields(
        &self,
        fields: &[Rule<'_>],
        object: &mut Map<String, Value>,
        at: &str,
    ) -> Result<(), Fail> {
        for field in fields {
            let path = if at.is_empty() {
                field.wire.to_owned()
            } else {
                format!("{at}.{}", field.wire)
            };
            // What other clients send under another spelling counts as the field itself.
            if !object.contains_key(field.wire)
                && let Some(value) = field.aliases.iter().find_map(|a| object.remove(a))
            {
                object.insert(field.wire.to_owned(), value);
            }
            match object.get_mut(field.wire) {
                None | Some(Value::Null) => {
                    if field.required {
                        return fail(Code::MissingArgument, format!("missing argument `{path}`"));
                    }
                }
                Some(value) => {
                    self.check_value(field.ty, value, &path)?;
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

    fn check_value(&self, ty: &Type, value: &mut Value, path: &str) -> Result<(), Fail> {
        let ok = match ty {
            Type::String | Type::Url | Type::RefreshJwt | Type::SessionJwt => value.is_string(),
            Type::Bool => value.is_boolean(),
            Type::Int32 => value.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
            // Protobuf's JSON form sends 64-bit integers as numbers or numeric strings.
            Type::Int64 => {
                value.is_i64()
                    || value.is_u64()
                    || value.as_str().is_some_and(|s| s.parse::<i64>().is_ok())
            }
            Type::Number => value.is_number(),
            Type::Any => true,
            Type::Array(item) => {
                let Value::Array(items) = value else {
                    return self.wrong_type(ty, value, path);
                };
                for (i, element) in items.iter_mut().enumerate() {
                    self.check_value(item, element, &format!("{path}[{i}]"))?;
                }
                true
            }
            Type::Map(item) => {
                let Value::Object(entries) = value else {
                    return self.wrong_type(ty, value, path);
                };
                for (key, element) in entries.iter_mut() {
                    self.check_value(item, element, &format!("{path}.{key}"))?;
                }
                true
            }
            Type::Enum(id) => {
                let variants = self.model.ty(*id).variants();
                let Some(text) = value.as_str() else {
                    return self.wrong_type(ty, value, path);
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
            }
            Type::Object(id) => {
                let Value::Object(inner) = value else {
                    return self.wrong_type(ty, value, path);
                };
                let fields: Vec<Rule<'_>> = match &self.model.ty(*id).kind {
                    TypeKind::Object(fields) => fields.iter().map(Rule::from).collect(),
                    TypeKind::Enum(_) => Vec::new(),
                };
                self.check_fields(&fields, inner, path)?;
                true
            }
        };
        if ok {
            Ok(())
        } else {
            self.wrong_type(ty, value, path)
        }
    }

    fn wrong_type(&self, ty: &Type, value: &Value, path: &str) -> Result<(), Fail> {
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
            format!("`{path}` must be {}, got {got}", self.describe(ty)),
        )
    }

    fn describe(&self, ty: &Type) -> String {
        match ty {
            Type::String | Type::Url | Type::RefreshJwt | Type::SessionJwt => "a string".to_owned(),
            Type::Bool => "a boolean".to_owned(),
            Type::Int32 | Type::Int64 => "an integer".to_owned(),
            Type::Number => "a number".to_owned(),
            Type::Any => "any value".to_owned(),
            Type::Array(item) => format!("an array of {}", self.describe(item)),
            Type::Map(item) => format!("an object whose values are {}", self.describe(item)),
            Type::Object(id) | Type::Enum(id) => format!("a {}", self.model.ty(*id).name),
        }
    }
}

/// What checking a field needs, for request parameters and object fields alike.
struct Rule<'a> {
    wire: &'a str,
    aliases: &'a [String],
    ty: &'a Type,
    required: bool,
    format: Option<Format>,
}

impl<'a> From<&'a descope_spec::Param> for Rule<'a> {
    fn from(param: &'a descope_spec::Param) -> Rule<'a> {
        Rule {
            wire: &param.wire,
            aliases: &param.aliases,
            ty: &param.ty,
            required: param.presence == Presence::Required,
            format: param.format,
        }
    }
}

impl<'a> From<&'a Field> for Rule<'a> {
    fn from(field: &'a Field) -> Rule<'a> {
        Rule {
            wire: &field.wire,
            aliases: &field.aliases,
            ty: &field.ty,
            required: field.presence == Presence::Required,
            format: field.format,
        }
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
        let api = api().unwrap();
        assert!(api.operations().count() > 70);
        for op in api.operations() {
            let Some(path) = op.path.literal() else {
                continue;
            };
            let routed = api.route(op.method.as_str(), path).unwrap();
            let ids: Vec<&str> = std::iter::once(routed.op)
                .chain(routed.alternatives)
                .map(|op| op.id.as_str())
                .collect();
            assert!(ids.contains(&op.id.as_str()), "{} routes to {ids:?}", op.id);
        }
    }

    #[test]
    fn operations_sharing_a_route_are_told_apart_by_their_bodies() {
        let api = api().unwrap();
        let routed = api.route("POST", "/v1/mgmt/role/update").unwrap();
        assert_eq!(routed.op.id, "management.role.update");
        let ids: Vec<&str> = routed
            .alternatives
            .iter()
            .map(|op| op.id.as_str())
            .collect();
        assert_eq!(ids, ["management.role.update_by_id"]);
        let by_name = api.check_body(routed.op, br#"{"name":"a","newName":"b"}"#);
        assert!(by_name.is_ok());
        let by_id = br#"{"id":"R1","newName":"b"}"#;
        assert!(api.check_body(routed.op, by_id).is_err());
        assert!(api.check_body(routed.alternatives[0], by_id).is_ok());
    }

    #[test]
    fn literal_beats_placeholder_and_enums_are_checked() {
        let api = api().unwrap();
        let r = api.route("POST", "/v1/auth/otp/signup/email").unwrap();
        assert_eq!(r.op.id, "auth.otp.sign_up_email");
        let r = api.route("POST", "/v1/auth/otp/signup/sms").unwrap();
        assert_eq!(r.op.id, "auth.otp.sign_up_phone");
        assert_eq!(r.params["method"], "sms");
        let err = api.route("POST", "/v1/auth/otp/verify/fax").err().unwrap();
        assert_eq!(err.code, Code::ValidationFailure);
        assert_eq!(
            err.message,
            "unknown delivery method `fax` in the path: expected one of email, sms, voice, im, whatsapp"
        );
        let err = api.route("GET", "/v1/auth/otp/verify/sms").err().unwrap();
        assert_eq!(err.code, Code::UnknownOperation);
        assert!(err.message.contains("accepts POST"), "{}", err.message);
        let err = api.route("POST", "/v1/auth/nothing").err().unwrap();
        assert_eq!(err.code, Code::UnknownOperation);
    }

    #[test]
    fn bodies_are_checked_deeply() {
        let api = api().unwrap();
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
