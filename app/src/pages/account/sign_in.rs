//! Signing in (with the second factor's step), registering, confirming the address, and resetting a forgotten
//! password. Every form posts to the page's own address; `server::http::accounts` handles the post.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use shared::i18n::{AccountMsg as A, Msg};
use shared::user::{DisplayName, Email, check_password_shape};
use shared::{Field, ValidationError};

use super::{AccountFrame, Notice, notice_from_query};
use crate::auth::use_auth_options;
use crate::error::AppError;
use crate::forms::{FormError, ReturnTo, TextField, safe_return, use_feedback};
use crate::i18n::use_locale;
use crate::pages::not_found::ErrorBox;
use crate::server_fns::users::get_link_status;

fn check_email(s: &str) -> Result<(), ValidationError> {
    Email::parse(s).map(|_| ())
}

fn check_name(s: &str) -> Result<(), ValidationError> {
    DisplayName::parse(s).map(|_| ())
}

fn check_password(s: &str) -> Result<(), ValidationError> {
    check_password_shape(s, None)
}

/// A field for choosing a password (registration, reset, change): the length limits and the shape rules of
/// `shared::user`, checked as the person types.
#[component]
pub(super) fn NewPasswordField(
    name: &'static str,
    label: &'static str,
    #[prop(optional_no_strip)] error: Option<AppError>,
) -> impl IntoView {
    let locale = use_locale();
    view! {
        <TextField
            name=name
            label=label
            kind="password"
            autocomplete="new-password"
            hint=locale.t(A::PasswordHint)
            required=true
            minlength=shared::user::PASSWORD_MIN
            maxlength=shared::user::PASSWORD_MAX
            error=error
            check=check_password
        />
    }
}

/// `?ritorno=` of the current address, kept only when it is a path of this site.
fn return_path() -> String {
    let query = use_query_map();
    safe_return(query.read_untracked().get("ritorno").as_deref())
}

/// `/accedi`
#[component]
pub fn LoginPage() -> impl IntoView {
    let locale = use_locale();
    let feedback = use_feedback();
    let options = use_auth_options();
    let back = return_path();
    let t = move |m: A| locale.t(m);
    view! {
        <AccountFrame title=locale.t(A::LoginTitle)>
            <Notice notice=notice_from_query() />
            <p class="lead">{t(A::LoginIntro)}</p>
            <FormError error=feedback.error_of("accedi").filter(|e| e.field().is_none()) />
            <form method="post" action="/accedi" class="stack">
                <ReturnTo path=back.clone() />
                <TextField
                    name="email"
                    label=t(A::Email)
                    kind="email"
                    autocomplete="username"
                    required=true
                    value=feedback.value("accedi", "email")
                    error=feedback.field_error("accedi", Field::Email)
                    check=check_email
                />
                <TextField
                    name="password"
                    label=t(A::Password)
                    kind="password"
                    autocomplete="current-password"
                    required=true
                    error=feedback.field_error("accedi", Field::Password)
                />
                <button type="submit" class="button primary">{locale.t(Msg::SignIn)}</button>
            </form>
            <p><a href="/password-dimenticata">{t(A::ForgotPasswordLink)}</a></p>
            <p>{t(A::NoAccount)} " " <a href="/registrati">{t(A::Register)}</a></p>
            {options.oidc_label.map(|label| view! {
                <p class="or">{t(A::Or)}</p>
                <form method="get" action="/accedi/oidc">
                    <ReturnTo path=back.clone() />
                    <button type="submit" class="button">{format!("{} {label}", t(A::SignInWith))}</button>
                </form>
            })}
        </AccountFrame>
    }
}

/// `/accedi/verifica`: the code of the second factor.
#[component]
pub fn SecondFactorPage() -> impl IntoView {
    let locale = use_locale();
    let feedback = use_feedback();
    let t = move |m: A| locale.t(m);
    view! {
        <AccountFrame title=locale.t(A::TotpTitle)>
            <p class="lead">{t(A::TotpIntro)}</p>
            <FormError error=feedback.error_of("verifica") />
            <form method="post" action="/accedi/verifica" class="stack">
                <ReturnTo path=return_path() />
                <TextField
                    name="codice"
                    label=t(A::TotpCode)
                    kind="text"
                    autocomplete="one-time-code"
                    required=true
                    minlength=6
                    maxlength=7
                />
                <button type="submit" class="button primary">{t(A::Verify)}</button>
            </form>
        </AccountFrame>
    }
}

/// `/registrati`
#[component]
pub fn RegisterPage() -> impl IntoView {
    let locale = use_locale();
    let feedback = use_feedback();
    let t = move |m: A| locale.t(m);
    let (name_error, email_error, password_error) = (
        feedback.field_error("registrati", Field::DisplayName),
        feedback.field_error("registrati", Field::Email),
        feedback.field_error("registrati", Field::Password),
    );
    view! {
        <AccountFrame title=locale.t(A::RegisterTitle)>
            <p class="lead">{t(A::RegisterIntro)}</p>
            <FormError error=feedback.error_of("registrati") />
            <crate::components::footer::PrivacyNote />
            <form method="post" action="/registrati" class="stack">
                <TextField
                    name="nome"
                    label=t(A::Name)
                    autocomplete="name"
                    hint=t(A::NameHint)
                    required=true
                    maxlength=DisplayName::MAX
                    value=feedback.value("registrati", "nome")
                    error=name_error
                    check=check_name
                />
                <TextField
                    name="email"
                    label=t(A::Email)
                    kind="email"
                    autocomplete="email"
                    hint=t(A::EmailHint)
                    required=true
                    value=feedback.value("registrati", "email")
                    error=email_error
                    check=check_email
                />
                <NewPasswordField name="password" label=t(A::Password) error=password_error />
                <p class="muted">{t(A::PrivacyNote)}</p>
                <button type="submit" class="button primary">{t(A::CreateAccount)}</button>
            </form>
            <p>{t(A::HaveAccount)} " " <a href="/accedi">{locale.t(Msg::SignIn)}</a></p>
        </AccountFrame>
    }
}

/// `/registrati/inviata?a=m***@esempio.it`: the message is on its way.
#[component]
pub fn RegisterSentPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let to = query.read_untracked().get("a").unwrap_or_default();
    view! {
        <AccountFrame title=locale.t(A::CheckMailTitle)>
            <p class="lead" role="status">{locale.t(A::CheckMailText).replace("{}", &to)}</p>
            <p class="muted">{locale.t(A::NoMailHint)}</p>
        </AccountFrame>
    }
}

/// A page opened from a link in an email: checks the link without using it up, then shows `form` (given the
/// masked address and the token), or says what is wrong with the link and offers a new one.
#[component]
fn LinkPage<F>(title: &'static str, reset: bool, retry_href: &'static str, form: F) -> impl IntoView
where
    F: Fn(String, String) -> AnyView + Clone + Send + Sync + 'static,
{
    let locale = use_locale();
    let token = use_params_map().read_untracked().get("token").unwrap_or_default();
    let status = Resource::new(
        {
            let token = token.clone();
            move || token.clone()
        },
        move |token| get_link_status(reset, token),
    );
    view! {
        <AccountFrame title=title>
            <Suspense fallback=move || view! { <p class="muted">{locale.t(Msg::Loading)}</p> }>
                {
                    let (form, token) = (form.clone(), token.clone());
                    move || {
                        let (form, token) = (form.clone(), token.clone());
                        Suspend::new(async move {
                            match status.await {
                                Ok(email) => form(email, token),
                                Err(e) => view! {
                                    <ErrorBox error=e />
                                    <p><a class="button" href=retry_href>{locale.t(A::AskNewLink)}</a></p>
                                }
                                .into_any(),
                            }
                        })
                    }
                }
            </Suspense>
        </AccountFrame>
    }
}

/// `/conferma-email/{token}`: the password chosen at registration confirms the address and signs in.
#[component]
pub fn ConfirmEmailPage() -> impl IntoView {
    let locale = use_locale();
    let feedback = use_feedback();
    let t = move |m: A| locale.t(m);
    let form = move |email: String, token: String| {
        view! {
            <p class="lead">{t(A::ConfirmIntro).replace("{}", &email)}</p>
            <FormError error=feedback.error_of("conferma") />
            <form method="post" action=format!("/conferma-email/{token}") class="stack">
                <TextField name="password" label=t(A::Password) kind="password" autocomplete="current-password"
                    required=true />
                <button type="submit" class="button primary">{t(A::ConfirmButton)}</button>
            </form>
        }
        .into_any()
    };
    view! { <LinkPage title=t(A::ConfirmTitle) reset=false retry_href="/registrati" form=form /> }
}

/// `/password-dimenticata`
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let locale = use_locale();
    let feedback = use_feedback();
    let query = use_query_map();
    let sent = query.read_untracked().get("inviata").is_some();
    let t = move |m: A| locale.t(m);
    view! {
        <AccountFrame title=locale.t(A::ForgotTitle)>
            {sent.then(|| view! { <p class="notice" role="status">{t(A::ForgotSent)}</p> })}
            <p class="lead">{t(A::ForgotIntro)}</p>
            <FormError error=feedback.error_of("dimenticata") />
            <form method="post" action="/password-dimenticata" class="stack">
                <TextField
                    name="email"
                    label=t(A::Email)
                    kind="email"
                    autocomplete="username"
                    required=true
                    value=feedback.value("dimenticata", "email")
                    check=check_email
                />
                <button type="submit" class="button primary">{t(A::SendLink)}</button>
            </form>
        </AccountFrame>
    }
}

/// `/nuova-password/{token}`
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let locale = use_locale();
    let feedback = use_feedback();
    let t = move |m: A| locale.t(m);
    let form = move |email: String, token: String| {
        view! {
            <p class="lead">{t(A::ResetIntro).replace("{}", &email)}</p>
            <FormError error=feedback.error_of("nuova").filter(|e| e.field().is_none()) />
            <form method="post" action=format!("/nuova-password/{token}") class="stack">
                <NewPasswordField
                    name="password"
                    label=t(A::NewPassword)
                    error=feedback.field_error("nuova", Field::Password)
                />
                <button type="submit" class="button primary">{t(A::SavePassword)}</button>
            </form>
        }
        .into_any()
    };
    view! { <LinkPage title=t(A::ResetTitle) reset=true retry_href="/password-dimenticata" form=form /> }
}
