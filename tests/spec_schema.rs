//! `descope-api/spec/schema.json` (the editor schema of spec files) accepts every real spec
//! file, rejects the mistakes it is meant to catch while typing, and names exactly the keys and
//! values of the one file model, `descope_spec::file`.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use boon::{Compiler, SchemaIndex, Schemas};
use serde_json::{Value, json};

fn spec_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../descope-api/spec")
}

fn schema_path() -> PathBuf {
    spec_dir().join("schema.json")
}

/// The compiled schema (also checked against the draft 2020-12 meta-schema).
fn compile() -> (Schemas, SchemaIndex) {
    let path = schema_path();
    let path = path
        .canonicalize()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut schemas = Schemas::new();
    let mut compiler = Compiler::new();
    let index = compiler
        .compile(path.to_str().expect("UTF-8 path"), &mut schemas)
        .unwrap_or_else(|e| panic!("schema.json does not compile: {e:#}"));
    (schemas, index)
}

/// Every `*.json` below `dir`, sorted, except the schema itself.
fn spec_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            spec_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "json")
            && !(dir == spec_dir() && path.file_name().is_some_and(|n| n == "schema.json"))
        {
            out.push(path);
        }
    }
    out.sort();
}

#[test]
fn every_spec_file_matches_the_schema() {
    let (schemas, index) = compile();
    let mut files = Vec::new();
    spec_files(&spec_dir(), &mut files);
    assert!(
        !files.is_empty(),
        "no spec files found under {}",
        spec_dir().display()
    );
    let mut failures = Vec::new();
    for file in &files {
        let shown = file.strip_prefix(spec_dir()).unwrap_or(file).display();
        let text = match fs::read_to_string(file) {
            Ok(text) => text,
            Err(e) => {
                failures.push(format!("{shown}: {e}"));
                continue;
            }
        };
        let value: Value = match serde_json::from_str(&text) {
            Ok(value) => value,
            Err(e) => {
                failures.push(format!("{shown}: invalid JSON: {e}"));
                continue;
            }
        };
        if let Err(e) = schemas.validate(&value, index) {
            failures.push(format!("{shown}: {e}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} spec files do not match schema.json:\n\n{}",
        failures.len(),
        files.len(),
        failures.join("\n\n")
    );
}

/// A small valid spec file; each bad case breaks exactly one thing in it.
fn valid_spec() -> Value {
    json!({
        "$schema": "../schema.json",
        "group": { "name": "otp", "docs": "One-time codes." },
        "types": [
            {
                "name": "DeliveryMethod",
                "docs": "Channel a code is delivered through.",
                "enum": [{ "value": "email", "docs": "An email." }]
            },
            {
                "name": "CodeSent",
                "docs": "Reply to a send call.",
                "fields": [{ "name": "maskedEmail", "type": "string", "docs": "Where it went." }]
            }
        ],
        "endpoints": [
            {
                "name": "sign_in",
                "method": "POST",
                "path": "/v1/auth/otp/signin/{method}",
                "auth": "project",
                "docs": "Sends a code.",
                "path_params": [
                    { "name": "method", "type": "DeliveryMethod", "docs": "How it is sent." }
                ],
                "body": [
                    { "name": "loginId", "type": "string", "required": true, "docs": "Login ID." },
                    { "name": "tags", "type": "array<map<int64>>", "default": [], "docs": "Tags." }
                ],
                "response": { "type": "CodeSent" }
            },
            {
                "name": "status",
                "method": "GET",
                "path": "/v1/auth/otp/status",
                "auth": "project",
                "docs": "Reports on sent codes.",
                "query": [
                    { "name": "loginId", "type": "string", "docs": "Login ID." },
                    { "name": "methods", "type": "array<DeliveryMethod>", "docs": "Channels." },
                    { "name": "limit", "type": "int32", "default": 10, "docs": "At most this many." }
                ],
                "response": {
                    "docs": "What was sent.",
                    "fields": [{ "name": "count", "type": "int64", "docs": "How many." }]
                }
            }
        ]
    })
}

#[test]
fn mistakes_are_rejected() {
    let (schemas, index) = compile();
    if let Err(e) = schemas.validate(&valid_spec(), index) {
        panic!("the base document of the bad cases must be valid: {e}");
    }

    type Breaks = fn(&mut Value);
    // (case, how it breaks the valid document, text the error must contain)
    let cases: &[(&str, Breaks, &str)] = &[
        (
            "misspelled key in a field",
            |v| {
                let field = &mut v["endpoints"][0]["body"][0];
                let required = field.as_object_mut().unwrap().remove("required").unwrap();
                field["requried"] = required;
            },
            "'requried'",
        ),
        (
            "unknown auth style",
            |v| v["endpoints"][0]["auth"] = json!("bearer"),
            "'/endpoints/0/auth'",
        ),
        (
            "type def with both fields and enum",
            |v| v["types"][0]["fields"] = json!([]),
            "'/types/0'",
        ),
        (
            "field without docs",
            |v| {
                v["types"][1]["fields"][0]
                    .as_object_mut()
                    .unwrap()
                    .remove("docs");
            },
            "'docs'",
        ),
        (
            "type def with neither fields nor enum",
            |v| {
                v["types"][0].as_object_mut().unwrap().remove("enum");
            },
            "'/types/0'",
        ),
        (
            "unknown method",
            |v| v["endpoints"][0]["method"] = json!("post"),
            "'/endpoints/0/method'",
        ),
        (
            "malformed type expression",
            |v| v["endpoints"][0]["body"][1]["type"] = json!("array<strng>"),
            "'/endpoints/0/body/1/type'",
        ),
        (
            "unbalanced type expression",
            |v| v["endpoints"][0]["body"][1]["type"] = json!("array<string"),
            "'/endpoints/0/body/1/type'",
        ),
        (
            "CamelCase endpoint name",
            |v| v["endpoints"][0]["name"] = json!("SignIn"),
            "'/endpoints/0/name'",
        ),
        (
            "response with both type and fields",
            |v| v["endpoints"][0]["response"]["fields"] = json!([]),
            "'/endpoints/0/response'",
        ),
        (
            "unknown format",
            |v| v["endpoints"][0]["body"][0]["format"] = json!("url"),
            "'/endpoints/0/body/0/format'",
        ),
        (
            "body on a GET endpoint",
            |v| v["endpoints"][0]["method"] = json!("GET"),
            "'/endpoints/0/body'",
        ),
        (
            "endpoints without a group",
            |v| {
                v.as_object_mut().unwrap().remove("group");
            },
            "'group'",
        ),
        (
            "required field with a default",
            |v| v["endpoints"][0]["body"][0]["default"] = json!(""),
            "'/endpoints/0/body/0/default'",
        ),
        (
            "default that does not fit the type",
            |v| v["endpoints"][1]["query"][2]["default"] = json!("10"),
            "'/endpoints/1/query/2/default'",
        ),
        (
            "non-empty array default",
            |v| v["endpoints"][0]["body"][1]["default"] = json!([{}]),
            "'/endpoints/0/body/1/default'",
        ),
        (
            "format on a non-string field",
            |v| v["endpoints"][1]["query"][2]["format"] = json!("email"),
            "'/endpoints/1/query/2/type'",
        ),
        (
            "secret in the query string",
            |v| v["endpoints"][1]["query"][0]["secret"] = json!(true),
            "'/endpoints/1/query/0/secret'",
        ),
        (
            "map in the query string",
            |v| v["endpoints"][1]["query"][0]["type"] = json!("map<string>"),
            "'/endpoints/1/query/0/type'",
        ),
        (
            "array path parameter",
            |v| v["endpoints"][0]["path_params"][0]["type"] = json!("array<string>"),
            "'/endpoints/0/path_params/0/type'",
        ),
        (
            "path without a leading slash",
            |v| v["endpoints"][0]["path"] = json!("v1/auth/otp/signin/{method}"),
            "'/endpoints/0/path'",
        ),
        (
            "keyword as a group name",
            |v| v["group"]["name"] = json!("type"),
            "'/group/name'",
        ),
        (
            "snake_case type name",
            |v| v["types"][1]["name"] = json!("code_sent"),
            "'/types/1/name'",
        ),
        (
            "empty enum",
            |v| v["types"][0]["enum"] = json!([]),
            "'/types/0/enum'",
        ),
        (
            "management mixed with other auth in one group",
            |v| v["endpoints"][1]["auth"] = json!("management"),
            "'/endpoints/0/auth'",
        ),
        (
            "unknown top-level key",
            |v| v["endpoint"] = json!([]),
            "'endpoint'",
        ),
    ];

    let mut failures = Vec::new();
    for &(case, breaks, needle) in cases {
        let mut doc = valid_spec();
        breaks(&mut doc);
        match schemas.validate(&doc, index) {
            Ok(()) => failures.push(format!("{case}: accepted")),
            Err(e) => {
                let shown = e.to_string();
                if !shown.contains(needle) {
                    failures.push(format!("{case}: error does not mention {needle}:\n{shown}"));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "schema.json misses mistakes:\n\n{}",
        failures.join("\n\n")
    );
}

/// What a type's `Deserialize` impl tells the deserializer: serde_derive passes a struct's whole
/// list of field names to `deserialize_struct`, and an enum's variant names to
/// `deserialize_enum`, each as the file spells them (renames applied).
mod serde_keys {
    use std::collections::BTreeSet;
    use std::fmt;

    use serde::de::{self, DeserializeOwned, Visitor};

    /// The names a type accepts, and the type's own name.
    pub struct Accepted {
        pub name: &'static str,
        pub keys: &'static [&'static str],
    }

    impl Accepted {
        pub fn set(&self) -> BTreeSet<&'static str> {
            self.keys.iter().copied().collect()
        }
    }

    /// Records what it is asked for, then stops the deserialization.
    struct Probe<'a>(&'a mut Option<Accepted>);

    #[derive(Debug)]
    struct Stop;

    impl fmt::Display for Stop {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("probed")
        }
    }

    impl std::error::Error for Stop {}

    impl de::Error for Stop {
        fn custom<T: fmt::Display>(_: T) -> Self {
            Stop
        }
    }

    impl<'de> de::Deserializer<'de> for Probe<'_> {
        type Error = Stop;

        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
            Err(Stop)
        }

        fn deserialize_struct<V: Visitor<'de>>(
            self,
            name: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Stop> {
            *self.0 = Some(Accepted { name, keys: fields });
            Err(Stop)
        }

        fn deserialize_enum<V: Visitor<'de>>(
            self,
            name: &'static str,
            variants: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Stop> {
            *self.0 = Some(Accepted {
                name,
                keys: variants,
            });
            Err(Stop)
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map identifier
            ignored_any
        }
    }

    /// The keys (for a struct) or values (for a unit enum) `T` accepts.
    pub fn accepted<T: DeserializeOwned>() -> Accepted {
        let mut asked = None;
        assert!(T::deserialize(Probe(&mut asked)).is_err());
        asked.unwrap_or_else(|| panic!("{} is not a struct or enum", std::any::type_name::<T>()))
    }
}

/// The keys of a schema object's `properties`.
fn properties(object: &Value) -> BTreeSet<&str> {
    object["properties"]
        .as_object()
        .map(|p| p.keys().map(String::as_str).collect())
        .unwrap_or_default()
}

/// The values of an `enum` list.
fn enum_values(schema: &Value) -> BTreeSet<&str> {
    schema["enum"]
        .as_array()
        .map(|values| values.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// What only one side names, if anything.
fn mismatch(what: String, ours: &serde_keys::Accepted, theirs: BTreeSet<&str>) -> Option<String> {
    let ours = ours.set();
    (ours != theirs).then(|| {
        format!(
            "{what}: only the file model has {:?}; only the schema has {:?}",
            ours.difference(&theirs).collect::<Vec<_>>(),
            theirs.difference(&ours).collect::<Vec<_>>()
        )
    })
}

#[test]
fn schema_keys_are_the_file_models() {
    use descope_spec::file::{
        AreaSpec, AuthStyle, Content, Endpoint, Field, FileSpec, Format, Group, HttpMethod,
        PagingSpec, Response, Source, TypeDef, Variant,
    };
    use serde_keys::accepted;

    let text = fs::read_to_string(schema_path()).expect("schema.json is readable");
    let schema: Value = serde_json::from_str(&text).expect("schema.json is JSON");
    let defs = schema["$defs"]
        .as_object()
        .expect("schema.json has `$defs`");
    let def = |name: &str| {
        defs.get(name)
            .unwrap_or_else(|| panic!("schema.json has no `$defs/{name}`"))
    };
    let mut failures: Vec<String> = Vec::new();
    // Each struct of the file model, and the schema object that describes it (`""`: the top
    // level).
    let structs = [
        (accepted::<FileSpec>(), ""),
        (accepted::<AreaSpec>(), "area"),
        (accepted::<Group>(), "group"),
        (accepted::<TypeDef>(), "typeDef"),
        (accepted::<Variant>(), "variant"),
        (accepted::<Endpoint>(), "endpoint"),
        (accepted::<Response>(), "response"),
        (accepted::<PagingSpec>(), "paging"),
        (accepted::<Field>(), "field"),
    ];
    for (ours, name) in &structs {
        let (object, what) = match *name {
            "" => (&schema, format!("{} vs the top level", ours.name)),
            _ => (def(name), format!("{} vs `$defs/{name}`", ours.name)),
        };
        failures.extend(mismatch(what, ours, properties(object)));
    }
    // Every other object of the schema is a field list entry that narrows `field` (`pathParam`,
    // `queryField`): it refers to `field` and restricts only keys a field has.
    let field_keys = accepted::<Field>().set();
    for (name, object) in defs {
        if structs.iter().any(|s| s.1 == name) || object.get("properties").is_none() {
            continue;
        }
        if object["$ref"] != "#/$defs/field" {
            failures.push(format!(
                "$defs/{name}: no struct of the file model is this object"
            ));
        }
        let extra: Vec<&str> = properties(object)
            .difference(&field_keys)
            .copied()
            .collect();
        if !extra.is_empty() {
            failures.push(format!("$defs/{name} has keys a Field does not: {extra:?}"));
        }
    }

    // Each unit enum, and the `enum` list of the key that holds it.
    let enums = [
        (accepted::<HttpMethod>(), "endpoint", "method"),
        (accepted::<AuthStyle>(), "endpoint", "auth"),
        (accepted::<Content>(), "response", "content"),
        (accepted::<Source>(), "field", "source"),
        (accepted::<Format>(), "field", "format"),
    ];
    for (ours, object, key) in &enums {
        let what = format!("{} vs `$defs/{object}` `{key}`", ours.name);
        let theirs = enum_values(&def(object)["properties"][key]);
        failures.extend(mismatch(what, ours, theirs));
    }
    // `optional_auth` takes the per-call credentials only: a subset of the auth styles.
    let styles = accepted::<AuthStyle>().set();
    let optional = enum_values(&def("endpoint")["properties"]["optional_auth"]);
    if optional.is_empty() || !optional.is_subset(&styles) {
        failures.push(format!(
            "endpoint.optional_auth {optional:?} is not a subset of the auth styles {styles:?}"
        ));
    }

    assert!(
        failures.is_empty(),
        "schema.json and descope_spec::file disagree:\n  {}",
        failures.join("\n  ")
    );
}
