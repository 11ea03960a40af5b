//! The user aggregate: people who sign in (citizens and staff), their roles, and the validated values they type
//! (email address, display name, password).

use serde::{Deserialize, Serialize};

use crate::ids::{ContractorId, OfficeId, UserId};
use crate::validation::{Field, Rule, ValidationError};

/// An email address, trimmed and lower-cased: addresses are compared case-insensitively and stored once.
///
/// The check is deliberately plain (what people actually type): one `@`, a local part of 1–64 characters without
/// spaces, and a domain of dot-separated ASCII labels ending in a letters-only top-level domain.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    pub const MAX_LEN: usize = 254;

    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        let s = s.trim().to_lowercase();
        let err = |rule| Err(ValidationError::new(Field::Email, rule));
        if s.is_empty() {
            return err(Rule::Required);
        }
        crate::validation::plain(Field::Email, &s)?;
        if s.chars().count() > Self::MAX_LEN {
            return err(Rule::TooLong { max: Self::MAX_LEN });
        }
        let format = || {
            Err(ValidationError::new(
                Field::Email,
                Rule::Format {
                    expected: "nome@esempio.it".into(),
                },
            ))
        };
        let Some((local, domain)) = s.split_once('@') else {
            return format();
        };
        let local_ok = !local.is_empty()
            && local.chars().count() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .chars()
                .all(|c| !c.is_whitespace() && !c.is_control() && !"@<>()[]\\,;:\"".contains(c));
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && domain.len() <= 253
            && labels.iter().all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            })
            && labels
                .last()
                .is_some_and(|tld| tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic()));
        if local_ok && domain_ok {
            Ok(Self(s))
        } else {
            format()
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The address with most of its local part hidden (`m***@esempio.it`), for pages that confirm where mail went.
    pub fn masked(&self) -> String {
        let (local, domain) = self.0.split_once('@').unwrap_or((&self.0, ""));
        let first: String = local.chars().take(1).collect();
        format!("{first}***@{domain}")
    }
}

impl TryFrom<String> for Email {
    type Error = ValidationError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<Email> for String {
    fn from(e: Email) -> Self {
        e.0
    }
}

impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The name a person goes by in Segnala ("Maria Rossi"); staff sign timeline entries with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DisplayName(String);

impl DisplayName {
    pub const MIN: usize = 2;
    pub const MAX: usize = 80;

    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
        let n = s.chars().count();
        let err = |rule| Err(ValidationError::new(Field::DisplayName, rule));
        if n == 0 {
            return err(Rule::Required);
        }
        if n < Self::MIN {
            return err(Rule::TooShort { min: Self::MIN });
        }
        if n > Self::MAX {
            return err(Rule::TooLong { max: Self::MAX });
        }
        crate::validation::plain(Field::DisplayName, &s)?;
        if s.chars().any(|c| c.is_control() || "<>".contains(c)) {
            return err(Rule::Format {
                expected: "Maria Rossi".into(),
            });
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for DisplayName {
    type Error = ValidationError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<DisplayName> for String {
    fn from(d: DisplayName) -> Self {
        d.0
    }
}

/// The rules a new password must meet that both the browser and the server can check: 12 to 128 characters
/// (a passphrase of a few words qualifies; no composition rules, as NIST SP 800-63B advises), not one character
/// repeated, not the email address. The server also refuses passwords from its list of common ones.
pub fn check_password_shape(password: &str, email: Option<&str>) -> Result<(), ValidationError> {
    let n = password.chars().count();
    let err = |rule| Err(ValidationError::new(Field::Password, rule));
    if n == 0 {
        return err(Rule::Required);
    }
    if n < PASSWORD_MIN {
        return err(Rule::TooShort { min: PASSWORD_MIN });
    }
    if n > PASSWORD_MAX {
        return err(Rule::TooLong { max: PASSWORD_MAX });
    }
    let lower = password.to_lowercase();
    let mut chars = lower.chars();
    let first = chars.next();
    let one_char = chars.all(|c| Some(c) == first);
    let is_email = email.is_some_and(|e| {
        let e = e.trim().to_lowercase();
        lower == e
            || e.split('@')
                .next()
                .is_some_and(|local| local.len() >= 4 && lower == local)
    });
    if one_char || is_email || is_sequence(&lower) {
        return err(Rule::TooCommon);
    }
    Ok(())
}

/// Shortest password accepted.
pub const PASSWORD_MIN: usize = 12;
/// Longest password accepted (hashing cost grows with length; nobody types more).
pub const PASSWORD_MAX: usize = 128;

/// "123456789012", "abcdefghijkl", "210987654321": a run of consecutive characters.
fn is_sequence(s: &str) -> bool {
    let b: Vec<u32> = s.chars().map(u32::from).collect();
    b.len() >= 2
        && (b
            .windows(2)
            .all(|w| w[1] == w[0] + 1 || (w[0] == u32::from('9') && w[1] == u32::from('0')))
            || b.windows(2)
                .all(|w| w[0] == w[1] + 1 || (w[0] == u32::from('0') && w[1] == u32::from('9'))))
}

/// What a person may do depends on their role ([`crate::permission`]). A person has exactly one; staff belong
/// to one or more offices, contractors' staff to their company.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(
    feature = "ssr",
    derive(sqlx::Type),
    sqlx(type_name = "user_role", rename_all = "snake_case")
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A resident with an account: reports, comments, follows.
    Citizen,
    /// Runs Segnala for the municipality: offices, categories, staff, configuration.
    Administrator,
    /// The public relations office (URP): triages everything, takes in charge, assigns, answers.
    UrpOperator,
    /// Heads one or more offices: assigns within them, validates work, sees their figures.
    OfficeManager,
    /// Works the reports of their offices.
    OfficeStaff,
    /// An external contractor's staff: sees and updates only what is assigned to their company.
    Contractor,
    /// Hides or redacts comments and photos that break the rules.
    Moderator,
    /// Reads everything, changes nothing (councillors, consultative bodies).
    Observer,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Self::Citizen,
        Self::Administrator,
        Self::UrpOperator,
        Self::OfficeManager,
        Self::OfficeStaff,
        Self::Contractor,
        Self::Moderator,
        Self::Observer,
    ];

    /// Stable machine name, as in SQL and the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Citizen => "citizen",
            Self::Administrator => "administrator",
            Self::UrpOperator => "urp_operator",
            Self::OfficeManager => "office_manager",
            Self::OfficeStaff => "office_staff",
            Self::Contractor => "contractor",
            Self::Moderator => "moderator",
            Self::Observer => "observer",
        }
    }

    /// Everyone but citizens works for (or with) the municipality.
    pub fn is_staff(self) -> bool {
        self != Self::Citizen
    }

    /// Roles whose work is bound to offices (they must belong to at least one).
    pub fn needs_office(self) -> bool {
        matches!(self, Self::OfficeManager | Self::OfficeStaff)
    }
}

impl std::str::FromStr for Role {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| ValidationError::new(Field::Role, Rule::UnknownValue))
    }
}

/// The signed-in person, as every door and the service layer see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    pub id: UserId,
    pub name: String,
    pub email: String,
    pub role: Role,
    /// The offices a member of staff works for (empty for citizens).
    pub offices: Vec<OfficeId>,
    /// The company of a contractor's staff.
    pub contractor: Option<ContractorId>,
}

/// A signed-in browser, as "La mia pagina" lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub id: crate::ids::SessionId,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub last_seen_at: chrono::DateTime<chrono::Utc>,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
    /// The session of the page's own request.
    pub current: bool,
}

/// Everything "La mia pagina" shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MyPage {
    pub viewer: Viewer,
    /// The language of their emails.
    pub locale: crate::Locale,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub totp_enabled: bool,
    /// A second factor being set up (not active yet), for staff.
    pub totp_setup: Option<TotpSetup>,
    pub office_names: Vec<String>,
    pub contractor_name: Option<String>,
    pub sessions: Vec<SessionInfo>,
    pub preferences: Vec<(crate::mail::NotificationKind, bool)>,
    pub reports: Vec<crate::report::MyReport>,
    pub now: chrono::DateTime<chrono::Utc>,
}

/// A second factor being set up: the secret to type, the `otpauth://` link, and its QR code as SVG.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpSetup {
    pub secret: String,
    pub uri: String,
    pub qr_svg: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_lower_cased_and_checked() {
        assert_eq!(
            Email::parse("  Maria.Rossi@Comune.Padova.IT ").map(|e| e.0),
            Ok("maria.rossi@comune.padova.it".into())
        );
        assert!(Email::parse("a+tag@esempio.it").is_ok());
        for bad in [
            "",
            "maria",
            "maria@",
            "@esempio.it",
            "maria@esempio",
            "ma ria@esempio.it",
            "m@@esempio.it",
            "maria@esempio.i",
            "maria@-esempio.it",
            "maria@esempio..it",
            ".maria@esempio.it",
            "maria@esempio.it1",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} must be refused");
        }
        let e = Email::parse("maria@esempio.it").expect("valid");
        assert_eq!(e.masked(), "m***@esempio.it");
        let err = Email::parse("maria").unwrap_err();
        assert_eq!(err.field, Field::Email);
        assert!(matches!(err.rule, Rule::Format { .. }));
    }

    #[test]
    fn display_names() {
        assert_eq!(
            DisplayName::parse("  Maria   Rossi ").map(|d| d.0),
            Ok("Maria Rossi".into())
        );
        assert!(matches!(
            DisplayName::parse(" ").unwrap_err().rule,
            Rule::Required
        ));
        assert!(matches!(
            DisplayName::parse("M").unwrap_err().rule,
            Rule::TooShort { min: 2 }
        ));
        assert!(matches!(
            DisplayName::parse(&"x".repeat(81)).unwrap_err().rule,
            Rule::TooLong { max: 80 }
        ));
        assert!(DisplayName::parse("<script>").is_err());
    }

    #[test]
    fn password_shapes() {
        let rule = |p: &str| check_password_shape(p, Some("maria.rossi@esempio.it")).map_err(|e| e.rule);
        assert_eq!(rule("corto"), Err(Rule::TooShort { min: 12 }));
        assert_eq!(rule(""), Err(Rule::Required));
        assert_eq!(rule(&"a".repeat(129)), Err(Rule::TooLong { max: 128 }));
        assert_eq!(rule("aaaaaaaaaaaaaa"), Err(Rule::TooCommon));
        assert_eq!(rule("123456789012"), Err(Rule::TooCommon));
        assert_eq!(rule("210987654321"), Err(Rule::TooCommon));
        assert_eq!(rule("maria.rossi@esempio.it"), Err(Rule::TooCommon));
        assert_eq!(rule("Maria.Rossi"), Err(Rule::TooShort { min: 12 }));
        assert_eq!(rule("cavallo batteria graffetta"), Ok(()), "a passphrase");
        assert_eq!(rule("Tr0ub4dor&3xyz"), Ok(()));
    }

    #[test]
    fn roles_round_trip() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>(), Ok(r));
        }
        assert!("boss".parse::<Role>().is_err());
        assert!(!Role::Citizen.is_staff() && Role::Observer.is_staff());
    }
}
