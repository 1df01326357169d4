//! Property tests: the generator never panics. Arbitrary and mutated spec files — starting from
//! the real ones in `descope-api/spec/` — go through load → check → generate → format, and each
//! run must end in formatted code or in diagnostics that name an input file and a line.
//!
//! Case counts: the defaults (12,500 cases in all) keep `cargo test` fast in debug builds;
//! `PROPTEST_CASES` sets every test's count, e.g. 25,000 × 4 tests = 100,000 cases:
//!
//! ```text
//! PROPTEST_CASES=25000 cargo test --release -p descope-codegen --test robustness
//! ```

use std::sync::LazyLock;

use descope_codegen::{Diagnostics, Options, format, generate};
use descope_spec::{Ctxt, Spec, resolve};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::FileFailurePersistence;
use serde_json::{Map, Value};

const OTP: &str = "spec/auth/otp.json";
const SHARED: &str = "spec/auth/shared.json";

fn read(name: &str) -> String {
    let path = format!("{}/../descope-api/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The real spec files: text and parsed JSON.
struct Real {
    name: &'static str,
    text: String,
    json: Value,
}

impl std::fmt::Debug for Real {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

static REAL: LazyLock<Vec<Real>> = LazyLock::new(|| {
    [OTP, SHARED]
        .into_iter()
        .map(|name| {
            let text = read(name);
            Real {
                name,
                json: serde_json::from_str(&text).expect("real spec is JSON"),
                text,
            }
        })
        .collect()
});

/// Every key and string in the real specs, and strings that have tripped generators before:
/// keywords, empty and odd identifiers, type syntax fragments, placeholders, very long names.
/// Every object key in the real specs: the spec format's own vocabulary.
static KEYS: LazyLock<Vec<String>> = LazyLock::new(|| {
    let mut out = Vec::new();
    for real in REAL.iter() {
        for path in paths(&real.json) {
            if let Some(Step::Key(key)) = path.last() {
                out.push(key.clone());
            }
        }
    }
    out.sort();
    out.dedup();
    out
});

static STRINGS: LazyLock<Vec<String>> = LazyLock::new(|| {
    let mut out = Vec::new();
    for real in REAL.iter() {
        collect_strings(&real.json, &mut out);
    }
    for special in [
        "",
        " ",
        "_",
        "__",
        "__call",
        "type",
        "self",
        "Self",
        "super",
        "crate",
        "r#type",
        "async",
        "await",
        "fn",
        "mod",
        "0",
        "0abc",
        "a-b",
        "a b",
        "a.b",
        "ÿ",
        "é",
        "😀",
        "\n",
        "\"",
        "\\",
        "{",
        "}",
        "{}",
        "{loginId}",
        "{method}",
        "{projectId}",
        "/",
        "//",
        "/v1/{a}/{a}",
        "/v1/{",
        "v1",
        "array<",
        "array<>",
        ">",
        "array<Foo>",
        "map<",
        "map<map<string>>",
        "array<array<int64>>",
        "array<map<User>>",
        "int64",
        "int32",
        "bool",
        "number",
        "url",
        "string",
        "any",
        "refresh_jwt",
        "session_jwt",
        "GET",
        "POST",
        "PUT",
        "PATCH",
        "DELETE",
        "get",
        "project",
        "refresh",
        "session",
        "access_key",
        "management",
        "none",
        "json",
        "text",
        "email",
        "phone",
        "Option",
        "String",
        "Vec",
        "Default",
        "Client",
        "types",
        "otp",
        "std",
        "core",
        "descope_api",
        "IntoFuture",
        "Request",
        "OAuth",
        "URLs",
        "addToLoginIDs",
    ] {
        out.push(special.to_owned());
    }
    out.push("a".repeat(300));
    out.push("A_b".repeat(40));
    out.sort();
    out.dedup();
    out
});

fn collect_strings(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) => out.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|v| collect_strings(v, out)),
        Value::Object(map) => {
            for (key, v) in map {
                out.push(key.clone());
                collect_strings(v, out);
            }
        }
        _ => {}
    }
}

fn interesting_string() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => any::<Index>().prop_map(|i| i.get(&STRINGS).clone()),
        1 => "\\PC{0,12}",
    ]
}

fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        interesting_string().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((interesting_string(), inner), 0..6)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

// ---- the pipeline ---------------------------------------------------------------------------

/// Runs load → resolve → generate → format on `mutated` (as file `name`), next to the other real
/// file when `with_other` is set, generating inherent methods or (`ext`) an extension trait.
/// Every problem must be located in the input, and the code generated from the model completed
/// around the problems (what the macro emits next to its errors) must still parse. Panics
/// (failing the property) on a generator bug.
fn run(name: &'static str, mutated: String, with_other: bool, ext: bool) {
    let lines = mutated.lines().count().max(1);
    let mut sources = vec![(rel(name), mutated)];
    if with_other {
        sources.extend(
            REAL.iter()
                .filter(|r| r.name != name)
                .map(|r| (rel(r.name), r.text.clone())),
        );
    }
    let cx = Ctxt::new();
    let spec = Spec::from_sources("spec", sources, &cx);
    let api = resolve(&spec, &cx);
    let problems = cx.take();
    if !problems.is_empty() {
        assert_located(&problems, name, lines);
    }
    let options = if ext {
        client_ext()
    } else {
        Options::default()
    };
    if let Err(err) = format(generate(&api, &options)) {
        panic!("the generator emitted code that does not parse: {err}");
    }
}

/// `spec/auth/otp.json` → `auth/otp.json`.
fn rel(name: &str) -> String {
    name.trim_start_matches("spec/").to_owned()
}

fn client_ext() -> Options {
    Options {
        client_ext: Some(proc_macro2::Ident::new(
            "Ext",
            proc_macro2::Span::call_site(),
        )),
        ..Options::default()
    }
}

/// Each diagnostic names an input file and, being about JSON text, a line in it.
fn assert_located(diagnostics: &Diagnostics, mutated: &str, mutated_lines: usize) {
    assert!(!diagnostics.is_empty());
    for d in &diagnostics.0 {
        let shown = d.to_string();
        assert!(
            d.file == OTP || d.file == SHARED,
            "unknown file in: {shown}"
        );
        let at = d.at.unwrap_or_else(|| panic!("no line in: {shown}"));
        assert!(at.line >= 1 && at.column >= 1, "{shown}");
        if d.file == mutated {
            assert!(at.line <= mutated_lines + 1, "line past the end: {shown}");
        }
        assert!(!d.message.trim().is_empty(), "{shown}");
    }
}

// ---- mutations ------------------------------------------------------------------------------

/// A change to a JSON document. Most keep the document's shape (strings stay strings, known keys
/// stay known) so that many mutants get past parsing into the checks and the generator.
#[derive(Clone, Debug)]
enum Mutation {
    /// Sets a string value to another string.
    SetString(Index, String),
    /// Flips a boolean, or sets a number to another number.
    SetScalar(Index, Value),
    /// Duplicates an array element in place (duplicate endpoints, fields, variants).
    DuplicateElement(Index),
    /// Removes an array element.
    RemoveElement(Index),
    /// Removes an object key.
    RemoveKey(Index),
    /// Renames an object key, to another key of the spec format or to any string.
    RenameKey(Index, String),
    /// Replaces any value with an arbitrary JSON value.
    Replace(Index, Value),
    /// Wraps or unwraps a value, changing its type.
    Retype(Index),
    /// Swaps two values.
    Swap(Index, Index),
}

fn key_name() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => any::<Index>().prop_map(|i| i.get(&KEYS).clone()),
        1 => interesting_string(),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let scalar = prop_oneof![
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        Just(Value::Null),
    ];
    prop_oneof![
        8 => (any::<Index>(), interesting_string()).prop_map(|(i, s)| Mutation::SetString(i, s)),
        2 => (any::<Index>(), scalar).prop_map(|(i, v)| Mutation::SetScalar(i, v)),
        3 => any::<Index>().prop_map(Mutation::DuplicateElement),
        3 => any::<Index>().prop_map(Mutation::RemoveElement),
        2 => any::<Index>().prop_map(Mutation::RemoveKey),
        2 => (any::<Index>(), key_name()).prop_map(|(i, k)| Mutation::RenameKey(i, k)),
        1 => (any::<Index>(), arbitrary_json()).prop_map(|(i, v)| Mutation::Replace(i, v)),
        1 => any::<Index>().prop_map(Mutation::Retype),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::Swap(a, b)),
    ]
}

#[derive(Clone, Debug, PartialEq)]
enum Step {
    Key(String),
    At(usize),
}

/// Paths of every value below the root, in document order.
fn paths(value: &Value) -> Vec<Vec<Step>> {
    fn walk(value: &Value, prefix: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
        match value {
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    prefix.push(Step::At(i));
                    out.push(prefix.clone());
                    walk(item, prefix, out);
                    prefix.pop();
                }
            }
            Value::Object(map) => {
                for (key, item) in map {
                    prefix.push(Step::Key(key.clone()));
                    out.push(prefix.clone());
                    walk(item, prefix, out);
                    prefix.pop();
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(value, &mut Vec::new(), &mut out);
    out
}

fn node<'v>(root: &'v Value, path: &[Step]) -> Option<&'v Value> {
    path.iter().try_fold(root, |node, step| match (node, step) {
        (Value::Object(map), Step::Key(key)) => map.get(key),
        (Value::Array(items), Step::At(i)) => items.get(*i),
        _ => None,
    })
}

fn node_mut<'v>(root: &'v mut Value, path: &[Step]) -> Option<&'v mut Value> {
    path.iter().try_fold(root, |node, step| match (node, step) {
        (Value::Object(map), Step::Key(key)) => map.get_mut(key),
        (Value::Array(items), Step::At(i)) => items.get_mut(*i),
        _ => None,
    })
}

/// A path chosen by `index` among those whose value satisfies `keep`.
fn pick(root: &Value, index: &Index, keep: impl Fn(&[Step], &Value) -> bool) -> Option<Vec<Step>> {
    let all: Vec<Vec<Step>> = paths(root)
        .into_iter()
        .filter(|path| node(root, path).is_some_and(|value| keep(path, value)))
        .collect();
    (!all.is_empty()).then(|| index.get(&all).clone())
}

fn in_array(path: &[Step]) -> bool {
    matches!(path.last(), Some(Step::At(_)))
}

fn in_object(path: &[Step]) -> bool {
    matches!(path.last(), Some(Step::Key(_)))
}

fn apply(root: &mut Value, mutation: &Mutation) {
    match mutation {
        Mutation::SetString(i, text) => {
            if let Some(path) = pick(root, i, |_, v| v.is_string()) {
                *node_mut(root, &path).unwrap() = Value::String(text.clone());
            }
        }
        Mutation::SetScalar(i, value) => {
            let scalar = |_: &[Step], v: &Value| v.is_boolean() || v.is_number() || v.is_null();
            if let Some(path) = pick(root, i, scalar) {
                let target = node_mut(root, &path).unwrap();
                *target = match target {
                    Value::Bool(b) => Value::Bool(!*b),
                    _ => value.clone(),
                };
            }
        }
        Mutation::DuplicateElement(i) | Mutation::RemoveElement(i) => {
            if let Some(path) = pick(root, i, |p, _| in_array(p)) {
                let (Some(Step::At(at)), parent) = (path.last(), &path[..path.len() - 1]) else {
                    return;
                };
                if let Some(Value::Array(items)) = node_mut(root, parent) {
                    if matches!(mutation, Mutation::DuplicateElement(_)) {
                        let copy = items[*at].clone();
                        items.insert(*at, copy);
                    } else {
                        items.remove(*at);
                    }
                }
            }
        }
        Mutation::RemoveKey(i) | Mutation::RenameKey(i, _) => {
            if let Some(path) = pick(root, i, |p, _| in_object(p)) {
                let (Some(Step::Key(key)), parent) = (path.last(), &path[..path.len() - 1]) else {
                    return;
                };
                if let Some(Value::Object(map)) = node_mut(root, parent) {
                    let value = map.remove(key);
                    if let (Mutation::RenameKey(_, new), Some(value)) = (mutation, value) {
                        map.insert(new.clone(), value);
                    }
                }
            }
        }
        Mutation::Replace(i, value) => {
            if let Some(path) = pick(root, i, |_, _| true) {
                *node_mut(root, &path).unwrap() = value.clone();
            }
        }
        Mutation::Retype(i) => {
            if let Some(path) = pick(root, i, |_, _| true) {
                let target = node_mut(root, &path).unwrap();
                *target = match target.take() {
                    Value::String(s) => Value::Array(vec![Value::String(s)]),
                    Value::Array(mut items) if !items.is_empty() => items.swap_remove(0),
                    Value::Array(_) => Value::Bool(false),
                    Value::Object(map) => Value::Array(map.into_values().collect()),
                    Value::Bool(b) => Value::String(b.to_string()),
                    Value::Number(n) => Value::String(n.to_string()),
                    Value::Null => Value::Object(Map::new()),
                };
            }
        }
        Mutation::Swap(a, b) => {
            let (Some(a), Some(b)) = (pick(root, a, |_, _| true), pick(root, b, |_, _| true))
            else {
                return;
            };
            // Only between disjoint subtrees.
            if a.starts_with(&b) || b.starts_with(&a) {
                return;
            }
            let first = node_mut(root, &a).unwrap().take();
            let second = std::mem::replace(node_mut(root, &b).unwrap(), first);
            *node_mut(root, &a).unwrap() = second;
        }
    }
}

#[derive(Clone, Debug)]
enum Damage {
    Truncate(Index),
    Insert(Index, Vec<u8>),
    Overwrite(Index, Vec<u8>),
    Remove(Index, usize),
}

fn damage() -> impl Strategy<Value = Damage> {
    let garbage = prop_oneof![
        prop::collection::vec(any::<u8>(), 1..8),
        prop::sample::select(vec![
            b"{".to_vec(),
            b"}".to_vec(),
            b"[".to_vec(),
            b"]".to_vec(),
            b",".to_vec(),
            b":".to_vec(),
            b"\"".to_vec(),
            b"\\".to_vec(),
            b"\n".to_vec(),
            b"null".to_vec(),
            b"\"x\":1,".to_vec(),
            vec![0xff, 0xfe],
            "é".as_bytes().to_vec(),
        ]),
    ];
    prop_oneof![
        any::<Index>().prop_map(Damage::Truncate),
        (any::<Index>(), garbage.clone()).prop_map(|(i, g)| Damage::Insert(i, g)),
        (any::<Index>(), garbage).prop_map(|(i, g)| Damage::Overwrite(i, g)),
        (any::<Index>(), 1usize..64).prop_map(|(i, n)| Damage::Remove(i, n)),
    ]
}

fn apply_damage(bytes: &mut Vec<u8>, damage: &Damage) {
    let at = |index: &Index, bytes: &Vec<u8>| index.index(bytes.len() + 1);
    match damage {
        Damage::Truncate(i) => bytes.truncate(at(i, bytes)),
        Damage::Insert(i, garbage) => {
            let at = at(i, bytes);
            bytes.splice(at..at, garbage.iter().copied());
        }
        Damage::Overwrite(i, garbage) => {
            let at = at(i, bytes);
            let end = (at + garbage.len()).min(bytes.len());
            bytes.splice(at..end, garbage.iter().copied());
        }
        Damage::Remove(i, n) => {
            let at = at(i, bytes);
            let end = (at + n).min(bytes.len());
            bytes.drain(at..end);
        }
    }
}

/// Each test's case count: `PROPTEST_CASES` if set, else `default`. A failing case is saved in
/// `tests/robustness.proptest-regressions` and replayed first by later runs.
fn config(default: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    ProptestConfig {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource(
            "proptest-regressions",
        ))),
        ..ProptestConfig::default()
    }
}

fn real_file() -> impl Strategy<Value = &'static Real> {
    any::<Index>().prop_map(|i| i.get(&REAL))
}

proptest! {
    #![proptest_config(config(1_500))]

    /// Structural mutations of a real spec file (keys deleted, renamed, duplicated; values
    /// replaced, retyped, swapped), next to the other real file or alone.
    #[test]
    fn mutated_real_specs_never_panic(
        real in real_file(),
        mutations in prop::collection::vec(mutation(), 1..5),
        with_other in prop::bool::weighted(0.8),
        pretty in any::<bool>(),
        ext in any::<bool>(),
    ) {
        let mut json = real.json.clone();
        for m in &mutations {
            apply(&mut json, m);
        }
        let text = if pretty {
            serde_json::to_string_pretty(&json).unwrap()
        } else {
            serde_json::to_string(&json).unwrap()
        };
        run(real.name, text, with_other, ext);
    }
}

proptest! {
    #![proptest_config(config(3_000))]

    /// Byte-level damage to a real spec file: truncation, inserted garbage, overwritten or
    /// removed bytes (invalid UTF-8 is replaced, as a file read would fail on it).
    #[test]
    fn damaged_real_specs_never_panic(
        real in real_file(),
        damages in prop::collection::vec(damage(), 1..4),
        with_other in any::<bool>(),
        ext in any::<bool>(),
    ) {
        let mut bytes = real.text.clone().into_bytes();
        for d in &damages {
            apply_damage(&mut bytes, d);
        }
        run(real.name, String::from_utf8_lossy(&bytes).into_owned(), with_other, ext);
    }
}

proptest! {
    #![proptest_config(config(3_000))]

    /// Arbitrary JSON documents, and arbitrary values grafted into the real file's top level.
    #[test]
    fn arbitrary_json_never_panics(
        value in arbitrary_json(),
        graft in any::<Option<Index>>(),
        real in real_file(),
        ext in any::<bool>(),
    ) {
        let document = match (&real.json, graft) {
            (Value::Object(map), Some(key)) => {
                let mut map = map.clone();
                let keys: Vec<String> = map.keys().cloned().collect();
                map.insert(key.get(&keys).clone(), value);
                Value::Object(map)
            }
            _ => value,
        };
        run(real.name, serde_json::to_string_pretty(&document).unwrap(), true, ext);
    }
}

proptest! {
    #![proptest_config(config(5_000))]

    /// Arbitrary text.
    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}", real in real_file()) {
        run(real.name, text, true, false);
    }
}

#[test]
fn the_real_specs_go_through_the_whole_pipeline() {
    for real in REAL.iter() {
        run(real.name, real.text.clone(), true, false);
        run(real.name, real.text.clone(), true, true);
    }
    let sources = REAL.iter().map(|r| (rel(r.name), r.text.clone()));
    assert!(descope_spec::Api::from_sources("spec", sources).is_ok());
}
