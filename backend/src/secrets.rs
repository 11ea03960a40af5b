//! Random tokens, their hashes, and the site's signing key.
//!
//! Tokens that grant something (session cookies, links in emails) are 256 random bits; the database keeps only
//! their SHA-256, so a copy of it opens nothing. Values that must be checked without a database row (unsubscribe
//! links, trusted-device cookies) carry an HMAC made with a key generated on the first start and shared by every
//! instance through the `app_secret` table.

use anyhow::Context;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use sqlx::PgPool;

/// A new random token for a cookie or a link: 32 bytes, base64url (43 characters).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    // The operating system's generator only fails on systems Segnala does not run on.
    getrandom::fill(&mut bytes).expect("the operating system's random number generator works");
    URL_SAFE_NO_PAD.encode(bytes)
}

/// SHA-256 of a token, as stored.
pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// The site's signing key.
pub struct Keys {
    mac: Vec<u8>,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keys(…)")
    }
}

impl Keys {
    /// A key for tests and tools.
    pub fn from_bytes(mac: Vec<u8>) -> Self {
        Self { mac }
    }

    fn hmac(&self, purpose: &str, data: &str) -> Hmac<Sha256> {
        let mut mac =
            <Hmac<Sha256> as KeyInit>::new_from_slice(&self.mac).expect("HMAC takes keys of any length");
        mac.update(purpose.as_bytes());
        mac.update(&[0]);
        mac.update(data.as_bytes());
        mac
    }

    /// A signature of `data` for `purpose` (128 bits, base64url): different purposes never share signatures.
    pub fn sign(&self, purpose: &str, data: &str) -> String {
        let tag = self.hmac(purpose, data).finalize().into_bytes();
        URL_SAFE_NO_PAD.encode(&tag[..16])
    }

    /// Whether `signature` is [`Keys::sign`]'s for `data` (compared in constant time).
    pub fn verify(&self, purpose: &str, data: &str, signature: &str) -> bool {
        let Ok(given) = URL_SAFE_NO_PAD.decode(signature) else {
            return false;
        };
        given.len() == 16 && self.hmac(purpose, data).verify_truncated_left(&given).is_ok()
    }
}

/// Reads the signing key, creating it on the first start (two instances starting together agree on one).
pub async fn load_or_create(pool: &PgPool) -> crate::Result<Keys> {
    let mut fresh = [0u8; 32];
    getrandom::fill(&mut fresh).context("no random numbers from the operating system")?;
    let value: Vec<u8> = sqlx::query_scalar!(
        r#"
        with created as (
            insert into app_secret (name, value) values ('mac', $1) on conflict (name) do nothing returning value
        )
        select value as "value!" from created
        union all
        select value from app_secret where name = 'mac'
        limit 1
        "#,
        &fresh[..]
    )
    .fetch_one(pool)
    .await?;
    Ok(Keys { mac: value })
}

/// Encodes text for a URL path segment (base64url).
pub fn encode_segment(s: &str) -> String {
    URL_SAFE_NO_PAD.encode(s.as_bytes())
}

/// The reverse of [`encode_segment`].
pub fn decode_segment(s: &str) -> Option<String> {
    URL_SAFE_NO_PAD
        .decode(s)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashed() {
        let (a, b) = (new_token(), new_token());
        assert_eq!(a.len(), 43);
        assert_ne!(a, b);
        assert_eq!(token_hash(&a).len(), 32);
        assert_ne!(token_hash(&a), token_hash(&b));
    }

    #[test]
    fn signatures_depend_on_key_purpose_and_data() {
        let k = Keys::from_bytes(vec![1; 32]);
        let s = k.sign("unsubscribe", "maria@esempio.it|all");
        assert!(k.verify("unsubscribe", "maria@esempio.it|all", &s));
        assert!(!k.verify("device", "maria@esempio.it|all", &s));
        assert!(!k.verify("unsubscribe", "mario@esempio.it|all", &s));
        assert!(!Keys::from_bytes(vec![2; 32]).verify("unsubscribe", "maria@esempio.it|all", &s));
        let mut altered = s.clone().into_bytes();
        altered[3] = if altered[3] == b'A' { b'B' } else { b'A' };
        assert!(!k.verify(
            "unsubscribe",
            "maria@esempio.it|all",
            &String::from_utf8(altered).expect("ascii")
        ));
        assert!(!k.verify("unsubscribe", "maria@esempio.it|all", "not base64!"));
        assert_eq!(
            decode_segment(&encode_segment("maria@esempio.it")).as_deref(),
            Some("maria@esempio.it")
        );
    }
}
