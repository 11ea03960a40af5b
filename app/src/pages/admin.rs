//! Administration pages. For now the development mailbox: every message of the outbox, what happened to it, and
//! its text and HTML as sent (the way to read mail when no SMTP server is configured).

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use shared::i18n::{AccountMsg as A, Msg, age_label, date_label, time_label};
use shared::mail::{MailDetail, MailPage, MailStatus};

use crate::forms::{FormError, TextField, use_feedback};
use crate::i18n::use_locale;
use crate::pages::account::{AccountFrame, Notice, notice_from_query};
use crate::pages::not_found::ErrorBox;
use crate::server_fns::mail::{get_mail, get_mailbox};

#[component]
fn StatusTag(status: MailStatus) -> impl IntoView {
    let locale = use_locale();
    let class = match status {
        MailStatus::Pending => "tag tag-pending",
        MailStatus::Sent => "tag tag-sent",
        MailStatus::Failed => "tag tag-failed",
        MailStatus::Suppressed => "tag",
    };
    view! { <span class=class>{status.label(locale)}</span> }
}

/// `/amministrazione/posta[?prima=ID]`
#[component]
pub fn MailboxPage() -> impl IntoView {
    let locale = use_locale();
    let feedback = use_feedback();
    let notice = notice_from_query();
    let before = use_query_map()
        .read_untracked()
        .get("prima")
        .and_then(|p| p.parse::<i64>().ok());
    let page = Resource::new(move || before, get_mailbox);
    let t = move |m: A| locale.t(m);
    view! {
        <AccountFrame title=locale.t(Msg::DevMailbox)>
            <Notice notice=notice />
            <p class="lead">{t(A::MailboxIntro)}</p>
            <details class="send-test">
                <summary>{t(A::SendTest)}</summary>
                <FormError error=feedback.error_of("prova") />
                <form method="post" action="/amministrazione/posta/prova" class="stack">
                    <TextField name="email" label=t(A::Recipient) kind="email" required=true
                        value=feedback.value("prova", "email") />
                    <button type="submit" class="button">{t(A::SendTest)}</button>
                </form>
            </details>
            <Suspense fallback=move || view! { <p class="muted">{locale.t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(p) => view! { <MailTable page=p /> }.into_any(),
                        Err(e) => view! { <ErrorBox error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </AccountFrame>
    }
}

#[component]
fn MailTable(page: MailPage) -> impl IntoView {
    let locale = use_locale();
    let t = move |m: A| locale.t(m);
    let now = page.now;
    let counts = page
        .counts
        .iter()
        .map(|(s, n)| format!("{}: {n}", s.label(locale)))
        .collect::<Vec<_>>()
        .join(" · ");
    let smtp = if page.smtp { A::SmtpOn } else { A::SmtpOff };
    let rows = if page.items.is_empty() {
        view! { <p class="muted">{t(A::MailboxEmpty)}</p> }.into_any()
    } else {
        view! {
            <table class="mailbox">
                <thead><tr>
                    <th scope="col">{t(A::Written)}</th>
                    <th scope="col">{t(A::Recipient)}</th>
                    <th scope="col">{t(A::Subject)}</th>
                    <th scope="col">{t(A::Status)}</th>
                    <th scope="col">{t(A::Attempts)}</th>
                </tr></thead>
                <tbody>
                    {page.items.into_iter().map(|m| view! {
                        <tr class="mail-row">
                            <td><time datetime=m.created_at.to_rfc3339()>{age_label(m.created_at, now, locale)}</time></td>
                            <td class="mail-to">{m.recipient}</td>
                            <td><a href=format!("/amministrazione/posta/{}", m.id)>{m.subject}</a></td>
                            <td><StatusTag status=m.status /></td>
                            <td>{m.attempts}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        }
        .into_any()
    };
    view! {
        <p class="notice">{t(smtp)}</p>
        <p class="muted mail-counts">{counts}</p>
        {rows}
        {page.next.map(|n| view! {
            <p><a href=format!("/amministrazione/posta?prima={n}")>{t(A::OlderMessages)} " ›"</a></p>
        })}
    }
}

/// `/amministrazione/posta/{id}`
#[component]
pub fn MailPageView() -> impl IntoView {
    let locale = use_locale();
    let id = use_params_map()
        .read_untracked()
        .get("id")
        .and_then(|i| i.parse::<i64>().ok())
        .unwrap_or_default();
    let mail = Resource::new(move || id, get_mail);
    let t = move |m: A| locale.t(m);
    view! {
        <AccountFrame title=locale.t(Msg::DevMailbox)>
            <p class="breadcrumb"><a href="/amministrazione/posta">{"‹ "}{t(A::BackToMailbox)}</a></p>
            <Suspense fallback=move || view! { <p class="muted">{locale.t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match mail.await {
                        Ok(m) => view! { <MailView mail=m /> }.into_any(),
                        Err(e) => view! { <ErrorBox error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </AccountFrame>
    }
}

#[component]
fn MailView(mail: MailDetail) -> impl IntoView {
    let locale = use_locale();
    let t = move |m: A| locale.t(m);
    let s = mail.summary;
    view! {
        <h2 class="mail-subject">{s.subject}</h2>
        <dl class="facts">
            <dt>{t(A::Recipient)}</dt><dd class="mail-to">{s.recipient}</dd>
            <dt>{t(A::Status)}</dt><dd><StatusTag status=s.status /></dd>
            <dt>{t(A::Written)}</dt><dd>{date_label(s.created_at, locale)} " " {time_label(s.created_at)}</dd>
            {s.sent_at.map(|at| view! { <dt>{t(A::SentAt)}</dt><dd>{date_label(at, locale)} " " {time_label(at)}</dd> })}
            {(s.status == MailStatus::Pending).then(|| view! {
                <dt>{t(A::NextAttempt)}</dt><dd>{time_label(mail.next_attempt_at)}</dd>
            })}
            <dt>{t(A::Attempts)}</dt><dd>{s.attempts}</dd>
            <dt>"Message-ID"</dt><dd><code>{mail.message_id}</code></dd>
            <dt>"List-Unsubscribe"</dt><dd><a href=mail.unsubscribe_url.clone()>{mail.unsubscribe_url.clone()}</a></dd>
            {s.last_error.map(|e| view! { <dt>{t(A::LastError)}</dt><dd class="mail-error">{e}</dd> })}
            {mail.smtp_reply.map(|r| view! { <dt>{t(A::SmtpReply)}</dt><dd><code>{r}</code></dd> })}
        </dl>
        <h3>{t(A::PlainText)}</h3>
        <pre class="mail-text">{mail.body_text}</pre>
        <h3>{t(A::HtmlPreview)}</h3>
        // Sandboxed: no scripts, no forms, no navigation of this page.
        <iframe class="mail-html" sandbox="" srcdoc=mail.body_html title=t(A::HtmlPreview)></iframe>
    }
}

/// `/amministrazione/registro[?segnalazione=CODE&prima=ID]`: the audit log, newest first.
#[component]
pub fn AuditPageView() -> impl IntoView {
    use crate::server_fns::work::get_audit;
    use shared::i18n::WorkMsg as W;
    let locale = use_locale();
    let query = use_query_map();
    let report = query
        .read_untracked()
        .get("segnalazione")
        .filter(|s| !s.is_empty());
    let before = query
        .read_untracked()
        .get("prima")
        .and_then(|p| p.parse::<i64>().ok());
    let r = report.clone();
    let page = Resource::new(move || (r.clone(), before), |(r, b)| get_audit(r, b));
    let t = move |m: W| locale.t(m);
    view! {
        <AccountFrame title=locale.t(W::Audit)>
            <p class="lead">{t(W::AuditIntro)}</p>
            <Suspense fallback=move || view! { <p class="muted">{locale.t(Msg::Loading)}</p> }>
                {move || {
                    let report = report.clone();
                    Suspend::new(async move {
                    match page.await {
                        Ok(p) => view! {
                            <table class="audit">
                                <thead><tr>
                                    <th scope="col">{t(W::When)}</th>
                                    <th scope="col">{t(W::Who)}</th>
                                    <th scope="col">{t(W::What)}</th>
                                    <th scope="col">{t(W::Report)}</th>
                                    <th scope="col">{t(W::Details)}</th>
                                </tr></thead>
                                <tbody>
                                    {p.items.into_iter().map(|e| view! {
                                        <tr>
                                            <td><time datetime=e.at.to_rfc3339()>{date_label(e.at, locale)} " " {time_label(e.at)}</time></td>
                                            <td>{e.actor}</td>
                                            <td><code>{e.action}</code></td>
                                            <td>{e.report.map(|c| view! { <a href=format!("/ufficio/segnalazioni/{c}")>{c.clone()}</a> })}</td>
                                            <td><code class="audit-detail">{e.detail}</code></td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                            {p.next.map(|n| {
                                let extra = report.as_ref().map(|r| format!("&segnalazione={r}")).unwrap_or_default();
                                view! { <p><a href=format!("/amministrazione/registro?prima={n}{extra}")>{t(W::Older)} " ›"</a></p> }
                            })}
                        }.into_any(),
                        Err(e) => view! { <ErrorBox error=e /> }.into_any(),
                    }
                })}}
            </Suspense>
        </AccountFrame>
    }
}

/// The steps from an empty installation to an open service, and the button that opens it.
#[component]
fn SetupChecklist() -> impl IntoView {
    use crate::server_fns::site::get_checklist;
    use shared::i18n::{SiteMsg as S, setup_step_label};
    let locale = use_locale();
    let fb = use_feedback();
    let list = Resource::new(|| (), |_| get_checklist());
    view! {
        <section id="lista" class="admin-section">
            <h2>{locale.t(S::Checklist)}</h2>
            <p class="muted">{locale.t(S::ChecklistIntro)}</p>
            <FormError error=fb.error_of("open") />
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(c) => {
                            let opened = c.opened_at;
                            view! {
                                <ul class="checklist">
                                    {c.steps.into_iter().map(|(step, done)| view! {
                                        <li class="checklist-step" data-step=format!("{step:?}") data-done=done.to_string()>
                                            <span class=if done { "done" } else { "todo" }>
                                                {if done { locale.t(S::Done) } else { locale.t(S::ToDo) }}
                                            </span>
                                            <a href=step.href() rel="external">{setup_step_label(step, locale)}</a>
                                            {(!step.required()).then(|| view! { <span class="muted">"("{locale.t(S::Optional)}")"</span> })}
                                        </li>
                                    }).collect_view()}
                                </ul>
                                {match opened {
                                    Some(at) => view! {
                                        <p class="notice service-open">{locale.t(S::OpenSince)} " " {date_label(at, locale)}</p>
                                    }.into_any(),
                                    None => view! {
                                        <form method="post" action="/amministrazione/apri" class="stack">
                                            <p class="muted">{locale.t(S::OpenServiceHint)}</p>
                                            <button type="submit" class="button">{locale.t(S::OpenService)}</button>
                                        </form>
                                    }.into_any(),
                                }}
                            }.into_any()
                        }
                        Err(e) => view! { <ErrorBox error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// `/amministrazione`: offices, categories, templates, contractors, areas, routing rules, staff. Each change is
/// a plain form post (`server::http::admin`).
#[component]
pub fn AdminHome() -> impl IntoView {
    use crate::server_fns::work::get_admin;
    use shared::i18n::WorkMsg as W;
    let locale = use_locale();
    let done = use_query_map().read_untracked().get("fatto").is_some();
    let overview = Resource::new(|| (), |_| get_admin());
    view! {
        <AccountFrame title=locale.t(W::Admin)>
            <p class="lead">{locale.t(W::AdminIntro)}</p>
            {done.then(|| view! { <p class="notice" role="status">{locale.t(W::Saved)}</p> })}
            <SetupChecklist />
            <nav class="admin-nav">
                <a href="/amministrazione/ente" rel="external">{locale.t(shared::i18n::SiteMsg::IdentityTitle)}</a> " · "
                <a href="#uffici">{locale.t(Msg::Office)}</a> " · "
                <a href="#categorie">{locale.t(W::Categories)}</a> " · "
                <a href="#modelli">{locale.t(W::Templates)}</a> " · "
                <a href="#ditte">{locale.t(W::Contractors)}</a> " · "
                <a href="#aree">{locale.t(W::Areas)}</a> " · "
                <a href="#vie">{locale.t(W::StreetsTitle)}</a> " · "
                <a href="#regole">{locale.t(W::Rules)}</a> " · "
                <a href="#personale">{locale.t(W::Staff)}</a> " · "
                <a href="/amministrazione/registro">{locale.t(W::Audit)}</a> " · "
                <a href="/amministrazione/posta">{locale.t(Msg::DevMailbox)}</a>
            </nav>
            <Suspense fallback=move || view! { <p class="muted">{locale.t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match overview.await {
                        Ok(o) => view! { <crate::pages::admin_sections::Sections overview=o /> }.into_any(),
                        Err(e) => view! { <ErrorBox error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </AccountFrame>
    }
}
