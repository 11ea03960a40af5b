//! The translation layer: every user-visible string goes through here.
//!
//! A typed table instead of a catalogue library: a missing translation is a compile error (the `match` must be
//! exhaustive), and it costs the WASM bundle only the strings themselves. `leptos_i18n` with plurals was measured
//! at +130 KB gzip before wasm-opt (shared/libraries.md); docs/benchmarks.md records what this layer costs.

use chrono::{DateTime, Utc};

pub use crate::locale::{Locale, Text};
use crate::report::state::{ReportKind, ReportState};

macro_rules! messages {
    ($(#[$doc:meta])* $name:ident { $($key:ident => $it:literal, $en:literal;)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name { $($key),* }

        impl $name {
            pub fn text(self, locale: Locale) -> &'static str {
                match (self, locale) {
                    $(($name::$key, Locale::It) => $it, ($name::$key, Locale::En) => $en,)*
                }
            }
        }

        impl Text for $name {
            fn text(self, locale: Locale) -> &'static str {
                $name::text(self, locale)
            }
        }
    };
}

/// The header's line under the name: "Segnalazioni dei cittadini al Comune di Vigonza".
pub fn tagline(site: &crate::site::Site, locale: Locale) -> String {
    format!("{} {}", Msg::Tagline.text(locale), site.to(locale))
}

/// The address field's example: one of the town's own streets ("Per esempio «via Arrigoni 12»").
pub fn address_hint(site: &crate::site::Site, locale: Locale) -> String {
    let street = if site.example_street.is_empty() {
        "via Roma"
    } else {
        site.example_street.as_str()
    };
    match locale {
        Locale::It => format!("Per esempio «{street} 12»."),
        Locale::En => format!("For example “{street} 12”."),
    }
}

mod browse;
mod site;
mod stats;
mod work;
pub use browse::BrowseMsg;
pub use site::{SiteMsg, setup_step_label};
pub use stats::StatsMsg;
pub use work::WorkMsg;

messages! {
    /// The strings of the public pages (and of errors, which any page can show). Strings only the signed-in
    /// pages use are in [`AccountMsg`], so that the public browser bundle does not carry them.
    Msg {
    AppName => "Segnala", "Segnala";
    Tagline => "Segnalazioni dei cittadini", "Citizens' reports to";
    Contacts => "Contatti", "Contacts";
    PrivacyNotice => "Informativa privacy", "Privacy notice";
    AccessibilityStatement => "Dichiarazione di accessibilità", "Accessibility statement";
    AccessibilityFeedback => "Segnala un problema di accessibilità", "Report an accessibility problem";
    AccessibilityLimits => "Limiti di accessibilità noti", "Known accessibility limits";
    LegalNotes => "Note legali", "Legal notes";
    PrivacyNote => "I dati che inserisci sono trattati come spiegato nell'informativa privacy.", "What you enter is processed as the privacy notice explains.";
    OpensSoon => "Il servizio apre a breve", "The service opens soon";
    OpensSoonBody => "Il Comune sta preparando il servizio di segnalazioni: presto potrai inviare le tue. Per un problema urgente contatta l'URP.", "The municipality is setting up the reporting service: soon you will be able to file your reports. For an urgent problem contact the URP.";
    SkipToList => "Vai all'elenco delle segnalazioni", "Skip to the list of reports";
    SkipToContent => "Vai al contenuto", "Skip to the content";
    MapLabel => "Mappa delle segnalazioni", "Map of reports";
    ListHeading => "Segnalazioni in quest'area", "Reports in this area";
    ListEmpty => "Nessuna segnalazione in quest'area della mappa.", "No reports in this area of the map.";
    ShowingNewest => "Mostrate le più recenti", "Showing the newest";
    Of => "di", "of";
    Loading => "Caricamento…", "Loading…";
    OpenReport => "Apri la segnalazione", "Open the report";
    Category => "Categoria", "Category";
    Kind => "Tipo", "Kind";
    Office => "Ufficio", "Office";
    District => "Quartiere", "District";
    Submitted => "Inviata", "Submitted";
    LastUpdate => "Ultimo aggiornamento", "Last update";
    ReceiptCode => "Codice ricevuta", "Receipt code";
    Description => "Descrizione", "Description";
    Photos => "Foto", "Photos";
    NoPhotos => "Nessuna foto allegata.", "No photos attached.";
    Timeline => "Cronologia", "Timeline";
    TimelineEmpty => "Nessun aggiornamento pubblico.", "No public updates.";
    Location => "Posizione", "Location";
    BackToMap => "Torna alla mappa", "Back to the map";
    BackToForm => "Torna al modulo", "Back to the form";
    NotAssigned => "Non ancora assegnata", "Not yet assigned";
    NotFoundTitle => "Pagina non trovata", "Page not found";
    NotFoundText => "La pagina o la segnalazione cercata non esiste.", "The page or report you are looking for does not exist.";
    ReportNotFoundText => "Nessuna segnalazione ha questo codice ricevuta. Controlla di averlo scritto bene (esempio: SEG-2026-000123).", "No report has this receipt code. Check you typed it correctly (example: SEG-2026-000123).";
    ErrorTitle => "Si è verificato un problema", "Something went wrong";
    Unavailable => "Il servizio è momentaneamente non disponibile. Riprova tra poco.", "The service is temporarily unavailable. Please try again shortly.";
    InternalError => "Errore interno. Il problema è stato registrato.", "Internal error. The problem has been logged.";
    NotFoundShort => "Non trovato.", "Not found.";
    Language => "Lingua", "Language";
    Note => "Nota", "Note";
    Citizen => "Cittadino", "Citizen";
    Legend => "Legenda", "Legend";
    ErrUnauthenticated => "Per continuare devi accedere.", "Please sign in to continue.";
    ErrForbidden => "Il tuo ruolo non consente questa operazione.", "Your role does not allow this.";
    ErrInvalidCredentials => "Email o password non corretti.", "Wrong email or password.";
    ErrEmailNotConfirmed => "Il tuo indirizzo email non è ancora confermato: ti abbiamo inviato un nuovo collegamento per confermarlo.", "Your email address is not confirmed yet: we have sent you a new link to confirm it.";
    ErrRateLimited => "Troppi tentativi. Riprova più tardi.", "Too many attempts. Please try again later.";
    ErrLinkInvalid => "Questo collegamento non è valido: controlla di averlo copiato per intero, o chiedine uno nuovo.", "This link is not valid: check you copied all of it, or ask for a new one.";
    ErrLinkUsed => "Questo collegamento è già stato usato. Se serve, chiedine uno nuovo.", "This link has already been used. Ask for a new one if you need to.";
    ErrLinkExpired => "Questo collegamento è scaduto. Chiedine uno nuovo.", "This link has expired. Ask for a new one.";
    ErrCrossOrigin => "Richiesta rifiutata: proveniva da un altro sito.", "Request refused: it came from another site.";
    ErrPayloadTooLarge => "La richiesta è troppo grande.", "The request is too large.";
    ErrMethodNotAllowed => "Questo indirizzo non accetta questo tipo di richiesta.", "This address does not take this kind of request.";
    ErrUnsupportedMediaType => "Tipo di contenuto non accettato.", "Content type not accepted.";
    ErrConflict => "Qualcun altro ha modificato questa segnalazione mentre la guardavi: la pagina mostra ora la versione attuale. Controlla e ripeti l'operazione se serve.", "Someone else changed this report while you were looking at it: the page now shows the current version. Check it and repeat the action if needed.";
    ErrIdempotencyConflict => "Questa chiave di invio è già stata usata per una segnalazione diversa.", "This submission key was already used for a different report.";
    SignIn => "Accedi", "Sign in";
    SignOut => "Esci", "Sign out";
    MyPage => "La mia pagina", "My page";
    SignedInAs => "Accesso come", "Signed in as";
    DevMailbox => "Posta in uscita", "Outgoing mail";
    Administration => "Amministrazione", "Administration";
    Moderation => "Moderazione", "Moderation";
    Transparency => "Trasparenza", "Transparency";
    Dashboard => "Cruscotto", "Dashboard";
}}

messages! {
    /// The strings of the reporting pages (public bundle): the form, the receipt, "same problem", confirmation.
    ReportMsg {
    NewReport => "Segnala", "Report";
    NewReportTitle => "Nuova segnalazione", "New report";
    NewReportIntro => "Segnala un problema, un suggerimento, un reclamo o un apprezzamento: arriva direttamente all'ufficio competente.", "Report a problem, a suggestion, a complaint or a compliment: it goes straight to the competent office.";
    StepPlace => "1. Dove", "1. Where";
    StepWhat => "2. Che cosa", "2. What";
    StepPhotos => "3. Foto", "3. Photos";
    StepWho => "4. Chi lo vede", "4. Who sees it";
    Step => "Passo", "Step";
    StepOfFour => "di 4", "of 4";
    Next => "Avanti", "Next";
    Back => "Indietro", "Back";
    PlaceHelp => "Tocca la mappa o trascina il segnaposto, usa la tua posizione, cerca un indirizzo, oppure scegli il quartiere se il punto non ha un indirizzo.", "Tap the map or drag the pin, use your location, search for an address, or choose the district if the spot has no address.";
    UseMyLocation => "Usa la mia posizione", "Use my location";
    PinAtCentre => "Metti il segnaposto al centro della mappa", "Put the pin at the centre of the map";
    LocationUnavailable => "Non è stato possibile leggere la tua posizione: scegli il punto sulla mappa o cerca un indirizzo.", "Your location could not be read: choose the spot on the map or search for an address.";
    AddressLabel => "Indirizzo o luogo", "Address or place";
    Search => "Cerca", "Search";
    NoPlacesFound => "Nessuna via o luogo trovato con questo nome.", "No street or place found with this name.";
    PlacesFound => "Risultati della ricerca", "Search results";
    DistrictLabel => "Quartiere (se il punto non ha un indirizzo)", "District (if the spot has no address)";
    DistrictNone => "— nessuno —", "— none —";
    CoordinatesLabel => "Coordinate (facoltative)", "Coordinates (optional)";
    ChosenPlace => "Punto scelto", "Chosen spot";
    NearStreet => "vicino a", "near";
    OutsideMunicipality => "Questo punto è fuori dal territorio comunale: il Comune non può intervenire qui. Scegli un punto entro il confine tratteggiato.", "This spot is outside the municipality: it cannot act here. Choose a spot within the dashed border.";
    PlaceMapLabel => "Mappa per scegliere il punto", "Map to choose the spot";
    KindLabel => "Tipo", "Kind";
    CategoryLabel => "Categoria", "Category";
    CategoryChoose => "— scegli —", "— choose —";
    AnswersIn => "risponde entro", "answers within";
    Days => "giorni", "days";
    TitleLabel => "Titolo", "Title";
    TitleHint => "Una frase breve: «Buca profonda in via Roma».", "A short phrase: “Deep pothole in via Roma”.";
    DescriptionLabel => "Descrizione", "Description";
    DescriptionHint => "Che cosa succede, da quando, dove esattamente.", "What is happening, since when, where exactly.";
    PhotosLabel => "Foto (fino a 5, JPEG, PNG o WebP, 10 MB ciascuna)", "Photos (up to 5, JPEG, PNG or WebP, 10 MB each)";
    PhotosHint => "La posizione e gli altri dati nascosti nelle foto vengono rimossi prima di pubblicarle.", "The location and other data hidden in photos are removed before they are published.";
    TooManyPhotos => "Al massimo 5 foto: togline qualcuna.", "At most 5 photos: remove some.";
    PublicLabel => "Pubblica: visibile a tutti sulla mappa", "Public: visible to everyone on the map";
    ShowNameLabel => "Mostra il mio nome sulla segnalazione", "Show my name on the report";
    WhoSeesWhat => "Chi vede che cosa", "Who sees what";
    OfficeSees => "L'ufficio vede tutto: testo, foto, posizione e i tuoi recapiti per contattarti.", "The office sees everything: text, photos, place, and your contact details to reach you.";
    PublicSees => "Il pubblico vede titolo, descrizione, foto, posizione e stato — mai email o telefono, e il nome solo se scegli di mostrarlo. Una segnalazione privata la vedono solo l'ufficio e tu.", "The public sees title, description, photos, place and state — never email or phone, and the name only if you choose to show it. A private report is seen only by the office and you.";
    ContactHeading => "I tuoi recapiti", "Your contact details";
    ContactHint => "Senza account ti chiediamo un'email: riceverai un collegamento per confermare la segnalazione, che diventa pubblica solo dopo la conferma.", "Without an account we ask for an email: you will get a link to confirm the report, which becomes public only once confirmed.";
    EmailLabel => "Email", "Email";
    PhoneLabel => "Telefono (facoltativo)", "Phone (optional)";
    NameLabel => "Nome (facoltativo, lo vede solo l'ufficio)", "Name (optional, only the office sees it)";
    SignInInstead => "Hai un account? Accedi per ritrovare le tue segnalazioni su «La mia pagina».", "Have an account? Sign in to find your reports on “My page”.";
    Send => "Invia la segnalazione", "Send the report";
    Sending => "Invio in corso…", "Sending…";
    DuplicatesHeading => "È già stato segnalato?", "Already reported?";
    DuplicatesIntro => "Segnalazioni aperte qui vicino. Se è lo stesso problema, sostienila: riceverai i suoi aggiornamenti e l'ufficio saprà che riguarda più persone.", "Open reports nearby. If it is the same problem, support it: you will get its updates and the office will know it concerns more people.";
    SameProblem => "È lo stesso problema", "It is the same problem";
    SupportEmail => "La tua email (per confermare)", "Your email (to confirm)";
    Supporters => "sostenitori", "supporters";
    MetresAway => "m da qui", "m from here";
    StillSubmit => "Non è lo stesso: continua con la tua segnalazione.", "Not the same: go on with your report.";
    ReceiptTitle => "Segnalazione ricevuta", "Report received";
    ReceiptIntro => "Grazie. Conserva il codice ricevuta: ti serve per seguire la segnalazione o per contattare il Comune.", "Thank you. Keep the receipt code: you need it to follow the report or to contact the municipality.";
    RoutedTo => "Affidata a", "Routed to";
    ExpectedBy => "Risposta attesa entro", "Answer expected by";
    TakenInChargeIn => "Presa in carico in", "Taken in charge in";
    ResolvedIn => "Risolta in", "Resolved in";
    CategoryMedian => "mediana della categoria", "category median";
    MedianTooFew => "mediana della categoria non indicata: troppe poche segnalazioni", "category median not shown: too few reports";
    AwaitingConfirmation => "Ti abbiamo scritto un'email: apri il collegamento per confermare. Fino alla conferma la segnalazione non è pubblica; senza conferma viene cancellata dopo qualche giorno.", "We have sent you an email: open its link to confirm. Until then the report is not public; without confirmation it is deleted after a few days.";
    ReceiptMailed => "Ti abbiamo inviato la ricevuta per email. La trovi anche su «La mia pagina».", "We have emailed you the receipt. You also find it on “My page”.";
    PrivateNote => "È privata: la vedono solo l'ufficio e tu.", "It is private: only the office and you see it.";
    SeeReport => "Vedi la segnalazione", "See the report";
    AnotherReport => "Fai un'altra segnalazione", "Make another report";
    ConfirmTitle => "Conferma", "Confirm";
    ConfirmReportText => "Conferma l'invio della segnalazione", "Confirm sending the report";
    ConfirmSupportText => "Conferma il tuo sostegno alla segnalazione", "Confirm your support for the report";
    ConfirmCommentText => "Conferma la pubblicazione del tuo commento alla segnalazione", "Confirm publishing your comment on the report";
    ConfirmFollowText => "Conferma che vuoi ricevere via email gli aggiornamenti della segnalazione", "Confirm you want email updates on the report";
    ConfirmButton => "Conferma", "Confirm";
    NoticeSupported => "Grazie: ora sostieni questa segnalazione e ne riceverai gli aggiornamenti.", "Thank you: you now support this report and will get its updates.";
    NoticeConfirmSent => "Ti abbiamo scritto un'email: apri il collegamento che contiene per confermare.", "We have sent you an email: open the link in it to confirm.";
    Overdue => "in ritardo", "overdue";
    Comments => "Commenti", "Comments";
    CommentsEmpty => "Nessun commento.", "No comments.";
    CommentLabel => "Il tuo commento (solo testo)", "Your comment (text only)";
    CommentSend => "Pubblica il commento", "Post the comment";
    CommentsClosed => "I commenti sono chiusi: la segnalazione è chiusa.", "Comments are closed: the report is closed.";
    CommentsPrivate => "Le segnalazioni private non hanno commenti pubblici.", "Private reports have no public comments.";
    YourEmail => "La tua email (per confermare, non sarà pubblicata)", "Your email (to confirm; it will not be published)";
    ReportAbuse => "Segnala abuso", "Report abuse";
    Follow => "Segui gli aggiornamenti", "Follow the updates";
    Unfollow => "Non seguire più", "Stop following";
    Following => "Segui questa segnalazione: ricevi un'email a ogni aggiornamento pubblico.", "You follow this report: you get an email at every public update.";
    NoticeCommented => "Commento pubblicato.", "Comment posted.";
    NoticeAbuse => "Grazie: i moderatori controlleranno il commento.", "Thank you: the moderators will check the comment.";
    NoticeFollow => "Ora segui questa segnalazione.", "You now follow this report.";
    NoticeUnfollow => "Non segui più questa segnalazione.", "You no longer follow this report.";
    WorkOnIt => "Apri nella gestione", "Open in the back office";
    PrivateReport => "Segnalazione privata: la vedono solo chi l'ha inviata e gli uffici.", "Private report: only its sender and the offices see it.";
    NoticeConfirmed => "Confermato. Grazie!", "Confirmed. Thank you!";
    SupportHeading => "Hai lo stesso problema?", "Do you have the same problem?";
    ReportedBy => "Segnalata da", "Reported by";
    PhotoAlt => "Foto della segnalazione", "Photo of the report";
}}

messages! {
    /// The strings of the signed-in pages (the full browser bundle).
    AccountMsg {
    Register => "Registrati", "Register";
    FormNotSent => "Non è stato possibile completare l'operazione:", "That did not work:";
    Email => "Email", "Email";
    Password => "Password", "Password";
    LoginTitle => "Accedi a Segnala", "Sign in to Segnala";
    LoginIntro => "Con l'accesso ritrovi le tue segnalazioni e scegli quali notifiche ricevere. Il personale del Comune accede qui al proprio lavoro.", "Signed in, you find your reports and choose which notifications you get. The municipality's staff sign in here to their work.";
    ForgotPasswordLink => "Hai dimenticato la password?", "Forgot your password?";
    NoAccount => "Non hai un account?", "No account yet?";
    HaveAccount => "Hai già un account?", "Already have an account?";
    SignInWith => "Accedi con", "Sign in with";
    Or => "oppure", "or";
    NoticeSignedOut => "Sei uscito da Segnala.", "You have signed out of Segnala.";
    NoticePasswordChanged => "Password cambiata. Accedi con quella nuova.", "Password changed. Sign in with the new one.";
    NoticeSessionEnded => "Sessione terminata.", "Session ended.";
    NoticeSaved => "Modifiche salvate.", "Changes saved.";
    NoticeTwoFactorOn => "Verifica in due passaggi attivata.", "Two-step verification turned on.";
    NoticeTwoFactorOff => "Verifica in due passaggi disattivata.", "Two-step verification turned off.";
    NoticeSignInFirst => "Accedi per continuare.", "Sign in to continue.";
    TotpTitle => "Verifica in due passaggi", "Two-step verification";
    TotpIntro => "Scrivi il codice di 6 cifre che vedi ora nella tua app di autenticazione.", "Type the 6-digit code your authenticator app shows now.";
    TotpCode => "Codice di verifica", "Verification code";
    Verify => "Verifica", "Verify";
    RegisterTitle => "Crea un account", "Create an account";
    RegisterIntro => "Con un account ritrovi le tue segnalazioni e scegli quali notifiche ricevere. Non serve per inviare una segnalazione.", "With an account you find your reports and choose which notifications you get. You do not need one to send a report.";
    Name => "Nome e cognome", "Full name";
    NameHint => "Come ti chiameremo nei messaggi. Non viene mostrato in pubblico.", "How our messages will address you. It is not shown in public.";
    EmailHint => "Ti invieremo un collegamento per confermarlo.", "We will send a link to confirm it.";
    PasswordHint => "Almeno 12 caratteri. Una frase di tre o quattro parole è facile da ricordare e difficile da indovinare.", "At least 12 characters. A phrase of three or four words is easy to remember and hard to guess.";
    CreateAccount => "Crea l'account", "Create the account";
    PrivacyNote => "Useremo il tuo indirizzo solo per i messaggi di Segnala; puoi scegliere quali ricevere.", "We use your address only for Segnala's messages; you choose which ones you get.";
    CheckMailTitle => "Controlla la tua email", "Check your email";
    CheckMailText => "Se l'indirizzo può essere usato, abbiamo inviato a {} un messaggio con un collegamento per attivare l'account. Il collegamento vale 48 ore.", "If the address can be used, we have sent {} a message with a link to activate the account. The link works for 48 hours.";
    NoMailHint => "Non arriva? Controlla la posta indesiderata, o registrati di nuovo tra qualche minuto per ricevere un nuovo collegamento.", "Nothing yet? Check your spam folder, or register again in a few minutes to get a new link.";
    ConfirmTitle => "Conferma il tuo indirizzo", "Confirm your address";
    ConfirmIntro => "Per attivare l'account {} scrivi la password che hai scelto registrandoti.", "To activate the account {}, type the password you chose when registering.";
    ConfirmButton => "Conferma e accedi", "Confirm and sign in";
    ForgotTitle => "Password dimenticata", "Forgotten password";
    ForgotIntro => "Scrivi l'indirizzo del tuo account: ti invieremo un collegamento per sceglierne una nuova.", "Type your account's address: we will send you a link to choose a new password.";
    SendLink => "Invia il collegamento", "Send the link";
    ForgotSent => "Se esiste un account con questo indirizzo, ti abbiamo inviato un collegamento per scegliere una nuova password. Vale 60 minuti.", "If an account with this address exists, we have sent it a link to choose a new password. It works for 60 minutes.";
    ResetTitle => "Scegli una nuova password", "Choose a new password";
    ResetIntro => "Nuova password per l'account {}. Tutte le sessioni aperte verranno chiuse.", "New password for the account {}. Every open session will be ended.";
    NewPassword => "Nuova password", "New password";
    SavePassword => "Salva la password", "Save the password";
    AskNewLink => "Chiedi un nuovo collegamento", "Ask for a new link";
    MyAccount => "Il mio account", "My account";
    RoleLabel => "Ruolo", "Role";
    Offices => "Uffici", "Offices";
    ContractorLabel => "Ditta", "Contractor";
    MemberSince => "Iscritto dal", "Member since";
    MyReports => "Le mie segnalazioni", "My reports";
    MyReportsEmpty => "Non hai ancora inviato segnalazioni con questo account.", "You have not sent any report with this account yet.";
    PrivateReport => "Privata", "Private";
    MailNotifications => "Notifiche via email", "Email notifications";
    MailNotificationsIntro => "Scegli quali messaggi ricevere. I messaggi sul tuo account (conferme, password) arrivano comunque.", "Choose which messages you get. Messages about your account (confirmations, passwords) always come.";
    Save => "Salva", "Save";
    EmailLanguage => "Lingua delle email", "Language of emails";
    ChangePassword => "Cambia password", "Change password";
    CurrentPassword => "Password attuale", "Current password";
    ChangePasswordNote => "Cambiando la password chiudi tutte le altre sessioni aperte.", "Changing your password ends every other open session.";
    TwoFactorOnText => "Attiva: all'accesso chiediamo anche un codice dalla tua app di autenticazione.", "On: signing in also asks for a code from your authenticator app.";
    TwoFactorOffText => "Non attiva. Consigliata a chi lavora per il Comune.", "Off. Recommended for everyone working for the municipality.";
    TwoFactorStart => "Attiva la verifica in due passaggi", "Turn on two-step verification";
    TwoFactorScan => "Inquadra il codice QR con un'app di autenticazione (o scrivi la chiave a mano), poi scrivi il codice di 6 cifre che mostra.", "Scan the QR code with an authenticator app (or type the key by hand), then type the 6-digit code it shows.";
    TwoFactorKey => "Chiave", "Key";
    TwoFactorEnable => "Attiva", "Turn on";
    TwoFactorDisable => "Disattiva la verifica in due passaggi", "Turn off two-step verification";
    ActiveSessions => "Sessioni attive", "Active sessions";
    ActiveSessionsIntro => "I dispositivi da cui hai fatto l'accesso. Termina quelli che non riconosci.", "The devices you signed in from. End the ones you do not recognise.";
    ThisDevice => "questo dispositivo", "this device";
    SignedInOn => "Accesso", "Signed in";
    LastSeen => "Ultima attività", "Last active";
    EndSession => "Termina", "End";
    UnknownDevice => "Dispositivo sconosciuto", "Unknown device";
    SignInNeeded => "Per vedere questa pagina devi accedere.", "You need to sign in to see this page.";
    UnsubscribeTitle => "Notifiche via email", "Email notifications";
    UnsubscribeAsk => "Vuoi smettere di ricevere all'indirizzo {} questi messaggi:", "Do you want to stop these messages to {}:";
    UnsubscribeAll => "tutte le notifiche facoltative", "every optional notification";
    UnsubscribeButton => "Non inviarmeli più", "Stop sending them";
    UnsubscribeDone => "Fatto: non invieremo più questi messaggi all'indirizzo {}:", "Done: we will no longer send these messages to {}:";
    Resubscribe => "Ho cambiato idea: inviameli di nuovo", "I changed my mind: send them again";
    ResubscribeDone => "Fatto: invieremo di nuovo questi messaggi all'indirizzo {}:", "Done: we will send these messages to {} again:";
    MailboxIntro => "Ogni messaggio che Segnala ha scritto, dal più recente.", "Every message Segnala has written, newest first.";
    SmtpOff => "Nessun server SMTP è configurato: i messaggi restano qui e non vengono inviati.", "No SMTP server is configured: messages stay here and are not sent.";
    SmtpOn => "Un server SMTP è configurato: i messaggi in attesa vengono inviati.", "An SMTP server is configured: pending messages are being sent.";
    Recipient => "Destinatario", "Recipient";
    Subject => "Oggetto", "Subject";
    Status => "Stato", "Status";
    Attempts => "Tentativi", "Attempts";
    Written => "Scritto", "Written";
    OlderMessages => "Messaggi precedenti", "Older messages";
    SendTest => "Invia un messaggio di prova", "Send a test message";
    TestQueued => "Messaggio di prova in coda.", "Test message queued.";
    PlainText => "Testo semplice", "Plain text";
    HtmlPreview => "Anteprima HTML", "HTML preview";
    LastError => "Ultimo errore", "Last error";
    SmtpReply => "Risposta del server SMTP", "SMTP server's reply";
    BackToMailbox => "Torna alla posta in uscita", "Back to outgoing mail";
    MailboxEmpty => "Nessun messaggio.", "No messages.";
    SentAt => "Inviato", "Sent";
    NextAttempt => "Prossimo tentativo", "Next attempt";
    Yes => "sì", "yes";
    No => "no", "no";
}}

impl ReportState {
    /// Name of the state in the given language.
    pub fn label(self, locale: Locale) -> &'static str {
        use ReportState::*;
        match (self, locale) {
            (Submitted, Locale::It) => "Inviata",
            (Submitted, Locale::En) => "Submitted",
            (InCharge, Locale::It) => "Presa in carico",
            (InCharge, Locale::En) => "Taken in charge",
            (Assigned, Locale::It) => "Assegnata",
            (Assigned, Locale::En) => "Assigned",
            (InProgress, Locale::It) => "In lavorazione",
            (InProgress, Locale::En) => "In progress",
            (Resolved, Locale::It) => "Risolta",
            (Resolved, Locale::En) => "Resolved",
            (Closed, Locale::It) => "Chiusa",
            (Closed, Locale::En) => "Closed",
            (Rejected, Locale::It) => "Respinta",
            (Rejected, Locale::En) => "Rejected",
            (Duplicate, Locale::It) => "Duplicata",
            (Duplicate, Locale::En) => "Duplicate",
            (Reopened, Locale::It) => "Riaperta",
            (Reopened, Locale::En) => "Reopened",
        }
    }
}

impl crate::user::Role {
    /// Name of the role in the given language.
    pub fn label(self, locale: Locale) -> &'static str {
        use crate::user::Role::*;
        match (self, locale) {
            (Citizen, Locale::It) => "Cittadino",
            (Citizen, Locale::En) => "Citizen",
            (Administrator, Locale::It) => "Amministratore",
            (Administrator, Locale::En) => "Administrator",
            (UrpOperator, Locale::It) => "Operatore URP",
            (UrpOperator, Locale::En) => "Public relations (URP) operator",
            (OfficeManager, Locale::It) => "Responsabile d'ufficio",
            (OfficeManager, Locale::En) => "Office manager",
            (OfficeStaff, Locale::It) => "Personale d'ufficio",
            (OfficeStaff, Locale::En) => "Office staff",
            (Contractor, Locale::It) => "Ditta esterna",
            (Contractor, Locale::En) => "External contractor",
            (Moderator, Locale::It) => "Moderatore",
            (Moderator, Locale::En) => "Moderator",
            (Observer, Locale::It) => "Osservatore",
            (Observer, Locale::En) => "Observer",
        }
    }
}

impl ReportKind {
    /// Name of the kind in the given language.
    pub fn label(self, locale: Locale) -> &'static str {
        use ReportKind::*;
        match (self, locale) {
            (Problem, Locale::It) => "Problema",
            (Problem, Locale::En) => "Problem",
            (Suggestion, Locale::It) => "Suggerimento",
            (Suggestion, Locale::En) => "Suggestion",
            (Complaint, Locale::It) => "Reclamo",
            (Complaint, Locale::En) => "Complaint",
            (Compliment, Locale::It) => "Apprezzamento",
            (Compliment, Locale::En) => "Compliment",
        }
    }
}

/// "3 giorni fa" / "3 days ago": how long before `now` the moment `then` was, in the largest whole unit.
pub fn age_label(then: DateTime<Utc>, now: DateTime<Utc>, locale: Locale) -> String {
    let secs = (now - then).num_seconds().max(0);
    let (n, unit) = match secs {
        s if s < 60 => {
            return if locale == Locale::It {
                "adesso".into()
            } else {
                "just now".into()
            };
        }
        s if s < 3600 => (s / 60, 0),
        s if s < 86_400 => (s / 3600, 1),
        s if s < 86_400 * 30 => (s / 86_400, 2),
        s if s < 86_400 * 365 => (s / (86_400 * 30), 3),
        s => (s / (86_400 * 365), 4),
    };
    let one = n == 1;
    let word = match (locale, unit, one) {
        (Locale::It, 0, true) => "minuto",
        (Locale::It, 0, false) => "minuti",
        (Locale::It, 1, true) => "ora",
        (Locale::It, 1, false) => "ore",
        (Locale::It, 2, true) => "giorno",
        (Locale::It, 2, false) => "giorni",
        (Locale::It, 3, true) => "mese",
        (Locale::It, 3, false) => "mesi",
        (Locale::It, _, true) => "anno",
        (Locale::It, _, false) => "anni",
        (Locale::En, 0, true) => "minute",
        (Locale::En, 0, false) => "minutes",
        (Locale::En, 1, true) => "hour",
        (Locale::En, 1, false) => "hours",
        (Locale::En, 2, true) => "day",
        (Locale::En, 2, false) => "days",
        (Locale::En, 3, true) => "month",
        (Locale::En, 3, false) => "months",
        (Locale::En, _, true) => "year",
        (Locale::En, _, false) => "years",
    };
    match locale {
        Locale::It => format!("{n} {word} fa"),
        Locale::En => format!("{n} {word} ago"),
    }
}

/// A date as people write it: `25/11/2026` in Italian, `2026-11-25` in English (unambiguous).
pub fn date_label(at: DateTime<Utc>, locale: Locale) -> String {
    // By hand rather than with `format("%d/%m/%Y")`: chrono's format-string parser would add to the WASM.
    use chrono::Datelike;
    let (y, m, d) = (at.year(), at.month(), at.day());
    match locale {
        Locale::It => format!("{d:02}/{m:02}/{y:04}"),
        Locale::En => format!("{y:04}-{m:02}-{d:02}"),
    }
}

/// A time of day in UTC, `14:05:09 UTC` (for logs such as the mailbox).
pub fn time_label(at: DateTime<Utc>) -> String {
    use chrono::Timelike;
    format!("{:02}:{:02}:{:02} UTC", at.hour(), at.minute(), at.second())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn locale_from_cookie_and_tags() {
        assert_eq!(Locale::from_cookie("a=b; segnala_lang=en"), Some(Locale::En));
        assert_eq!(Locale::from_cookie("segnala_lang=it"), Some(Locale::It));
        assert_eq!(Locale::from_cookie("segnala_lang=fr"), None);
        assert_eq!(Locale::from_cookie(""), None);
        assert_eq!(Locale::from_tag("en-GB"), Some(Locale::En));
        assert_eq!(Locale::from_tag("xx"), None);
    }

    #[test]
    fn every_message_is_translated() {
        assert_ne!(
            Msg::ListHeading.text(Locale::It),
            Msg::ListHeading.text(Locale::En)
        );
        for s in ReportState::ALL {
            assert!(!s.label(Locale::It).is_empty() && !s.label(Locale::En).is_empty());
        }
    }

    #[test]
    fn ages_with_plurals() {
        let now = Utc
            .with_ymd_and_hms(2026, 11, 25, 12, 0, 0)
            .single()
            .expect("date");
        let ago = |s: i64| now - chrono::Duration::seconds(s);
        assert_eq!(age_label(ago(10), now, Locale::It), "adesso");
        assert_eq!(age_label(ago(60), now, Locale::It), "1 minuto fa");
        assert_eq!(age_label(ago(7200), now, Locale::En), "2 hours ago");
        assert_eq!(age_label(ago(86_400), now, Locale::It), "1 giorno fa");
        assert_eq!(age_label(ago(86_400 * 3), now, Locale::En), "3 days ago");
        assert_eq!(age_label(ago(86_400 * 65), now, Locale::It), "2 mesi fa");
        assert_eq!(age_label(ago(86_400 * 400), now, Locale::En), "1 year ago");
        assert_eq!(
            age_label(now + chrono::Duration::seconds(5), now, Locale::En),
            "just now"
        );
        assert_eq!(date_label(now, Locale::It), "25/11/2026");
    }
}
