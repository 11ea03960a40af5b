//! Segnala's shared domain: what the server and the browser must agree on.
//!
//! Everything here is pure (no I/O) and compiles both natively and to `wasm32`. Values that come from
//! outside (coordinates, receipt codes, titles, …) are parsed into validated newtypes here, so no invalid
//! value travels further.

pub mod admin;
pub mod error;
pub mod geo;
pub mod html;
pub mod i18n;
pub mod ids;
pub mod locale;
pub mod mail;
pub mod map;
pub mod permission;
pub mod report;
pub mod site;
pub mod stats;
pub mod url;
pub mod user;
pub mod validation;

pub use error::ErrorCode;
pub use geo::{BBox, LatLng};
pub use ids::{AreaId, CategoryId, ContractorId, MailId, OfficeId, ReportId, SessionId, UpdateId, UserId};
pub use locale::Locale;
pub use report::{Description, ReceiptCode, ReportKind, ReportState, Title};
pub use user::{Role, Viewer};
pub use validation::{Field, Rule, ValidationError};
