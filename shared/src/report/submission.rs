//! A citizen's new report as it arrives (from the form, the API or the step-by-step page), its validation, and
//! what the reporter gets back: the receipt, the duplicate suggestions, the places and categories of a point.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Description, ReportKind, ReportState, Title};
use crate::geo::LatLng;
use crate::ids::{AreaId, CategoryId};
use crate::user::Email;
use crate::validation::{Field, Rule, ValidationError};

/// At most this many photos per report.
pub const MAX_PHOTOS: usize = 5;
/// At most this many bytes per photo as sent.
pub const MAX_PHOTO_BYTES: usize = 10 * 1024 * 1024;
/// At most this many pixels per photo (a 20,000 × 20,000 PNG is a few kilobytes and 1.6 GB once decoded).
pub const MAX_PHOTO_PIXELS: u64 = 40_000_000;
/// What the photo types are, for messages.
pub const PHOTO_TYPES: &str = "JPEG, PNG, WebP";
/// A whole submission: the photos plus room for the fields.
pub const MAX_SUBMISSION_BYTES: usize = MAX_PHOTOS * MAX_PHOTO_BYTES + 512 * 1024;

/// A field value as clients send it: JSON numbers, booleans or strings, form fields always strings. Reading
/// leniently lets the error name the field ("latitude must be a number") instead of failing on the whole body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    Bool(bool),
    Number(f64),
    Text(String),
}

impl Value {
    fn text(&self) -> String {
        match self {
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => n.to_string(),
            Value::Text(s) => s.trim().to_owned(),
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Text(s.to_owned())
    }
}

/// A submission as received. Every field is optional here; [`RawSubmission::validate`] says what is missing.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RawSubmission {
    pub kind: Option<Value>,
    pub category_id: Option<Value>,
    pub lat: Option<Value>,
    pub lng: Option<Value>,
    /// Instead of a point: an address or place of the gazetteer…
    pub address: Option<Value>,
    /// …or a district, for a spot without an address.
    pub district_id: Option<Value>,
    pub title: Option<Value>,
    pub description: Option<Value>,
    pub is_public: Option<Value>,
    pub show_name: Option<Value>,
    /// Contact of a reporter without an account (the email is required then, and confirmed by a link).
    pub email: Option<Value>,
    pub phone: Option<Value>,
    pub name: Option<Value>,
    /// Staff only: how the citizen reached the URP (`phone`, `email`, `counter`, `letter`) when filing on their
    /// behalf; the contact fields are then the citizen's, all optional.
    #[serde(default)]
    pub channel: Option<Value>,
    /// Staff only: an internal report, never public.
    #[serde(default)]
    pub internal: Option<Value>,
}

/// Where the report is, as given: a point, or something the server turns into one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum PlaceInput {
    Point(LatLng),
    Address(String),
    District(AreaId),
}

/// How to reach a reporter without an account; the office sees it, the public never does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    pub email: Email,
    pub phone: Option<Phone>,
    pub name: Option<String>,
}

/// A valid submission: every rule that needs no database has been checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Submission {
    pub kind: ReportKind,
    pub category: CategoryId,
    pub place: PlaceInput,
    pub title: Title,
    pub description: Description,
    pub is_public: bool,
    pub show_name: bool,
    /// `None` when the reporter is signed in.
    pub contact: Option<Contact>,
    /// How it reached the municipality (`Web` unless staff file it on a citizen's behalf; the API door says
    /// `Api`).
    pub channel: super::work::Channel,
    /// Filed by staff on a citizen's behalf: the citizen's contact, as far as they gave one.
    pub behalf: Option<BehalfContact>,
    /// Filed by staff for the municipality's own use.
    pub internal: bool,
}

/// The contact of a citizen a member of staff files for (a phone call, a letter): each part optional.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BehalfContact {
    pub email: Option<Email>,
    pub phone: Option<Phone>,
    pub name: Option<String>,
}

impl RawSubmission {
    /// The fields of a submission, by the names the reporting form, the API's JSON and the staff's form all use
    /// (a test holds them to the struct's own). Staff-only: `channel`, `internal`.
    pub const FIELDS: [&'static str; 15] = [
        "kind",
        "category_id",
        "lat",
        "lng",
        "address",
        "district_id",
        "title",
        "description",
        "is_public",
        "show_name",
        "email",
        "phone",
        "name",
        "channel",
        "internal",
    ];

    /// A submission from form fields (`name`, `value` pairs, the first of each name). An HTML form sends no
    /// unticked checkbox, so for the form (`checkboxes`) an absent `is_public` means "no"; for other callers it
    /// keeps the API's default (public).
    pub fn from_fields(fields: &[(String, String)], checkboxes: bool) -> Self {
        let get = |k: &str| {
            fields
                .iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| Value::Text(v.clone()))
        };
        let [
            kind,
            category_id,
            lat,
            lng,
            address,
            district_id,
            title,
            description,
            is_public,
            show_name,
            email,
            phone,
            name,
            channel,
            internal,
        ] = Self::FIELDS.map(get);
        Self {
            kind,
            category_id,
            lat,
            lng,
            address,
            district_id,
            title,
            description,
            is_public: if checkboxes {
                Some(is_public.unwrap_or(Value::Bool(false)))
            } else {
                is_public
            },
            show_name,
            email,
            phone,
            name,
            channel,
            internal,
        }
    }
}

fn text_of(v: &Option<Value>) -> String {
    v.as_ref().map(Value::text).unwrap_or_default()
}

fn number(field: Field, v: &Option<Value>) -> Result<Option<f64>, ValidationError> {
    match v {
        None => Ok(None),
        Some(Value::Number(n)) => Ok(Some(*n)),
        Some(Value::Text(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::Text(s)) => s
            .trim()
            .replace(',', ".")
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .map(Some)
            .ok_or(ValidationError::new(field, Rule::NotANumber)),
        Some(Value::Bool(_)) => Err(ValidationError::new(field, Rule::NotANumber)),
    }
}

/// A checkbox or a JSON boolean: absent is `default`; "on", "true", "1", "sì" are yes; "false", "0", "no" no.
fn flag(field: Field, v: &Option<Value>, default: bool) -> Result<bool, ValidationError> {
    match v {
        None => Ok(default),
        Some(Value::Bool(b)) => Ok(*b),
        Some(other) => match other.text().to_lowercase().as_str() {
            "" => Ok(default),
            "on" | "true" | "1" | "yes" | "si" | "sì" => Ok(true),
            "off" | "false" | "0" | "no" => Ok(false),
            _ => Err(ValidationError::new(
                field,
                Rule::Format {
                    expected: "true / false".into(),
                },
            )),
        },
    }
}

fn id(field: Field, v: &Option<Value>) -> Result<Option<i32>, ValidationError> {
    match number(field, v)? {
        None => Ok(None),
        Some(n) if n.fract() == 0.0 && n >= 1.0 && n <= f64::from(i32::MAX) => Ok(Some(n as i32)),
        Some(_) => Err(ValidationError::new(field, Rule::UnknownValue)),
    }
}

impl RawSubmission {
    /// Checks every rule that needs no database, in the order of the form; the first broken one is the error.
    /// `signed_in`: a reporter with an account needs no contact (their account is it).
    pub fn validate(&self, signed_in: bool) -> Result<Submission, ValidationError> {
        let place = self.place()?;
        let kind_text = text_of(&self.kind);
        if kind_text.is_empty() {
            return Err(ValidationError::new(Field::Kind, Rule::Required));
        }
        let kind = kind_text.parse::<ReportKind>()?;
        let category = id(Field::Category, &self.category_id)?
            .map(CategoryId)
            .ok_or(ValidationError::new(Field::Category, Rule::Required))?;
        let title = Title::parse(&text_of(&self.title))?;
        let description = Description::parse(&text_of(&self.description))?;
        let is_public = flag(Field::IsPublic, &self.is_public, true)?;
        let show_name = flag(Field::ShowName, &self.show_name, false)?;
        let channel_text = text_of(&self.channel);
        let channel = if channel_text.is_empty() {
            super::work::Channel::Web
        } else {
            channel_text.parse::<super::work::Channel>()?
        };
        let internal = flag(Field::Channel, &self.internal, false)?;
        let on_behalf = !matches!(channel, super::work::Channel::Web | super::work::Channel::Api);
        if internal && on_behalf {
            return Err(ValidationError::new(Field::Channel, Rule::Mismatch));
        }
        let behalf = if on_behalf { Some(self.behalf()?) } else { None };
        let contact = if signed_in { None } else { Some(self.contact()?) };
        Ok(Submission {
            kind,
            category,
            place,
            title,
            description,
            is_public,
            show_name,
            contact,
            channel,
            behalf,
            internal,
        })
    }

    fn behalf(&self) -> Result<BehalfContact, ValidationError> {
        let email = text_of(&self.email);
        let email = (!email.is_empty()).then(|| Email::parse(&email)).transpose()?;
        let phone = text_of(&self.phone);
        let phone = (!phone.is_empty()).then(|| Phone::parse(&phone)).transpose()?;
        Ok(BehalfContact {
            email,
            phone,
            name: self.name()?,
        })
    }

    fn name(&self) -> Result<Option<String>, ValidationError> {
        let name = text_of(&self.name);
        crate::validation::plain(Field::DisplayName, &name)?;
        if name.is_empty() {
            Ok(None)
        } else if name.chars().count() < 2 {
            Err(ValidationError::new(
                Field::DisplayName,
                Rule::TooShort { min: 2 },
            ))
        } else if name.chars().count() > 80 {
            Err(ValidationError::new(
                Field::DisplayName,
                Rule::TooLong { max: 80 },
            ))
        } else {
            Ok(Some(name))
        }
    }

    /// The point if both coordinates are given; else the address; else the district.
    fn place(&self) -> Result<PlaceInput, ValidationError> {
        let lat = number(Field::Latitude, &self.lat)?;
        let lng = number(Field::Longitude, &self.lng)?;
        match (lat, lng) {
            (Some(lat), Some(lng)) => return Ok(PlaceInput::Point(LatLng::new(lat, lng)?)),
            (Some(_), None) => return Err(ValidationError::new(Field::Longitude, Rule::Required)),
            (None, Some(_)) => return Err(ValidationError::new(Field::Latitude, Rule::Required)),
            (None, None) => {}
        }
        let address = text_of(&self.address);
        crate::validation::plain(Field::Address, &address)?;
        if !address.is_empty() {
            if address.chars().count() > 200 {
                return Err(ValidationError::new(Field::Address, Rule::TooLong { max: 200 }));
            }
            return Ok(PlaceInput::Address(address));
        }
        if let Some(d) = id(Field::District, &self.district_id)? {
            return Ok(PlaceInput::District(AreaId(d)));
        }
        Err(ValidationError::new(Field::Location, Rule::Required))
    }

    fn contact(&self) -> Result<Contact, ValidationError> {
        let email = Email::parse(&text_of(&self.email))?;
        let phone = text_of(&self.phone);
        let phone = (!phone.is_empty()).then(|| Phone::parse(&phone)).transpose()?;
        Ok(Contact {
            email,
            phone,
            name: self.name()?,
        })
    }
}

/// A phone number: digits and spaces, an optional leading `+`, 6–20 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phone(String);

impl Phone {
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        let s = s.trim();
        let digits = s.strip_prefix('+').unwrap_or(s);
        let ok = (6..=20).contains(&s.chars().count())
            && digits.bytes().all(|b| b.is_ascii_digit() || b == b' ')
            && digits.bytes().filter(u8::is_ascii_digit).count() >= 6;
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(ValidationError::new(
                Field::Phone,
                Rule::Format {
                    expected: "+39 049 820 1111".into(),
                },
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The key that makes a submission happen once: 16–100 letters, digits, `-` or `_` (a UUID fits).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(ValidationError::new(Field::IdempotencyKey, Rule::Required));
        }
        let ok = (16..=100).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(ValidationError::new(
                Field::IdempotencyKey,
                Rule::Format {
                    expected: "3f2b8c1e-5d4a-4e7b-9c0d-1a2b3c4d5e6f".into(),
                },
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What the reporter gets back: on the page, in the API's answer and by email.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Receipt {
    pub receipt_code: String,
    pub title: String,
    pub category: String,
    /// The office the report was routed to.
    pub office: String,
    pub district: Option<String>,
    pub submitted_at: DateTime<Utc>,
    /// When the office should have answered (the category's service level).
    pub expected_by: DateTime<Utc>,
    pub is_public: bool,
    /// Sent without an account and not confirmed yet: not public until the link in the email is opened.
    pub awaiting_confirmation: bool,
    /// The report's page (public once confirmed, if public).
    pub url: String,
    pub photos: usize,
}

/// An open report near the chosen place that may be the same problem.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DuplicateCandidate {
    pub receipt_code: String,
    pub title: String,
    /// The first 200 characters.
    pub description: String,
    pub category: String,
    pub state: ReportState,
    pub created_at: DateTime<Utc>,
    pub distance_m: f64,
    /// Its first photo's thumbnail, if it has one.
    pub thumb_url: Option<String>,
    pub supporters: i64,
}

/// The suggestions, with the moment ages are counted from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Duplicates {
    pub candidates: Vec<DuplicateCandidate>,
    pub now: DateTime<Utc>,
}

/// At most this many duplicate suggestions.
pub const MAX_DUPLICATES: usize = 5;

/// A street or place found for what was typed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlaceHit {
    pub name: String,
    pub lat: f64,
    pub lng: f64,
}

/// A category a report can be filed under at a given place, with who answers for it there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryChoice {
    pub id: CategoryId,
    pub name: String,
    pub office: String,
    pub sla_days: i32,
}

/// What the page needs to know about a point: inside the municipality or not, its nearest street and its
/// district, and the categories offered there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PointInfo {
    pub lat: f64,
    pub lng: f64,
    pub inside: bool,
    pub street: Option<String>,
    pub district: Option<String>,
    pub categories: Vec<CategoryChoice>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `FIELDS` names exactly the struct's fields, in order, as serialised (the API's JSON names).
    #[test]
    fn the_field_list_is_the_structs() {
        let all = RawSubmission::from_fields(
            &RawSubmission::FIELDS.map(|f| (f.to_owned(), format!("v-{f}"))),
            false,
        );
        let json = serde_json::to_value(&all).expect("serialise");
        let keys: Vec<&str> = json
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        let mut sorted = RawSubmission::FIELDS.to_vec();
        sorted.sort_unstable();
        let mut keys_sorted = keys.clone();
        keys_sorted.sort_unstable();
        assert_eq!(keys_sorted, sorted);
        for f in RawSubmission::FIELDS {
            assert_eq!(json[f], format!("v-{f}"), "{f} read from its own field");
        }
        let unticked = RawSubmission::from_fields(&[], true);
        assert_eq!(unticked.is_public, Some(Value::Bool(false)));
        assert_eq!(RawSubmission::from_fields(&[], false).is_public, None);
    }

    fn raw() -> RawSubmission {
        RawSubmission {
            kind: Some("problem".into()),
            category_id: Some(Value::Number(3.0)),
            lat: Some("45.4077".into()),
            lng: Some(Value::Number(11.8734)),
            title: Some("Buca in via Roma".into()),
            description: Some("Profonda, davanti al civico 12.".into()),
            email: Some("Maria@Esempio.it".into()),
            ..Default::default()
        }
    }

    /// U+0000 (PostgreSQL cannot store it) and the other control characters are refused by every text a person
    /// types, each error naming its field.
    #[test]
    fn every_text_field_refuses_control_characters_naming_itself() {
        use crate::report::work::{CommentText, Note};
        use crate::user::DisplayName;
        let nul = "Buca\u{0} grande";
        let with = |f: fn(&mut RawSubmission)| {
            let mut r = raw();
            f(&mut r);
            r.validate(false).map(drop)
        };
        let cases: Vec<(Field, Result<(), ValidationError>)> = vec![
            (Field::Title, crate::Title::parse(nul).map(drop)),
            (Field::Description, crate::Description::parse(nul).map(drop)),
            (Field::Note, Note::parse(nul).map(drop)),
            (Field::Comment, CommentText::parse(nul).map(drop)),
            (Field::Email, Email::parse("maria\u{0}@esempio.it").map(drop)),
            (Field::DisplayName, DisplayName::parse(nul).map(drop)),
            (
                Field::Title,
                with(|r| r.title = Some("Buca\u{0} in via Roma".into())),
            ),
            (
                Field::Description,
                with(|r| r.description = Some("Profonda\u{1b}[2J".into())),
            ),
            (
                Field::Email,
                with(|r| r.email = Some("maria\u{0}@esempio.it".into())),
            ),
            (Field::DisplayName, with(|r| r.name = Some("Maria\u{0}".into()))),
            (
                Field::Address,
                with(|r| {
                    r.lat = None;
                    r.lng = None;
                    r.address = Some("via Roma\u{0}".into());
                }),
            ),
        ];
        for (field, result) in cases {
            assert_eq!(
                result,
                Err(ValidationError::new(field, Rule::ControlCharacter)),
                "{field:?}"
            );
        }
    }

    #[test]
    fn a_good_submission_validates() {
        let s = raw().validate(false).expect("valid");
        assert_eq!(s.kind, ReportKind::Problem);
        assert_eq!(s.category, CategoryId(3));
        assert!(s.is_public, "public unless said otherwise");
        assert!(!s.show_name, "the name is hidden unless said otherwise");
        assert_eq!(s.contact.expect("contact").email.as_str(), "maria@esempio.it");
        assert!(raw().validate(true).expect("valid").contact.is_none());
    }

    #[test]
    fn each_bad_field_is_named() {
        type Change = Box<dyn Fn(&mut RawSubmission)>;
        let cases: Vec<(Change, Field, Rule)> = vec![
            (Box::new(|r| r.kind = None), Field::Kind, Rule::Required),
            (
                Box::new(|r| r.kind = Some("praise".into())),
                Field::Kind,
                Rule::UnknownValue,
            ),
            (
                Box::new(|r| r.category_id = None),
                Field::Category,
                Rule::Required,
            ),
            (
                Box::new(|r| r.category_id = Some("x".into())),
                Field::Category,
                Rule::NotANumber,
            ),
            (
                Box::new(|r| r.category_id = Some(Value::Number(-2.0))),
                Field::Category,
                Rule::UnknownValue,
            ),
            (
                Box::new(|r| r.lat = Some("north".into())),
                Field::Latitude,
                Rule::NotANumber,
            ),
            (Box::new(|r| r.lng = None), Field::Longitude, Rule::Required),
            (
                Box::new(|r| {
                    r.lat = None;
                    r.lng = None;
                }),
                Field::Location,
                Rule::Required,
            ),
            (
                Box::new(|r| r.title = Some(" ".into())),
                Field::Title,
                Rule::Required,
            ),
            (
                Box::new(|r| r.title = Some("x".repeat(121).as_str().into())),
                Field::Title,
                Rule::TooLong { max: 120 },
            ),
            (
                Box::new(|r| r.description = Some("x".repeat(5001).as_str().into())),
                Field::Description,
                Rule::TooLong { max: 5000 },
            ),
            (Box::new(|r| r.email = None), Field::Email, Rule::Required),
            (
                Box::new(|r| r.email = Some("not-an-email".into())),
                Field::Email,
                Rule::Format {
                    expected: "nome@esempio.it".into(),
                },
            ),
            (
                Box::new(|r| r.phone = Some("call me".into())),
                Field::Phone,
                Rule::Format {
                    expected: "+39 049 820 1111".into(),
                },
            ),
            (
                Box::new(|r| r.is_public = Some("maybe".into())),
                Field::IsPublic,
                Rule::Format {
                    expected: "true / false".into(),
                },
            ),
        ];
        for (change, field, rule) in cases {
            let mut r = raw();
            change(&mut r);
            let e = r.validate(false).expect_err("invalid");
            assert_eq!((e.field, e.rule), (field, rule));
        }
    }

    #[test]
    fn places_other_than_a_point() {
        let mut r = raw();
        r.lat = None;
        r.lng = None;
        r.address = Some(" via Roma 12 ".into());
        assert_eq!(
            r.validate(true).expect("ok").place,
            PlaceInput::Address("via Roma 12".into())
        );
        r.address = None;
        r.district_id = Some("4".into());
        assert_eq!(
            r.validate(true).expect("ok").place,
            PlaceInput::District(AreaId(4))
        );
    }

    #[test]
    fn form_checkboxes_and_json_booleans() {
        let mut r = raw();
        r.is_public = Some("on".into());
        r.show_name = Some(Value::Bool(true));
        let s = r.validate(true).expect("ok");
        assert!(s.is_public && s.show_name);
        r.is_public = Some(Value::Bool(false));
        assert!(!r.validate(true).expect("ok").is_public);
    }

    #[test]
    fn json_reads_numbers_and_strings() {
        let r: RawSubmission = serde_json::from_str(
            r#"{"kind":"problem","category_id":3,"lat":45.4,"lng":"11.87","title":"Buca in via Roma",
                "description":"x","is_public":false}"#,
        )
        .expect("json");
        let s = r.validate(true).expect("valid");
        assert!(!s.is_public);
    }

    #[test]
    fn keys_and_phones() {
        assert!(IdempotencyKey::parse("3f2b8c1e-5d4a-4e7b-9c0d-1a2b3c4d5e6f").is_ok());
        assert_eq!(IdempotencyKey::parse("").unwrap_err().rule, Rule::Required);
        assert!(IdempotencyKey::parse("short").is_err());
        assert!(IdempotencyKey::parse("has spaces in it, sixteen+").is_err());
        assert!(Phone::parse("+39 049 820 1111").is_ok());
        assert!(Phone::parse("12345").is_err());
        assert!(Phone::parse("+39-049").is_err());
    }
}
