//! `/`: the public map, with a plain list of the same reports beside it (rendered on the server, so the page
//! is useful before the WASM loads, and for people who cannot use a map).

use chrono::Utc;
use leptos::prelude::*;
use leptos_meta::Title;
use shared::i18n::{Msg, age_label};
use shared::report::{MapPin, Viewport};

use crate::components::header::Header;
use crate::components::report_map::ReportMap;
use crate::components::state_badge::StateBadge;
use crate::i18n::use_locale;
use crate::pages::not_found::ErrorBox;
use crate::server_fns::reports::{get_map_setup, get_viewport};

#[component]
pub fn MapPage() -> impl IntoView {
    let locale = use_locale();
    let setup = Resource::new(|| (), |_| get_map_setup());
    // None = the whole municipality (the first view); then whatever the visitor pans to.
    let (bbox, set_bbox) = signal(None::<String>);
    let reports = Resource::new(move || bbox.get(), get_viewport);
    // Live: any report changing reloads the viewport (the server coalesces bursts).
    Effect::new(move |_| crate::live::on_change(None, move || reports.refetch()));
    let last_good = RwSignal::new(None::<Viewport>);
    Effect::new(move |_| {
        if let Some(Ok(v)) = reports.get() {
            last_good.set(Some(v));
        }
    });
    let pins =
        Signal::derive(move || last_good.with(|v| v.as_ref().map(|v| v.pins.clone()).unwrap_or_default()));
    // `Utc::now()` does not exist in the browser (no clock on wasm32-unknown-unknown): ages are always counted
    // from the server's answer.
    let now = Signal::derive(move || last_good.with(|v| v.as_ref().map(|v| v.now).unwrap_or_default()));
    let on_move = Callback::new(move |b: String| set_bbox.set(Some(b)));

    view! {
        <Title text=move || {
            let town = setup.get().and_then(Result::ok).map(|s| s.municipality).unwrap_or_default();
            if town.is_empty() { locale.t(Msg::AppName).to_owned() } else { format!("{} · {town}", locale.t(Msg::AppName)) }
        } />
        <a class="skip-link" href="#elenco">{locale.t(Msg::SkipToList)}</a>
        <Header />
        <main class="map-page">
            <section class="map-pane" aria-label=locale.t(Msg::MapLabel)>
                <Suspense fallback=move || view! { <div class="map-placeholder">{locale.t(Msg::Loading)}</div> }>
                    {move || Suspend::new(async move {
                        match setup.await {
                            Ok(s) => view! {
                                <ReportMap
                                    fit=s.bbox
                                    outline=s.outline
                                    pins=pins
                                    now=now
                                    tile_url=s.tile_url
                                    tile_attribution=s.tile_attribution
                                    on_move=on_move
                                    class="map-full"
                                />
                                <Legend />
                            }.into_any(),
                            Err(e) => view! { <ErrorBox error=e /> }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
            <aside id="elenco" class="list-pane" aria-labelledby="elenco-titolo">
                <h1 id="elenco-titolo">{locale.t(Msg::ListHeading)}</h1>
                <Transition fallback=move || view! { <p class="muted">{locale.t(Msg::Loading)}</p> }>
                    {move || Suspend::new(async move {
                        match reports.await {
                            Ok(v) => view! { <ReportList viewport=v /> }.into_any(),
                            Err(e) => view! { <ErrorBox error=e /> }.into_any(),
                        }
                    })}
                </Transition>
            </aside>
        </main>
    }
}

/// The colours of the states.
#[component]
fn Legend() -> impl IntoView {
    let locale = use_locale();
    view! {
        <details class="legend">
            <summary>{locale.t(Msg::Legend)}</summary>
            <ul>
                {shared::ReportState::ALL
                    .into_iter()
                    .map(|s| view! {
                        <li><span class="legend-dot" style=format!("background: {}", s.colour())></span>{s.label(locale)}</li>
                    })
                    .collect_view()}
            </ul>
        </details>
    }
}

/// The plain list of the viewport's reports.
#[component]
fn ReportList(viewport: Viewport) -> impl IntoView {
    let locale = use_locale();
    if viewport.pins.is_empty() {
        return view! { <p class="muted list-empty">{locale.t(Msg::ListEmpty)}</p> }.into_any();
    }
    let shown = viewport.pins.len() as i64;
    let summary = (viewport.total > shown).then(|| {
        view! {
            <p class="muted list-summary">
                {format!("{} {shown} {} {}", locale.t(Msg::ShowingNewest), locale.t(Msg::Of), viewport.total)}
            </p>
        }
    });
    let now = viewport.now;
    view! {
        {summary}
        <ol class="report-list">
            {viewport.pins.into_iter().map(|p| view! { <ReportRow pin=p now=now /> }).collect_view()}
        </ol>
    }
    .into_any()
}

#[component]
fn ReportRow(pin: MapPin, now: chrono::DateTime<Utc>) -> impl IntoView {
    let locale = use_locale();
    view! {
        <li class="report-row" data-receipt=pin.receipt_code.clone()>
            <a class="report-row-title" href=format!("/segnalazioni/{}", pin.receipt_code)>{pin.title}</a>
            <div class="report-row-meta">
                <StateBadge state=pin.state />
                <span>{pin.category}</span>
                <time datetime=pin.created_at.to_rfc3339()>{age_label(pin.created_at, now, locale)}</time>
            </div>
        </li>
    }
}
