//! JWTs signed with ring (RS256, ES256 or ES384), the key set that verifies them (with the keys
//! retired by a rotation, for their grace period), and the emulator's randomness.

use std::sync::{Arc, Mutex, MutexGuard};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::rand::{SecureRandom, SystemRandom};
use ring::signature::{self, EcdsaKeyPair, KeyPair, RsaKeyPair};
use serde_json::{Map, Value, json};

/// The emulator-only test key (see the file's preamble: not a secret).
const TEST_KEY_PEM: &str = include_str!("emulator_test_key.pem");
/// The RSA keys an RS256 emulator rotates to, in order (not secrets either).
const ROTATION_KEYS_PEM: &str = include_str!("emulator_rotation_keys.pem");

/// How the emulator signs its JWTs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum SigningAlgorithm {
    /// RSASSA-PKCS1-v1_5 with SHA-256 and a 2048-bit key, as Descope signs (the default).
    #[default]
    Rs256,
    /// ECDSA on P-256 with SHA-256; a fresh key each start and each rotation.
    Es256,
    /// ECDSA on P-384 with SHA-384; a fresh key each start and each rotation.
    Es384,
}

impl SigningAlgorithm {
    /// The JWS name: `RS256`, `ES256`, `ES384`.
    pub fn as_str(self) -> &'static str {
        match self {
            SigningAlgorithm::Rs256 => "RS256",
            SigningAlgorithm::Es256 => "ES256",
            SigningAlgorithm::Es384 => "ES384",
        }
    }
}

/// One key pair and its `kid`.
struct SigningKey {
    kid: String,
    algorithm: SigningAlgorithm,
    pair: Pair,
}

enum Pair {
    Rsa(RsaKeyPair),
    Ec(EcdsaKeyPair),
}

impl SigningKey {
    fn rsa(der: &[u8]) -> Result<SigningKey, String> {
        let pair = RsaKeyPair::from_pkcs8(der).map_err(|e| format!("unusable RSA key: {e}"))?;
        Ok(SigningKey {
            kid: kid_of(pair.public_key().as_ref()),
            algorithm: SigningAlgorithm::Rs256,
            pair: Pair::Rsa(pair),
        })
    }

    fn ec(algorithm: SigningAlgorithm, rng: &SystemRandom) -> SigningKey {
        let signing = match algorithm {
            SigningAlgorithm::Es384 => &signature::ECDSA_P384_SHA384_FIXED_SIGNING,
            _ => &signature::ECDSA_P256_SHA256_FIXED_SIGNING,
        };
        let der =
            EcdsaKeyPair::generate_pkcs8(signing, rng).expect("the system random source works");
        let pair = EcdsaKeyPair::from_pkcs8(signing, der.as_ref(), rng)
            .expect("ring reads the key it generated");
        SigningKey {
            kid: kid_of(pair.public_key().as_ref()),
            algorithm,
            pair: Pair::Ec(pair),
        }
    }

    /// The public key as a JWK (RFC 7517), in the shape the spec's `Jwk` type describes.
    fn jwk(&self) -> Value {
        match &self.pair {
            Pair::Rsa(pair) => {
                let public = ring::rsa::PublicKeyComponents::<Vec<u8>>::from(pair.public());
                json!({
                    "alg": "RS256",
                    "e": URL_SAFE_NO_PAD.encode(public.e),
                    "kid": self.kid,
                    "kty": "RSA",
                    "n": URL_SAFE_NO_PAD.encode(public.n),
                    "use": "sig",
                })
            }
            Pair::Ec(pair) => {
                // An uncompressed point: 0x04, then x and y of equal length.
                let point = &pair.public_key().as_ref()[1..];
                let (x, y) = point.split_at(point.len() / 2);
                let crv = match self.algorithm {
                    SigningAlgorithm::Es384 => "P-384",
                    _ => "P-256",
                };
                json!({
                    "alg": self.algorithm.as_str(),
                    "crv": crv,
                    "kid": self.kid,
                    "kty": "EC",
                    "use": "sig",
                    "x": URL_SAFE_NO_PAD.encode(x),
                    "y": URL_SAFE_NO_PAD.encode(y),
                })
            }
        }
    }

    fn sign(&self, rng: &SystemRandom, message: &[u8]) -> Vec<u8> {
        match &self.pair {
            Pair::Rsa(pair) => {
                let mut signature = vec![0; pair.public().modulus_len()];
                pair.sign(&signature::RSA_PKCS1_SHA256, rng, message, &mut signature)
                    .expect("RSA signing does not fail with a valid key");
                signature
            }
            Pair::Ec(pair) => pair
                .sign(rng, message)
                .expect("ECDSA signing does not fail with a valid key")
                .as_ref()
                .to_vec(),
        }
    }

    fn verify(&self, message: &[u8], signature_bytes: &[u8]) -> bool {
        let (algorithm, public): (&dyn signature::VerificationAlgorithm, &[u8]) = match &self.pair {
            Pair::Rsa(pair) => (
                &signature::RSA_PKCS1_2048_8192_SHA256,
                pair.public_key().as_ref(),
            ),
            Pair::Ec(pair) => match self.algorithm {
                SigningAlgorithm::Es384 => (
                    &signature::ECDSA_P384_SHA384_FIXED,
                    pair.public_key().as_ref(),
                ),
                _ => (
                    &signature::ECDSA_P256_SHA256_FIXED,
                    pair.public_key().as_ref(),
                ),
            },
        };
        signature::UnparsedPublicKey::new(algorithm, public)
            .verify(message, signature_bytes)
            .is_ok()
    }
}

/// The keys in use: the current one signs; retired ones still verify until their time is up.
struct Ring {
    current: Arc<SigningKey>,
    /// Retired keys and the emulator time (Unix seconds) they stop verifying at.
    retired: Vec<(Arc<SigningKey>, u64)>,
    /// The next rotation key of an RS256 emulator.
    next_rotation: usize,
}

/// The emulator's keys and its random source.
pub(crate) struct Keys {
    ring: Mutex<Ring>,
    rng: SystemRandom,
}

/// Why a JWT did not verify.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum JwtError {
    /// Not three base64url parts with a JSON header and payload: not a JWT at all.
    NotAJwt,
    /// A JWT, but not signed by a live key with its algorithm, or the signature does not verify.
    BadSignature,
}

impl Keys {
    /// Keys signing with `algorithm`: the RSA key `der` (PKCS#8), or the built-in test key, for
    /// RS256; a fresh key for ECDSA (`der` must then be `None`).
    pub fn new(algorithm: SigningAlgorithm, der: Option<&[u8]>) -> Result<Keys, String> {
        let rng = SystemRandom::new();
        let current = match (algorithm, der) {
            (SigningAlgorithm::Rs256, Some(der)) => SigningKey::rsa(der)?,
            (SigningAlgorithm::Rs256, None) => SigningKey::rsa(&pem_blocks(TEST_KEY_PEM)[0])
                .expect("the built-in test key is a valid PKCS#8 RSA key"),
            (_, Some(_)) => {
                return Err(
                    "a PKCS#8 signing key is an RSA key, for RS256; ECDSA keys are generated"
                        .to_owned(),
                );
            }
            (ecdsa, None) => SigningKey::ec(ecdsa, &rng),
        };
        Ok(Keys {
            ring: Mutex::new(Ring {
                current: Arc::new(current),
                retired: Vec::new(),
                next_rotation: 0,
            }),
            rng,
        })
    }

    /// The built-in emulator test key.
    #[cfg(test)]
    pub fn test_key() -> Keys {
        Keys::new(SigningAlgorithm::Rs256, None).expect("the built-in key")
    }

    fn ring(&self, now: u64) -> MutexGuard<'_, Ring> {
        // Nothing is left half-done by a panic while holding it.
        let mut ring = self.ring.lock().unwrap_or_else(|e| e.into_inner());
        ring.retired.retain(|(_, until)| *until > now);
        ring
    }

    /// The key ID of the current key.
    pub fn kid(&self, now: u64) -> String {
        self.ring(now).current.kid.clone()
    }

    /// The public keys that verify, newest first, as JWKs.
    pub fn jwks(&self, now: u64) -> Vec<Value> {
        let ring = self.ring(now);
        std::iter::once(&ring.current)
            .chain(ring.retired.iter().rev().map(|(key, _)| key))
            .map(|key| key.jwk())
            .collect()
    }

    /// Signs with a new key of the same algorithm from now on; the current one keeps verifying
    /// until `until` (emulator time).
    pub fn rotate(&self, now: u64, until: u64) {
        let mut ring = self.ring(now);
        let algorithm = ring.current.algorithm;
        let next = match algorithm {
            SigningAlgorithm::Rs256 => {
                let pool = pem_blocks(ROTATION_KEYS_PEM);
                let der = &pool[ring.next_rotation % pool.len()];
                ring.next_rotation = ring.next_rotation.wrapping_add(1);
                SigningKey::rsa(der).expect("the built-in rotation keys are valid PKCS#8 RSA keys")
            }
            ecdsa => SigningKey::ec(ecdsa, &self.rng),
        };
        let next = Arc::new(next);
        ring.retired.retain(|(key, _)| key.kid != next.kid);
        let old = std::mem::replace(&mut ring.current, next);
        ring.retired.push((old, until));
    }

    /// Signs `claims` with the current key; the header names `kid` (the key's own by default).
    pub fn sign_with(&self, claims: &Map<String, Value>, kid: Option<&str>, now: u64) -> String {
        let key = self.ring(now).current.clone();
        let header = json!({
            "alg": key.algorithm.as_str(),
            "kid": kid.unwrap_or(&key.kid),
            "typ": "JWT",
        });
        let mut token = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(Value::Object(claims.clone()).to_string())
        );
        let signature = key.sign(&self.rng, token.as_bytes());
        token.push('.');
        token.push_str(&URL_SAFE_NO_PAD.encode(signature));
        token
    }

    /// Signs `claims` with the current key.
    pub fn sign(&self, claims: &Map<String, Value>, now: u64) -> String {
        self.sign_with(claims, None, now)
    }

    /// Checks the signature of `token` against the live keys and returns its claims (expiry is
    /// the caller's business).
    pub fn verify(&self, token: &str, now: u64) -> Result<Map<String, Value>, JwtError> {
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
        let key = {
            let ring = self.ring(now);
            let kid = head.get("kid").and_then(Value::as_str);
            std::iter::once(&ring.current)
                .chain(ring.retired.iter().map(|(key, _)| key))
                .find(|key| Some(key.kid.as_str()) == kid)
                .cloned()
        };
        let Some(key) = key else {
            return Err(JwtError::BadSignature);
        };
        if head.get("alg").and_then(Value::as_str) != Some(key.algorithm.as_str()) {
            return Err(JwtError::BadSignature);
        }
        let signed = &token[..header.len() + 1 + payload.len()];
        if !key.verify(signed.as_bytes(), &signature) {
            return Err(JwtError::BadSignature);
        }
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

/// `emulator-` and the start of the public key's SHA-256, in hex.
fn kid_of(public_key: &[u8]) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, public_key);
    format!("emulator-{}", &hex(digest.as_ref())[..16])
}

/// The DER bytes of each `-----BEGIN` … `-----END` block of a PEM text, skipping any text
/// around them.
pub(crate) fn pem_blocks(pem: &str) -> Vec<Vec<u8>> {
    let mut blocks = Vec::new();
    let mut body: Option<String> = None;
    for line in pem.lines() {
        if line.starts_with("-----BEGIN") {
            body = Some(String::new());
        } else if line.starts_with("-----END") {
            if let Some(text) = body.take() {
                blocks.push(
                    base64::engine::general_purpose::STANDARD
                        .decode(text.trim())
                        .expect("PEM body is base64"),
                );
            }
        } else if let Some(text) = &mut body {
            text.push_str(line.trim());
        }
    }
    blocks
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_then_verify() {
        for algorithm in [
            SigningAlgorithm::Rs256,
            SigningAlgorithm::Es256,
            SigningAlgorithm::Es384,
        ] {
            let keys = Keys::new(algorithm, None).unwrap();
            let mut claims = Map::new();
            claims.insert("sub".into(), json!("U1"));
            let token = keys.sign(&claims, 0);
            assert_eq!(keys.verify(&token, 0).unwrap(), claims, "{algorithm:?}");
            let mut tampered = token.clone();
            tampered.insert(tampered.find('.').unwrap() + 2, 'x');
            assert!(keys.verify(&tampered, 0).is_err());
            let (head, _) = token.rsplit_once('.').unwrap();
            assert_eq!(
                keys.verify(&format!("{head}.AAAA"), 0),
                Err(JwtError::BadSignature)
            );
            assert_eq!(keys.verify("not-a-jwt", 0), Err(JwtError::NotAJwt));
            assert_eq!(keys.verify("a.b.c", 0), Err(JwtError::NotAJwt));
            let other_kid = keys.sign_with(&claims, Some("nope"), 0);
            assert_eq!(keys.verify(&other_kid, 0), Err(JwtError::BadSignature));
        }
    }

    #[test]
    fn rotation_keeps_the_old_key_for_its_grace_period() {
        for algorithm in [SigningAlgorithm::Rs256, SigningAlgorithm::Es384] {
            let keys = Keys::new(algorithm, None).unwrap();
            let claims = Map::new();
            let before = keys.sign(&claims, 100);
            let old_kid = keys.kid(100);
            keys.rotate(100, 200);
            let new_kid = keys.kid(100);
            assert_ne!(old_kid, new_kid);
            let jwks = keys.jwks(150);
            assert_eq!(jwks.len(), 2);
            assert_eq!(jwks[0]["kid"], json!(new_kid));
            assert_eq!(jwks[1]["kid"], json!(old_kid));
            assert!(keys.verify(&before, 199).is_ok());
            assert!(keys.verify(&keys.sign(&claims, 150), 150).is_ok());
            assert_eq!(keys.jwks(200).len(), 1);
            assert_eq!(keys.verify(&before, 200), Err(JwtError::BadSignature));
        }
    }

    #[test]
    fn jwk_and_randomness() {
        let keys = Keys::test_key();
        let jwk = &keys.jwks(0)[0];
        assert_eq!(jwk["e"], "AQAB");
        assert_eq!(jwk["kid"], json!(keys.kid(0)));
        let ec = Keys::new(SigningAlgorithm::Es384, None).unwrap();
        let jwk = &ec.jwks(0)[0];
        assert_eq!(
            (jwk["crv"].as_str(), jwk["alg"].as_str()),
            (Some("P-384"), Some("ES384"))
        );
        assert_eq!(
            URL_SAFE_NO_PAD
                .decode(jwk["x"].as_str().unwrap())
                .unwrap()
                .len(),
            48
        );
        assert!(Keys::new(SigningAlgorithm::Es256, Some(&[1])).is_err());
        assert_eq!(pem_blocks(ROTATION_KEYS_PEM).len(), 3);
        assert_eq!(keys.random_code().len(), 6);
        assert_eq!(keys.random_id("U").len(), 28);
        assert_ne!(keys.random_token(), keys.random_token());
    }
}
