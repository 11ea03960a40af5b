//! The legal pages every Italian public administration's site carries, generated from the installation's real
//! settings (who the controller is, what each form collects, how long things are kept) in both languages. The
//! administrator may publish their own privacy notice or legal notes instead (`site.privacy_notice`,
//! `site.legal_notes`: plain text, `# ` starts a heading, blank lines separate paragraphs).

use shared::Locale;
pub use shared::site::{LegalKind, Section};

use super::SiteRecord;
use crate::Settings;

/// The administrator's own text as sections.
pub fn parse_own(text: &str) -> Vec<Section> {
    let mut out: Vec<Section> = Vec::new();
    let mut para = String::new();
    let flush = |out: &mut Vec<Section>, para: &mut String| {
        if !para.trim().is_empty() {
            if out.is_empty() {
                out.push(Section {
                    heading: String::new(),
                    paragraphs: Vec::new(),
                });
            }
            if let Some(last) = out.last_mut() {
                last.paragraphs.push(para.trim().to_owned());
            }
        }
        para.clear();
    };
    for line in text.lines() {
        if let Some(h) = line.strip_prefix("# ") {
            flush(&mut out, &mut para);
            out.push(Section {
                heading: h.trim().to_owned(),
                paragraphs: Vec::new(),
            });
        } else if line.trim().is_empty() {
            flush(&mut out, &mut para);
        } else {
            if !para.is_empty() {
                para.push(' ');
            }
            para.push_str(line.trim());
        }
    }
    flush(&mut out, &mut para);
    out
}

/// "del Comune di X" → "il Comune di X": the name as the subject of an Italian sentence.
fn it_subject(of: &str) -> String {
    for (prep, article) in [("del ", "il "), ("della ", "la "), ("dell'", "l'"), ("di ", "")] {
        if let Some(rest) = of.strip_prefix(prep) {
            return format!("{article}{rest}");
        }
    }
    of.to_owned()
}

fn hours(d: std::time::Duration) -> u64 {
    d.as_secs() / 3600
}

fn days(d: std::time::Duration) -> u64 {
    d.as_secs() / 86_400
}

fn or_missing(s: &str, locale: Locale) -> String {
    if s.trim().is_empty() {
        match locale {
            Locale::It => "[da indicare nelle impostazioni dell'ente]".into(),
            Locale::En => "[to be set in the administration's settings]".into(),
        }
    } else {
        s.to_owned()
    }
}

/// The privacy notice (GDPR art. 13) as the settings make it.
pub fn privacy_notice(site: &SiteRecord, settings: &Settings, locale: Locale) -> Vec<Section> {
    let s = &site.site;
    let c = &s.contacts;
    let controller = [s.display_name(), &c.address, &c.email, &c.pec]
        .iter()
        .filter(|x| !x.is_empty())
        .map(|x| x.to_string())
        .collect::<Vec<_>>()
        .join(" · ");
    let unconfirmed = hours(settings.reports.unconfirmed_ttl);
    let session = days(settings.accounts.session_lifetime);
    let idle = days(settings.accounts.session_idle);
    let survey = settings.stats.survey_after_days;
    let sec = |heading: &str, paragraphs: Vec<String>| Section {
        heading: heading.to_owned(),
        paragraphs,
    };
    match locale {
        Locale::It => vec![
            sec("Titolare del trattamento", vec![format!(
                "Il titolare del trattamento dei dati personali raccolti da questo servizio di segnalazioni è {}: {controller}.",
                it_subject(&s.of(Locale::It))
            )]),
            sec("Responsabile della protezione dei dati (DPO)", vec![format!(
                "Il responsabile della protezione dei dati designato dall'ente è raggiungibile a: {}.",
                or_missing(&site.dpo, Locale::It)
            )]),
            sec("Quali dati raccoglie ogni modulo e perché", vec![
                "Segnalazione: titolo, descrizione, categoria, posizione (punto sulla mappa, indirizzo o quartiere), foto facoltative e, se li indichi, nome, email e telefono. Servono a prendere in carico e risolvere il problema e a informarti dell'esito. Dalle foto vengono tolti i metadati (posizione GPS, modello del telefono): sono ricodificate prima di essere salvate.".into(),
                "Registrazione: email, nome e password (conservata solo come impronta argon2id, mai in chiaro). Servono a riconoscerti, a mostrarti le tue segnalazioni e a inviarti gli aggiornamenti che scegli.".into(),
                "Commenti: il testo e il tuo nome (o l'indirizzo email confermato, che non viene mai pubblicato). Servono alla discussione pubblica della segnalazione e alla moderazione.".into(),
                "Seguire una segnalazione: l'email a cui inviare gli aggiornamenti, finché non smetti di seguirla.".into(),
                format!("Questionario di soddisfazione: i voti e il commento facoltativo, inviati {survey} giorni dopo la risposta; nelle statistiche pubbliche compaiono solo in forma aggregata."),
                "Dati tecnici: l'indirizzo IP di chi invia moduli è usato solo per limitare gli abusi (conteggi per ora, non associati al contenuto); i registri del server lo conservano per il tempo necessario alla sicurezza del servizio.".into(),
            ]),
            sec("Base giuridica", vec![
                "Il trattamento è necessario per l'esecuzione di compiti di interesse pubblico e connessi all'esercizio di pubblici poteri dell'ente (art. 6, par. 1, lett. e del Regolamento UE 2016/679), in particolare la gestione delle segnalazioni e dei reclami dei cittadini. Il conferimento dei contatti è facoltativo: senza, la segnalazione viene gestita ma non potrai ricevere risposte.".into(),
            ]),
            sec("Cosa è pubblico", vec![
                "Delle segnalazioni pubbliche sono visibili a tutti titolo, descrizione, categoria, posizione, foto, stato e cronologia delle risposte. Email e telefono non sono mai pubblicati; il nome solo se scegli di mostrarlo. Puoi inviare una segnalazione come privata: la vedono solo tu e gli uffici.".into(),
            ]),
            sec("Chi riceve i dati", vec![
                "Il personale degli uffici competenti dell'ente e, per i soli dati necessari all'intervento, le ditte incaricate, nominate responsabili del trattamento. I messaggi email passano dal servizio di posta dell'ente. I dati non sono trasferiti fuori dall'Unione europea.".into(),
            ]),
            sec("Per quanto tempo", vec![
                format!("Una segnalazione inviata senza account e mai confermata viene cancellata dopo {unconfirmed} ore. Le sessioni di accesso terminano dopo {session} giorni, o dopo {idle} giorni senza uso."),
                "Le segnalazioni e le risposte sono documenti dell'ente e sono conservate secondo il suo piano di conservazione (massimario di scarto). L'account resta finché non chiedi di cancellarlo; le email di notifica smettono quando lo chiedi con il link in fondo a ogni messaggio.".into(),
            ]),
            sec("I tuoi diritti", vec![
                "Puoi chiedere al titolare l'accesso ai tuoi dati, la rettifica, la cancellazione, la limitazione del trattamento e opporti al trattamento (artt. 15-21 del Regolamento UE 2016/679), scrivendo ai contatti sopra o al DPO. Se ritieni che il trattamento violi il Regolamento puoi proporre reclamo al Garante per la protezione dei dati personali (www.garanteprivacy.it).".into(),
            ]),
            sec("Cookie", vec![
                "Il sito usa solo cookie tecnici: la sessione di chi accede, la lingua scelta e, durante l'accesso, i controlli di sicurezza. Nessun cookie di profilazione o di terze parti, nessuno strumento di statistica esterno: per questo non serve un banner di consenso.".into(),
            ]),
        ],
        Locale::En => vec![
            sec("Controller", vec![format!(
                "The controller of the personal data this reporting service collects is {}: {controller}.",
                s.display_name()
            )]),
            sec("Data protection officer (DPO)", vec![format!(
                "The data protection officer the administration designated can be reached at: {}.",
                or_missing(&site.dpo, Locale::En)
            )]),
            sec("What each form collects, and why", vec![
                "Report: title, description, category, location (a point on the map, an address or a district), optional photos and, if you give them, name, email and phone. They are used to take the problem in charge, solve it and tell you the outcome. Photos lose their metadata (GPS position, phone model): they are re-encoded before they are stored.".into(),
                "Registration: email, name and password (kept only as an argon2id hash, never in clear). Used to recognise you, show you your reports and send you the updates you choose.".into(),
                "Comments: the text and your name (or your confirmed email address, which is never published). Used for the public discussion of the report and for moderation.".into(),
                "Following a report: the email address updates go to, until you stop following it.".into(),
                format!("Satisfaction questionnaire: the ratings and the optional comment, asked {survey} days after the answer; public statistics show them only in aggregate."),
                "Technical data: the IP address of whoever sends a form is used only to limit abuse (counts per hour, not tied to the content); server logs keep it as long as the service's security needs.".into(),
            ]),
            sec("Legal basis", vec![
                "Processing is necessary for tasks carried out in the public interest and in the exercise of the administration's official authority (art. 6(1)(e) of Regulation (EU) 2016/679), in particular handling citizens' reports and complaints. Giving contact details is optional: without them the report is handled but you cannot receive answers.".into(),
            ]),
            sec("What is public", vec![
                "Of public reports, everyone sees the title, description, category, location, photos, state and the timeline of answers. Email and phone are never published; your name only if you choose to show it. You can file a report as private: only you and the offices see it.".into(),
            ]),
            sec("Who receives the data", vec![
                "The staff of the administration's competent offices and, for the data the work needs only, the contractors assigned, appointed as processors. Emails go through the administration's mail service. Data is not transferred outside the European Union.".into(),
            ]),
            sec("How long", vec![
                format!("A report sent without an account and never confirmed is deleted after {unconfirmed} hours. Sign-in sessions end after {session} days, or after {idle} days unused."),
                "Reports and answers are records of the administration and are kept according to its retention plan. Your account stays until you ask to delete it; notification emails stop when you ask with the link at the bottom of every message.".into(),
            ]),
            sec("Your rights", vec![
                "You may ask the controller for access to your data, rectification, erasure, restriction of processing, and object to processing (arts. 15-21 of Regulation (EU) 2016/679), writing to the contacts above or to the DPO. If you believe the processing breaks the Regulation you may lodge a complaint with the Italian data protection authority, the Garante per la protezione dei dati personali (www.garanteprivacy.it).".into(),
            ]),
            sec("Cookies", vec![
                "The site sets technical cookies only: the session of whoever signs in, the chosen language and, while signing in, security checks. No profiling or third-party cookies, no external analytics: this is why no consent banner is needed.".into(),
            ]),
        ],
    }
}

/// The accessibility page: the administration's statement, the known limits, and how to report a problem.
pub fn accessibility(site: &SiteRecord, locale: Locale) -> Vec<Section> {
    let s = &site.site;
    let statement = if s.accessibility_url.is_empty() {
        or_missing("", locale)
    } else {
        s.accessibility_url.clone()
    };
    let contact = [s.contacts.email.as_str(), s.contacts.phone.as_str()]
        .iter()
        .filter(|x| !x.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" · ");
    let contact = or_missing(&contact, locale);
    let sec = |heading: &str, paragraphs: Vec<String>| Section {
        heading: heading.to_owned(),
        paragraphs,
    };
    match locale {
        Locale::It => vec![
            sec("Dichiarazione di accessibilità", vec![format!(
                "La dichiarazione di accessibilità di questo sito è pubblicata dall'ente sul sito di AgID: {statement}."
            )]),
            sec("Limiti noti", vec![
                "La mappa richiede un dispositivo di puntamento per scegliere un punto: in alternativa, nel modulo di segnalazione si può scrivere l'indirizzo o scegliere il quartiere, e tutte le segnalazioni sono consultabili senza mappa nell'elenco (/elenco).".into(),
                "Le foto inviate dai cittadini non hanno una descrizione alternativa scritta da una persona: il titolo e la descrizione della segnalazione ne riportano il contenuto.".into(),
                "Le mappe di base provengono da un servizio esterno di tessere cartografiche e non hanno un'alternativa testuale propria.".into(),
            ]),
            sec("Segnala un problema di accessibilità", vec![format!(
                "Se incontri un ostacolo nell'uso del sito scrivi all'ente: {contact}. Se la risposta non arriva entro 30 giorni o non è soddisfacente puoi rivolgerti al Difensore civico per il digitale presso AgID."
            )]),
        ],
        Locale::En => vec![
            sec("Accessibility statement", vec![format!(
                "The accessibility statement of this site is published by the administration on AgID's site: {statement}."
            )]),
            sec("Known limits", vec![
                "The map needs a pointing device to choose a point: instead, the report form takes a typed address or a district, and every report can be browsed without the map in the list (/elenco).".into(),
                "Photos sent by citizens have no alternative text written by a person: the report's title and description say what they show.".into(),
                "The base maps come from an external tile service and have no text alternative of their own.".into(),
            ]),
            sec("Report an accessibility problem", vec![format!(
                "If something on the site stands in your way, write to the administration: {contact}. If no answer comes within 30 days, or it does not satisfy you, you may turn to the Digital Ombudsman (Difensore civico per il digitale) at AgID."
            )]),
        ],
    }
}

/// The legal notes as the settings make them.
pub fn legal_notes(site: &SiteRecord, locale: Locale) -> Vec<Section> {
    let name = site.site.display_name();
    let sec = |heading: &str, paragraphs: Vec<String>| Section {
        heading: heading.to_owned(),
        paragraphs,
    };
    match locale {
        Locale::It => vec![
            sec("Contenuti", vec![
                format!("Questo sito è il servizio di segnalazioni {}. Le segnalazioni e i commenti sono pubblicati come li hanno scritti i cittadini, che ne sono responsabili; l'ente li modera e nasconde ciò che viola le regole della discussione o i diritti di altri.", site.site.of(Locale::It)),
                format!("Le risposte, gli stati e le statistiche sono pubblicati da {name} a fini di trasparenza."),
            ]),
            sec("Mappe", vec!["I dati cartografici sono © dei contributori di OpenStreetMap, disponibili con licenza ODbL.".into()]),
            sec("Collegamenti esterni", vec!["L'ente non risponde dei contenuti dei siti esterni a cui il sito rimanda.".into()]),
        ],
        Locale::En => vec![
            sec("Content", vec![
                format!("This site is the reporting service of {name}. Reports and comments are published as citizens wrote them, who are responsible for them; the administration moderates them and hides what breaks the discussion's rules or others' rights."),
                format!("Answers, states and statistics are published by {name} for transparency."),
            ]),
            sec("Maps", vec!["Map data © OpenStreetMap contributors, available under the ODbL.".into()]),
            sec("External links", vec!["The administration is not responsible for the content of external sites the site links to.".into()]),
        ],
    }
}

/// The page as the site publishes it: the administrator's own text when there is one, else the generated one.
pub fn page(site: &SiteRecord, settings: &Settings, kind: LegalKind, locale: Locale) -> Vec<Section> {
    match kind {
        LegalKind::Privacy if !site.privacy_notice.trim().is_empty() => parse_own(&site.privacy_notice),
        LegalKind::Privacy => privacy_notice(site, settings, locale),
        LegalKind::Accessibility => accessibility(site, locale),
        LegalKind::Notes if !site.legal_notes.trim().is_empty() => parse_own(&site.legal_notes),
        LegalKind::Notes => legal_notes(site, locale),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> SiteRecord {
        let mut r = SiteRecord::default();
        r.site.name = "Comune di Vigonza".into();
        r.site.contacts.email = "urp@comune.vigonza.pd.it".into();
        r.dpo = "Studio Rossi, dpo@example.org".into();
        r
    }

    #[test]
    fn the_notice_names_the_controller_the_dpo_and_the_real_retention() {
        let mut settings = Settings::default();
        settings.reports.unconfirmed_ttl = std::time::Duration::from_secs(48 * 3600);
        let it = privacy_notice(&site(), &settings, Locale::It);
        let text = it
            .iter()
            .flat_map(|s| s.paragraphs.clone())
            .collect::<Vec<_>>()
            .join("\n");
        assert!(text.contains("è il Comune di Vigonza"), "{text}");
        assert!(text.contains("urp@comune.vigonza.pd.it"));
        assert!(text.contains("dpo@example.org"));
        assert!(text.contains("dopo 48 ore"));
        assert!(text.contains("art. 6, par. 1, lett. e"));
        let en = privacy_notice(&SiteRecord::default(), &settings, Locale::En);
        assert!(
            en.iter()
                .any(|s| s.paragraphs.iter().any(|p| p.contains("[to be set")))
        );
    }

    #[test]
    fn the_administrators_own_text_replaces_the_generated_one() {
        let mut r = site();
        r.privacy_notice = "Intro line\ncontinued\n\n# Titolare\nIl Comune.\n\nAltro.".into();
        let p = page(&r, &Settings::default(), LegalKind::Privacy, Locale::En);
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].paragraphs, vec!["Intro line continued".to_owned()]);
        assert_eq!(p[1].heading, "Titolare");
        assert_eq!(
            p[1].paragraphs,
            vec!["Il Comune.".to_owned(), "Altro.".to_owned()]
        );
    }
}
