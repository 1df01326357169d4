//! The allow-list: reviewed differences between the spec and the document, each with its reason.
//!
//! ```json
//! [
//!   {
//!     "operation": "POST /v1/auth/otp/signin/{method}",
//!     "what": "body.loginOptions.customClaims: type",
//!     "reason": "The SDKs send claims of any JSON type; the document's map<string> is too narrow."
//!   }
//! ]
//! ```
//!
//! `operation` is a document operation (`POST /v1/auth/otp/signin/email`), a spec endpoint as the
//! spec writes its path (`POST /v1/auth/otp/signin/{method}`, covering every operation it stands
//! for), or `*` (any operation). `what` is the difference's key exactly as `conform` prints it,
//! or a prefix of keys ending in `*` (`query.unsavedSaml.*`: every difference under that name).

use std::path::Path;

use serde::Deserialize;

/// One reviewed difference.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct AllowEntry {
    /// `METHOD /path` or `*`.
    pub operation: String,
    /// The difference key.
    pub what: String,
    /// Why the spec is right (or why the difference is harmless).
    pub reason: String,
}

/// The allow-list file.
#[derive(Clone, Debug, Default)]
pub struct AllowList {
    /// How messages name the file.
    pub display: String,
    /// The entries, in file order.
    pub entries: Vec<AllowEntry>,
}

const METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE"];

impl AllowList {
    /// Reads and validates an allow-list file.
    pub fn load(path: &Path) -> Result<AllowList, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        AllowList::parse(&path.display().to_string(), &text)
    }

    /// Parses and validates allow-list text; `display` names it in messages.
    pub fn parse(display: &str, text: &str) -> Result<AllowList, String> {
        let entries: Vec<AllowEntry> =
            serde_json::from_str(text).map_err(|e| format!("{display}: {e}"))?;
        let mut problems = Vec::new();
        for (i, entry) in entries.iter().enumerate() {
            let at = format!(
                "{display}: entry {i} (`{}` `{}`)",
                entry.operation, entry.what
            );
            let shape_ok = entry.operation == "*"
                || entry
                    .operation
                    .split_once(' ')
                    .is_some_and(|(method, path)| {
                        METHODS.contains(&method) && path.starts_with('/') && !path.contains(' ')
                    });
            if !shape_ok {
                problems.push(format!("{at}: `operation` must be `METHOD /path` or `*`"));
            }
            if entry.what.trim().is_empty() {
                problems.push(format!("{at}: `what` is empty"));
            }
            if entry.reason.trim().is_empty() {
                problems.push(format!(
                    "{at}: `reason` is empty; say why the difference is fine"
                ));
            }
            if entries[..i]
                .iter()
                .any(|e| e.operation == entry.operation && e.what == entry.what)
            {
                problems.push(format!("{at}: duplicate entry"));
            }
        }
        if problems.is_empty() {
            Ok(AllowList {
                display: display.to_owned(),
                entries,
            })
        } else {
            Err(problems.join("\n"))
        }
    }

    /// The first entry allowing difference `what` on an operation known by any of `operations`
    /// (its document key, its endpoint's spec path).
    pub fn find(&self, operations: &[String], what: &str) -> Option<usize> {
        self.entries.iter().position(|e| {
            let what_matches = match e.what.strip_suffix('*') {
                Some(prefix) => what.starts_with(prefix),
                None => e.what == what,
            };
            what_matches && (e.operation == "*" || operations.contains(&e.operation))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_entries() {
        let ok = r#"[{ "operation": "POST /v1/a/{m}", "what": "auth", "reason": "SDKs." },
                     { "operation": "*", "what": "body.x: type", "reason": "Wider." }]"#;
        let list = AllowList::parse("allow.json", ok).unwrap();
        assert_eq!(list.find(&["POST /v1/a/{m}".into()], "auth"), Some(0));
        assert_eq!(list.find(&["GET /v1/b".into()], "body.x: type"), Some(1));
        assert_eq!(list.find(&["GET /v1/b".into()], "auth"), None);

        let bad = r#"[{ "operation": "post /v1/a", "what": "auth", "reason": " " },
                      { "operation": "post /v1/a", "what": "auth", "reason": "x" }]"#;
        let error = AllowList::parse("allow.json", bad).unwrap_err();
        assert!(error.contains("must be `METHOD /path`"), "{error}");
        assert!(error.contains("`reason` is empty"), "{error}");
        assert!(error.contains("duplicate entry"), "{error}");
        assert!(AllowList::parse("allow.json", r#"[{ "operation": "*" }]"#).is_err());
    }

    #[test]
    fn a_trailing_star_allows_every_key_with_that_prefix() {
        let list = AllowList::parse(
            "allow.json",
            r#"[{ "operation": "POST /v1/a", "what": "query.unsaved.*", "reason": "Console only." }]"#,
        )
        .unwrap();
        let op = ["POST /v1/a".to_owned()];
        assert_eq!(list.find(&op, "query.unsaved.id: missing"), Some(0));
        assert_eq!(list.find(&op, "query.unsaved.x.y: missing"), Some(0));
        assert_eq!(list.find(&op, "query.unsavedOther: missing"), None);
        assert_eq!(
            list.find(&["POST /v1/b".to_owned()], "query.unsaved.id: missing"),
            None
        );
    }
}
