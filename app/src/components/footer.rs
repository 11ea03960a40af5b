//! The foot of every page: the municipality, how to reach its URP, and the legal links every page of an Italian
//! public administration's site carries (privacy notice, accessibility statement and its feedback, legal notes).
//! Plain links, so it works without WASM — and rendered by the server alone, outside the hydrated application
//! (`shell`), so it costs the browser bundles nothing.

use leptos::prelude::*;
use shared::i18n::Msg;

use crate::i18n::use_locale;

#[component]
pub fn Footer(site: shared::site::Site) -> impl IntoView {
    let locale = use_locale();
    let c = site.contacts.clone();
    let line = |label: Option<&'static str>, value: String, href: Option<String>| {
        (!value.is_empty()).then(|| {
            let text = match href {
                Some(h) => view! { <a href=h>{value}</a> }.into_any(),
                None => view! { <span>{value}</span> }.into_any(),
            };
            view! { <li>{label.map(|l| format!("{l}: "))}{text}</li> }
        })
    };
    let feedback = if c.email.is_empty() {
        "/accessibilita#segnalazione".to_owned()
    } else {
        format!(
            "mailto:{}?subject={}",
            c.email,
            shared::url::encode_component(locale.t(Msg::AccessibilityFeedback))
        )
    };
    view! {
        <footer class="site-footer">
            <div class="footer-org">
                <p class="footer-name">{site.display_name().to_owned()}</p>
                {(!site.footer.is_empty()).then(|| view! { <p class="footer-text">{site.footer.clone()}</p> })}
                {(!c.is_empty()).then(|| view! {
                    <ul class="footer-contacts" aria-label=locale.t(Msg::Contacts)>
                        {line(None, c.address.clone(), None)}
                        {line(Some("Tel."), c.phone.clone(), Some(format!("tel:{}", c.phone.replace(' ', ""))))}
                        {line(Some("Email"), c.email.clone(), Some(format!("mailto:{}", c.email)))}
                        {line(Some("PEC"), c.pec.clone(), Some(format!("mailto:{}", c.pec)))}
                        {line(None, c.hours.clone(), None)}
                    </ul>
                })}
            </div>
            <nav class="footer-links" aria-label=locale.t(Msg::LegalNotes)>
                <a href="/privacy" rel="external">{locale.t(Msg::PrivacyNotice)}</a>
                // The statement the administration published on AgID's site, and this service's own page on its
                // known limits (the only one while the statement's address is not set).
                {(!site.accessibility_url.is_empty()).then(|| view! {
                    <a href=site.accessibility_url.clone()>{locale.t(Msg::AccessibilityStatement)}</a>
                })}
                <a href="/accessibilita" rel="external">{
                    if site.accessibility_url.is_empty() { locale.t(Msg::AccessibilityStatement) } else { locale.t(Msg::AccessibilityLimits) }
                }</a>
                <a href=feedback>{locale.t(Msg::AccessibilityFeedback)}</a>
                <a href="/note-legali" rel="external">{locale.t(Msg::LegalNotes)}</a>
            </nav>
        </footer>
    }
}

/// The line beside a form that collects personal data, linking the privacy notice.
#[component]
pub fn PrivacyNote() -> impl IntoView {
    let locale = use_locale();
    view! {
        <p class="privacy-note">
            <a href="/privacy" rel="external" target="_blank">{locale.t(Msg::PrivacyNote)}</a>
        </p>
    }
}
