//! RS256 JWTs signed with ring, the key set that verifies them, and the emulator's randomness.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::rand::{SecureRandom, SystemRandom};
use ring::signature::{self, KeyPair, RsaKeyPair};
use serde_json::{Map, Value, json};

/// The emulator-only test key (see the file's preamble: not a secret).
const TEST_KEY_PEM: &str = include_str!("emulator_test_key.pem");

/// A signing key and its public half as a JWK.
pub(crate) struct Keys {
    pair: RsaKeyPair,
    kid: String,
    rng: SystemRandom,
}

/// Why a JWT did not verify.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum JwtError {
    /// Not three base64url parts with a JSON header and payload: not a JWT at all.
    NotAJwt,
    /// A JWT, but not RS256 with this key's `kid`, or the signature does not verify.
    BadSignature,
}

impl Keys {
    /// The built-in emulator test key.
    pub fn test_key() -> Keys {
        let der = pem_body(TEST_KEY_PEM);
        Keys::from_pkcs8(&der).expect("the built-in test key is a valid PKCS#8 RSA key")
    }

    /// An RSA key in PKCS#8 DER form (2048 to 8192 bits).
    pub fn from_pkcs8(der: &[u8]) -> Result<Keys, String> {
        let pair = RsaKeyPair::from_pkcs8(der).map_err(|e| format!("unusable RSA key: {e}"))?;
        let digest = ring::digest::digest(&ring::digest::SHA256, pair.public_key().as_ref());
        let kid = format!("emulator-{}", &hex(digest.as_ref())[..16]);
        Ok(Keys {
            pair,
            kid,
            rng: SystemRandom::new(),
        })
    }

    /// The key ID every JWT names in its header.
    #[cfg(test)]
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The public key as a JWK (RFC 7517), in the shape the spec's `Jwk` type describes.
    pub fn jwk(&self) -> Value {
        let public = ring::rsa::PublicKeyComponents::<Vec<u8>>::from(self.pair.public());
        json!({
            "alg": "RS256",
            "e": URL_SAFE_NO_PAD.encode(public.e),
            "kid": self.kid,
            "kty": "RSA",
            "n": URL_SAFE_NO_PAD.encode(public.n),
            "use": "sig",
        })
    }

    /// Signs `claims` as an RS256 JWT.
    pub fn sign(&self, claims: &Map<String, Value>) -> String {
        let header = json!({"alg": "RS256", "kid": self.kid, "typ": "JWT"});
        let mut token = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(Value::Object(claims.clone()).to_string())
        );
        let mut signature = vec![0; self.pair.public().modulus_len()];
        self.pair
            .sign(
                &signature::RSA_PKCS1_SHA256,
                &self.rng,
                token.as_bytes(),
                &mut signature,
            )
            .expect("RSA signing does not fail with a valid key");
        token.push('.');
        token.push_str(&URL_SAFE_NO_PAD.encode(signature));
        token
    }

    /// Checks the signature of `token` and returns its claims (expiry is the caller's business).
    pub fn verify(&self, token: &str) -> Result<Map<String, Value>, JwtError> {
        let mut parts = token.split('.');
        let (Some(header), Some(payload), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(JwtError::NotAJwt);
        };
        let decode_json = |part: &str| -> Result<Map<String, Value>, JwtError> {
            let bytes = URL_SAFE_NO_PAD
                .decode(part)
                .map_err(|_| JwtError::NotAJwt)?;
            match serde_json::from_slice(&bytes) {
                Ok(Value::Object(map)) => Ok(map),
                _ => Err(JwtError::NotAJwt),
            }
        };
        let head = decode_json(header)?;
        let claims = decode_json(payload)?;
        // Header and payload decode: a JWT. A signature that does not decode is a bad one.
        let signature = URL_SAFE_NO_PAD
            .decode(signature)
            .map_err(|_| JwtError::BadSignature)?;
        if head.get("alg") != Some(&json!("RS256")) || head.get("kid") != Some(&json!(self.kid)) {
            return Err(JwtError::BadSignature);
        }
        let signed = &token[..header.len() + 1 + payload.len()];
        signature::UnparsedPublicKey::new(
            &signature::RSA_PKCS1_2048_8192_SHA256,
            self.pair.public_key().as_ref(),
        )
        .verify(signed.as_bytes(), &signature)
        .map_err(|_| JwtError::BadSignature)?;
        Ok(claims)
    }

    /// `len` random bytes.
    fn random_bytes(&self, len: usize) -> Vec<u8> {
        let mut bytes = vec![0; len];
        self.rng
            .fill(&mut bytes)
            .expect("the system random source works");
        bytes
    }

    /// A random identifier: `prefix` and 27 alphanumeric characters (Descope user IDs look like
    /// `U2abc...`).
    pub fn random_id(&self, prefix: &str) -> String {
        const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        let mut id = String::from(prefix);
        for byte in self.random_bytes(27) {
            // 62 does not divide 256; the small bias is irrelevant for test identifiers.
            id.push(ALPHABET[usize::from(byte) % ALPHABET.len()] as char);
        }
        id
    }

    /// A six-digit one-time code.
    pub fn random_code(&self) -> String {
        let bytes = self.random_bytes(4);
        let n = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
        format!("{:06}", n % 1_000_000)
    }

    /// A random token for a magic link, base64url without padding.
    pub fn random_token(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.random_bytes(32))
    }
}

/// The DER bytes between the `-----BEGIN` and `-----END` lines of a PEM text, skipping any
/// text before them.
pub(crate) fn pem_body(pem: &str) -> Vec<u8> {
    let body: String = pem
        .lines()
        .skip_while(|line| !line.starts_with("-----BEGIN"))
        .skip(1)
        .take_while(|line| !line.starts_with("-----END"))
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(body.trim())
        .expect("PEM body is base64")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_then_verify() {
        let keys = Keys::test_key();
        let mut claims = Map::new();
        claims.insert("sub".into(), json!("U1"));
        let token = keys.sign(&claims);
        assert_eq!(keys.verify(&token).unwrap(), claims);
        let mut tampered = token.clone();
        tampered.insert(tampered.find('.').unwrap() + 2, 'x');
        assert!(keys.verify(&tampered).is_err());
        let (head, _) = token.rsplit_once('.').unwrap();
        assert_eq!(
            keys.verify(&format!("{head}.AAAA")),
            Err(JwtError::BadSignature)
        );
        assert_eq!(keys.verify("not-a-jwt"), Err(JwtError::NotAJwt));
        assert_eq!(keys.verify("a.b.c"), Err(JwtError::NotAJwt));
    }

    #[test]
    fn jwk_and_randomness() {
        let keys = Keys::test_key();
        let jwk = keys.jwk();
        assert_eq!(jwk["e"], "AQAB");
        assert_eq!(jwk["kid"], keys.kid());
        assert_eq!(keys.random_code().len(), 6);
        assert_eq!(keys.random_id("U").len(), 28);
        assert_ne!(keys.random_token(), keys.random_token());
    }
}
