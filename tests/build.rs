//! Writes the spec-driven wire table, `$OUT_DIR/wire_table.rs`, from the resolved model of
//! `descope-api/spec`.
//!
//! For every endpoint of [`descope_spec::Api`] it writes calls through the generated API (with
//! every field set, and with only the required ones; and, for each required string or format
//! check, one call the client must refuse) and, beside each, what the model says goes on the
//! wire: method, path, query pairs, `Authorization`, JSON body, and the reply to answer with.
//! Names, argument order and expected bytes all come from the model; none is read from the code
//! under test. `tests/wire_table.rs` runs the table against a local server.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use descope_spec::sample::{self, Fill};
use descope_spec::{
    Api, AuthStyle, Endpoint, Group, Handle, Param, Place, Presence, Reply, Segment, Type, TypeKind,
};
use serde_json::{Map, Value, json};

/// The project every case's client uses.
const PROJECT: &str = "P2wireTableProject";

fn main() -> ExitCode {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let dir = manifest.join("../descope-api/spec");
    println!("cargo:rerun-if-changed={}", dir.display());
    let api = match Api::load(&dir, "spec") {
        Ok(api) => api,
        Err(diagnostics) => {
            eprintln!("the spec does not resolve:\n{diagnostics}");
            return ExitCode::FAILURE;
        }
    };
    let mut out = Table::default();
    for (group, endpoint) in api.endpoints() {
        for fill in [Fill::All, Fill::Required] {
            out.case(&api, group, endpoint, fill, None);
        }
        for param in endpoint.params.iter().filter(|p| p.is_argument()) {
            if param.ty != Type::String {
                continue;
            }
            let bad = match param.format {
                _ if param.place == Place::Path => Some(""),
                Some(_) => Some("not-valid"),
                None if param.presence == Presence::Required => Some(""),
                None => None,
            };
            if let Some(bad) = bad {
                out.case(&api, group, endpoint, Fill::Required, Some((param, bad)));
            }
        }
    }
    let Some(target) = std::env::var_os("OUT_DIR").map(PathBuf::from) else {
        eprintln!("OUT_DIR is not set: run this through cargo");
        return ExitCode::FAILURE;
    };
    let text = out.finish();
    if let Err(e) = std::fs::write(target.join("wire_table.rs"), text) {
        eprintln!("cannot write wire_table.rs: {e}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

#[derive(Default)]
struct Table {
    calls: String,
    cases: String,
    count: usize,
}

impl Table {
    /// One case: a call through the generated API and what the model says it sends. With
    /// `refuse`, the parameter gets that bad value and the call must fail before any I/O.
    fn case(
        &mut self,
        api: &Api,
        group: &Group,
        endpoint: &Endpoint,
        fill: Fill,
        refuse: Option<(&Param, &str)>,
    ) {
        let n = self.count;
        self.count += 1;
        let mut call = String::from("client");
        match group.handle {
            Handle::Client => {}
            Handle::Management => call.push_str(".management()?"),
        }
        let _ = write!(call, ".{}().{}(", group.name, endpoint.name);
        let mut args = Vec::new();
        if let Some((_, ty, _)) = endpoint.auth.credential() {
            args.push(format!(
                "&descope_api::{ty}::new({:?})",
                credential(endpoint.auth)
            ));
        }
        let mut path_values = Vec::new();
        for param in endpoint.params.iter().filter(|p| p.is_argument()) {
            let value = match refuse {
                Some((bad, text)) if std::ptr::eq(bad, param) => {
                    (format!("{text:?}"), Value::String(text.to_owned()))
                }
                _ => value(
                    api,
                    &param.ty,
                    param.secret,
                    param.format,
                    &param.wire,
                    fill,
                    0,
                ),
            };
            if param.place == Place::Path {
                path_values.push((param.wire.as_str(), value.1.clone()));
            }
            args.push(value.0);
        }
        call.push_str(&args.join(", "));
        call.push(')');
        let mut authorization = authorization(endpoint.auth);
        if fill == Fill::All {
            for param in endpoint
                .params
                .iter()
                .filter(|p| !p.is_argument() && p.source.is_none())
            {
                let (expr, _) = value(
                    api,
                    &param.ty,
                    param.secret,
                    param.format,
                    &param.wire,
                    fill,
                    0,
                );
                let _ = write!(call, ".{}({expr})", param.rust);
            }
            if let Some(optional) = endpoint.optional_auth
                && let Some((arg, ty, _)) = optional.credential()
            {
                let _ = write!(
                    call,
                    ".with_{arg}(&descope_api::{ty}::new(\"optional-{arg}\"))"
                );
                authorization = Some(format!("Bearer {PROJECT}:optional-{arg}"));
            }
        }
        let path = endpoint
            .path
            .segments
            .iter()
            .map(|segment| match segment {
                Segment::Literal(text) => text.clone(),
                Segment::Param(i) => {
                    let param = &endpoint.params[*i];
                    if param.source.is_some() {
                        PROJECT.to_owned()
                    } else {
                        let value = path_values
                            .iter()
                            .find(|(name, _)| *name == param.wire)
                            .and_then(|(_, v)| v.as_str().map(str::to_owned))
                            .unwrap_or_default();
                        encode(&value)
                    }
                }
            })
            .collect::<Vec<_>>()
            .join("/");
        let path = format!("/{path}");
        let query = query_pairs(api, endpoint, fill);
        let body = endpoint
            .method
            .has_body()
            .then(|| Value::Object(body(api, endpoint, fill)).to_string());
        let (reply, strings) = reply(api, endpoint);
        let _ = writeln!(
            self.calls,
            "fn call_{n}(client: Client) -> Pending {{\n    Box::pin(async move {{\n        \
             let request = {call};\n        let shown = format!(\"{{request:?}}\");\n        \
             Ok((shown, format!(\"{{:?}}\", request.await?)))\n    }})\n}}\n"
        );
        let _ = writeln!(
            self.cases,
            "    Case {{ id: {id:?}, fill: {fill:?}, method: {method:?}, path: {path:?}, query: \
             &{query:?}, authorization: {authorization:?}, body: {body:?}, reply: {reply:?}, \
             reply_strings: &{strings:?}, refused: {refused:?}, call: call_{n} }},",
            id = endpoint.id,
            fill = match fill {
                Fill::All => "every field",
                Fill::Required => "required fields only",
            },
            method = endpoint.method.as_str(),
            refused = refuse.map(|(p, _)| p.wire.as_str()),
        );
    }

    fn finish(self) -> String {
        format!(
            "// Generated by tests/build.rs from descope-api/spec: do not edit.\n\n\
             /// The project every case's client uses.\n\
             const PROJECT: &str = {PROJECT:?};\n\n\
             {calls}\n\
             /// Every case, in spec order.\n\
             static CASES: &[Case] = &[\n{cases}];\n",
            calls = self.calls,
            cases = self.cases,
        )
    }
}

/// The credential a case passes for an auth style.
fn credential(style: AuthStyle) -> String {
    format!("{}-sample", style.as_str().replace('_', "-"))
}

/// The `Authorization` header the model expects for an auth style.
fn authorization(style: AuthStyle) -> Option<String> {
    match style {
        AuthStyle::None => None,
        AuthStyle::Project => Some(format!("Bearer {PROJECT}")),
        AuthStyle::Management => Some(format!("Bearer {PROJECT}:management-key-sample")),
        other => Some(format!("Bearer {PROJECT}:{}", credential(other))),
    }
}

/// A value of `ty` as a Rust argument expression and as the JSON it becomes, with the same
/// samples as [`descope_spec::sample`] (strings derived from `name`).
fn value(
    api: &Api,
    ty: &Type,
    secret: bool,
    format: Option<descope_spec::Format>,
    name: &str,
    fill: Fill,
    depth: usize,
) -> (String, Value) {
    let json = api.sample(ty, format, name, fill);
    let json = if secret {
        json!(sample::text(format, true, name))
    } else {
        json
    };
    let expr = match ty {
        Type::String => format!("{:?}", json.as_str().unwrap_or_default()),
        Type::Bool | Type::Int32 | Type::Int64 | Type::Number => json.to_string(),
        Type::Any => format!("serde_json::json!({json})"),
        Type::Url => format!(
            "descope_api::Url::parse({:?}).expect(\"a URL\")",
            json.as_str().unwrap_or_default()
        ),
        Type::RefreshJwt | Type::SessionJwt => format!("{:?}", json.as_str().unwrap_or_default()),
        Type::Array(item) => {
            let (item, item_json) = value(api, item, false, None, name, fill, depth + 1);
            return (format!("[{item}]"), json!([item_json]));
        }
        Type::Map(item) => {
            let (item, item_json) = value(api, item, false, None, name, fill, depth + 1);
            return (format!("[(\"key\", {item})]"), json!({ "key": item_json }));
        }
        Type::Enum(id) => {
            let def = api.ty(*id);
            let variant = def.variants().last().map_or("", |v| v.rust.as_str());
            format!("{}::{variant}", type_path(api, *id))
        }
        Type::Object(id) => return object(api, *id, fill, depth),
    };
    (expr, json)
}

/// An input object: `Type::default().a(..).b(..)` with the fields `fill` sets, and its JSON
/// (fields left unset are absent when they are `Option`s, at their default otherwise).
fn object(api: &Api, id: descope_spec::TypeId, fill: Fill, depth: usize) -> (String, Value) {
    let def = api.ty(id);
    let mut expr = format!("{}::default()", type_path(api, id));
    let mut map = Map::new();
    if depth >= 4 {
        return (expr, Value::Object(map));
    }
    for field in def.fields() {
        let set = fill == Fill::All || field.presence == Presence::Required;
        if set {
            let (value_expr, json) = value(
                api,
                &field.ty,
                field.secret,
                field.format,
                &field.wire,
                fill,
                depth + 1,
            );
            let _ = write!(expr, ".{}({value_expr})", field.rust);
            map.insert(field.wire.clone(), json);
        } else if !field.option {
            map.insert(field.wire.clone(), unset(&field.ty, &field.presence));
        }
    }
    (expr, Value::Object(map))
}

/// What a field that is not an `Option` sends when nothing set it: its default, or its type's
/// zero value.
fn unset(ty: &Type, presence: &Presence) -> Value {
    if let Presence::Default(value) = presence {
        return value.clone();
    }
    match ty {
        Type::String => json!(""),
        Type::Bool => json!(false),
        Type::Int32 | Type::Int64 => json!(0),
        Type::Number => json!(0.0),
        Type::Array(_) => json!([]),
        Type::Map(_) | Type::Object(_) => json!({}),
        _ => Value::Null,
    }
}

/// The JSON body the model expects.
fn body(api: &Api, endpoint: &Endpoint, fill: Fill) -> Map<String, Value> {
    let mut map = Map::new();
    for param in endpoint.params_at(Place::Body) {
        if param.is_argument() || fill == Fill::All {
            let (_, json) = value(
                api,
                &param.ty,
                param.secret,
                param.format,
                &param.wire,
                fill,
                0,
            );
            map.insert(param.wire.clone(), json);
        } else if !param.is_option() {
            map.insert(param.wire.clone(), unset(&param.ty, &param.presence));
        }
    }
    map
}

/// The query pairs the model expects, in order.
fn query_pairs(api: &Api, endpoint: &Endpoint, fill: Fill) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    for param in endpoint.params_at(Place::Query) {
        let json = if param.is_argument() || fill == Fill::All {
            value(
                api,
                &param.ty,
                param.secret,
                param.format,
                &param.wire,
                fill,
                0,
            )
            .1
        } else if !param.is_option() {
            unset(&param.ty, &param.presence)
        } else {
            continue;
        };
        let items = match json {
            Value::Array(items) => items,
            other => vec![other],
        };
        for item in items {
            let text = match item {
                Value::String(text) => text,
                other => other.to_string(),
            };
            pairs.push((param.wire.clone(), text));
        }
    }
    pairs
}

/// The reply to answer with, and the strings of it that must show in the decoded reply's
/// `Debug` (plain, non-secret strings: a wrong wire name would leave them out).
fn reply(api: &Api, endpoint: &Endpoint) -> (String, Vec<String>) {
    let mut strings = Vec::new();
    let body = match endpoint.reply {
        Reply::Empty => String::new(),
        Reply::Text => {
            strings.push("<EntityDescriptor>sample</EntityDescriptor>".to_owned());
            strings[0].clone()
        }
        Reply::Object(id) => {
            visible_strings(api, &Type::Object(id), 0, &mut strings);
            api.sample(&Type::Object(id), None, "reply", Fill::All)
                .to_string()
        }
        Reply::Array(id) => {
            visible_strings(api, &Type::Object(id), 1, &mut strings);
            api.sample(
                &Type::Array(Box::new(Type::Object(id))),
                None,
                "reply",
                Fill::All,
            )
            .to_string()
        }
    };
    (body, strings)
}

/// The samples [`Api::sample`] gives plain string fields below `ty`, to the same depth.
fn visible_strings(api: &Api, ty: &Type, depth: usize, out: &mut Vec<String>) {
    match ty {
        Type::Array(item) | Type::Map(item) => visible_strings(api, item, depth + 1, out),
        Type::Object(id) if depth < 4 => {
            if let TypeKind::Object(fields) = &api.ty(*id).kind {
                for field in fields {
                    if field.ty == Type::String && !field.secret {
                        out.push(sample::text(field.format, false, &field.wire));
                    } else {
                        visible_strings(api, &field.ty, depth + 1, out);
                    }
                }
            }
        }
        _ => {}
    }
}

/// The path of a shared type from outside the crate (`descope_api::auth::types::LoginOptions`).
fn type_path(api: &Api, id: descope_spec::TypeId) -> String {
    let def = api.ty(id);
    let area = api.area(def.area);
    match area.module() {
        Some(module) => format!("descope_api::{module}::types::{}", def.name),
        None => format!("descope_api::types::{}", def.name),
    }
}

/// Percent-encodes all but `A-Z a-z 0-9 - . _ ~`, as a path segment travels.
fn encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}
