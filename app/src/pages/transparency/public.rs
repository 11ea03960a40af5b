//! `/trasparenza` and the periodic reports (`/trasparenza/resoconti`, `/trasparenza/resoconti/{period}`).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_params_map};
use shared::Locale;
use shared::i18n::{StatsMsg as S, date_label};
use shared::map::Month;
use shared::stats::{
    Figures, PeriodKind, PeriodReport, PeriodSummary, Scope, ScopeFigures, StatsView, TransparencyData,
    map_query,
};

use super::charts::{self, Area, Bar, MonthColumns};
use super::fmt;
use crate::components::header::Header;
use crate::i18n::use_locale;
use crate::pages::not_found::ErrorBox;
use crate::server_fns::stats::{get_period_report, get_period_reports, get_transparency};

/// The map link (with `?`) of a scope's reports, optionally of one state and span of months.
pub(super) fn map_href(scope: Scope, id: i32, state: Option<&str>, months: Option<(Month, Month)>) -> String {
    let q = map_query(scope, id, state, months);
    if q.is_empty() {
        "/".into()
    } else {
        format!("/?{q}")
    }
}

#[component]
pub fn TransparencyPage() -> impl IntoView {
    let locale = use_locale();
    let location = use_location();
    let data = Resource::new(move || location.search.get(), get_transparency);
    view! {
        <Title text=locale.t(S::Title) />
        <Header />
        <main class="page stats-page" id="contenuto" tabindex="-1">
            <h1>{locale.t(S::Title)}</h1>
            <p class="lead">{locale.t(S::Intro)}</p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(d) => view! { <StatsBody data=d /> }.into_any(),
                        Err(e) => view! { <ErrorBox error=e /> <p><a href="/trasparenza" rel="external">{locale.t(S::Whole)}</a></p> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

/// The window, the refresh time and the rule about small numbers.
#[component]
pub(super) fn StatsNote(view: StatsView) -> impl IntoView {
    let locale = use_locale();
    view! {
        <p class="muted stats-note">
            {locale.t(S::Window)}": "{view.months_shown.0.to_string()}" – "{view.months_shown.1.to_string()}". "
            {match view.refreshed_at {
                Some(t) => format!("{} {} {} UTC. ", locale.t(S::Refreshed), date_label(t, locale), t.format("%H:%M")),
                None => format!("{} ", locale.t(S::NotYet)),
            }}
            {format!("{} {} {}.", locale.t(S::MinRule), view.min_reports, locale.t(S::Reports))}
        </p>
    }
}

/// The scope and months form (a GET form: works without WASM).
#[component]
pub(super) fn ScopeForm(view: StatsView, action: &'static str) -> impl IntoView {
    let locale = use_locale();
    let (scope, id) = (view.scope.scope, view.scope.id);
    let option = move |s: Scope, x: &ScopeFigures| {
        view! { <option value=x.id.to_string() selected={scope == s && id == x.id}>{x.name.clone()}</option> }
    };
    view! {
        <form method="get" action=action class="stats-form">
            <label>{locale.t(S::Office)}
                <select name="ufficio"><option value="">{locale.t(S::Whole)}</option>
                    {view.offices.iter().map(|x| option(Scope::Office, x)).collect_view()}
                </select>
            </label>
            <label>{locale.t(S::Category)}
                <select name="categoria"><option value="">{locale.t(S::Whole)}</option>
                    {view.categories.iter().map(|x| option(Scope::Category, x)).collect_view()}
                </select>
            </label>
            <label>{locale.t(S::District)}
                <select name="quartiere"><option value="">{locale.t(S::Whole)}</option>
                    {view.areas.iter().map(|x| option(Scope::Area, x)).collect_view()}
                </select>
            </label>
            <label>{locale.t(S::FromMonth)}
                <input type="month" name="dal" value=view.months_shown.0.to_string()
                    min=view.window.0.to_string() max=view.window.1.to_string() />
            </label>
            <label>{locale.t(S::ToMonth)}
                <input type="month" name="al" value=view.months_shown.1.to_string()
                    min=view.window.0.to_string() max=view.window.1.to_string() />
            </label>
            <button type="submit">{locale.t(S::Apply)}</button>
        </form>
    }
}

/// The headline figures of a scope.
#[component]
pub(super) fn KeyFigures(figures: Figures, open: Option<(i64, i64)>, min: i64, map: String) -> impl IntoView {
    let locale = use_locale();
    let f = figures;
    let card = |label: S, value: String| {
        view! { <div class="figure"><dt>{locale.t(label)}</dt><dd>{value}</dd></div> }
    };
    view! {
        <dl class="figures">
            {card(S::Received, f.received.to_string())}
            {card(S::TakenInCharge, f.taken_in_charge.to_string())}
            {card(S::Resolved, f.resolved.to_string())}
            {card(S::Rejected, f.rejected.to_string())}
            {card(S::TakeMedian, fmt::duration(f.take_median(min), min, locale))}
            {card(S::TakeP90, fmt::duration(f.take_p90(min), min, locale))}
            {card(S::ResolveMedian, fmt::duration(f.resolve_median(min), min, locale))}
            {card(S::ResolveP90, fmt::duration(f.resolve_p90(min), min, locale))}
            {card(S::WithinSla, fmt::share(f.within_sla(min), min, locale))}
            {open.map(|(o, late)| view! {
                {card(S::OpenNow, o.to_string())}
                {card(S::OverdueNow, late.to_string())}
            })}
            {card(S::Timeliness, fmt::mark(f.timeliness(min), min, locale))}
            {card(S::Quality, fmt::mark(f.quality(min), min, locale))}
            {card(S::Ratings, f.ratings.to_string())}
            {card(S::Compliments, f.compliments.to_string())}
        </dl>
        <p><a href=map rel="external">{locale.t(S::SeeOnMap)}</a></p>
    }
}

/// A table of scopes (offices, categories or districts) with every figure; rows link to their page and map.
#[component]
pub(super) fn ScopeTable(rows: Vec<ScopeFigures>, min: i64, caption: S, csv: String) -> impl IntoView {
    let locale = use_locale();
    view! {
        <div class="table-wrap">
        <table class="stats-table">
            <caption>{locale.t(caption)}" · "<a href=csv rel="external" download="">{locale.t(S::Csv)}</a></caption>
            <thead><tr>
                <th scope="col">{locale.t(S::Name)}</th>
                <th scope="col">{locale.t(S::Received)}</th>
                <th scope="col">{locale.t(S::TakenInCharge)}</th>
                <th scope="col">{locale.t(S::TakeMedian)}</th>
                <th scope="col">{locale.t(S::Resolved)}</th>
                <th scope="col">{locale.t(S::ResolveMedian)}</th>
                <th scope="col">{locale.t(S::ResolveP90)}</th>
                <th scope="col">{locale.t(S::WithinSla)}</th>
                <th scope="col">{locale.t(S::Rejected)}</th>
                <th scope="col">{locale.t(S::OpenNow)}</th>
                <th scope="col">{locale.t(S::OverdueNow)}</th>
                <th scope="col">{locale.t(S::Timeliness)}</th>
                <th scope="col">{locale.t(S::Quality)}</th>
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|r| {
                    let f = &r.figures;
                    let param = match r.scope {
                        Scope::Office => "ufficio",
                        Scope::Category => "categoria",
                        Scope::Area => "quartiere",
                        Scope::All => "",
                    };
                    view! { <tr>
                        <th scope="row"><a href=format!("/trasparenza?{param}={}", r.id) rel="external">{r.name.clone()}</a>
                            " "<a class="muted" href=map_href(r.scope, r.id, None, None) rel="external" aria-label=format!("{}: {}", locale.t(S::SeeOnMap), r.name)>"↗"</a></th>
                        <td>{f.received}</td>
                        <td>{f.taken_in_charge}</td>
                        <td>{fmt::duration(f.take_median(min), min, locale)}</td>
                        <td>{f.resolved}</td>
                        <td>{fmt::duration(f.resolve_median(min), min, locale)}</td>
                        <td>{fmt::duration(f.resolve_p90(min), min, locale)}</td>
                        <td>{fmt::share(f.within_sla(min), min, locale)}</td>
                        <td>{f.rejected}</td>
                        <td>{r.open_now}</td>
                        <td>{r.overdue_now}</td>
                        <td>{fmt::mark(f.timeliness(min), min, locale)}</td>
                        <td>{fmt::mark(f.quality(min), min, locale)}</td>
                    </tr> }
                }).collect_view()}
            </tbody>
        </table>
        </div>
    }
}

/// Month by month: the chart and its table.
#[component]
pub(super) fn Trend(view: StatsView, csv: String) -> impl IntoView {
    let locale = use_locale();
    let (scope, id) = (view.scope.scope, view.scope.id);
    let min = view.min_reports;
    let columns: Vec<MonthColumns> = view
        .months
        .iter()
        .map(|m| MonthColumns {
            label: m.month.to_string(),
            received: m.figures.received,
            resolved: m.figures.resolved,
            received_href: map_href(scope, id, None, Some((m.month, m.month))),
            resolved_href: map_href(scope, id, Some("risolte"), Some((m.month, m.month))),
        })
        .collect();
    let svg = charts::trend(
        locale.t(S::TrendTitle),
        &format!(
            "{} — {}",
            scope_title(&view.scope, locale),
            locale.t(S::DataTable)
        ),
        (locale.t(S::Received), locale.t(S::Resolved)),
        &columns,
    );
    view! {
        <section class="chart-section">
            <h2>{locale.t(S::TrendTitle)}</h2>
            <figure class="chart-figure" inner_html=svg></figure>
            <details class="chart-data"><summary>{locale.t(S::DataTable)}</summary>
            <div class="table-wrap"><table class="stats-table">
                <caption>{locale.t(S::TrendTitle)}" · "<a href=csv rel="external" download="">{locale.t(S::Csv)}</a></caption>
                <thead><tr>
                    <th scope="col">{locale.t(S::Month)}</th>
                    <th scope="col">{locale.t(S::Received)}</th>
                    <th scope="col">{locale.t(S::TakenInCharge)}</th>
                    <th scope="col">{locale.t(S::Resolved)}</th>
                    <th scope="col">{locale.t(S::ResolveMedian)}</th>
                    <th scope="col">{locale.t(S::WithinSla)}</th>
                    <th scope="col">{locale.t(S::Rejected)}</th>
                    <th scope="col">{locale.t(S::Compliments)}</th>
                </tr></thead>
                <tbody>
                    {view.months.iter().map(|m| { let f = &m.figures; view! { <tr>
                        <th scope="row"><a href=map_href(scope, id, None, Some((m.month, m.month))) rel="external">{m.month.to_string()}</a></th>
                        <td>{f.received}</td><td>{f.taken_in_charge}</td><td>{f.resolved}</td>
                        <td>{fmt::duration(f.resolve_median(min), min, locale)}</td>
                        <td>{fmt::share(f.within_sla(min), min, locale)}</td>
                        <td>{f.rejected}</td><td>{f.compliments}</td>
                    </tr> } }).collect_view()}
                </tbody>
            </table></div>
            </details>
        </section>
    }
}

/// The heading of a scope: its name, or "the whole municipality".
pub(super) fn scope_title(s: &ScopeFigures, locale: Locale) -> String {
    match s.scope {
        Scope::All => locale.t(S::Whole).to_owned(),
        _ => s.name.clone(),
    }
}

fn resolve_bars(rows: &[ScopeFigures], min: i64, locale: Locale) -> Vec<Bar> {
    rows.iter()
        .map(|r| Bar {
            label: r.name.clone(),
            value: r.figures.resolve_median(min).value(),
            text: fmt::duration(r.figures.resolve_median(min), min, locale),
            href: map_href(r.scope, r.id, Some("risolte"), None),
        })
        .collect()
}

#[component]
fn StatsBody(data: TransparencyData) -> impl IntoView {
    let locale = use_locale();
    let v = data.view;
    let min = v.min_reports;
    let s = &v.scope;
    let scope_q = match s.scope {
        Scope::All => String::new(),
        _ => format!("&{}", map_query(s.scope, s.id, None, None)),
    };
    let span = format!("dal={}&al={}", v.months_shown.0, v.months_shown.1);
    let csv = |t: &str| format!("/trasparenza/dati.csv?tabella={t}&{span}{scope_q}");
    let offices_svg = charts::bars(
        locale.t(S::OfficesTitle),
        locale.t(S::DataTable),
        &resolve_bars(&v.offices, min, locale),
    );
    let mut top = v.categories.clone();
    top.sort_by(|a, b| {
        b.figures
            .received
            .cmp(&a.figures.received)
            .then(a.name.cmp(&b.name))
    });
    top.truncate(10);
    let top_svg = charts::bars(
        locale.t(S::CategoriesTitle),
        locale.t(S::DataTable),
        &top.iter()
            .map(|r| Bar {
                label: r.name.clone(),
                value: Some(r.figures.received as f64),
                text: r.figures.received.to_string(),
                href: map_href(Scope::Category, r.id, None, Some(v.window)),
            })
            .collect::<Vec<_>>(),
    );
    let map_svg = {
        let b = data
            .districts
            .iter()
            .fold(None::<(f64, f64, f64, f64)>, |acc, d| {
                let (x0, y0, w, h) = d.bounds;
                Some(match acc {
                    None => (x0, y0, x0 + w, y0 + h),
                    Some((a, b, c, e)) => (a.min(x0), b.min(y0), c.max(x0 + w), e.max(y0 + h)),
                })
            });
        let areas: Vec<Area> = data
            .districts
            .iter()
            .map(|d| {
                let row = v.areas.iter().find(|a| a.id == d.id);
                let shown = row.map(|r| r.figures.resolve_median(min));
                Area {
                    name: d.name.clone(),
                    path: d.path.clone(),
                    label_at: d.label_at,
                    value: shown.and_then(|s| s.value()),
                    text: shown.map_or_else(
                        || locale.t(S::NoData).to_owned(),
                        |s| fmt::duration(s, min, locale),
                    ),
                    href: map_href(Scope::Area, d.id, Some("risolte"), None),
                }
            })
            .collect();
        b.map(|(x0, y0, x1, y1)| {
            charts::choropleth(
                locale.t(S::DistrictsTitle),
                locale.t(S::DataTable),
                (x0, y0, x1 - x0, y1 - y0),
                &areas,
                (locale.t(S::Faster), locale.t(S::Slower), locale.t(S::NoData)),
            )
        })
        .unwrap_or_default()
    };
    let open = Some((s.open_now, s.overdue_now));
    let scope_map = map_href(s.scope, s.id, None, None);
    view! {
        <StatsNote view=v.clone() />
        <ScopeForm view=v.clone() action="/trasparenza" />
        <h2>{scope_title(s, locale)}</h2>
        <KeyFigures figures=s.figures.clone() open=open min=min map=scope_map />
        <Trend view=v.clone() csv=csv("mesi") />
        <section class="chart-section">
            <h2>{locale.t(S::OfficesTitle)}</h2>
            <figure class="chart-figure" inner_html=offices_svg></figure>
            <ScopeTable rows=v.offices.clone() min=min caption=S::ByOffice csv=csv("uffici") />
        </section>
        <section class="chart-section">
            <h2>{locale.t(S::DistrictsTitle)}</h2>
            <figure class="chart-figure" inner_html=map_svg></figure>
            <ScopeTable rows=v.areas.clone() min=min caption=S::ByDistrict csv=csv("quartieri") />
        </section>
        <section class="chart-section">
            <h2>{locale.t(S::CategoriesTitle)}</h2>
            <figure class="chart-figure" inner_html=top_svg></figure>
            <ScopeTable rows=v.categories.clone() min=min caption=S::ByCategory csv=csv("categorie") />
        </section>
        <section class="compliments">
            <h2>{locale.t(S::Compliments)}": "{s.figures.compliments}</h2>
            {if v.compliments.is_empty() {
                view! { <p class="muted">{locale.t(S::NoCompliments)}</p> }.into_any()
            } else {
                view! { <ul>{v.compliments.iter().map(|(code, title, at)| view! {
                    <li><a href=format!("/segnalazioni/{code}") rel="external">{title.clone()}</a>
                        " · "<time datetime=at.to_rfc3339()>{date_label(*at, locale)}</time></li>
                }).collect_view()}</ul> }.into_any()
            }}
        </section>
        <p><a class="button" href="/trasparenza/resoconti" rel="external">{locale.t(S::PeriodReports)}</a></p>
    }
}

#[component]
pub fn PeriodListPage() -> impl IntoView {
    let locale = use_locale();
    let list = Resource::new(|| (), |_| get_period_reports());
    view! {
        <Title text=locale.t(S::PeriodReports) />
        <Header />
        <main class="page stats-page" id="contenuto" tabindex="-1">
            <p class="breadcrumb"><a href="/trasparenza" rel="external">{"‹ "}{locale.t(S::Title)}</a></p>
            <h1>{locale.t(S::PeriodReports)}</h1>
            <p class="lead">{locale.t(S::PeriodReportsIntro)}</p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(l) if l.is_empty() => view! { <p class="muted">{locale.t(S::NoPeriodReports)}</p> }.into_any(),
                        Ok(l) => view! { <PeriodTable list=l /> }.into_any(),
                        Err(e) => view! { <ErrorBox error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

#[component]
fn PeriodTable(list: Vec<PeriodSummary>) -> impl IntoView {
    let locale = use_locale();
    view! {
        <table class="stats-table period-list">
            <thead><tr>
                <th scope="col">{locale.t(S::Period)}</th>
                <th scope="col">{locale.t(S::Received)}</th>
                <th scope="col">{locale.t(S::Resolved)}</th>
                <th scope="col">{locale.t(S::Generated)}</th>
                <th scope="col">"CSV"</th>
            </tr></thead>
            <tbody>
                {list.into_iter().map(|p| view! { <tr>
                    <th scope="row"><a href=format!("/trasparenza/resoconti/{}", p.label) rel="external">
                        {format!("{} {}", locale.t(if p.kind == PeriodKind::Year { S::Yearly } else { S::Monthly }), p.label)}</a></th>
                    <td>{p.received}</td>
                    <td>{p.resolved}</td>
                    <td>{date_label(p.generated_at, locale)}{(p.generation > 1).then(|| format!(" ({} {})", locale.t(S::Generation), p.generation))}</td>
                    <td><a href=format!("/trasparenza/resoconti/{}/resoconto.csv", p.label) rel="external" download="">"CSV"</a></td>
                </tr> }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
pub fn PeriodPage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let label = move || params.read().get("period").unwrap_or_default();
    let report = Resource::new(label, get_period_report);
    let admin = crate::auth::authenticated().is_some_and(|a| {
        shared::permission::can(
            Some(&a.viewer),
            shared::permission::Action::RegeneratePeriodicReports,
            shared::permission::Target::Municipality,
        )
    });
    view! {
        <Header />
        <main class="page stats-page period-report" id="contenuto" tabindex="-1">
            <p class="breadcrumb"><a href="/trasparenza/resoconti" rel="external">{"‹ "}{locale.t(S::PeriodReports)}</a></p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match report.await {
                        Ok(r) => view! { <PeriodBody report=r admin=admin /> }.into_any(),
                        Err(e) => view! { <ErrorBox error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

#[component]
fn PeriodBody(report: PeriodReport, admin: bool) -> impl IntoView {
    let locale = use_locale();
    let min = report.min_reports;
    let r = report;
    let title = format!(
        "{} {} {}",
        locale.t(S::PeriodReportTitle),
        locale
            .t(if r.kind == PeriodKind::Year {
                S::Yearly
            } else {
                S::Monthly
            })
            .to_lowercase(),
        r.label
    );
    let table = move |caption: S, rows: Vec<(String, Figures)>| {
        view! {
            <div class="table-wrap"><table class="stats-table">
                <caption>{locale.t(caption)}</caption>
                <thead><tr>
                    <th scope="col">{locale.t(S::Name)}</th>
                    <th scope="col">{locale.t(S::Received)}</th>
                    <th scope="col">{locale.t(S::TakenInCharge)}</th>
                    <th scope="col">{locale.t(S::Resolved)}</th>
                    <th scope="col">{locale.t(S::Rejected)}</th>
                    <th scope="col">{locale.t(S::TakeMedian)}</th>
                    <th scope="col">{locale.t(S::ResolveMedian)}</th>
                    <th scope="col">{locale.t(S::WithinSla)}</th>
                    <th scope="col">{locale.t(S::Timeliness)}</th>
                    <th scope="col">{locale.t(S::Quality)}</th>
                </tr></thead>
                <tbody>{rows.into_iter().map(|(name, f)| view! { <tr>
                    <th scope="row">{name}</th>
                    <td>{f.received}</td><td>{f.taken_in_charge}</td><td>{f.resolved}</td><td>{f.rejected}</td>
                    <td>{fmt::duration(f.take_median(min), min, locale)}</td>
                    <td>{fmt::duration(f.resolve_median(min), min, locale)}</td>
                    <td>{fmt::share(f.within_sla(min), min, locale)}</td>
                    <td>{fmt::mark(f.timeliness(min), min, locale)}</td>
                    <td>{fmt::mark(f.quality(min), min, locale)}</td>
                </tr> }).collect_view()}</tbody>
            </table></div>
        }
    };
    let label = r.label.clone();
    let end_day = r.end - chrono::Duration::days(1);
    view! {
        <Title text=title.clone() />
        <h1>{title.clone()}</h1>
        <p class="muted">
            {format!("{} – {}. ", r.start.format("%d/%m/%Y"), end_day.format("%d/%m/%Y"))}
            {format!("{} {}", locale.t(S::Generated), date_label(r.generated_at, locale))}
            {(r.generation > 1).then(|| format!(" ({} {})", locale.t(S::Generation), r.generation))}". "
            {format!("{} {} {}.", locale.t(S::MinRule), min, locale.t(S::Reports))}
        </p>
        <p class="no-print">
            <a href=format!("/trasparenza/resoconti/{label}/resoconto.csv") rel="external" download="">{locale.t(S::Csv)}</a>
            " · "<a href=format!("/trasparenza/resoconti/{label}/resoconto.pdf") rel="external">"PDF"</a>
        </p>
        <h2>{locale.t(S::Totals)}</h2>
        <KeyFigures figures=r.total.clone() open=None min=min map=map_href(Scope::All, 0, None, Some((Month::of_date(r.start), Month::of_date(end_day)))) />
        <dl class="figures"><div class="figure"><dt>{locale.t(S::CommentsReceived)}</dt><dd class="comments-received">{r.comments}</dd></div>
            <div class="figure"><dt>{locale.t(S::NotSolved)}</dt><dd>{r.total.not_solved}</dd></div></dl>
        <h2>{locale.t(S::Channels)}</h2>
        <ul class="channels">{r.total.by_channel.iter().map(|(c, n)| view! { <li>{c.label(locale)}": "{*n}</li> }).collect_view()}</ul>
        {table(S::ByOffice, r.offices.clone())}
        {table(S::ByCategory, r.categories.clone())}
        {table(S::ByDistrict, r.districts.clone())}
        {admin.then(|| view! {
            <form method="post" action=format!("/trasparenza/resoconti/{label}/rigenera") class="no-print">
                <button type="submit">{locale.t(S::Regenerate)}</button>
            </form>
        })}
    }
}
