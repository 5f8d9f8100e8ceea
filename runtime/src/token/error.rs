//! Why a token is refused.

/// Why [`TokenVerifier::verify`](super::TokenVerifier::verify) refused a token. No
/// variant holds any of the token's text: a token is a credential.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// Not a JWT this verifier can read: not three base64url parts, a header or claims
    /// that are not JSON, no `exp`, `iat` or user id, over the size limit.
    #[error("the token is malformed: {reason}")]
    Malformed {
        /// What is wrong, in this crate's words.
        reason: &'static str,
    },
    /// The token's header names another algorithm than the verifier's (`none`, or HS256
    /// for an RS256 verifier: the classic confusion). The verifier's algorithm is the
    /// only one it accepts.
    #[error("the token is not signed with {expected}, the only algorithm this verifier accepts")]
    Algorithm {
        /// The verifier's algorithm.
        expected: &'static str,
    },
    /// The signature does not match the token and the key.
    #[error("the token's signature is not valid")]
    Signature,
    /// `exp` is past, beyond the leeway.
    #[error("the token has expired")]
    Expired,
    /// `nbf` or `iat` is in the future, beyond the leeway.
    #[error("the token is not valid yet")]
    NotYetValid,
    /// `iss` is not the issuer the verifier expects.
    #[error("the token was issued by another issuer")]
    Issuer,
    /// `aud` (or, in the older claim shape, `data.clientId`) is not the audience the
    /// verifier expects.
    #[error("the token is meant for another audience")]
    Audience,
    /// The token's `kid` is in no key of the JWKS, even after fetching it again (at
    /// most once a minute).
    #[error("the token's key is not in the JWKS")]
    UnknownKey,
    /// The JWKS could not be fetched or read.
    #[error("the JWKS could not be used: {reason}")]
    Keys {
        /// What went wrong: the HTTP status, the transport's root cause, or why the
        /// document is not a JWKS with an RS256 key. Bounded and cleaned.
        reason: String,
    },
}

impl TokenError {
    /// The variant's name, for a trace or a metric.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Malformed { .. } => "malformed",
            Self::Algorithm { .. } => "algorithm",
            Self::Signature => "signature",
            Self::Expired => "expired",
            Self::NotYetValid => "not_yet_valid",
            Self::Issuer => "issuer",
            Self::Audience => "audience",
            Self::UnknownKey => "unknown_key",
            Self::Keys { .. } => "keys",
        }
    }
}
