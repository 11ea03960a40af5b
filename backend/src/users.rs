//! The user aggregate: accounts, sessions, one-use email links, sign-in throttling, the second factor and
//! OpenID Connect. Services (`service`) over storage (`store`); every permission is asked of
//! `shared::permission::can` with the viewer the door passed in.

pub mod oidc;
pub mod password;
pub mod service;
pub mod sessions;
pub mod store;
pub mod throttle;
pub mod tokens;
pub mod totp;

pub use service::*;
pub use sessions::{Authenticated, ClientInfo, NewSession};

use shared::Viewer;
use shared::permission::{Action, Target, can};

use crate::{Error, Result};

/// Fails with `Unauthenticated` without a viewer, `Forbidden` when the viewer may not do `action` on `target`.
pub fn require<'v>(viewer: Option<&'v Viewer>, action: Action, target: Target<'_>) -> Result<&'v Viewer> {
    let v = viewer.ok_or(Error::Unauthenticated)?;
    if can(Some(v), action, target) {
        Ok(v)
    } else {
        Err(Error::Forbidden)
    }
}
