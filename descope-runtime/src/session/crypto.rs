//! A jsonwebtoken [`CryptoProvider`] backed by ring, which the tree already holds as rustls'
//! provider: jsonwebtoken 10 and later verify through a process-wide provider, and its own two
//! (RustCrypto, aws-lc) would each add a crypto stack to the build.
//!
//! Verification only, of the public-key algorithms: RS256/384/512, PS256/384/512, ES256, ES384
//! and EdDSA. HMAC is refused outright (Descope signs with key pairs, and a verifier that knows
//! no shared secret cannot be tricked into treating a public key as one); signing fails with an
//! error, never a panic.

use jsonwebtoken::crypto::{CryptoProvider, JwtSigner, JwtVerifier, KeyUtils};
use jsonwebtoken::errors::{Error as JwtError, ErrorKind};
use jsonwebtoken::jwk::{EllipticCurve, ThumbprintHash};
use jsonwebtoken::signature::{self, Verifier};
use jsonwebtoken::{Algorithm, AlgorithmFamily, DecodingKey, DecodingKeyKind, EncodingKey};
use ring::signature as ring_sig;

/// The provider descope-api installs when the process has none.
pub(crate) static PROVIDER: CryptoProvider = CryptoProvider {
    signer_factory: signer,
    verifier_factory: verifier,
    key_utils: KeyUtils {
        rsa_pub_components_from_private_key: |_| Err(unsupported()),
        rsa_pub_components_from_public_key: |_| Err(unsupported()),
        ec_pub_components_from_private_key: |_, _| Err(unsupported()),
        ed_pub_components_from_private_key: |_, _: &EllipticCurve| Err(unsupported()),
        compute_digest,
    },
};

/// Makes sure jsonwebtoken has a process-wide crypto provider: the one already installed or
/// implied by its crate features, else descope-api's. Returns whether descope-api's was
/// installed by this call.
///
/// descope-api calls this before every validation (it costs one atomic load once a provider is
/// in place), so there is nothing to do to validate sessions. Call it yourself only if your own
/// code uses jsonwebtoken, built without a crypto backend feature, before the first session is
/// validated; to use another provider, install it before then.
pub fn install_crypto_provider() -> bool {
    if CryptoProvider::try_get_default().is_some() {
        return false;
    }
    // Losing a race to another installer is fine: a provider is in place either way.
    PROVIDER.install_default().is_ok()
}

fn unsupported() -> JwtError {
    ErrorKind::Provider("not supported by descope-api's verification-only provider".to_owned())
        .into()
}

fn signer(_: &Algorithm, _: &EncodingKey) -> Result<Box<dyn JwtSigner>, JwtError> {
    Err(unsupported())
}

fn compute_digest(data: &[u8], hash: ThumbprintHash) -> Result<Vec<u8>, JwtError> {
    let algorithm = match hash {
        ThumbprintHash::SHA256 => &ring::digest::SHA256,
        ThumbprintHash::SHA384 => &ring::digest::SHA384,
        ThumbprintHash::SHA512 => &ring::digest::SHA512,
        _ => return Err(unsupported()),
    };
    Ok(ring::digest::digest(algorithm, data).as_ref().to_vec())
}

/// The ring algorithm verifying `algorithm`, and the key family it needs.
fn ring_algorithm(algorithm: Algorithm) -> Option<(Ring, AlgorithmFamily)> {
    use Algorithm::{ES256, ES384, EdDSA, PS256, PS384, PS512, RS256, RS384, RS512};
    let rsa = |params| Some((Ring::Rsa(params), AlgorithmFamily::Rsa));
    match algorithm {
        RS256 => rsa(&ring_sig::RSA_PKCS1_2048_8192_SHA256),
        RS384 => rsa(&ring_sig::RSA_PKCS1_2048_8192_SHA384),
        RS512 => rsa(&ring_sig::RSA_PKCS1_2048_8192_SHA512),
        PS256 => rsa(&ring_sig::RSA_PSS_2048_8192_SHA256),
        PS384 => rsa(&ring_sig::RSA_PSS_2048_8192_SHA384),
        PS512 => rsa(&ring_sig::RSA_PSS_2048_8192_SHA512),
        ES256 => Some((
            Ring::Other(&ring_sig::ECDSA_P256_SHA256_FIXED),
            AlgorithmFamily::Ec,
        )),
        ES384 => Some((
            Ring::Other(&ring_sig::ECDSA_P384_SHA384_FIXED),
            AlgorithmFamily::Ec,
        )),
        EdDSA => Some((Ring::Other(&ring_sig::ED25519), AlgorithmFamily::Ed)),
        _ => None,
    }
}

#[derive(Clone, Copy)]
enum Ring {
    Rsa(&'static ring_sig::RsaParameters),
    Other(&'static dyn ring_sig::VerificationAlgorithm),
}

struct RingVerifier {
    algorithm: Algorithm,
    ring: Ring,
    key: DecodingKeyKind,
}

fn verifier(algorithm: &Algorithm, key: &DecodingKey) -> Result<Box<dyn JwtVerifier>, JwtError> {
    let Some((ring, family)) = ring_algorithm(*algorithm) else {
        return Err(ErrorKind::InvalidAlgorithm.into());
    };
    if key.family() != family {
        return Err(ErrorKind::InvalidKeyFormat.into());
    }
    Ok(Box::new(RingVerifier {
        algorithm: *algorithm,
        ring,
        key: key.kind().clone(),
    }))
}

impl Verifier<Vec<u8>> for RingVerifier {
    fn verify(&self, message: &[u8], signature: &Vec<u8>) -> Result<(), signature::Error> {
        let verified = match (&self.key, self.ring) {
            (DecodingKeyKind::RsaModulusExponent { n, e }, Ring::Rsa(params)) => {
                ring_sig::RsaPublicKeyComponents { n, e }.verify(params, message, signature)
            }
            (DecodingKeyKind::SecretOrDer(der), Ring::Rsa(params)) => {
                ring_sig::UnparsedPublicKey::new(params, der).verify(message, signature)
            }
            (DecodingKeyKind::SecretOrDer(point), Ring::Other(algorithm)) => {
                ring_sig::UnparsedPublicKey::new(algorithm, point).verify(message, signature)
            }
            (DecodingKeyKind::RsaModulusExponent { .. }, Ring::Other(_)) => {
                return Err(signature::Error::new());
            }
        };
        verified.map_err(|_| signature::Error::new())
    }
}

impl JwtVerifier for RingVerifier {
    fn algorithm(&self) -> Algorithm {
        self.algorithm
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_and_mismatched_keys_are_refused_without_panicking() {
        let rsa = DecodingKey::from_rsa_raw_components(&[1, 2, 3], &[1, 0, 1]);
        assert!(verifier(&Algorithm::HS256, &rsa).is_err());
        assert!(verifier(&Algorithm::ES256, &rsa).is_err());
        let ec = DecodingKey::from_ec_der(&[4, 1, 2]);
        assert!(verifier(&Algorithm::RS256, &ec).is_err());
        // A garbage key verifies nothing.
        let verifier = verifier(&Algorithm::RS256, &rsa).unwrap();
        assert!(verifier.verify(b"message", &vec![0; 256]).is_err());
        assert!(verifier.verify(b"message", &Vec::new()).is_err());
        assert!(signer(&Algorithm::RS256, &EncodingKey::from_rsa_der(&[1])).is_err());
        assert!((PROVIDER.key_utils.rsa_pub_components_from_public_key)(&[1]).is_err());
        assert_eq!(
            compute_digest(b"abc", ThumbprintHash::SHA256)
                .unwrap()
                .len(),
            32
        );
    }
}
