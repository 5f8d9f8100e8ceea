//! The user pool's secret, which must never reach an app, a log or a URL.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};

/// A GenAuth user pool secret.
///
/// It belongs on your backend: the attribute macro refuses a `secret` key so that it is
/// never compiled into an app. `Debug` and `Display` print `[redacted]`; the value is
/// reached only through [`expose_secret`](Self::expose_secret), and its memory is zeroed
/// when dropped.
#[derive(Clone)]
pub struct PoolSecret(SecretString);

/// Why [`PoolSecret::from_env`] found no secret. Never contains the value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SecretEnvError {
    /// The variable is not set.
    #[error("the environment variable `{name}` is not set; set it to the user pool's secret")]
    NotSet {
        /// The variable's name.
        name: String,
    },
    /// The variable is set but empty.
    #[error("the environment variable `{name}` is empty; set it to the user pool's secret")]
    Empty {
        /// The variable's name.
        name: String,
    },
    /// The variable does not hold valid Unicode.
    #[error("the environment variable `{name}` is not valid Unicode")]
    NotUnicode {
        /// The variable's name.
        name: String,
    },
    /// What was given as the variable's name is not one (letters, digits and `_`, not
    /// starting with a digit): perhaps the secret itself, so it is not shown.
    #[error(
        "the name given for the environment variable is not one (letters, digits and `_`, not starting with a digit); was the secret itself given? It is not shown"
    )]
    NotAName,
    /// The value starts or ends with whitespace, such as the `\r` an env file written
    /// on Windows leaves; GenAuth would refuse it as a wrong secret.
    #[error(
        "the environment variable `{name}` starts or ends with whitespace (a stray newline?); set it to the user pool's secret alone"
    )]
    Whitespace {
        /// The variable's name.
        name: String,
    },
}

impl PoolSecret {
    /// Wraps a secret obtained by other means (a secrets manager, a config file).
    pub fn new(secret: impl Into<String>) -> Self {
        Self(SecretString::from(secret.into()))
    }

    /// Reads the secret from the environment variable `name`, such as
    /// `GENAUTH_POOL_SECRET`. An unset, empty or non-Unicode variable is an error, and so
    /// is a value with whitespace around it (a stray newline), rather than a 403 later.
    pub fn from_env(name: &str) -> Result<Self, SecretEnvError> {
        let a_name = name
            .bytes()
            .next()
            .is_some_and(|first| !first.is_ascii_digit())
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if !a_name {
            return Err(SecretEnvError::NotAName);
        }
        Self::from_var(name, std::env::var(name))
    }

    fn from_var(
        name: &str,
        value: Result<String, std::env::VarError>,
    ) -> Result<Self, SecretEnvError> {
        match value {
            Ok(secret) if secret.is_empty() => Err(SecretEnvError::Empty { name: name.into() }),
            Ok(secret) if secret.trim() != secret => {
                // Dropped here, zeroed by `SecretString`.
                drop(Self::new(secret));
                Err(SecretEnvError::Whitespace { name: name.into() })
            }
            Ok(secret) => Ok(Self::new(secret)),
            Err(std::env::VarError::NotPresent) => {
                Err(SecretEnvError::NotSet { name: name.into() })
            }
            Err(std::env::VarError::NotUnicode(_)) => {
                Err(SecretEnvError::NotUnicode { name: name.into() })
            }
        }
    }

    /// The secret itself, for the one place that must send it.
    pub fn expose_secret(&self) -> &str {
        self.0.expose_secret()
    }
}

impl fmt::Debug for PoolSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PoolSecret([redacted])")
    }
}

impl fmt::Display for PoolSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacted_everywhere_but_expose_secret() {
        let s = PoolSecret::new("hunter2-pool-secret");
        assert_eq!(s.expose_secret(), "hunter2-pool-secret");
        assert_eq!(format!("{s:?}"), "PoolSecret([redacted])");
        assert_eq!(format!("{s}"), "[redacted]");
        assert_eq!(
            format!("{:#?}", Some(s.clone())),
            "Some(\n    PoolSecret([redacted]),\n)"
        );
    }

    #[test]
    fn from_env_names_the_variable_not_the_value() {
        let missing = PoolSecret::from_env("MPL_TEST_SURELY_UNSET_VARIABLE").unwrap_err();
        assert_eq!(
            missing,
            SecretEnvError::NotSet {
                name: "MPL_TEST_SURELY_UNSET_VARIABLE".into()
            }
        );
        assert!(
            missing
                .to_string()
                .contains("MPL_TEST_SURELY_UNSET_VARIABLE")
        );
        // PATH is set on every machine that runs these tests.
        let path = PoolSecret::from_env("PATH").unwrap();
        assert!(!path.expose_secret().is_empty());
        // A secret given where the name belongs is not repeated.
        for given in [
            "TopSecretValue-123",
            "My-Pool-Secret-Value-9",
            "X\0Y",
            "",
            "9LIVES",
            "a b",
        ] {
            let error = PoolSecret::from_env(given).unwrap_err();
            assert_eq!(error, SecretEnvError::NotAName, "{given}");
            let shown = format!("{error} {error:?}");
            assert!(given.is_empty() || !shown.contains(given), "{shown}");
            assert!(!shown.contains('\0'), "{shown}");
        }
    }

    #[test]
    fn each_unusable_value_is_named_without_it() {
        let name = "GENAUTH_POOL_SECRET";
        let check = |value: Result<&str, std::env::VarError>| {
            PoolSecret::from_var(name, value.map(str::to_owned))
        };
        assert_eq!(check(Ok("s3cr3t")).unwrap().expose_secret(), "s3cr3t");
        assert_eq!(
            check(Ok("")).unwrap_err(),
            SecretEnvError::Empty { name: name.into() }
        );
        for stray in ["s3cr3t\r", "s3cr3t\n", " s3cr3t", "s3cr3t\t"] {
            let error = check(Ok(stray)).unwrap_err();
            assert_eq!(error, SecretEnvError::Whitespace { name: name.into() });
            assert!(!error.to_string().contains("s3cr3t"), "{error}");
        }
        let not_unicode = std::env::VarError::NotUnicode(std::ffi::OsString::new());
        assert_eq!(
            check(Err(not_unicode)).unwrap_err(),
            SecretEnvError::NotUnicode { name: name.into() }
        );
    }
}
