//! `/ufficio/cruscotto`: the staff dashboard. The public figures, plus workload per person and contractor,
//! SLA breaches coming up, contacts by channel and internal reports; every table downloads as CSV.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_location;
use shared::i18n::{Msg, StatsMsg as S, date_label};
use shared::stats::{Dashboard, Scope, Workload, map_query};

use super::fmt;
use super::public::{KeyFigures, ScopeForm, ScopeTable, StatsNote, Trend};
use crate::components::header::Header;
use crate::i18n::use_locale;
use crate::pages::not_found::ErrorBox;
use crate::server_fns::stats::get_dashboard;

#[component]
pub fn DashboardPage() -> impl IntoView {
    let locale = use_locale();
    let location = use_location();
    let data = Resource::new(move || location.search.get(), get_dashboard);
    view! {
        <Title text=locale.t(S::DashboardTitle) />
        <Header />
        <main class="page stats-page dashboard" id="contenuto" tabindex="-1">
            <h1>{locale.t(S::DashboardTitle)}</h1>
            <p class="lead">{locale.t(S::DashboardIntro)}</p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(d) => view! { <DashboardBody d=d /> }.into_any(),
                        Err(e) if e.code() == shared::ErrorCode::Unauthenticated => view! {
                            <ErrorBox error=e />
                            <p><a href="/accedi?ritorno=/ufficio/cruscotto" rel="external">{locale.t(Msg::SignIn)}</a></p>
                        }.into_any(),
                        Err(e) => view! { <ErrorBox error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

#[component]
fn WorkloadTable(rows: Vec<Workload>, who: S, caption: S, csv: Option<String>) -> impl IntoView {
    let locale = use_locale();
    view! {
        <div class="table-wrap"><table class="stats-table">
            <caption>{locale.t(caption)}{csv.map(|c| view! { " · "<a href=c rel="external" download="">{locale.t(S::Csv)}</a> })}</caption>
            <thead><tr>
                <th scope="col">{locale.t(who)}</th>
                <th scope="col">{locale.t(S::Open)}</th>
                <th scope="col">{locale.t(S::Overdue)}</th>
            </tr></thead>
            <tbody>
                {if rows.is_empty() {
                    view! { <tr><td colspan="3" class="muted">{locale.t(S::Nobody)}</td></tr> }.into_any()
                } else {
                    rows.into_iter().map(|w| view! { <tr><th scope="row">{w.name}</th><td>{w.open}</td><td>{w.overdue}</td></tr> }).collect_view().into_any()
                }}
            </tbody>
        </table></div>
    }
}

#[component]
fn DashboardBody(d: Dashboard) -> impl IntoView {
    let locale = use_locale();
    let v = d.stats;
    let min = v.min_reports;
    let s = v.scope.clone();
    let scope_q = match s.scope {
        Scope::All => String::new(),
        _ => format!("&{}", map_query(s.scope, s.id, None, None)),
    };
    let span = format!("dal={}&al={}", v.months_shown.0, v.months_shown.1);
    let export = d.may_export;
    let csv =
        move |t: &str| export.then(|| format!("/ufficio/cruscotto/dati.csv?tabella={t}&{span}{scope_q}"));
    let or_empty = |c: Option<String>| c.unwrap_or_default();
    let f = s.figures.clone();
    view! {
        <StatsNote view=v.clone() />
        <ScopeForm view=v.clone() action="/ufficio/cruscotto" />
        <h2>{super::public::scope_title(&s, locale)}</h2>
        <KeyFigures figures=f.clone() open=Some((s.open_now, s.overdue_now)) min=min map=super::public::map_href(s.scope, s.id, Some("aperte"), None) />
        <section>
            <h2>{locale.t(S::Breaches)}</h2>
            {if d.breaches.is_empty() {
                view! { <p class="muted">{locale.t(S::NoBreaches)}</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap"><table class="stats-table breaches">
                        <caption>{locale.t(S::Breaches)}{csv("scadenze").map(|c| view! { " · "<a href=c rel="external" download="">{locale.t(S::Csv)}</a> })}</caption>
                        <thead><tr>
                            <th scope="col">{locale.t(S::Due)}</th>
                            <th scope="col">{locale.t(S::Code)}</th>
                            <th scope="col">{locale.t(S::Report)}</th>
                            <th scope="col">{locale.t(S::Office)}</th>
                        </tr></thead>
                        <tbody>{d.breaches.into_iter().map(|b| view! { <tr>
                            <td><time datetime=b.due.to_rfc3339()>{date_label(b.due, locale)}</time></td>
                            <td><a href=format!("/ufficio/segnalazioni/{}", b.code) rel="external">{b.code.clone()}</a></td>
                            <td>{b.title}</td>
                            <td>{b.office}</td>
                        </tr> }).collect_view()}</tbody>
                    </table></div>
                }.into_any()
            }}
        </section>
        <section>
            <WorkloadTable rows=d.people who=S::Person caption=S::Workload csv=csv("persone") />
            <WorkloadTable rows=d.contractors who=S::Contractor caption=S::ContractorWorkload csv=csv("ditte") />
        </section>
        <section>
            <h2>{locale.t(S::Channels)}</h2>
            <div class="table-wrap"><table class="stats-table">
                <caption>{locale.t(S::Channels)}{csv("canali").map(|c| view! { " · "<a href=c rel="external" download="">{locale.t(S::Csv)}</a> })}</caption>
                <thead><tr><th scope="col">{locale.t(S::Channel)}</th><th scope="col">{locale.t(S::Received)}</th></tr></thead>
                <tbody>
                    {f.by_channel.iter().map(|(c, n)| view! { <tr><th scope="row">{c.label(locale)}</th><td>{*n}</td></tr> }).collect_view()}
                    <tr><th scope="row">{locale.t(S::InternalReports)}</th><td class="internal-reports">{f.internal_received}</td></tr>
                </tbody>
            </table></div>
            <p class="muted">{format!("{}: {} · {}: {}", locale.t(S::Ratings), f.ratings, locale.t(S::NotSolved), f.not_solved)}
                " · "{locale.t(S::Timeliness)}": "{fmt::mark(f.timeliness(min), min, locale)}</p>
        </section>
        <Trend view=v.clone() csv=or_empty(csv("mesi")) />
        <ScopeTable rows=v.offices.clone() min=min caption=S::ByOffice csv=or_empty(csv("uffici")) />
        <ScopeTable rows=v.categories.clone() min=min caption=S::ByCategory csv=or_empty(csv("categorie")) />
        <ScopeTable rows=v.areas.clone() min=min caption=S::ByDistrict csv=or_empty(csv("quartieri")) />
    }
}
