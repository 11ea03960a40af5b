//! Passwords: the policy (shape, then the list of common ones), and argon2id hashing off the async runtime.
//!
//! Hashing is deliberately slow (about 100 ms here), so it runs on Tokio's blocking threads, at most
//! `max_concurrent` at a time: a flood of sign-ins waits its turn instead of taking every core from the map.
//! Verifying against an address without an account hashes too (against a fixed dummy hash), so both answers take
//! the same time.
//!
//! The common-password list (`common_passwords.txt`) holds base words: a password is refused when, lower-cased and
//! stripped of leading and trailing digits and punctuation, it is on the list ("Juventus1897!" → "juventus"), or it
//! is one short piece repeated. To regenerate it, install `@zxcvbn-ts/language-common` and `@zxcvbn-ts/language-it`
//! with npm and apply that same normalisation to their `passwords-common`, `commonWords` (first 5,000),
//! `firstnames` (1,500) and `lastnames` (1,000) lists, keeping words of four letters or more.

use std::collections::HashSet;
use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{Context, anyhow};
use argon2::{Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version};
use shared::user::check_password_shape;
use shared::{Field, Rule, ValidationError};
use tokio::sync::Semaphore;

use crate::settings::PasswordSettings;
use crate::{Error, Result};

static COMMON: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("common_passwords.txt")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .collect()
});

/// The password lower-cased, without leading and trailing digits, spaces and punctuation.
fn base_word(password: &str) -> String {
    password
        .to_lowercase()
        .trim_matches(|c: char| !c.is_alphabetic())
        .to_owned()
}

/// Whether the password is one short piece repeated ("abcabcabcabc", "passwordpassword").
fn is_repetition(password: &str) -> bool {
    let chars: Vec<char> = password.to_lowercase().chars().collect();
    (1..=chars.len() / 2).any(|unit| {
        chars.len().is_multiple_of(unit)
            && (unit <= 6 || COMMON.contains(chars[..unit].iter().collect::<String>().as_str()))
            && chars.chunks(unit).all(|c| c == &chars[..unit])
    })
}

/// The whole policy for a new password: [`check_password_shape`], then the list of common passwords.
pub fn check_new_password(password: &str, email: Option<&str>) -> Result<(), ValidationError> {
    check_password_shape(password, email)?;
    let base = base_word(password);
    let common = (base.chars().count() < 4 && base.len() < password.trim().len() / 2)
        || COMMON.contains(base.as_str())
        || is_repetition(password);
    if common {
        return Err(ValidationError::new(Field::Password, Rule::TooCommon));
    }
    Ok(())
}

/// argon2id with the configured cost, a bounded queue, and a dummy hash for addresses without an account.
pub struct Hasher {
    params: Params,
    permits: Semaphore,
    queue_timeout: std::time::Duration,
    dummy: std::sync::OnceLock<String>,
    /// How many hashes were computed (hashing or verifying): lets tests check that a sign-in with an unknown
    /// address does the same work as one with a wrong password.
    computed: AtomicU64,
}

impl std::fmt::Debug for Hasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hasher")
            .field("params", &self.params)
            .finish_non_exhaustive()
    }
}

impl Hasher {
    pub fn new(s: &PasswordSettings) -> Self {
        let params = Params::new(s.memory_kib, s.iterations, 1, None).unwrap_or_else(|e| {
            tracing::warn!(error = %e, "invalid argon2 parameters: using the library's defaults");
            Params::default()
        });
        Self {
            params,
            permits: Semaphore::new(s.max_concurrent.max(1)),
            queue_timeout: s.queue_timeout,
            dummy: std::sync::OnceLock::new(),
            computed: AtomicU64::new(0),
        }
    }

    fn argon2(&self) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, self.params.clone())
    }

    /// How many hashes this hasher has computed so far.
    pub fn computed(&self) -> u64 {
        self.computed.load(Ordering::Relaxed)
    }

    /// Runs `work` on a blocking thread once a permit is free.
    async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T> {
        let _permit = tokio::time::timeout(self.queue_timeout, self.permits.acquire())
            .await
            .map_err(|_| Error::Unavailable(anyhow!("password hashing queue full")))?
            .map_err(|e| Error::Internal(e.into()))?;
        self.computed.fetch_add(1, Ordering::Relaxed);
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|e| Error::Internal(anyhow!("password hashing task failed: {e}")))
    }

    /// A PHC string (`$argon2id$v=19$m=…`) for a new password.
    pub async fn hash(&self, password: &str) -> Result<String> {
        let argon = self.argon2();
        let password = password.to_owned();
        self.run(move || {
            argon
                .hash_password(password.as_bytes())
                .map(|h| h.to_string())
                .map_err(|e| anyhow!("hashing a password: {e}"))
        })
        .await?
        .map_err(Error::Internal)
    }

    /// Whether `password` matches `hash`. With no hash (no such account, or one without a password) it checks
    /// against a dummy and answers `false`, taking the same time.
    pub async fn verify(&self, password: &str, hash: Option<&str>) -> Result<bool> {
        let known = hash.is_some();
        let hash = match hash {
            Some(h) => h.to_owned(),
            None => self.dummy_hash()?,
        };
        let argon = self.argon2();
        let password = password.to_owned();
        let ok = self
            .run(move || {
                PasswordHash::new(&hash)
                    .context("a stored password hash does not parse")
                    .map(|parsed| argon.verify_password(password.as_bytes(), &parsed).is_ok())
            })
            .await?
            .map_err(Error::Internal)?;
        Ok(ok && known)
    }

    /// A hash of a random password with the current parameters, made once.
    fn dummy_hash(&self) -> Result<String> {
        if let Some(h) = self.dummy.get() {
            return Ok(h.clone());
        }
        let h = self
            .argon2()
            .hash_password(crate::secrets::new_token().as_bytes())
            .map_err(|e| anyhow!("hashing the dummy password: {e}"))?
            .to_string();
        Ok(self.dummy.get_or_init(|| h).clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(p: &str) -> Result<(), Rule> {
        check_new_password(p, Some("maria.rossi@esempio.it")).map_err(|e| e.rule)
    }

    #[test]
    fn common_passwords_are_refused() {
        assert!(COMMON.len() > 40_000, "{}", COMMON.len());
        for p in [
            "qwerty123456",
            "Juventus1897!",
            "password12345",
            "passwordpassword",
            "abcabcabcabc",
            "francesca1990!!",
            "ciaociao2024!",
            "1qaz2wsx3edc",
            "123456789abc",
        ] {
            assert_eq!(rule(p), Err(Rule::TooCommon), "{p}");
        }
        for p in [
            "cavallo batteria graffetta",
            "la neve cade sul Brenta",
            "Tr0ub4dor&3xyz",
            "vN7#pQ2!mZ9@",
        ] {
            assert_eq!(rule(p), Ok(()), "{p}");
        }
        assert_eq!(rule("corta"), Err(Rule::TooShort { min: 12 }));
    }

    #[tokio::test]
    async fn hashes_verify_and_unknown_accounts_cost_the_same() {
        let h = Hasher::new(&PasswordSettings {
            memory_kib: 1024,
            iterations: 1,
            ..PasswordSettings::default()
        });
        let hash = h.hash("cavallo batteria graffetta").await.expect("hash");
        assert!(hash.starts_with("$argon2id$v=19$m=1024,t=1,p=1$"), "{hash}");
        assert!(
            h.verify("cavallo batteria graffetta", Some(&hash))
                .await
                .expect("verify")
        );
        assert!(
            !h.verify("cavallo batteria graffett", Some(&hash))
                .await
                .expect("verify")
        );
        let before = h.computed();
        assert!(
            !h.verify("cavallo batteria graffetta", None)
                .await
                .expect("verify")
        );
        assert_eq!(h.computed(), before + 1, "an unknown account hashes too");
    }
}
