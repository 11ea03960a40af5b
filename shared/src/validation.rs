//! Validation errors that name the field and the rule they broke, in Italian and English.

use serde::{Deserialize, Serialize};

use crate::locale::Locale;
use crate::report::state::ReportState;

/// The placeholders an answer template may use ([`crate::report::work`] fills them when a template is applied);
/// a template naming any other is refused with [`Rule::UnknownPlaceholder`], whose message lists these.
pub const PLACEHOLDERS: [&str; 6] = ["codice", "titolo", "categoria", "ufficio", "data", "firma"];

/// The input field a validation error is about. The `snake_case` name is stable (used by API clients).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Latitude,
    Longitude,
    Bbox,
    ReceiptCode,
    Title,
    Description,
    Kind,
    State,
    Email,
    Password,
    CurrentPassword,
    DisplayName,
    Role,
    Office,
    TotpCode,
    Locale,
    DateRange,
    Category,
    /// The place of a report: the map point, the address typed or the district chosen.
    Location,
    Address,
    District,
    Photos,
    Phone,
    IsPublic,
    ShowName,
    IdempotencyKey,
    /// The request as a whole (its size, its content type).
    Body,
    /// The text of a timeline entry (public update, internal note, reason).
    Note,
    Priority,
    /// Who the work is assigned to (an office, a person, a contractor).
    Assignee,
    DueDate,
    Comment,
    /// The version of the report the change was based on.
    Version,
    /// An answer template's text.
    Template,
    /// How the report reached the municipality (web, phone, counter…).
    Channel,
    /// The report a duplicate points at.
    DuplicateOf,
    /// The name of an office, category, contractor, area or template.
    Name,
    SlaDays,
    DuplicateRadius,
    /// An uploaded area's GeoJSON.
    Boundary,
    /// The coordinate reference system of an upload (EPSG code).
    Srid,
    /// A map zoom level.
    Zoom,
    /// A map tile address (`z/x/y`).
    Tile,
    /// The text searched for.
    Search,
    /// How many rows an export may have.
    Limit,
    /// What statistics are about (an office, a category or a district: one at a time).
    Scope,
    /// A satisfaction rating of the answer's timeliness (1-5).
    Timeliness,
    /// A satisfaction rating of the answer's quality (1-5).
    Quality,
    /// The page to go back to after an action (`ritorno`).
    ReturnTo,
    /// The administration's name ("Comune di Vigonza").
    SiteName,
    NameOf,
    NameTo,
    Logo,
    Pec,
    Hours,
    Footer,
    Dpo,
    AccessibilityUrl,
    PrivacyNotice,
    LegalNotes,
    ExampleStreet,
    /// The setup as a whole (opening the service before its required steps are done).
    Setup,
    /// The contractor (company) a contractor's account works for.
    Company,
    /// The GeoJSON property that names each district of a feature collection.
    NameProperty,
    /// A file of streets and house numbers.
    Streets,
    /// How an office hears of new reports.
    Notifications,
}

impl Field {
    /// Stable machine name.
    pub fn name(self) -> &'static str {
        match self {
            Field::Latitude => "latitude",
            Field::Longitude => "longitude",
            Field::Bbox => "bbox",
            Field::ReceiptCode => "receipt_code",
            Field::Title => "title",
            Field::Description => "description",
            Field::Kind => "kind",
            Field::State => "state",
            Field::Email => "email",
            Field::Password => "password",
            Field::CurrentPassword => "current_password",
            Field::DisplayName => "display_name",
            Field::Role => "role",
            Field::Office => "office",
            Field::TotpCode => "totp_code",
            Field::Locale => "locale",
            Field::DateRange => "date_range",
            Field::Category => "category_id",
            Field::Location => "location",
            Field::Address => "address",
            Field::District => "district",
            Field::Photos => "photos",
            Field::Phone => "phone",
            Field::IsPublic => "is_public",
            Field::ShowName => "show_name",
            Field::IdempotencyKey => "idempotency_key",
            Field::Body => "body",
            Field::Note => "note",
            Field::Priority => "priority",
            Field::Assignee => "assignee",
            Field::DueDate => "due_date",
            Field::Comment => "comment",
            Field::Version => "version",
            Field::Template => "template",
            Field::Channel => "channel",
            Field::DuplicateOf => "duplicate_of",
            Field::Name => "name",
            Field::SlaDays => "sla_days",
            Field::DuplicateRadius => "duplicate_radius_m",
            Field::Boundary => "boundary",
            Field::Srid => "srid",
            Field::Zoom => "zoom",
            Field::Tile => "tile",
            Field::Search => "q",
            Field::Limit => "limit",
            Field::Scope => "scope",
            Field::Timeliness => "timeliness",
            Field::Quality => "quality",
            Field::ReturnTo => "ritorno",
            Field::SiteName => "site_name",
            Field::NameOf => "name_of",
            Field::NameTo => "name_to",
            Field::Logo => "logo",
            Field::Pec => "pec",
            Field::Hours => "hours",
            Field::Footer => "footer",
            Field::Dpo => "dpo",
            Field::AccessibilityUrl => "accessibility_url",
            Field::PrivacyNotice => "privacy_notice",
            Field::LegalNotes => "legal_notes",
            Field::ExampleStreet => "example_street",
            Field::Setup => "setup",
            Field::Company => "contractor",
            Field::NameProperty => "name_property",
            Field::Streets => "streets",
            Field::Notifications => "notifiche",
        }
    }

    /// Human label in the given language.
    pub fn label(self, locale: Locale) -> &'static str {
        match (self, locale) {
            (Field::Latitude, Locale::It) => "latitudine",
            (Field::Latitude, Locale::En) => "latitude",
            (Field::Longitude, Locale::It) => "longitudine",
            (Field::Longitude, Locale::En) => "longitude",
            (Field::Bbox, Locale::It) => "area della mappa (bbox)",
            (Field::Bbox, Locale::En) => "map area (bbox)",
            (Field::ReceiptCode, Locale::It) => "codice ricevuta",
            (Field::ReceiptCode, Locale::En) => "receipt code",
            (Field::Title, Locale::It) => "titolo",
            (Field::Title, Locale::En) => "title",
            (Field::Description, Locale::It) => "descrizione",
            (Field::Description, Locale::En) => "description",
            (Field::Kind, Locale::It) => "tipo",
            (Field::Kind, Locale::En) => "kind",
            (Field::State, Locale::It) => "stato",
            (Field::State, Locale::En) => "state",
            (Field::Email, Locale::It) => "email",
            (Field::Email, Locale::En) => "email",
            (Field::Password, Locale::It) => "password",
            (Field::Password, Locale::En) => "password",
            (Field::CurrentPassword, Locale::It) => "password attuale",
            (Field::CurrentPassword, Locale::En) => "current password",
            (Field::DisplayName, Locale::It) => "nome",
            (Field::DisplayName, Locale::En) => "name",
            (Field::Role, Locale::It) => "ruolo",
            (Field::Role, Locale::En) => "role",
            (Field::Office, Locale::It) => "ufficio",
            (Field::Office, Locale::En) => "office",
            (Field::TotpCode, Locale::It) => "codice di verifica",
            (Field::TotpCode, Locale::En) => "verification code",
            (Field::Locale, Locale::It) => "lingua",
            (Field::Locale, Locale::En) => "language",
            (Field::DateRange, Locale::It) => "periodo",
            (Field::DateRange, Locale::En) => "period",
            (Field::Category, Locale::It) => "categoria",
            (Field::Category, Locale::En) => "category",
            (Field::Location, Locale::It) => "posizione",
            (Field::Location, Locale::En) => "location",
            (Field::Address, Locale::It) => "indirizzo",
            (Field::Address, Locale::En) => "address",
            (Field::District, Locale::It) => "quartiere",
            (Field::District, Locale::En) => "district",
            (Field::Photos, Locale::It) => "foto",
            (Field::Photos, Locale::En) => "photos",
            (Field::Phone, Locale::It) => "telefono",
            (Field::Phone, Locale::En) => "phone",
            (Field::IsPublic, Locale::It) => "visibilità",
            (Field::IsPublic, Locale::En) => "visibility",
            (Field::ShowName, Locale::It) => "mostra il nome",
            (Field::ShowName, Locale::En) => "show my name",
            (Field::IdempotencyKey, Locale::It) => "chiave di invio (Idempotency-Key)",
            (Field::IdempotencyKey, Locale::En) => "submission key (Idempotency-Key)",
            (Field::Body, Locale::It) => "richiesta",
            (Field::Body, Locale::En) => "request",
            (Field::Note, Locale::It) => "testo",
            (Field::Note, Locale::En) => "text",
            (Field::Priority, Locale::It) => "priorità",
            (Field::Priority, Locale::En) => "priority",
            (Field::Assignee, Locale::It) => "assegnatario",
            (Field::Assignee, Locale::En) => "assignee",
            (Field::DueDate, Locale::It) => "scadenza",
            (Field::DueDate, Locale::En) => "due date",
            (Field::Comment, Locale::It) => "commento",
            (Field::Comment, Locale::En) => "comment",
            (Field::Version, Locale::It) => "versione",
            (Field::Version, Locale::En) => "version",
            (Field::Template, Locale::It) => "modello di risposta",
            (Field::Template, Locale::En) => "answer template",
            (Field::Channel, Locale::It) => "canale",
            (Field::Channel, Locale::En) => "channel",
            (Field::DuplicateOf, Locale::It) => "segnalazione originale",
            (Field::DuplicateOf, Locale::En) => "original report",
            (Field::Name, Locale::It) => "nome",
            (Field::Name, Locale::En) => "name",
            (Field::SlaDays, Locale::It) => "giorni per rispondere (SLA)",
            (Field::SlaDays, Locale::En) => "days to answer (SLA)",
            (Field::DuplicateRadius, Locale::It) => "raggio dei duplicati (m)",
            (Field::DuplicateRadius, Locale::En) => "duplicate radius (m)",
            (Field::Boundary, Locale::It) => "confine (GeoJSON)",
            (Field::Boundary, Locale::En) => "boundary (GeoJSON)",
            (Field::Srid, Locale::It) => "sistema di riferimento (EPSG)",
            (Field::Srid, Locale::En) => "reference system (EPSG)",
            (Field::Zoom, Locale::It) => "livello di zoom",
            (Field::Zoom, Locale::En) => "zoom level",
            (Field::Tile, Locale::It) => "riquadro della mappa (z/x/y)",
            (Field::Tile, Locale::En) => "map tile (z/x/y)",
            (Field::Search, Locale::It) => "testo da cercare",
            (Field::Search, Locale::En) => "search text",
            (Field::Limit, Locale::It) => "numero di righe",
            (Field::Limit, Locale::En) => "number of rows",
            (Field::Scope, Locale::It) => "ambito (ufficio, categoria o quartiere)",
            (Field::Scope, Locale::En) => "scope (office, category or district)",
            (Field::Timeliness, Locale::It) => "tempestività",
            (Field::Timeliness, Locale::En) => "timeliness",
            (Field::Quality, Locale::It) => "qualità",
            (Field::Quality, Locale::En) => "quality",
            (Field::ReturnTo, Locale::It) => "pagina di ritorno",
            (Field::ReturnTo, Locale::En) => "return page",
            (Field::SiteName, Locale::It) => "nome dell'ente",
            (Field::SiteName, Locale::En) => "administration's name",
            (Field::NameOf, Locale::It) => "nome con «di» (del Comune di…)",
            (Field::NameOf, Locale::En) => "name with “of” (Italian)",
            (Field::NameTo, Locale::It) => "nome con «a» (al Comune di…)",
            (Field::NameTo, Locale::En) => "name with “to” (Italian)",
            (Field::Logo, Locale::It) => "stemma o logo",
            (Field::Logo, Locale::En) => "coat of arms or logo",
            (Field::Pec, Locale::It) => "PEC",
            (Field::Pec, Locale::En) => "certified email (PEC)",
            (Field::Hours, Locale::It) => "orari di apertura",
            (Field::Hours, Locale::En) => "opening hours",
            (Field::Footer, Locale::It) => "piè di pagina",
            (Field::Footer, Locale::En) => "footer",
            (Field::Dpo, Locale::It) => "responsabile della protezione dei dati (DPO)",
            (Field::Dpo, Locale::En) => "data protection officer (DPO)",
            (Field::AccessibilityUrl, Locale::It) => "indirizzo della dichiarazione di accessibilità",
            (Field::AccessibilityUrl, Locale::En) => "accessibility statement address",
            (Field::PrivacyNotice, Locale::It) => "informativa privacy",
            (Field::PrivacyNotice, Locale::En) => "privacy notice",
            (Field::LegalNotes, Locale::It) => "note legali",
            (Field::LegalNotes, Locale::En) => "legal notes",
            (Field::ExampleStreet, Locale::It) => "via di esempio",
            (Field::ExampleStreet, Locale::En) => "example street",
            (Field::Setup, Locale::It) => "configurazione",
            (Field::Setup, Locale::En) => "setup",
            (Field::Company, Locale::It) => "ditta",
            (Field::Company, Locale::En) => "company",
            (Field::NameProperty, Locale::It) => "proprietà del nome",
            (Field::NameProperty, Locale::En) => "name property",
            (Field::Streets, Locale::It) => "file delle vie",
            (Field::Streets, Locale::En) => "street file",
            (Field::Notifications, Locale::It) => "avvisi di nuove segnalazioni",
            (Field::Notifications, Locale::En) => "new report notices",
        }
    }
}

/// The rule a value broke.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Rule {
    /// Nothing was given, or only spaces.
    Required,
    /// Not a number.
    NotANumber,
    /// Outside `[min, max]`.
    OutOfRange { min: f64, max: f64 },
    /// Fewer characters than `min`.
    TooShort { min: usize },
    /// More characters than `max`.
    TooLong { max: usize },
    /// Does not match the expected format (`expected` shows an example).
    Format { expected: String },
    /// South above north (or similar): the corners are in the wrong order.
    CornersOrder,
    /// Not one of the known values.
    UnknownValue,
    /// A password that is on the list of common ones, or trivially guessable (one character, a sequence, the
    /// email address).
    TooCommon,
    /// Does not match what was expected (a wrong current password, a wrong verification code).
    Mismatch,
    /// Already in use (an email address that has an account; shown only to administrators).
    Taken,
    /// A point outside the municipality's boundary.
    OutsideMunicipality,
    /// A category that is not offered at the chosen place (another body answers for it there).
    NotOffered,
    /// A category (or other choice) that exists but is switched off.
    Disabled,
    /// More items than allowed (photos).
    TooMany { max: usize },
    /// A file over the size limit, in megabytes.
    FileTooLarge { max_mb: u64 },
    /// A file whose bytes are none of the accepted types (what it is called does not count).
    UnsupportedType { accepted: String },
    /// A file of an accepted type that cannot be read (truncated, damaged).
    Unreadable,
    /// An image with more pixels than allowed, in megapixels (a decompression bomb, or a panorama).
    TooManyPixels { max_megapixels: u64 },
    /// A request larger than allowed, in kilobytes (shown in MB from 1 MB up).
    BodyTooLarge { max_kb: u64 },
    /// A request cut short or damaged (a multipart body without its closing boundary, bytes that are not the
    /// format announced).
    Incomplete,
    /// Text holding a control character (U+0000 and the others below U+0020 but tab and line breaks): nothing a
    /// person types, and PostgreSQL cannot store U+0000.
    ControlCharacter,
    /// A request body of a type this address does not take.
    WrongContentType { expected: String },
    /// A submission key already used for a different submission.
    KeyReused,
    /// An address or place that the gazetteer does not know.
    PlaceNotFound,
    /// A state change the lifecycle does not allow from the report's current state.
    TransitionNotAllowed { from: ReportState, to: ReportState },
    /// A template placeholder that does not exist (`{name}` as written).
    UnknownPlaceholder { name: String },
    /// The report no longer takes this (comments on a closed report).
    Closed,
    /// A date in the past where a future one is needed.
    InThePast,
    /// A shape that is not a valid polygon (`reason` as PostGIS or the parser says it).
    InvalidGeometry { reason: String },
    /// The same parameter given more than once.
    Repeated,
    /// A range whose start comes after its end.
    Inverted,
    /// A period that has not ended yet (a periodic report of the current month).
    NotEnded,
    /// More rows than an answer may have.
    TooManyRows { max: u64 },
    /// Still in use (an office with categories or reports, a district with reports): disable it instead.
    InUse,
    /// The service is not open to citizens yet (the municipality is still setting it up).
    NotOpenYet,
    /// Steps of the setup that must be done first (their names, in the viewer's language).
    StepsMissing {
        #[cfg(any(feature = "ssr", feature = "staff"))]
        steps: String,
    },
    /// A file without the columns it needs (their names, as the file should call them).
    MissingColumns {
        #[cfg(any(feature = "ssr", feature = "staff"))]
        columns: String,
    },
    /// No invitation waits for this person (accepted, revoked, or never sent).
    NoInvitation,
    /// The address belongs to a member of staff already (or to a disabled account).
    AlreadyStaff,
    /// Nothing was replaced, so there is nothing to put back.
    NothingToRestore,
    /// An EPSG code PostGIS does not know.
    UnknownSrid {
        #[cfg(any(feature = "ssr", feature = "staff"))]
        code: i32,
    },
    /// A shape that lies outside Italy but would lie inside it with latitude and longitude exchanged.
    SwappedCoordinates,
    /// A shape that lies outside Italy (the wrong file, or a reference system not declared).
    OutsideItaly,
    /// A contractor's account without the contractor it works for.
    ContractorNeedsCompany,
    /// A company given to an account that is not a contractor's.
    CompanyOnlyForContractor,
    /// An administrator demoting or disabling their own account.
    OwnAccount,
    /// Districts that do not fit: each one's problem. The public bundles carry none of these rules' details (the
    /// `staff` feature): they never show them.
    DistrictProblems {
        #[cfg(any(feature = "ssr", feature = "staff"))]
        problems: Vec<DistrictProblem>,
    },
}

/// What is wrong with one district of an upload.
#[cfg(any(feature = "ssr", feature = "staff"))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum DistrictProblem {
    /// A feature without a name in the chosen property (`index` counts from 1).
    Unnamed { index: usize, property: String },
    /// Two features with the same name.
    Repeated { name: String },
    /// Not a valid polygon.
    Invalid { name: String, reason: String },
    /// `percent` of it lies outside the municipality's boundary.
    Outside { name: String, percent: u32 },
    /// It overlaps `other` (a district of the upload or one already loaded) by `percent` of its area.
    Overlaps {
        name: String,
        other: String,
        percent: u32,
    },
}

#[cfg(any(feature = "ssr", feature = "staff"))]
impl DistrictProblem {
    pub fn message(&self, locale: Locale) -> String {
        match (self, locale) {
            (DistrictProblem::Unnamed { index, property }, Locale::It) => {
                format!("l'elemento n. {index} non ha un nome nella proprietà «{property}»")
            }
            (DistrictProblem::Unnamed { index, property }, Locale::En) => {
                format!("feature no. {index} has no name in the property “{property}”")
            }
            (DistrictProblem::Repeated { name }, Locale::It) => format!("«{name}» compare più volte"),
            (DistrictProblem::Repeated { name }, Locale::En) => format!("“{name}” appears more than once"),
            (DistrictProblem::Invalid { name, reason }, locale) => match locale {
                Locale::It => format!(
                    "«{name}» non è un poligono valido: {}",
                    geometry_reason(reason, locale)
                ),
                Locale::En => format!(
                    "“{name}” is not a valid polygon: {}",
                    geometry_reason(reason, locale)
                ),
            },
            (DistrictProblem::Outside { name, percent }, Locale::It) => {
                format!("il {percent}% di «{name}» è fuori dal confine comunale")
            }
            (DistrictProblem::Outside { name, percent }, Locale::En) => {
                format!("{percent}% of “{name}” lies outside the municipal boundary")
            }
            (DistrictProblem::Overlaps { name, other, percent }, Locale::It) => {
                format!("«{name}» si sovrappone a «{other}» per il {percent}% della sua area")
            }
            (DistrictProblem::Overlaps { name, other, percent }, Locale::En) => {
                format!("“{name}” overlaps “{other}” over {percent}% of its area")
            }
        }
    }
}

/// Whether two names are the same to a person: case and spacing aside (" lavori  PUBBLICI " is "Lavori
/// pubblici"). The database's `name_key` (migration 0018) is the same rule, for its unique indexes.
pub fn same_name(a: &str, b: &str) -> bool {
    name_key(a) == name_key(b)
}

/// A name as [`same_name`] compares it: trimmed, its spaces collapsed, lower case.
pub fn name_key(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// PostGIS' and the parser's reasons for a shape's invalidity, said for people (the point PostGIS names kept);
/// an unknown reason is given as it is.
#[cfg(any(feature = "ssr", feature = "staff"))]
pub fn geometry_reason(reason: &str, locale: Locale) -> String {
    let it = locale == Locale::It;
    let at = reason
        .find('[')
        .map(|i| reason[i..].trim_matches(|c| c == '[' || c == ']').to_owned())
        .filter(|p| !p.is_empty());
    let near = |p: &Option<String>| match (p, it) {
        (Some(p), true) => format!(" (vicino al punto {p})"),
        (Some(p), false) => format!(" (near the point {p})"),
        (None, _) => String::new(),
    };
    let lower = reason.to_lowercase();
    let say = |i: &str, e: &str| if it { i.to_owned() } else { e.to_owned() };
    if lower.starts_with("ring self-intersection") {
        say(
            "un anello del contorno tocca sé stesso",
            "a ring of the outline touches itself",
        ) + &near(&at)
    } else if lower.starts_with("self-intersection") {
        say(
            "il contorno si interseca (due lati si incrociano: ridisegna quel punto)",
            "the outline crosses itself (two edges cross: redraw that point)",
        ) + &near(&at)
    } else if lower.contains("closed linestring") || lower.contains("must be closed") {
        say(
            "un anello non è chiuso: il primo e l'ultimo punto di ogni anello devono coincidere",
            "a ring is not closed: the first and last point of every ring must be the same",
        )
    } else if lower.starts_with("too few points")
        || lower.contains("at least four")
        || lower.contains("requires more points")
    {
        say(
            "un anello ha troppo pochi punti (ne servono almeno quattro, l'ultimo uguale al primo)",
            "a ring has too few points (at least four, the last equal to the first)",
        ) + &near(&at)
    } else if lower.starts_with("hole lies outside shell") {
        say(
            "un buco è fuori dal contorno esterno",
            "a hole lies outside the outer ring",
        ) + &near(&at)
    } else if lower.starts_with("nested shells") {
        say("un poligono è dentro un altro", "one polygon lies inside another") + &near(&at)
    } else if lower.starts_with("interior is disconnected") {
        say(
            "l'interno è diviso in parti separate",
            "the interior is split into separate parts",
        ) + &near(&at)
    } else if lower.starts_with("invalid coordinate") {
        say(
            "una coordinata non è un numero valido",
            "a coordinate is not a valid number",
        ) + &near(&at)
    } else if let Some(kind) = reason.strip_suffix(" is not a polygon") {
        if it {
            format!("«{kind}» non è un poligono: servono Polygon o MultiPolygon")
        } else {
            format!("“{kind}” is not a polygon: Polygon or MultiPolygon are needed")
        }
    } else if reason == "no polygon in the document" {
        say(
            "il documento non contiene poligoni",
            "the document holds no polygon",
        )
    } else if let Some(detail) = reason.strip_prefix("JSON: ") {
        if it {
            format!("il testo non è JSON valido ({detail})")
        } else {
            format!("the text is not valid JSON ({detail})")
        }
    } else {
        reason.to_owned()
    }
}

/// A field and the rule its value broke.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[error("{field:?}: {rule:?}")]
pub struct ValidationError {
    pub field: Field,
    #[serde(flatten)]
    pub rule: Rule,
}

impl ValidationError {
    pub fn new(field: Field, rule: Rule) -> Self {
        Self { field, rule }
    }

    /// A sentence for people, naming the field and the rule.
    pub fn message(&self, locale: Locale) -> String {
        let field = self.field.label(locale);
        match (&self.rule, locale) {
            (Rule::Required, Locale::It) => format!("Il campo «{field}» è obbligatorio."),
            (Rule::Required, Locale::En) => format!("The field “{field}” is required."),
            (Rule::NotANumber, Locale::It) => format!("Il campo «{field}» deve essere un numero."),
            (Rule::NotANumber, Locale::En) => format!("The field “{field}” must be a number."),
            (Rule::OutOfRange { min, max }, Locale::It) => {
                format!("Il campo «{field}» deve essere compreso tra {min} e {max}.")
            }
            (Rule::OutOfRange { min, max }, Locale::En) => {
                format!("The field “{field}” must be between {min} and {max}.")
            }
            (Rule::TooShort { min }, Locale::It) => {
                format!("Il campo «{field}» deve avere almeno {min} caratteri.")
            }
            (Rule::TooShort { min }, Locale::En) => {
                format!("The field “{field}” must have at least {min} characters.")
            }
            (Rule::TooLong { max }, Locale::It) => {
                format!("Il campo «{field}» può avere al massimo {max} caratteri.")
            }
            (Rule::TooLong { max }, Locale::En) => {
                format!("The field “{field}” can have at most {max} characters.")
            }
            (Rule::Format { expected }, Locale::It) => {
                format!("Il campo «{field}» non ha il formato atteso (esempio: {expected}).")
            }
            (Rule::Format { expected }, Locale::En) => {
                format!("The field “{field}” is not in the expected format (example: {expected}).")
            }
            (Rule::CornersOrder, Locale::It) => format!(
                "Il campo «{field}» ha gli angoli in ordine errato: servono ovest,sud,est,nord con sud < nord."
            ),
            (Rule::CornersOrder, Locale::En) => format!(
                "The field “{field}” has its corners in the wrong order: expected west,south,east,north with south < north."
            ),
            (Rule::UnknownValue, Locale::It) => format!("Il campo «{field}» ha un valore sconosciuto."),
            (Rule::UnknownValue, Locale::En) => format!("The field “{field}” has an unknown value."),
            (Rule::TooCommon, Locale::It) => format!(
                "Il campo «{field}» è troppo facile da indovinare: è tra le più comuni o ripete caratteri, \
                 sequenze o l'indirizzo email. Una frase di tre o quattro parole va benissimo."
            ),
            (Rule::TooCommon, Locale::En) => format!(
                "The field “{field}” is too easy to guess: it is a common one or repeats characters, sequences or \
                 the email address. A phrase of three or four words works well."
            ),
            (Rule::Mismatch, Locale::It) => format!("Il campo «{field}» non è corretto."),
            (Rule::Mismatch, Locale::En) => format!("The field “{field}” is not correct."),
            (Rule::Taken, Locale::It) => format!("Il valore del campo «{field}» è già in uso."),
            (Rule::Taken, Locale::En) => format!("The value of the field “{field}” is already in use."),
            (Rule::OutsideMunicipality, Locale::It) => format!(
                "Il campo «{field}» indica un punto fuori dal territorio comunale: il Comune può intervenire solo \
                 entro i propri confini."
            ),
            (Rule::OutsideMunicipality, Locale::En) => format!(
                "The field “{field}” is a point outside the municipality: it can only act within its boundary."
            ),
            (Rule::NotOffered, Locale::It) => {
                format!("Il valore del campo «{field}» non è disponibile in questo punto del territorio.")
            }
            (Rule::NotOffered, Locale::En) => {
                format!("The value of the field “{field}” is not available at this place.")
            }
            (Rule::Disabled, Locale::It) => format!("Il valore del campo «{field}» non è più disponibile."),
            (Rule::Disabled, Locale::En) => {
                format!("The value of the field “{field}” is no longer available.")
            }
            (Rule::TooMany { max }, Locale::It) => format!("Il campo «{field}» ne accetta al massimo {max}."),
            (Rule::TooMany { max }, Locale::En) => format!("The field “{field}” takes at most {max}."),
            (Rule::FileTooLarge { max_mb }, Locale::It) => {
                format!("Il campo «{field}» accetta file fino a {max_mb} MB ciascuno.")
            }
            (Rule::FileTooLarge { max_mb }, Locale::En) => {
                format!("The field “{field}” takes files of up to {max_mb} MB each.")
            }
            (Rule::UnsupportedType { accepted }, Locale::It) => {
                format!("Il campo «{field}» accetta solo immagini {accepted}: il file inviato non lo è.")
            }
            (Rule::UnsupportedType { accepted }, Locale::En) => {
                format!("The field “{field}” takes only {accepted} images: the file sent is not one.")
            }
            (Rule::Unreadable, Locale::It) => {
                format!("Il campo «{field}» contiene un'immagine danneggiata o incompleta.")
            }
            (Rule::Unreadable, Locale::En) => {
                format!("The field “{field}” holds a damaged or incomplete image.")
            }
            (Rule::TooManyPixels { max_megapixels }, Locale::It) => {
                format!("Il campo «{field}» accetta immagini fino a {max_megapixels} megapixel.")
            }
            (Rule::TooManyPixels { max_megapixels }, Locale::En) => {
                format!("The field “{field}” takes images of up to {max_megapixels} megapixels.")
            }
            (Rule::BodyTooLarge { max_kb }, Locale::It) => {
                format!(
                    "La {field} è troppo grande: il massimo è {} in tutto.",
                    size_label(*max_kb, Locale::It)
                )
            }
            (Rule::BodyTooLarge { max_kb }, Locale::En) => {
                format!(
                    "The {field} is too large: the maximum is {} in all.",
                    size_label(*max_kb, Locale::En)
                )
            }
            (Rule::Incomplete, Locale::It) => {
                format!("La {field} è incompleta o danneggiata: inviala di nuovo.")
            }
            (Rule::Incomplete, Locale::En) => format!("The {field} is incomplete or damaged: send it again."),
            (Rule::ControlCharacter, Locale::It) => format!(
                "Il campo «{field}» contiene un carattere di controllo (come U+0000) che non si può salvare: \
                 toglilo e riprova."
            ),
            (Rule::ControlCharacter, Locale::En) => format!(
                "The field “{field}” holds a control character (such as U+0000) that cannot be stored: remove it \
                 and try again."
            ),
            (Rule::WrongContentType { expected }, Locale::It) => {
                format!("La {field} ha un tipo di contenuto non accettato (atteso: {expected}).")
            }
            (Rule::WrongContentType { expected }, Locale::En) => {
                format!("The {field} has a content type that is not accepted (expected: {expected}).")
            }
            (Rule::KeyReused, Locale::It) => format!(
                "Il campo «{field}» è già stato usato per un invio diverso: ogni nuova segnalazione ne vuole uno nuovo."
            ),
            (Rule::KeyReused, Locale::En) => format!(
                "The field “{field}” was already used for a different submission: each new report needs a new one."
            ),
            (Rule::PlaceNotFound, Locale::It) => {
                format!("Il campo «{field}» non corrisponde a nessuna via o luogo conosciuto del Comune.")
            }
            (Rule::PlaceNotFound, Locale::En) => {
                format!("The field “{field}” matches no known street or place of the municipality.")
            }
            (Rule::TransitionNotAllowed { from, to }, l) => {
                let (from, to) = (from.label(l), to.label(l));
                match l {
                    Locale::It => format!("Il campo «{field}» non può passare da «{from}» a «{to}»."),
                    Locale::En => format!("The field “{field}” cannot go from “{from}” to “{to}”."),
                }
            }
            (Rule::UnknownPlaceholder { name }, Locale::It) => format!(
                "Il campo «{field}» usa il segnaposto {{{name}}}, che non esiste: quelli validi sono {}.",
                PLACEHOLDERS.join(", ")
            ),
            (Rule::UnknownPlaceholder { name }, Locale::En) => format!(
                "The field “{field}” uses the placeholder {{{name}}}, which does not exist: the valid ones are {}.",
                PLACEHOLDERS.join(", ")
            ),
            (Rule::Closed, Locale::It) => {
                format!("Il campo «{field}» non è più accettato: la segnalazione è chiusa.")
            }
            (Rule::Closed, Locale::En) => {
                format!("The field “{field}” is no longer accepted: the report is closed.")
            }
            (Rule::InThePast, Locale::It) => format!("Il campo «{field}» non può essere nel passato."),
            (Rule::InThePast, Locale::En) => format!("The field “{field}” cannot be in the past."),
            #[cfg(any(feature = "ssr", feature = "staff"))]
            (Rule::InvalidGeometry { reason }, Locale::It) => {
                format!(
                    "Il campo «{field}» non contiene un poligono valido: {}.",
                    geometry_reason(reason, locale)
                )
            }
            #[cfg(any(feature = "ssr", feature = "staff"))]
            (Rule::InvalidGeometry { reason }, Locale::En) => {
                format!(
                    "The field “{field}” does not hold a valid polygon: {}.",
                    geometry_reason(reason, locale)
                )
            }
            (Rule::Repeated, Locale::It) => {
                format!("Il parametro «{field}» compare più di una volta: indicalo una volta sola.")
            }
            (Rule::Repeated, Locale::En) => {
                format!("The parameter “{field}” appears more than once: give it once.")
            }
            (Rule::Inverted, Locale::It) => format!("Il campo «{field}» ha l'inizio dopo la fine."),
            (Rule::Inverted, Locale::En) => format!("The field “{field}” starts after it ends."),
            (Rule::NotEnded, Locale::It) => format!("Il {field} indicato non è ancora finito."),
            (Rule::NotEnded, Locale::En) => format!("The {field} given has not ended yet."),
            (Rule::TooManyRows { max }, Locale::It) => format!(
                "La richiesta supera il massimo di {max} righe ({field}): restringi i filtri o l'area."
            ),
            (Rule::TooManyRows { max }, Locale::En) => format!(
                "The request exceeds the maximum of {max} rows ({field}): narrow the filters or the area."
            ),
            #[cfg(any(feature = "ssr", feature = "staff"))]
            (Rule::InUse, Locale::It) => format!(
                "Il valore del campo «{field}» è ancora in uso (segnalazioni, categorie o regole lo usano): disattivalo invece di eliminarlo."
            ),
            #[cfg(any(feature = "ssr", feature = "staff"))]
            (Rule::InUse, Locale::En) => format!(
                "The value of the field “{field}” is still in use (reports, categories or rules refer to it): disable it instead of deleting it."
            ),
            (Rule::NotOpenYet, Locale::It) => {
                "Il servizio di segnalazioni apre a breve: il Comune lo sta ancora preparando.".to_owned()
            }
            (Rule::NotOpenYet, Locale::En) => {
                "The reporting service opens soon: the municipality is still setting it up.".to_owned()
            }
            #[cfg(any(feature = "ssr", feature = "staff"))]
            (Rule::StepsMissing { steps }, Locale::It) => {
                format!("Prima di aprire il servizio completa: {steps}.")
            }
            #[cfg(any(feature = "ssr", feature = "staff"))]
            (Rule::StepsMissing { steps }, Locale::En) => {
                format!("Before opening the service, complete: {steps}.")
            }
            #[cfg(any(feature = "ssr", feature = "staff"))]
            (Rule::MissingColumns { columns }, Locale::It) => format!(
                "Il campo «{field}» non ha le colonne necessarie: {columns}. La prima riga deve avere i nomi delle \
                 colonne (vedi la guida all'importazione delle vie)."
            ),
            #[cfg(any(feature = "ssr", feature = "staff"))]
            (Rule::MissingColumns { columns }, Locale::En) => format!(
                "The field “{field}” lacks the columns it needs: {columns}. The first line must name the columns \
                 (see the street import guide)."
            ),
            #[cfg(any(feature = "ssr", feature = "staff"))]
            (Rule::NoInvitation, Locale::It) => {
                "Nessun invito in attesa per questa persona: è già stato accettato o revocato.".to_owned()
            }
            #[cfg(any(feature = "ssr", feature = "staff"))]
            (Rule::NoInvitation, Locale::En) => {
                "No invitation is waiting for this person: it was accepted or revoked.".to_owned()
            }
            #[cfg(any(feature = "ssr", feature = "staff"))]
            (Rule::AlreadyStaff, Locale::It) => format!(
                "Il valore del campo «{field}» appartiene già a un account del personale (o disattivato): cambia ruolo, \
                 uffici o stato nella sua riga dell'elenco del personale."
            ),
            #[cfg(any(feature = "ssr", feature = "staff"))]
            (Rule::AlreadyStaff, Locale::En) => format!(
                "The value of the field “{field}” already belongs to a staff account (or a disabled one): change its \
                 role, offices or state in its row of the staff list."
            ),
            #[cfg(any(feature = "ssr", feature = "staff"))]
            (Rule::NothingToRestore, Locale::It) => {
                "Non c'è un confine precedente da ripristinare.".to_owned()
            }
            #[cfg(any(feature = "ssr", feature = "staff"))]
            (Rule::NothingToRestore, Locale::En) => "There is no previous boundary to put back.".to_owned(),
            #[cfg(any(feature = "ssr", feature = "staff"))]
            (Rule::UnknownSrid { code }, Locale::It) => format!(
                "Il sistema di riferimento EPSG:{code} non è noto. Indica il codice EPSG in cui sono scritte le \
                 coordinate (per esempio 3003 Monte Mario / Italy zone 1, 6707 RDN2008 / UTM 32N, 32632 WGS 84 / \
                 UTM 32N, 4326 per longitudine e latitudine), oppure togli la dichiarazione «crs» dal file."
            ),
            #[cfg(any(feature = "ssr", feature = "staff"))]
            (Rule::UnknownSrid { code }, Locale::En) => format!(
                "The reference system EPSG:{code} is not known. Give the EPSG code the coordinates are written in \
                 (e.g. 3003 Monte Mario / Italy zone 1, 6707 RDN2008 / UTM 32N, 32632 WGS 84 / UTM 32N, 4326 for \
                 longitude and latitude), or remove the “crs” declaration from the file."
            ),
            #[cfg(any(feature = "ssr", feature = "staff"))]
            (Rule::SwappedCoordinates, Locale::It) => "La forma cade fuori dall'Italia, ma ci cadrebbe con \
                 latitudine e longitudine scambiate: in GeoJSON ogni punto è [longitudine, latitudine]. Correggi \
                 l'ordine nel file ed esporta di nuovo."
                .to_owned(),
            #[cfg(any(feature = "ssr", feature = "staff"))]
            (Rule::SwappedCoordinates, Locale::En) => "The shape lies outside Italy, but would lie inside it with \
                 latitude and longitude exchanged: in GeoJSON every point is [longitude, latitude]. Fix the order \
                 in the file and export it again."
                .to_owned(),
            #[cfg(any(feature = "ssr", feature = "staff"))]
            (Rule::OutsideItaly, Locale::It) => "La forma cade fuori dall'Italia: controlla che sia il file giusto \
                 e che il sistema di riferimento (EPSG) sia quello in cui sono scritte le coordinate."
                .to_owned(),
            #[cfg(any(feature = "ssr", feature = "staff"))]
            (Rule::OutsideItaly, Locale::En) => "The shape lies outside Italy: check that it is the right file and \
                 that the reference system (EPSG) is the one the coordinates are written in."
                .to_owned(),
            #[cfg(any(feature = "ssr", feature = "staff"))]
            (Rule::ContractorNeedsCompany, Locale::It) => {
                "Un account di ditta esterna richiede la ditta: sceglila nel campo «Ditta».".to_owned()
            }
            #[cfg(any(feature = "ssr", feature = "staff"))]
            (Rule::ContractorNeedsCompany, Locale::En) => {
                "A contractor's account needs its company: choose it in the “Company” field.".to_owned()
            }
            #[cfg(any(feature = "ssr", feature = "staff"))]
            (Rule::CompanyOnlyForContractor, Locale::It) => "Solo un account di ditta esterna ha una ditta: togli \
                 la ditta o scegli il ruolo «Ditta esterna»."
                .to_owned(),
            #[cfg(any(feature = "ssr", feature = "staff"))]
            (Rule::CompanyOnlyForContractor, Locale::En) => "Only a contractor's account has a company: remove the \
                 company or choose the role “Contractor”."
                .to_owned(),
            #[cfg(any(feature = "ssr", feature = "staff"))]
            (Rule::OwnAccount, Locale::It) => "Non puoi togliere a te stesso il ruolo di amministratore né \
                 disattivare il tuo account: chiedilo a un altro amministratore."
                .to_owned(),
            #[cfg(any(feature = "ssr", feature = "staff"))]
            (Rule::OwnAccount, Locale::En) => "You cannot take the administrator's role from yourself or disable \
                 your own account: ask another administrator."
                .to_owned(),
            #[cfg(any(feature = "ssr", feature = "staff"))]
            (Rule::DistrictProblems { problems }, locale) => {
                let list = problems.iter().map(|p| p.message(locale)).collect::<Vec<_>>().join("; ");
                match locale {
                    Locale::It => format!("Nessun quartiere caricato: {list}."),
                    Locale::En => format!("No district loaded: {list}."),
                }
            }
            // The public bundles never show these rules (they carry no text for them).
            #[cfg(not(any(feature = "ssr", feature = "staff")))]
            (_, Locale::It) => format!("Il campo «{field}» non è corretto."),
            #[cfg(not(any(feature = "ssr", feature = "staff")))]
            (_, Locale::En) => format!("The field “{field}” is not correct."),
        }
    }
}

/// "256 KB", "50 MB", "50,5 MB".
fn size_label(kb: u64, locale: Locale) -> String {
    if kb < 1024 {
        return format!("{kb} KB");
    }
    let tenths = (kb * 10).div_ceil(1024);
    let (whole, tenth) = (tenths / 10, tenths % 10);
    match (tenth, locale) {
        (0, _) => format!("{whole} MB"),
        (_, Locale::It) => format!("{whole},{tenth} MB"),
        (_, Locale::En) => format!("{whole}.{tenth} MB"),
    }
}

/// Whether `c` is a control character no text field takes: everything below U+0020 but tab and line breaks,
/// and DEL. (U+0000 is the one PostgreSQL refuses outright; the others are invisible junk.)
pub fn is_forbidden_control(c: char) -> bool {
    (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{7f}'
}

/// The check every text field shares: no control characters. Parsers of typed values call it (or [`text`]), so
/// each field names itself in the error.
pub fn plain(field: Field, s: &str) -> Result<(), ValidationError> {
    if s.chars().any(is_forbidden_control) {
        Err(ValidationError::new(field, Rule::ControlCharacter))
    } else {
        Ok(())
    }
}

/// Text to search for, as typed: a control character (which no stored text holds) becomes U+FFFD, so the search
/// runs and, like any other text found nowhere, matches nothing.
pub fn search_text(s: &str) -> String {
    s.chars()
        .map(|c| if is_forbidden_control(c) { '\u{fffd}' } else { c })
        .collect()
}

/// A required text of `min`–`max` characters after trimming, without control characters.
pub fn text(field: Field, s: &str, min: usize, max: usize) -> Result<String, ValidationError> {
    let s = s.trim();
    let chars = s.chars().count();
    if chars == 0 {
        return Err(ValidationError::new(field, Rule::Required));
    }
    if chars < min {
        return Err(ValidationError::new(field, Rule::TooShort { min }));
    }
    if chars > max {
        return Err(ValidationError::new(field, Rule::TooLong { max }));
    }
    plain(field, s)?;
    Ok(s.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(any(feature = "ssr", feature = "staff"))]
    fn postgis_reasons_are_said_for_people_with_their_point() {
        let it = geometry_reason("Self-intersection[11.86 45.41]", Locale::It);
        assert!(
            it.starts_with("il contorno si interseca") && it.ends_with("(vicino al punto 11.86 45.41)"),
            "{it}"
        );
        let en = geometry_reason(
            "IllegalArgumentException: Points of LinearRing do not form a closed linestring",
            Locale::En,
        );
        assert!(en.starts_with("a ring is not closed"), "{en}");
        assert!(!geometry_reason("geometry requires more points", Locale::It).contains("geometry"));
        assert_eq!(
            geometry_reason("Point is not a polygon", Locale::It),
            "«Point» non è un poligono: servono Polygon o MultiPolygon"
        );
        assert_eq!(geometry_reason("something new", Locale::It), "something new");
        assert!(same_name(" lavori  PUBBLICI ", "Lavori pubblici"));
        assert!(!same_name("Lavori pubblici", "Lavori pubblici 2"));
    }

    #[test]
    fn text_refuses_control_characters_naming_the_field() {
        assert_eq!(text(Field::Title, "  Buca  ", 2, 10), Ok("Buca".into()));
        for bad in ["Bu\u{0}ca", "Buca\u{1b}[31m", "a\u{7f}b"] {
            assert_eq!(
                text(Field::Comment, bad, 1, 100),
                Err(ValidationError::new(Field::Comment, Rule::ControlCharacter)),
                "{bad:?}"
            );
        }
        assert!(text(Field::Note, "riga uno\nriga due\tfine\r\n", 1, 100).is_ok());
        let m = ValidationError::new(Field::Title, Rule::ControlCharacter).message(Locale::En);
        assert!(m.contains("“title”") && m.contains("U+0000"), "{m}");
        assert_eq!(
            ValidationError::new(Field::Body, Rule::BodyTooLarge { max_kb: 256 }).message(Locale::En),
            "The request is too large: the maximum is 256 KB in all."
        );
        assert_eq!(
            ValidationError::new(Field::Body, Rule::BodyTooLarge { max_kb: 51_712 }).message(Locale::It),
            "La richiesta è troppo grande: il massimo è 50,5 MB in tutto."
        );
    }

    #[test]
    fn message_names_field_and_rule_in_both_languages() {
        let e = ValidationError::new(Field::Title, Rule::TooLong { max: 120 });
        assert_eq!(
            e.message(Locale::It),
            "Il campo «titolo» può avere al massimo 120 caratteri."
        );
        assert_eq!(
            e.message(Locale::En),
            "The field “title” can have at most 120 characters."
        );
    }

    #[test]
    fn serialises_with_stable_names() {
        let e = ValidationError::new(
            Field::Latitude,
            Rule::OutOfRange {
                min: -90.0,
                max: 90.0,
            },
        );
        let json = serde_json::to_value(&e).expect("serialise");
        assert_eq!(json["field"], "latitude");
        assert_eq!(json["rule"], "out_of_range");
        assert_eq!(json["max"], 90.0);
    }
}
