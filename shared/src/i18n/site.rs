//! The strings of going live: the administrator's identity page and checklist, the legal pages. Server-rendered
//! pages only (no browser bundle carries them).

use crate::locale::{Locale, Text};
use crate::site::SetupStep;

messages! {
    /// Strings of the identity page, the checklist and the legal pages.
    SiteMsg {
    IdentityTitle => "Ente, contatti e pagine legali", "Administration, contacts and legal pages";
    IdentityIntro => "Come il sito nomina il Comune, come i cittadini raggiungono l'URP e cosa dicono le pagine legali. Compare nell'intestazione, nei titoli, nel piè di pagina, nelle email e nei feed.", "How the site names the municipality, how citizens reach the URP and what the legal pages say. Shown in the header, titles, footer, emails and feeds.";
    Identity => "Identità", "Identity";
    SiteName => "Nome dell'ente", "Name of the administration";
    SiteNameHint => "Per esempio «Comune di Vigonza».", "For example “Comune di Vigonza”.";
    NameOf => "Nome con «di»", "Name with “of” (Italian)";
    NameOfHint => "Come si dice in una frase: «del Comune di Vigonza». Vuoto: ricavato dal nome.", "As an Italian sentence says it: “del Comune di Vigonza”. Empty: derived from the name.";
    NameTo => "Nome con «a»", "Name with “to” (Italian)";
    NameToHint => "«al Comune di Vigonza». Vuoto: ricavato dal nome.", "“al Comune di Vigonza”. Empty: derived from the name.";
    ExampleStreet => "Via di esempio", "Example street";
    ExampleStreetHint => "Una via del Comune, mostrata come esempio nel campo dell'indirizzo.", "A street of the town, shown as the example in the address field.";
    Urp => "Ufficio relazioni con il pubblico (URP)", "Public relations office (URP)";
    UrpAddress => "Indirizzo", "Address";
    Phone => "Telefono", "Phone";
    Email => "Email", "Email";
    Pec => "PEC", "Certified email (PEC)";
    Hours => "Orari di apertura", "Opening hours";
    Footer => "Testo del piè di pagina", "Footer text";
    Legal => "Pagine legali", "Legal pages";
    Dpo => "Responsabile della protezione dei dati (DPO)", "Data protection officer (DPO)";
    DpoHint => "Nome e contatto (email o PEC) del DPO designato dall'ente.", "Name and contact (email or PEC) of the DPO the administration designated.";
    AccessibilityUrl => "Dichiarazione di accessibilità (AgID)", "Accessibility statement (AgID)";
    AccessibilityUrlHint => "L'indirizzo della dichiarazione pubblicata dall'ente su form.agid.gov.it.", "The address of the statement the administration published on form.agid.gov.it.";
    PrivacyOwn => "Informativa privacy dell'ente", "The administration's own privacy notice";
    PrivacyOwnHint => "Vuoto: il sito pubblica l'informativa generata dalle impostazioni (vedi l'anteprima). Righe vuote separano i paragrafi; una riga che inizia con «# » è un titolo.", "Empty: the site publishes the notice generated from the settings (see the preview). Blank lines separate paragraphs; a line starting with “# ” is a heading.";
    LegalOwn => "Note legali dell'ente", "The administration's own legal notes";
    Save => "Salva", "Save";
    Saved => "Salvato.", "Saved.";
    Logo => "Stemma o logo", "Coat of arms or logo";
    LogoHint => "PNG, JPEG o WebP, al massimo 2 MB: viene ridotto a 256 pixel.", "PNG, JPEG or WebP, at most 2 MB: it is scaled to 256 pixels.";
    UploadLogo => "Carica lo stemma", "Upload the logo";
    RemoveLogo => "Togli lo stemma", "Remove the logo";
    Checklist => "Per andare online", "Going live";
    ChecklistIntro => "I passi dalla prima installazione all'apertura del servizio. I passi facoltativi aiutano i cittadini ma non bloccano l'apertura.", "The steps from installation to opening the service. The optional ones help citizens but do not block the opening.";
    Done => "Fatto", "Done";
    ToDo => "Da fare", "To do";
    Optional => "facoltativo", "optional";
    OpenService => "Apri il servizio ai cittadini", "Open the service to citizens";
    OpenServiceHint => "Da questo momento i cittadini possono inviare segnalazioni; i resoconti periodici partono da oggi.", "From now on citizens can file reports; the periodic reports start from today.";
    OpenSince => "Il servizio è aperto ai cittadini dal", "The service is open to citizens since";
    PrivacyTitle => "Informativa sul trattamento dei dati personali", "Privacy notice";
    AccessibilityTitle => "Accessibilità", "Accessibility";
    LegalTitle => "Note legali", "Legal notes";
    PrivacyPreview => "Anteprima dell'informativa generata", "Preview of the generated notice";
    }
}

/// A step of the checklist, as the administrator reads it.
pub fn setup_step_label(step: SetupStep, locale: Locale) -> &'static str {
    match (step, locale) {
        (SetupStep::Identity, Locale::It) => "nome dell'ente e contatti dell'URP",
        (SetupStep::Identity, Locale::En) => "the administration's name and URP contacts",
        (SetupStep::Boundary, Locale::It) => "confine del Comune",
        (SetupStep::Boundary, Locale::En) => "the municipal boundary",
        (SetupStep::Districts, Locale::It) => "quartieri",
        (SetupStep::Districts, Locale::En) => "districts",
        (SetupStep::Streets, Locale::It) => "stradario (vie e numeri civici)",
        (SetupStep::Streets, Locale::En) => "streets and house numbers",
        (SetupStep::Offices, Locale::It) => "uffici",
        (SetupStep::Offices, Locale::En) => "offices",
        (SetupStep::Categories, Locale::It) => "categorie e tempi di risposta",
        (SetupStep::Categories, Locale::En) => "categories and service levels",
        (SetupStep::Staff, Locale::It) => "personale",
        (SetupStep::Staff, Locale::En) => "staff",
        (SetupStep::Mail, Locale::It) => "email di ogni ufficio",
        (SetupStep::Mail, Locale::En) => "every office's email address",
        (SetupStep::Legal, Locale::It) => "DPO e dichiarazione di accessibilità",
        (SetupStep::Legal, Locale::En) => "DPO and accessibility statement",
    }
}
