//! Client-side argument checks run before any request is sent.

use crate::Error;

fn invalid(field: &'static str, reason: &str) -> Error {
    Error::InvalidArgument {
        field,
        reason: reason.to_owned(),
    }
}

/// Fails with "must not be empty" when `value` is empty or only whitespace.
pub fn check_required(field: &'static str, value: &str) -> Result<(), Error> {
    if value.trim().is_empty() {
        return Err(invalid(field, "must not be empty"));
    }
    Ok(())
}

/// Fails with "is not a valid email address" unless `value` has exactly one
/// `@`, a non-empty local part, a domain containing a `.`, and no whitespace.
pub fn check_email(field: &'static str, value: &str) -> Result<(), Error> {
    let valid = !value.chars().any(char::is_whitespace)
        && value.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !domain.contains('@')
        });
    if valid {
        Ok(())
    } else {
        Err(invalid(field, "is not a valid email address"))
    }
}

/// Fails with "is not a valid phone number" unless `value` is an optional
/// leading `+` followed by 6 to 15 digits, ignoring spaces, `-`, `(` and `)`.
pub fn check_phone(field: &'static str, value: &str) -> Result<(), Error> {
    let rest = value.strip_prefix('+').unwrap_or(value);
    let mut digits = 0usize;
    let mut valid = true;
    for c in rest.chars() {
        match c {
            '0'..='9' => digits += 1,
            ' ' | '-' | '(' | ')' => {}
            _ => valid = false,
        }
    }
    if valid && (6..=15).contains(&digits) {
        Ok(())
    } else {
        Err(invalid(field, "is not a valid phone number"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(result: Result<(), Error>) -> String {
        match result {
            Err(Error::InvalidArgument { reason, .. }) => reason,
            other => panic!("expected InvalidArgument, got {other:?}"),
        }
    }

    #[test]
    fn required() {
        assert!(check_required("loginId", "a").is_ok());
        assert!(check_required("loginId", " a ").is_ok());
        assert_eq!(reason(check_required("loginId", "")), "must not be empty");
        assert_eq!(
            reason(check_required("loginId", " \t\n")),
            "must not be empty"
        );
        let err = check_required("loginId", "").unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid argument `loginId`: must not be empty"
        );
    }

    #[test]
    fn email() {
        for ok in ["a@b.co", "first.last+tag@sub.example.com"] {
            assert!(check_email("email", ok).is_ok(), "{ok}");
        }
        for bad in [
            "", "plain", "@b.co", "a@b", "a@@b.co", "a@b@c.co", "a b@c.co", "a@b.co ",
        ] {
            assert_eq!(
                reason(check_email("email", bad)),
                "is not a valid email address",
                "{bad:?}"
            );
        }
    }

    #[test]
    fn phone() {
        for ok in [
            "+972501234567",
            "123456",
            "+1 (555) 123-4567",
            "123456789012345",
        ] {
            assert!(check_phone("phone", ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "+",
            "12345",
            "1234567890123456",
            "+1 555 abc 4567",
            "++123456",
            "123+456789",
            "1.234.567",
        ] {
            assert_eq!(
                reason(check_phone("phone", bad)),
                "is not a valid phone number",
                "{bad:?}"
            );
        }
    }
}
