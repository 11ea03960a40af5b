//! The messages Segnala writes, in Italian and English. Each kind says what it has to say once ([`Content`]); one
//! renderer makes the plain-text and the HTML part from it, with the same footer and unsubscribe link, so every
//! message looks alike and nothing is written twice. No template engine: the texts are Rust, checked by the
//! compiler, and a test renders every kind in both languages.

use shared::Locale;
use shared::mail::MailKind;

/// A message to send, with what its template needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    ConfirmAccount {
        name: String,
        link: String,
    },
    AlreadyRegistered {
        sign_in: String,
        reset: String,
    },
    PasswordReset {
        name: String,
        link: String,
        minutes: u64,
    },
    PasswordChanged {
        name: String,
        reset: String,
    },
    /// `what` is already in the recipient's language ("la segnalazione «Buca in via Roma»").
    ConfirmAction {
        what: String,
        link: String,
    },
    TwoFactorChanged {
        name: String,
        enabled: bool,
    },
    Test {
        by: String,
    },
    /// A report was received (sent with an account, or confirmed by email).
    ReportReceipt {
        code: String,
        title: String,
        office: String,
        /// Already formatted in the recipient's language.
        expected_by: String,
        link: String,
    },
    /// A public step of a report. `step` is already in the recipient's language ("presa in carico", "risolta:
    /// …"); `mine`: the recipient sent the report (their switch is "my reports", not "followed reports").
    ReportUpdate {
        code: String,
        title: String,
        step: String,
        signed: String,
        mine: bool,
        link: String,
    },
    ReportAssigned {
        code: String,
        title: String,
        /// Already in the recipient's language ("a te", "all'ufficio Lavori pubblici").
        to: String,
        by: String,
        due: Option<String>,
        link: String,
    },
    ReportComment {
        code: String,
        title: String,
        author: String,
        excerpt: String,
        link: String,
    },
    /// How did it go? `days`: how long the link works.
    SatisfactionSurvey {
        code: String,
        title: String,
        link: String,
        days: u32,
    },
    /// To the office: the reporter says it is not solved.
    ReportReopened {
        code: String,
        title: String,
        office: String,
        comment: Option<String>,
        link: String,
    },
    /// An invitation to work on the service. `role` and `offices` are in the recipient's language (`offices`:
    /// " per l'ufficio Lavori pubblici", or empty); `until`: the last day the link works.
    StaffInvitation {
        name: String,
        by: String,
        role: String,
        offices: String,
        until: String,
        link: String,
    },
    /// A citizen's account was given a staff role (they keep their password).
    RoleGranted {
        name: String,
        by: String,
        role: String,
        offices: String,
        link: String,
    },
    /// A new report reached the recipient's office. `place`: its district or nearest street, may be empty.
    NewReport {
        code: String,
        title: String,
        category: String,
        office: String,
        place: String,
        link: String,
    },
    /// The new reports of a day, for an office that chose the digest: `(code, title, category)`.
    NewReportsDigest {
        office: String,
        reports: Vec<(String, String, String)>,
        link: String,
    },
    /// A periodic report was written.
    PeriodReport {
        label: String,
        yearly: bool,
        received: i64,
        resolved: i64,
        link: String,
    },
}

impl Message {
    /// The notification the message belongs to (its unsubscribe link turns it off).
    pub fn notification(&self) -> Option<shared::mail::NotificationKind> {
        match self {
            Message::ReportUpdate { mine: true, .. } => Some(shared::mail::NotificationKind::MyReports),
            other => other.kind().notification(),
        }
    }

    pub fn kind(&self) -> MailKind {
        match self {
            Message::ConfirmAccount { .. } => MailKind::ConfirmAccount,
            Message::AlreadyRegistered { .. } => MailKind::AlreadyRegistered,
            Message::PasswordReset { .. } => MailKind::PasswordReset,
            Message::PasswordChanged { .. } => MailKind::PasswordChanged,
            Message::ConfirmAction { .. } => MailKind::ConfirmAction,
            Message::TwoFactorChanged { .. } => MailKind::TwoFactorChanged,
            Message::Test { .. } => MailKind::Test,
            Message::ReportReceipt { .. } => MailKind::ReportReceipt,
            Message::ReportUpdate { .. } => MailKind::ReportUpdate,
            Message::ReportAssigned { .. } => MailKind::ReportAssigned,
            Message::ReportComment { .. } => MailKind::ReportComment,
            Message::SatisfactionSurvey { .. } => MailKind::SatisfactionSurvey,
            Message::ReportReopened { .. } => MailKind::ReportReopened,
            Message::PeriodReport { .. } => MailKind::PeriodReport,
            Message::StaffInvitation { .. } => MailKind::StaffInvitation,
            Message::RoleGranted { .. } => MailKind::RoleGranted,
            Message::NewReport { .. } => MailKind::NewReport,
            Message::NewReportsDigest { .. } => MailKind::NewReportsDigest,
        }
    }
}

/// What a message says, before it is laid out.
struct Content {
    subject: String,
    greeting: String,
    paragraphs: Vec<String>,
    /// The one thing to do: a button in HTML, a link on its own line in text.
    action: Option<(String, String)>,
    after: Vec<String>,
}

/// A rendered message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// What every message's frame needs.
pub struct Frame<'a> {
    /// "Comune di Vigonza".
    pub organisation: &'a str,
    /// The name in a sentence of the message's language: "del Comune di Vigonza" (`shared::site::Site::of`).
    pub of_organisation: &'a str,
    pub site: &'a str,
    pub unsubscribe: &'a str,
    /// True for optional notifications (the link turns this one off), false for account messages (it turns off
    /// every optional notification; account messages themselves are always sent).
    pub optional: bool,
}

fn hello(name: &str, locale: Locale) -> String {
    match (locale, name.is_empty()) {
        (Locale::It, false) => format!("Gentile {name},"),
        (Locale::It, true) => "Gentile utente,".into(),
        (Locale::En, false) => format!("Dear {name},"),
        (Locale::En, true) => "Hello,".into(),
    }
}

/// `org`: the organisation as its sentences need it (`Frame::of_organisation`).
fn content(m: &Message, locale: Locale, org: &str) -> Content {
    use Locale::{En, It};
    let s = |it: &str, en: &str| match locale {
        It => it.to_owned(),
        En => en.to_owned(),
    };
    match m {
        Message::ConfirmAccount { name, link } => Content {
            subject: s("Conferma il tuo indirizzo email", "Confirm your email address"),
            greeting: hello(name, locale),
            paragraphs: vec![match locale {
                It => format!("grazie per esserti registrato su Segnala, il servizio di segnalazioni {org}. Per attivare l'account conferma il tuo indirizzo email:"),
                En => format!("thank you for registering with Segnala, {org}'s reporting service. To activate your account, confirm your email address:"),
            }],
            action: Some((s("Conferma l'indirizzo", "Confirm the address"), link.clone())),
            after: vec![s(
                "Il collegamento vale 48 ore e si usa una volta sola; ti chiederemo la password che hai scelto. Se non ti sei registrato tu, ignora questo messaggio: senza conferma l'account non si attiva.",
                "The link works for 48 hours, once; you will be asked for the password you chose. If you did not register, ignore this message: without confirmation the account stays inactive.",
            )],
        },
        Message::AlreadyRegistered { sign_in, reset } => Content {
            subject: s("Hai già un account su Segnala", "You already have a Segnala account"),
            greeting: hello("", locale),
            paragraphs: vec![
                s(
                    "qualcuno (forse tu) ha chiesto di registrare questo indirizzo, ma un account con questo indirizzo esiste già. Nessun nuovo account è stato creato.",
                    "someone (perhaps you) asked to register this address, but an account with this address already exists. No new account was created.",
                ),
                match locale {
                    It => format!("Per accedere: {sign_in}"),
                    En => format!("To sign in: {sign_in}"),
                },
            ],
            action: Some((s("Ho dimenticato la password", "I forgot my password"), reset.clone())),
            after: vec![s(
                "Se non sei stato tu, non devi fare nulla: il tuo account non è cambiato.",
                "If it was not you, there is nothing to do: your account has not changed.",
            )],
        },
        Message::PasswordReset { name, link, minutes } => Content {
            subject: s("Scegli una nuova password", "Choose a new password"),
            greeting: hello(name, locale),
            paragraphs: vec![s(
                "abbiamo ricevuto una richiesta di reimpostare la password del tuo account Segnala. Per sceglierne una nuova:",
                "we received a request to reset the password of your Segnala account. To choose a new one:",
            )],
            action: Some((s("Scegli una nuova password", "Choose a new password"), link.clone())),
            after: vec![match locale {
                It => format!("Il collegamento vale {minutes} minuti e si usa una volta sola. Se non l'hai chiesto tu, ignora questo messaggio: la password resta quella di prima."),
                En => format!("The link works for {minutes} minutes, once. If you did not ask for it, ignore this message: your password stays as it was."),
            }],
        },
        Message::StaffInvitation {
            name,
            by,
            role,
            offices,
            until,
            link,
        } => Content {
            subject: s("Invito a lavorare su Segnala", "Invitation to work on Segnala"),
            greeting: hello(name, locale),
            paragraphs: vec![
                match locale {
                    It => format!("{by} ti ha invitato a lavorare sul servizio di segnalazioni {org} come {role}{offices}."),
                    En => format!("{by} invited you to work on {org}'s reporting service as {role}{offices}."),
                },
                s("Per accettare, scegli la tua password:", "To accept, choose your password:"),
            ],
            action: Some((s("Scegli la password", "Choose your password"), link.clone())),
            after: vec![match locale {
                It => format!("L'invito vale fino al {until} e si usa una volta sola. Se non te l'aspettavi, ignora questo messaggio o scrivi a chi ti ha invitato."),
                En => format!("The invitation works until {until}, once. If you did not expect it, ignore this message or write to whoever invited you."),
            }],
        },
        Message::RoleGranted {
            name,
            by,
            role,
            offices,
            link,
        } => Content {
            subject: s("Nuovo ruolo su Segnala", "A new role on Segnala"),
            greeting: hello(name, locale),
            paragraphs: vec![match locale {
                It => format!("{by} ti ha assegnato il ruolo di {role}{offices} sul servizio di segnalazioni {org}. Accedi con la password di sempre: le segnalazioni da gestire sono nella pagina «Ufficio»."),
                En => format!("{by} gave you the role of {role}{offices} on {org}'s reporting service. Sign in with your usual password: the reports to handle are on the “Office” page."),
            }],
            action: Some((s("Apri l'ufficio", "Open the office"), link.clone())),
            after: vec![s(
                "Se pensi che sia un errore, scrivi all'amministratore del servizio.",
                "If you think this is a mistake, write to the service's administrator.",
            )],
        },
        Message::NewReport {
            code,
            title,
            category,
            office,
            place,
            link,
        } => Content {
            subject: match locale {
                It => format!("Nuova segnalazione {code}: {title}"),
                En => format!("New report {code}: {title}"),
            },
            greeting: hello("", locale),
            paragraphs: vec![match (locale, place.is_empty()) {
                (It, false) => format!("all'ufficio {office} è arrivata la segnalazione «{title}» ({code}), categoria {category}, in {place}."),
                (It, true) => format!("all'ufficio {office} è arrivata la segnalazione «{title}» ({code}), categoria {category}."),
                (En, false) => format!("the report “{title}” ({code}), category {category}, in {place}, reached the office {office}."),
                (En, true) => format!("the report “{title}” ({code}), category {category}, reached the office {office}."),
            }],
            action: Some((s("Prendi in carico", "Take it in charge"), link.clone())),
            after: vec![s(
                "L'ufficio può scegliere un riepilogo giornaliero invece di un messaggio per segnalazione (Amministrazione › Uffici); ognuno può spegnere queste email nella propria pagina.",
                "The office can choose a daily digest instead of one message per report (Administration › Offices); anyone can turn these emails off on their own page.",
            )],
        },
        Message::NewReportsDigest { office, reports, link } => Content {
            subject: match locale {
                It => format!("{} nuove segnalazioni per l'ufficio {office}", reports.len()),
                En => format!("{} new reports for the office {office}", reports.len()),
            },
            greeting: hello("", locale),
            paragraphs: std::iter::once(match locale {
                It => format!("ecco le segnalazioni arrivate all'ufficio {office} dall'ultimo riepilogo:"),
                En => format!("these reports reached the office {office} since the last digest:"),
            })
            .chain(reports.iter().map(|(code, title, category)| format!("• {code} — {title} ({category})")))
            .collect(),
            action: Some((s("Apri le segnalazioni dell'ufficio", "Open the office's reports"), link.clone())),
            after: Vec::new(),
        },
        Message::PasswordChanged { name, reset } => Content {
            subject: s("La tua password è stata cambiata", "Your password was changed"),
            greeting: hello(name, locale),
            paragraphs: vec![s(
                "la password del tuo account Segnala è appena stata cambiata, e tutte le altre sessioni aperte sono state chiuse.",
                "the password of your Segnala account has just been changed, and every other open session has been ended.",
            )],
            action: None,
            after: vec![match locale {
                It => format!("Se non sei stato tu, reimposta subito la password: {reset}"),
                En => format!("If it was not you, reset your password now: {reset}"),
            }],
        },
        Message::ConfirmAction { what, link } => Content {
            subject: s("Conferma il tuo indirizzo email", "Confirm your email address"),
            greeting: hello("", locale),
            paragraphs: vec![match locale {
                It => format!("per completare {what} su Segnala conferma che questo indirizzo è tuo:"),
                En => format!("to complete {what} on Segnala, confirm that this address is yours:"),
            }],
            action: Some((s("Conferma", "Confirm"), link.clone())),
            after: vec![s(
                "Il collegamento vale 48 ore e si usa una volta sola. Se non sei stato tu, ignora questo messaggio: senza conferma non succede nulla.",
                "The link works for 48 hours, once. If it was not you, ignore this message: without confirmation nothing happens.",
            )],
        },
        Message::TwoFactorChanged { name, enabled } => Content {
            subject: match (locale, enabled) {
                (It, true) => "Verifica in due passaggi attivata".into(),
                (It, false) => "Verifica in due passaggi disattivata".into(),
                (En, true) => "Two-step verification turned on".into(),
                (En, false) => "Two-step verification turned off".into(),
            },
            greeting: hello(name, locale),
            paragraphs: vec![match (locale, enabled) {
                (It, true) => "da ora per accedere a Segnala ti chiederemo anche il codice della tua app di autenticazione.".into(),
                (It, false) => "da ora per accedere a Segnala basterà la password.".into(),
                (En, true) => "from now on, signing in to Segnala will also ask for the code from your authenticator app.".into(),
                (En, false) => "from now on, your password alone signs you in to Segnala.".into(),
            }],
            action: None,
            after: vec![s(
                "Se non sei stato tu, cambia subito la password e avvisa l'amministratore.",
                "If it was not you, change your password now and tell the administrator.",
            )],
        },
        Message::Test { by } => Content {
            subject: s("Messaggio di prova di Segnala", "Segnala test message"),
            greeting: hello("", locale),
            paragraphs: vec![match locale {
                It => format!("questo è un messaggio di prova inviato da {by} per verificare le impostazioni della posta di Segnala. Se lo leggi, funzionano."),
                En => format!("this is a test message sent by {by} to check Segnala's mail settings. If you can read it, they work."),
            }],
            action: None,
            after: vec![],
        },
        Message::ReportReceipt {
            code,
            title,
            office,
            expected_by,
            link,
        } => Content {
            subject: match locale {
                It => format!("Segnalazione ricevuta: {code}"),
                En => format!("Report received: {code}"),
            },
            greeting: hello("", locale),
            paragraphs: vec![
                match locale {
                    It => format!("abbiamo ricevuto la tua segnalazione «{title}». Il codice ricevuta è {code}: citalo se contatti il Comune."),
                    En => format!("we have received your report “{title}”. Its receipt code is {code}: quote it if you contact the municipality."),
                },
                match locale {
                    It => format!("È stata affidata all'ufficio {office}, che dovrebbe rispondere entro il {expected_by}. Riceverai un messaggio a ogni aggiornamento pubblico."),
                    En => format!("It has been routed to the office {office}, which should answer by {expected_by}. You will get a message at every public update."),
                },
            ],
            action: Some((s("Vedi la segnalazione", "See the report"), link.clone())),
            after: vec![],
        },
        Message::ReportUpdate {
            code,
            title,
            step,
            signed,
            mine,
            link,
        } => Content {
            subject: match locale {
                It => format!("Aggiornamento sulla segnalazione {code}"),
                En => format!("Update on report {code}"),
            },
            greeting: hello("", locale),
            paragraphs: vec![
                match (locale, mine) {
                    (It, true) => format!("la tua segnalazione «{title}» ({code}) ha un nuovo aggiornamento:"),
                    (It, false) => format!("la segnalazione «{title}» ({code}), che segui, ha un nuovo aggiornamento:"),
                    (En, true) => format!("your report “{title}” ({code}) has a new update:"),
                    (En, false) => format!("the report “{title}” ({code}), which you follow, has a new update:"),
                },
                step.clone(),
                match locale {
                    It => format!("Firmato: {signed}"),
                    En => format!("Signed: {signed}"),
                },
            ],
            action: Some((s("Vedi la segnalazione", "See the report"), link.clone())),
            after: vec![],
        },
        Message::ReportAssigned {
            code,
            title,
            to,
            by,
            due,
            link,
        } => Content {
            subject: match locale {
                It => format!("Segnalazione assegnata: {code}"),
                En => format!("Report assigned: {code}"),
            },
            greeting: hello("", locale),
            paragraphs: vec![
                match locale {
                    It => format!("{by} ha assegnato {to} la segnalazione «{title}» ({code})."),
                    En => format!("{by} assigned the report “{title}” ({code}) {to}."),
                },
                match (locale, due) {
                    (It, Some(d)) => format!("Da completare entro il {d}."),
                    (En, Some(d)) => format!("To be completed by {d}."),
                    (It, None) => "Nessuna scadenza indicata oltre a quella della categoria.".into(),
                    (En, None) => "No due date besides the category's.".into(),
                },
            ],
            action: Some((s("Apri la segnalazione", "Open the report"), link.clone())),
            after: vec![],
        },
        Message::ReportComment {
            code,
            title,
            author,
            excerpt,
            link,
        } => Content {
            subject: match locale {
                It => format!("Nuovo commento sulla segnalazione {code}"),
                En => format!("New comment on report {code}"),
            },
            greeting: hello("", locale),
            paragraphs: vec![
                match locale {
                    It => format!("{author} ha commentato la segnalazione «{title}» ({code}):"),
                    En => format!("{author} commented on the report “{title}” ({code}):"),
                },
                excerpt.clone(),
            ],
            action: Some((s("Leggi e rispondi", "Read and reply"), link.clone())),
            after: vec![],
        },
        Message::SatisfactionSurvey { code, title, link, days } => Content {
            subject: match locale {
                It => format!("Com'è andata? Segnalazione {code}"),
                En => format!("How did it go? Report {code}"),
            },
            greeting: hello("", locale),
            paragraphs: vec![match locale {
                It => format!("la tua segnalazione «{title}» ({code}) è stata risolta. Ci dici com'è andata? Bastano un minuto e due voti da 1 a 5, sulla rapidità e sulla qualità della risposta."),
                En => format!("your report “{title}” ({code}) was resolved. Will you tell us how it went? It takes a minute: two marks from 1 to 5, for the speed and the quality of the answer."),
            }, s(
                "Se il problema non è stato risolto davvero, puoi dirlo dallo stesso modulo: la segnalazione sarà riaperta e l'ufficio avvisato.",
                "If the problem was not really solved, you can say so on the same form: the report will be reopened and its office told.",
            )],
            action: Some((s("Rispondi al questionario", "Answer the questionnaire"), link.clone())),
            after: vec![match locale {
                It => format!("Il collegamento vale {days} giorni e si usa una volta sola. Le risposte sono pubblicate solo in forma aggregata."),
                En => format!("The link works for {days} days, once. Answers are published only in aggregate."),
            }],
        },
        Message::ReportReopened { code, title, office, comment, link } => Content {
            subject: match locale {
                It => format!("Segnalazione riaperta dal segnalante: {code}"),
                En => format!("Report reopened by its reporter: {code}"),
            },
            greeting: hello("", locale),
            paragraphs: {
                let mut p = vec![match locale {
                    It => format!("il segnalante di «{title}» ({code}) dice che il problema non è risolto. La segnalazione è stata riaperta ed è di nuovo tra quelle dell'ufficio {office}."),
                    En => format!("the reporter of “{title}” ({code}) says the problem is not solved. The report was reopened and is back with the office {office}."),
                }];
                if let Some(c) = comment {
                    p.push(match locale {
                        It => format!("Il suo commento: {c}"),
                        En => format!("Their comment: {c}"),
                    });
                }
                p
            },
            action: Some((s("Apri la segnalazione", "Open the report"), link.clone())),
            after: vec![],
        },
        Message::PeriodReport { label, yearly, received, resolved, link } => Content {
            subject: match (locale, yearly) {
                (It, false) => format!("Resoconto mensile di Segnala: {label}"),
                (It, true) => format!("Resoconto annuale di Segnala: {label}"),
                (En, false) => format!("Segnala monthly report: {label}"),
                (En, true) => format!("Segnala annual report: {label}"),
            },
            greeting: hello("", locale),
            paragraphs: vec![match locale {
                It => format!("è pronto il resoconto del periodo {label}: {received} segnalazioni ricevute, {resolved} risolte. Il resoconto completo, con tempi di risposta, uffici, temi e soddisfazione, è pubblico:"),
                En => format!("the report for {label} is ready: {received} reports received, {resolved} resolved. The full report, with response times, offices, topics and satisfaction, is public:"),
            }],
            action: Some((s("Leggi il resoconto", "Read the report"), link.clone())),
            after: vec![s(
                "Lo trovi anche in formato CSV e stampabile dalla pagina Trasparenza.",
                "It is also on the Transparency page, printable and as CSV.",
            )],
        },
    }
}

use shared::html::escape_html as escape;

/// Renders `m` in `locale` inside the common frame.
pub fn render(m: &Message, locale: Locale, frame: &Frame<'_>) -> Rendered {
    // "del Comune di Vigonza" in Italian, "Comune di Vigonza" in English.
    let c = content(m, locale, frame.of_organisation);
    let footer = match (locale, frame.optional) {
        (Locale::It, true) => format!(
            "Ricevi questo messaggio da Segnala, il servizio di segnalazioni {}. Per non ricevere più messaggi di questo tipo: {}",
            frame.of_organisation, frame.unsubscribe
        ),
        (Locale::It, false) => format!(
            "Questo è un messaggio di servizio di Segnala ({}) sul tuo indirizzo: arriva comunque. Per non ricevere più le notifiche facoltative: {}",
            frame.organisation, frame.unsubscribe
        ),
        (Locale::En, true) => format!(
            "You receive this message from Segnala, {}'s reporting service. To stop messages of this kind: {}",
            frame.organisation, frame.unsubscribe
        ),
        (Locale::En, false) => format!(
            "This is a service message from Segnala ({}) about your address: it is always sent. To stop every optional notification: {}",
            frame.organisation, frame.unsubscribe
        ),
    };

    let mut text = format!("{}\n\n", c.greeting);
    for p in &c.paragraphs {
        text.push_str(p);
        text.push_str("\n\n");
    }
    if let Some((label, url)) = &c.action {
        text.push_str(&format!("{label}:\n{url}\n\n"));
    }
    for p in &c.after {
        text.push_str(p);
        text.push_str("\n\n");
    }
    text.push_str(&format!(
        "-- \nSegnala · {}\n{}\n{footer}\n",
        frame.organisation, frame.site
    ));

    let para = |p: &str| format!("<p style=\"margin:0 0 16px\">{}</p>", escape(p));
    let mut body = para(&c.greeting);
    for p in &c.paragraphs {
        body.push_str(&para(p));
    }
    if let Some((label, url)) = &c.action {
        body.push_str(&format!(
            "<p style=\"margin:24px 0\"><a href=\"{url}\" style=\"background:#0b5394;color:#fff;padding:12px 20px;\
             border-radius:4px;text-decoration:none;display:inline-block\">{label}</a></p>\
             <p style=\"margin:0 0 16px;font-size:13px;color:#555\">{url_text}</p>",
            url = escape(url),
            label = escape(label),
            url_text = escape(url),
        ));
    }
    for p in &c.after {
        body.push_str(&para(p));
    }
    let footer_html = escape(&footer).replace(
        &escape(frame.unsubscribe),
        &format!(
            "<a href=\"{u}\" style=\"color:#555\">{u}</a>",
            u = escape(frame.unsubscribe)
        ),
    );
    let html = format!(
        "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{subject}</title></head>\
         <body style=\"margin:0;padding:0;background:#f4f4f4\"><div style=\"max-width:600px;margin:0 auto;padding:24px;\
         background:#fff;font-family:Helvetica,Arial,sans-serif;font-size:16px;line-height:1.5;color:#1a1a1a\">\
         <p style=\"margin:0 0 24px;font-weight:bold;color:#0b5394\">Segnala · {org}</p>{body}\
         <hr style=\"border:none;border-top:1px solid #ddd;margin:24px 0\">\
         <p style=\"margin:0;font-size:13px;color:#555\">{footer_html}</p></div></body></html>",
        lang = locale.tag(),
        subject = escape(&c.subject),
        org = escape(frame.organisation),
    );
    Rendered {
        subject: c.subject,
        text,
        html,
    }
}

/// A message of each kind, with recognisable values (for tests and the development mailbox's preview).
pub fn samples() -> Vec<Message> {
    let link = "https://segnala.example/conferma-email/abc".to_owned();
    let all: Vec<Message> = shared::mail::MailKind::ALL
        .into_iter()
        .map(|k| match k {
            MailKind::ConfirmAccount => Message::ConfirmAccount {
                name: "Maria <Rossi>".into(),
                link: link.clone(),
            },
            MailKind::AlreadyRegistered => Message::AlreadyRegistered {
                sign_in: "https://segnala.example/accedi".into(),
                reset: "https://segnala.example/password-dimenticata".into(),
            },
            MailKind::PasswordReset => Message::PasswordReset {
                name: "Maria <Rossi>".into(),
                link: link.clone(),
                minutes: 60,
            },
            MailKind::PasswordChanged => Message::PasswordChanged {
                name: "Maria <Rossi>".into(),
                reset: "https://segnala.example/password-dimenticata".into(),
            },
            MailKind::ConfirmAction => Message::ConfirmAction {
                what: "la segnalazione «Buca in via Roma»".into(),
                link: link.clone(),
            },
            MailKind::TwoFactorChanged => Message::TwoFactorChanged {
                name: "Maria <Rossi>".into(),
                enabled: true,
            },
            MailKind::Test => Message::Test {
                by: "Anna Bianchi".into(),
            },
            MailKind::ReportReceipt => Message::ReportReceipt {
                code: "SEG-2026-000123".into(),
                title: "Buca in <via> Roma".into(),
                office: "Lavori pubblici".into(),
                expected_by: "26/12/2026".into(),
                link: "https://segnala.example/segnalazioni/SEG-2026-000123".into(),
            },
            MailKind::ReportUpdate => Message::ReportUpdate {
                code: "SEG-2026-000123".into(),
                title: "Buca in <via> Roma".into(),
                step: "Risolta: buca chiusa.".into(),
                signed: "ing. M. Rossi, Responsabile d'ufficio, Lavori pubblici".into(),
                mine: true,
                link: "https://segnala.example/segnalazioni/SEG-2026-000123".into(),
            },
            MailKind::ReportAssigned => Message::ReportAssigned {
                code: "SEG-2026-000123".into(),
                title: "Buca in <via> Roma".into(),
                to: "alla ditta Asfalti Veneti".into(),
                by: "ing. M. Rossi".into(),
                due: Some("31/12/2026".into()),
                link: "https://segnala.example/ufficio/segnalazioni/SEG-2026-000123".into(),
            },
            MailKind::ReportComment => Message::ReportComment {
                code: "SEG-2026-000123".into(),
                title: "Buca in <via> Roma".into(),
                author: "Maria".into(),
                excerpt: "<script>alert(1)</script> ancora lì".into(),
                link: "https://segnala.example/segnalazioni/SEG-2026-000123".into(),
            },
            MailKind::SatisfactionSurvey => Message::SatisfactionSurvey {
                code: "SEG-2026-000123".into(),
                title: "Buca in <via> Roma".into(),
                link: "https://segnala.example/soddisfazione/abc".into(),
                days: 30,
            },
            MailKind::ReportReopened => Message::ReportReopened {
                code: "SEG-2026-000123".into(),
                title: "Buca in <via> Roma".into(),
                office: "Lavori pubblici".into(),
                comment: Some("<script>alert(1)</script> la buca è ancora lì".into()),
                link: "https://segnala.example/ufficio/segnalazioni/SEG-2026-000123".into(),
            },
            MailKind::StaffInvitation => Message::StaffInvitation {
                name: "Maria <Rossi>".into(),
                by: "Anna Bianchi".into(),
                role: "personale d'ufficio".into(),
                offices: " per l'ufficio Lavori pubblici".into(),
                until: "14/12/2026".into(),
                link: link.clone(),
            },
            MailKind::RoleGranted => Message::RoleGranted {
                name: "Maria <Rossi>".into(),
                by: "Anna Bianchi".into(),
                role: "personale d'ufficio".into(),
                offices: String::new(),
                link: "https://segnala.example/ufficio".into(),
            },
            MailKind::NewReport => Message::NewReport {
                code: "SEG-2026-000123".into(),
                title: "Buca in <via> Roma".into(),
                category: "Buche stradali".into(),
                office: "Lavori pubblici".into(),
                place: "Centro".into(),
                link: "https://segnala.example/ufficio/segnalazioni/SEG-2026-000123".into(),
            },
            MailKind::NewReportsDigest => Message::NewReportsDigest {
                office: "Lavori pubblici".into(),
                reports: vec![
                    (
                        "SEG-2026-000123".into(),
                        "Buca in <via> Roma".into(),
                        "Buche stradali".into(),
                    ),
                    (
                        "SEG-2026-000124".into(),
                        "Lampione spento".into(),
                        "Illuminazione".into(),
                    ),
                ],
                link: "https://segnala.example/ufficio".into(),
            },
            MailKind::PeriodReport => Message::PeriodReport {
                label: "2026-10".into(),
                yearly: false,
                received: 120,
                resolved: 98,
                link: "https://segnala.example/trasparenza/resoconti/2026-10".into(),
            },
        })
        .collect();
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_renders_in_both_languages() {
        let frame = Frame {
            organisation: "Comune di Padova",
            of_organisation: "del Comune di Padova",
            site: "https://segnala.example",
            unsubscribe: "https://segnala.example/disiscrizione/xyz",
            optional: false,
        };
        let samples = samples();
        assert_eq!(samples.len(), MailKind::ALL.len());
        for m in &samples {
            assert_eq!(samples.iter().filter(|o| o.kind() == m.kind()).count(), 1);
            let it = render(m, Locale::It, &frame);
            let en = render(m, Locale::En, &frame);
            for (r, locale) in [(&it, Locale::It), (&en, Locale::En)] {
                let kind = m.kind().as_str();
                assert!(
                    !r.subject.is_empty() && r.subject.len() < 80,
                    "{kind}: subject {:?}",
                    r.subject
                );
                assert!(
                    r.text.contains(frame.unsubscribe),
                    "{kind}: unsubscribe link in text"
                );
                assert!(
                    r.html.contains(&format!("href=\"{}\"", frame.unsubscribe)),
                    "{kind}: in HTML"
                );
                assert!(r.html.contains(&format!("lang=\"{}\"", locale.tag())));
                assert!(!r.html.contains("<Rossi>"), "{kind}: names are escaped in HTML");
                assert!(
                    !r.html.contains("<script>"),
                    "{kind}: comments are escaped in HTML"
                );
                if let Message::ConfirmAccount { link, .. }
                | Message::PasswordReset { link, .. }
                | Message::ConfirmAction { link, .. }
                | Message::ReportReceipt { link, .. }
                | Message::ReportUpdate { link, .. }
                | Message::ReportAssigned { link, .. }
                | Message::ReportComment { link, .. }
                | Message::SatisfactionSurvey { link, .. }
                | Message::ReportReopened { link, .. }
                | Message::PeriodReport { link, .. } = m
                {
                    assert!(
                        r.text.contains(link.as_str()) && r.html.contains(link.as_str()),
                        "{kind}: link"
                    );
                }
                assert!(
                    !r.text.contains('{') && !r.html.contains("{}"),
                    "{kind}: no placeholders left"
                );
            }
            assert_ne!(it.subject, en.subject, "{}: translated", m.kind().as_str());
            assert_ne!(it.text, en.text);
        }
        let r = render(&samples[0], Locale::It, &frame);
        assert!(r.text.starts_with("Gentile Maria <Rossi>,"), "{}", r.text);
        assert!(r.html.contains("Gentile Maria &lt;Rossi&gt;,"));
    }
}
