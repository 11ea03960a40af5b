//! The legal pages every page's footer links (`/privacy`, `/accessibilita`, `/note-legali`) and the
//! administrator's identity page (`/amministrazione/ente`). Rendered on the server only (`Bundle::Static`):
//! text, links and plain forms.

#[cfg(feature = "ssr")]
mod pages {
    use leptos::prelude::*;
    use leptos_meta::Title;
    use leptos_router::hooks::use_query_map;
    use shared::i18n::{Msg, SiteMsg as S};
    use shared::site::{IdentityPage, LegalKind, Section};

    use crate::components::header::Header;
    use crate::forms::{FormError, TextField, use_feedback};
    use crate::i18n::use_locale;
    use crate::pages::not_found::ErrorBox;
    use crate::server_fns::site::{get_identity, get_legal};

    fn legal(kind: LegalKind, title: S) -> impl IntoView {
        let locale = use_locale();
        let page = Resource::new(move || kind, get_legal);
        view! {
            <Title text=locale.t(title) />
            <Header />
            <main class="page legal-page" id="contenuto" tabindex="-1">
                <h1>{locale.t(title)}</h1>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match page.await {
                            Ok(sections) => sections.into_iter().map(|s: Section| view! {
                                <section>
                                    {(!s.heading.is_empty()).then(|| view! { <h2>{s.heading.clone()}</h2> })}
                                    {s.paragraphs.into_iter().map(|p| view! { <p>{p}</p> }).collect_view()}
                                </section>
                            }).collect_view().into_any(),
                            Err(e) => view! { <ErrorBox error=e /> }.into_any(),
                        }
                    })}
                </Suspense>
                {(kind == LegalKind::Accessibility).then(|| view! { <span id="segnalazione"></span> })}
            </main>
        }
    }

    #[component]
    pub fn PrivacyPage() -> impl IntoView {
        legal(LegalKind::Privacy, S::PrivacyTitle)
    }

    #[component]
    pub fn AccessibilityPage() -> impl IntoView {
        legal(LegalKind::Accessibility, S::AccessibilityTitle)
    }

    #[component]
    pub fn LegalNotesPage() -> impl IntoView {
        legal(LegalKind::Notes, S::LegalTitle)
    }

    /// `/amministrazione/ente`: the identity, the URP's contacts, the legal texts, the logo.
    #[component]
    pub fn IdentityAdminPage() -> impl IntoView {
        let locale = use_locale();
        let page = Resource::new(|| (), |_| get_identity());
        let saved = use_query_map().read_untracked().get("fatto").is_some();
        view! {
            <Title text=locale.t(S::IdentityTitle) />
            <Header />
            <main class="page narrow" id="contenuto" tabindex="-1">
                <p class="breadcrumb"><a href="/amministrazione" rel="external">{"‹ "}{locale.t(shared::i18n::WorkMsg::Admin)}</a></p>
                <h1>{locale.t(S::IdentityTitle)}</h1>
                <p class="lead">{locale.t(S::IdentityIntro)}</p>
                {saved.then(|| view! { <p class="notice" role="status">{locale.t(S::Saved)}</p> })}
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match page.await {
                            Ok(p) => view! { <IdentityForms page=p /> }.into_any(),
                            Err(e) => view! { <ErrorBox error=e /> }.into_any(),
                        }
                    })}
                </Suspense>
            </main>
        }
    }

    #[component]
    fn IdentityForms(page: IdentityPage) -> impl IntoView {
        let locale = use_locale();
        let t = move |m: S| locale.t(m);
        let fb = use_feedback();
        // What was typed, after a refused post; what is saved, otherwise.
        let value = {
            let fb = fb.clone();
            move |name: &'static str| {
                if fb.form == "identity" {
                    fb.value("identity", name)
                } else {
                    page.values
                        .iter()
                        .find(|(k, _)| k == name)
                        .map(|(_, v)| v.clone())
                        .unwrap_or_default()
                }
            }
        };
        let area =
            |name: &'static str, label: &'static str, hint: Option<&'static str>, rows: u32, v: String| {
                let id = format!("campo-{name}");
                view! {
                    <div class="field">
                        <label for=id.clone()>{label}</label>
                        {hint.map(|h| view! { <p class="field-hint">{h}</p> })}
                        <textarea id=id name=name rows=rows.to_string()>{v}</textarea>
                    </div>
                }
            };
        view! {
            <FormError error=fb.error_of("identity") />
            <form method="post" action="/amministrazione/ente" class="stack identity-form">
                <fieldset>
                    <legend>{t(S::Identity)}</legend>
                    <TextField name="name" label=t(S::SiteName) hint=t(S::SiteNameHint) required=true value=value("name") />
                    <TextField name="name_of" label=t(S::NameOf) hint=t(S::NameOfHint) value=value("name_of") />
                    <TextField name="name_to" label=t(S::NameTo) hint=t(S::NameToHint) value=value("name_to") />
                    <TextField name="example_street" label=t(S::ExampleStreet) hint=t(S::ExampleStreetHint) value=value("example_street") />
                    {area("footer", t(S::Footer), None, 2, value("footer"))}
                </fieldset>
                <fieldset>
                    <legend>{t(S::Urp)}</legend>
                    <TextField name="address" label=t(S::UrpAddress) autocomplete="street-address" value=value("address") />
                    <TextField name="phone" label=t(S::Phone) kind="tel" value=value("phone") />
                    <TextField name="email" label=t(S::Email) kind="email" value=value("email") />
                    <TextField name="pec" label=t(S::Pec) kind="email" value=value("pec") />
                    {area("hours", t(S::Hours), None, 2, value("hours"))}
                </fieldset>
                <fieldset>
                    <legend>{t(S::Legal)}</legend>
                    <TextField name="dpo" label=t(S::Dpo) hint=t(S::DpoHint) value=value("dpo") />
                    <TextField name="accessibility_url" label=t(S::AccessibilityUrl) hint=t(S::AccessibilityUrlHint) kind="url" value=value("accessibility_url") />
                    {area("privacy_notice", t(S::PrivacyOwn), Some(t(S::PrivacyOwnHint)), 6, value("privacy_notice"))}
                    <p><a href="/privacy" rel="external" target="_blank">{t(S::PrivacyPreview)}</a></p>
                    {area("legal_notes", t(S::LegalOwn), None, 4, value("legal_notes"))}
                </fieldset>
                <button type="submit" class="button">{t(S::Save)}</button>
            </form>
            <h2 id="stemma">{t(S::Logo)}</h2>
            <FormError error=fb.error_of("logo") />
            {page.logo_url.clone().map(|src| view! { <p><img src=src alt=t(S::Logo) class="logo-preview" /></p> })}
            <form method="post" action="/amministrazione/stemma" enctype="multipart/form-data" class="stack">
                <div class="field">
                    <label for="campo-logo">{t(S::Logo)}</label>
                    <p class="field-hint">{t(S::LogoHint)}</p>
                    <input id="campo-logo" type="file" name="logo" accept="image/png,image/jpeg,image/webp" required />
                </div>
                <button type="submit" class="button">{t(S::UploadLogo)}</button>
            </form>
            {page.logo_url.is_some().then(|| view! {
                <form method="post" action="/amministrazione/stemma?remove=1" enctype="multipart/form-data">
                    <button type="submit" class="link-button">{t(S::RemoveLogo)}</button>
                </form>
            })}
            <p class="muted">{locale.t(Msg::PrivacyNotice)}": "<a href="/privacy" rel="external">"/privacy"</a></p>
        }
    }
}

#[cfg(feature = "ssr")]
pub use pages::{AccessibilityPage, IdentityAdminPage, LegalNotesPage, PrivacyPage};

#[cfg(not(feature = "ssr"))]
mod stubs {
    use leptos::prelude::*;

    #[component]
    pub fn PrivacyPage() -> impl IntoView {}
    #[component]
    pub fn AccessibilityPage() -> impl IntoView {}
    #[component]
    pub fn LegalNotesPage() -> impl IntoView {}
    #[component]
    pub fn IdentityAdminPage() -> impl IntoView {}
}
#[cfg(not(feature = "ssr"))]
pub use stubs::*;
