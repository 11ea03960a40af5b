//! Typed identifiers: a `ReportId` can never be passed where an `OfficeId` is expected.

use serde::{Deserialize, Serialize};

macro_rules! typed_id {
    ($(#[$meta:meta])* $name:ident($inner:ty)) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
        #[serde(transparent)]
        pub struct $name(pub $inner);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

typed_id!(
    /// A report (segnalazione).
    ReportId(i64)
);
typed_id!(
    /// A timeline entry of a report (aggiornamento).
    UpdateId(i64)
);
typed_id!(
    /// A municipal office (ufficio).
    OfficeId(i32)
);
typed_id!(
    /// A report category; each belongs to one office.
    CategoryId(i32)
);
typed_id!(
    /// An area: the municipality boundary or one of its districts.
    AreaId(i32)
);
typed_id!(
    /// A person with an account: a citizen or a member of staff.
    UserId(i64)
);
typed_id!(
    /// An external contractor (ditta esterna) the municipality assigns work to.
    ContractorId(i32)
);
typed_id!(
    /// A signed-in browser (one row per login).
    SessionId(i64)
);
typed_id!(
    /// A message in the mail outbox.
    MailId(i64)
);
