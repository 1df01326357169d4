//! Rust names from wire names: snake_case with acronyms kept whole, keywords escaped.

use heck::ToUpperCamelCase;

/// Words that are one word in Descope's vocabulary although they are written in two humps.
const COMPOUNDS: &[(&str, &str)] = &[("OAuth", "Oauth"), ("WebAuthn", "Webauthn")];

/// Splits a wire name into lower-case words.
///
/// An upper-case run is one word (`SAMLRequest` → `saml`, `request`), a lone `s` after it is its
/// plural (`IDs` → `ids`), and digits stay with the word before them (`sha256Hash`).
pub fn words(wire: &str) -> Vec<String> {
    let mut text = wire.to_owned();
    for (from, to) in COMPOUNDS {
        text = text.replace(from, to);
    }
    let chars: Vec<char> = text.chars().collect();
    let mut words = Vec::new();
    let mut current = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if !c.is_alphanumeric() {
            flush(&mut words, &mut current);
            i += 1;
            continue;
        }
        if c.is_uppercase() {
            let start = i;
            while i < chars.len() && chars[i].is_uppercase() {
                i += 1;
            }
            let run: String = chars[start..i].iter().collect();
            let next_lower = i < chars.len() && chars[i].is_lowercase();
            let plural = next_lower
                && chars[i] == 's'
                && (i + 1 == chars.len() || !chars[i + 1].is_lowercase());
            flush(&mut words, &mut current);
            if run.chars().count() > 1 && plural {
                current.push_str(&run);
                current.push('s');
                i += 1;
            } else if run.chars().count() > 1 && next_lower {
                // `SAMLRequest`: the last capital starts the next word.
                let mut head: Vec<char> = run.chars().collect();
                let last = head.pop().unwrap_or_default();
                words.push(head.into_iter().collect());
                current.push(last);
            } else {
                current.push_str(&run);
            }
            continue;
        }
        current.push(c);
        i += 1;
    }
    flush(&mut words, &mut current);
    words.into_iter().map(|w| w.to_lowercase()).collect()
}

fn flush(words: &mut Vec<String>, current: &mut String) {
    if !current.is_empty() {
        words.push(std::mem::take(current));
    }
}

/// The snake_case Rust name of a wire name, keyword-safe: `addToLoginIDs` → `add_to_login_ids`,
/// `type` → `type_`.
pub fn snake(wire: &str) -> String {
    escape(words(wire).join("_"))
}

/// The UpperCamelCase Rust name of a snake_case or wire name: `update_email` → `UpdateEmail`.
pub fn camel(name: &str) -> String {
    let joined = words(name).join("_").to_upper_camel_case();
    if joined == "Self" {
        "Self_".to_owned()
    } else {
        joined
    }
}

/// Type names a spec may not declare: the names generated modules import (std's prelude types,
/// `BTreeMap`, and the runtime's `Fill`, `IntoList`, `IntoMap`, `Json`), which a spec type would
/// shadow.
pub const RESERVED_TYPE_NAMES: &[&str] = &[
    "BTreeMap", "Box", "Clone", "Default", "Err", "Fill", "Into", "IntoList", "IntoMap", "Json",
    "None", "Ok", "Option", "Result", "Self", "Send", "Some", "String", "Sync", "ToString", "Vec",
];

/// Appends `_` to Rust keywords and reserved words so they can be identifiers.
pub fn escape(name: String) -> String {
    const KEYWORDS: &[&str] = &[
        "as", "async", "await", "box", "break", "const", "continue", "crate", "do", "dyn", "else",
        "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop",
        "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return", "self",
        "static", "struct", "super", "trait", "true", "try", "type", "typeof", "unsafe", "unsized",
        "use", "virtual", "where", "while", "yield", "abstract", "become",
    ];
    if KEYWORDS.contains(&name.as_str()) {
        name + "_"
    } else {
        name
    }
}

/// Whether `name` is a plain snake_case identifier (`[a-z][a-z0-9_]*`, not a keyword).
pub fn is_snake_ident(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && escape(name.to_owned()) == name
}

/// Whether `name` is an UpperCamelCase identifier (`[A-Z][A-Za-z0-9]*`).
pub fn is_camel_ident(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && name.chars().all(|c| c.is_ascii_alphanumeric())
        && name != "Self"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acronyms_stay_whole() {
        for (wire, rust) in [
            ("addToLoginIDs", "add_to_login_ids"),
            ("ssoAppIDs", "sso_app_ids"),
            ("ssoAppIds", "sso_app_ids"),
            ("OAuth", "oauth"),
            ("oauthProvider", "oauth_provider"),
            ("loginId", "login_id"),
            ("SAMLRequest", "saml_request"),
            ("samlRequest", "saml_request"),
            ("idpSAMLAttributes", "idp_saml_attributes"),
            ("TOTP", "totp"),
            ("tenantSSOID", "tenant_ssoid"),
            ("URI", "uri"),
            ("redirectURL", "redirect_url"),
            ("JWTs", "jwts"),
            ("login_hint", "login_hint"),
            ("WebAuthn", "webauthn"),
            ("sha256Hash", "sha256_hash"),
            ("type", "type_"),
            ("self", "self_"),
            ("x-forwarded-for", "x_forwarded_for"),
        ] {
            assert_eq!(snake(wire), rust, "{wire}");
        }
    }

    #[test]
    fn camel_names() {
        assert_eq!(camel("update_email"), "UpdateEmail");
        assert_eq!(camel("sms"), "Sms");
        assert_eq!(camel("signup-in"), "SignupIn");
        assert_eq!(camel("OAuth"), "Oauth");
    }

    #[test]
    fn identifier_shapes() {
        assert!(is_snake_ident("update_email"));
        assert!(!is_snake_ident("UpdateEmail"));
        assert!(!is_snake_ident("type"));
        assert!(is_camel_ident("LoginOptions"));
        assert!(!is_camel_ident("login_options"));
    }
}
