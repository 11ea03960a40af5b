//! `/la-mia-pagina`: the signed-in person's account, reports, mail preferences, password, second factor (staff)
//! and sessions. Each section is a plain form posting to `/la-mia-pagina/…`.

use leptos::prelude::*;
use shared::i18n::{AccountMsg as A, Msg, age_label, date_label};
use shared::user::{MyPage, SessionInfo};
use shared::{Field, Locale};

use super::sign_in::NewPasswordField;
use super::{AccountFrame, Notice, notice_from_query};
use crate::components::state_badge::StateBadge;
use crate::error::AppError;
use crate::forms::{FormError, FormFeedback, TextField, use_feedback};
use crate::i18n::use_locale;
use crate::pages::not_found::ErrorBox;
use crate::server_fns::users::get_my_page;

#[component]
pub fn MyPageView() -> impl IntoView {
    let locale = use_locale();
    let feedback = use_feedback();
    let notice = notice_from_query();
    let page = Resource::new(|| (), |_| get_my_page());
    view! {
        <AccountFrame title=locale.t(Msg::MyPage)>
            <Notice notice=notice />
            <Suspense fallback=move || view! { <p class="muted">{locale.t(Msg::Loading)}</p> }>
                {
                    let feedback = feedback.clone();
                    move || {
                        let feedback = feedback.clone();
                        Suspend::new(async move {
                            match page.await {
                                Ok(p) => view! { <Sections page=p feedback=feedback /> }.into_any(),
                                Err(AppError::Code(shared::ErrorCode::Unauthenticated)) => view! {
                                    <p role="alert" data-code=shared::ErrorCode::Unauthenticated.as_str()>{locale.t(A::SignInNeeded)}</p>
                                    <p><a class="button primary" href="/accedi?ritorno=/la-mia-pagina">{locale.t(Msg::SignIn)}</a></p>
                                }
                                .into_any(),
                                Err(e) => view! { <ErrorBox error=e /> }.into_any(),
                            }
                        })
                    }
                }
            </Suspense>
        </AccountFrame>
    }
}

#[component]
fn Sections(page: MyPage, feedback: FormFeedback) -> impl IntoView {
    let locale = use_locale();
    let t = move |m: A| locale.t(m);
    let p = page;
    let v = &p.viewer;
    let now = p.now;
    let offices = (!p.office_names.is_empty()).then(|| {
        view! { <dt>{t(A::Offices)}</dt><dd>{p.office_names.join(", ")}</dd> }
    });
    let contractor = p
        .contractor_name
        .clone()
        .map(|c| view! { <dt>{t(A::ContractorLabel)}</dt><dd>{c}</dd> });
    view! {
        <section aria-labelledby="sezione-account">
            <h2 id="sezione-account">{t(A::MyAccount)}</h2>
            <dl class="facts">
                <dt>{t(A::Name)}</dt><dd class="account-name">{v.name.clone()}</dd>
                <dt>{t(A::Email)}</dt><dd>{v.email.clone()}</dd>
                <dt>{t(A::RoleLabel)}</dt><dd class="account-role">{v.role.label(locale)}</dd>
                {offices}
                {contractor}
                <dt>{t(A::MemberSince)}</dt><dd>{date_label(p.created_at, locale)}</dd>
            </dl>
        </section>
        <MyReports reports=p.reports.clone() now=now />
        <Preferences prefs=p.preferences.clone() mail_locale=p.locale feedback=feedback.clone() />
        <ChangePassword feedback=feedback.clone() />
        {v.role.is_staff().then(|| view! {
            <TwoFactor enabled=p.totp_enabled setup=p.totp_setup.clone() feedback=feedback.clone() />
        })}
        <Sessions sessions=p.sessions.clone() now=now feedback=feedback.clone() />
        <form method="post" action="/esci">
            <button type="submit" class="button">{locale.t(Msg::SignOut)}</button>
        </form>
    }
}

#[component]
fn MyReports(reports: Vec<shared::report::MyReport>, now: chrono::DateTime<chrono::Utc>) -> impl IntoView {
    let locale = use_locale();
    let list = if reports.is_empty() {
        view! { <p class="muted">{locale.t(A::MyReportsEmpty)}</p> }.into_any()
    } else {
        view! {
            <ol class="report-list">
                {reports.into_iter().map(|r| {
                    let title = if r.is_public {
                        view! { <a class="report-row-title" href=format!("/segnalazioni/{}", r.receipt_code)>{r.title}</a> }.into_any()
                    } else {
                        view! { <span class="report-row-title">{r.title}</span> }.into_any()
                    };
                    view! {
                        <li class="report-row my-report">
                            {title}
                            <div class="report-row-meta">
                                <StateBadge state=r.state />
                                <span class="receipt-code">{r.receipt_code}</span>
                                <span>{r.category}</span>
                                {(!r.is_public).then(|| view! { <span class="tag">{locale.t(A::PrivateReport)}</span> })}
                                <time datetime=r.created_at.to_rfc3339()>{age_label(r.created_at, now, locale)}</time>
                            </div>
                        </li>
                    }
                }).collect_view()}
            </ol>
        }
        .into_any()
    };
    view! {
        <section aria-labelledby="sezione-segnalazioni">
            <h2 id="sezione-segnalazioni">{locale.t(A::MyReports)}</h2>
            {list}
        </section>
    }
}

#[component]
fn Preferences(
    prefs: Vec<(shared::mail::NotificationKind, bool)>,
    mail_locale: Locale,
    feedback: FormFeedback,
) -> impl IntoView {
    let locale = use_locale();
    let t = move |m: A| locale.t(m);
    view! {
        <section aria-labelledby="sezione-notifiche">
            <h2 id="sezione-notifiche">{t(A::MailNotifications)}</h2>
            <FormError error=feedback.error_of("notifiche") />
            <form method="post" action="/la-mia-pagina/notifiche" class="stack">
                <fieldset>
                    <legend>{t(A::MailNotificationsIntro)}</legend>
                    {prefs.into_iter().map(|(kind, on)| {
                        let id = format!("notifica-{}", kind.as_str());
                        view! {
                            <div class="check">
                                <input type="checkbox" id=id.clone() name="attive" value=kind.as_str() checked=on />
                                <label for=id>{kind.label(locale)}</label>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
                <div class="field">
                    <label for="campo-lingua">{t(A::EmailLanguage)}</label>
                    <select id="campo-lingua" name="lingua">
                        {Locale::ALL.into_iter().map(|l| view! {
                            <option value=l.tag() selected=l == mail_locale>{l.native_name()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <button type="submit" class="button">{t(A::Save)}</button>
            </form>
        </section>
    }
}

#[component]
fn ChangePassword(feedback: FormFeedback) -> impl IntoView {
    let locale = use_locale();
    let t = move |m: A| locale.t(m);
    view! {
        <section aria-labelledby="sezione-password">
            <h2 id="sezione-password">{t(A::ChangePassword)}</h2>
            <p class="muted">{t(A::ChangePasswordNote)}</p>
            <FormError error=feedback.error_of("password").filter(|e| e.field().is_none()) />
            <form method="post" action="/la-mia-pagina/password" class="stack">
                <TextField
                    name="attuale"
                    label=t(A::CurrentPassword)
                    kind="password"
                    autocomplete="current-password"
                    required=true
                    error=feedback.field_error("password", Field::CurrentPassword)
                />
                <NewPasswordField
                    name="nuova"
                    label=t(A::NewPassword)
                    error=feedback.field_error("password", Field::Password)
                />
                <button type="submit" class="button">{t(A::ChangePassword)}</button>
            </form>
        </section>
    }
}

#[component]
fn TwoFactor(enabled: bool, setup: Option<shared::user::TotpSetup>, feedback: FormFeedback) -> impl IntoView {
    let locale = use_locale();
    let t = move |m: A| locale.t(m);
    let body = match (enabled, setup) {
        (true, _) => view! {
            <p class="two-factor-state">{t(A::TwoFactorOnText)}</p>
            <FormError error=feedback.error_of("verifica-disattiva").filter(|e| e.field().is_none()) />
            <form method="post" action="/la-mia-pagina/verifica/disattiva" class="stack">
                <TextField
                    name="password"
                    label=t(A::CurrentPassword)
                    kind="password"
                    autocomplete="current-password"
                    required=true
                    error=feedback.field_error("verifica-disattiva", Field::CurrentPassword)
                />
                <button type="submit" class="button">{t(A::TwoFactorDisable)}</button>
            </form>
        }
        .into_any(),
        (false, Some(s)) => view! {
            <p>{t(A::TwoFactorScan)}</p>
            // The SVG is drawn by the server from the otpauth link (backend::users::totp::qr_svg): no user text.
            <div class="qr" role="img" aria-label=t(A::TwoFactorKey) inner_html=s.qr_svg></div>
            <p>{t(A::TwoFactorKey)} ": " <code class="totp-secret">{s.secret}</code></p>
            <FormError error=feedback.error_of("verifica-attiva").filter(|e| e.field().is_none()) />
            <form method="post" action="/la-mia-pagina/verifica/attiva" class="stack">
                <TextField
                    name="codice"
                    label=t(A::TotpCode)
                    autocomplete="one-time-code"
                    required=true
                    minlength=6
                    maxlength=7
                    error=feedback.field_error("verifica-attiva", Field::TotpCode)
                />
                <button type="submit" class="button primary">{t(A::TwoFactorEnable)}</button>
            </form>
        }
        .into_any(),
        (false, None) => view! {
            <p class="two-factor-state">{t(A::TwoFactorOffText)}</p>
            <form method="post" action="/la-mia-pagina/verifica/inizia">
                <button type="submit" class="button">{t(A::TwoFactorStart)}</button>
            </form>
        }
        .into_any(),
    };
    view! {
        <section aria-labelledby="sezione-verifica">
            <h2 id="sezione-verifica">{t(A::TotpTitle)}</h2>
            {body}
        </section>
    }
}

/// A short name for a browser from its User-Agent ("Firefox su Linux").
fn device_name(agent: Option<&str>, locale: Locale) -> String {
    let Some(a) = agent else {
        return locale.t(A::UnknownDevice).to_owned();
    };
    let browser = ["Edg/", "Firefox/", "Chrome/", "Safari/", "curl/"]
        .into_iter()
        .find(|b| a.contains(b))
        .map(|b| match b {
            "Edg/" => "Edge",
            "Firefox/" => "Firefox",
            "Chrome/" => "Chrome",
            "Safari/" => "Safari",
            _ => "curl",
        });
    let system = ["Android", "iPhone", "iPad", "Windows", "Mac OS", "Linux"]
        .into_iter()
        .find(|s| a.contains(s));
    match (browser, system, locale) {
        (Some(b), Some(s), Locale::It) => format!("{b} su {s}"),
        (Some(b), Some(s), Locale::En) => format!("{b} on {s}"),
        (Some(b), None, _) => b.to_owned(),
        _ => a.chars().take(60).collect(),
    }
}

#[component]
fn Sessions(
    sessions: Vec<SessionInfo>,
    now: chrono::DateTime<chrono::Utc>,
    feedback: FormFeedback,
) -> impl IntoView {
    let locale = use_locale();
    let t = move |m: A| locale.t(m);
    view! {
        <section aria-labelledby="sezione-sessioni">
            <h2 id="sezione-sessioni">{t(A::ActiveSessions)}</h2>
            <p class="muted">{t(A::ActiveSessionsIntro)}</p>
            <FormError error=feedback.error_of("sessioni") />
            <ul class="sessions">
                {sessions.into_iter().map(|s| view! {
                    <li class="session" class:current=s.current>
                        <div>
                            <strong>{device_name(s.user_agent.as_deref(), locale)}</strong>
                            {s.current.then(|| view! { " (" {t(A::ThisDevice)} ")" })}
                            {s.ip.map(|ip| view! { <span class="muted">" · " {ip}</span> })}
                        </div>
                        <div class="muted">
                            {t(A::SignedInOn)} " " {date_label(s.created_at, locale)} " · "
                            {t(A::LastSeen)} " " {age_label(s.last_seen_at, now, locale)}
                        </div>
                        <form method="post" action=format!("/la-mia-pagina/sessioni/{}/termina", s.id)>
                            <button type="submit" class="button small">{t(A::EndSession)}</button>
                        </form>
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_have_short_names() {
        let chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36";
        assert_eq!(device_name(Some(chrome), Locale::It), "Chrome su Linux");
        assert_eq!(device_name(Some("curl/8.1"), Locale::En), "curl");
        assert_eq!(device_name(None, Locale::En), "Unknown device");
    }
}
