//! `/`: the public map of every report (clusters from the server's tiles at any zoom), its filters, and a plain
//! list of the newest reports of the view beside it (rendered on the server, so the page is useful before the
//! WASM loads, and for people who cannot use a map). The view — position and filters — is the address:
//! `/?z=14&lat=45.40640&lng=11.87680&stato=aperte&categoria=3`.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use shared::i18n::{BrowseMsg, Msg};
use shared::map::{MapFilter, encode_pairs};

use crate::components::cluster_map::{ClusterMap, MapView};
use crate::components::filter_form::{FilterForm, GoToCode, ViewLinks};
use crate::components::header::Header;
use crate::components::report_list::ReportRows;
use crate::error::AppError;
use crate::i18n::use_locale;
use crate::pages::not_found::ErrorBox;
use crate::server_fns::reports::{get_list, get_map_setup};

/// Reports listed beside the map.
const SIDE_LIST: u32 = 20;

/// The address' filters (an error names the bad parameter) and view.
pub fn filter_of(query: &leptos_router::params::ParamsMap) -> Result<MapFilter, AppError> {
    MapFilter::from_pairs(query.into_iter().map(|(k, v)| (k.as_ref(), v))).map_err(AppError::Invalid)
}

#[component]
pub fn MapPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let setup = Resource::new(|| (), |_| get_map_setup());
    let filter = Memo::new(move |_| query.with(filter_of));
    let good_filter = Memo::new(move |_| filter.get().unwrap_or_default());
    let view = Memo::new(move |_| {
        query.with(|q| MapView::from_params(q.get_str("z"), q.get_str("lat"), q.get_str("lng")))
    });
    // The area the list shows: the view's, exactly once the map has drawn it.
    let bbox = RwSignal::new(
        view.get_untracked()
            .and_then(|v| v.approx_bbox())
            .map(|b| b.to_param()),
    );
    let list_query = Memo::new(move |_| {
        let mut pairs = good_filter.get().pairs();
        if let Some(b) = bbox.get() {
            pairs.push(("bbox", b));
        }
        encode_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str())))
    });
    let list = Resource::new(move || list_query.get(), |q| get_list(q, SIDE_LIST));
    let refresh = RwSignal::new(0u32);
    // Live: any report changing asks the tiles again (304 where nothing changed) and reloads the list.
    Effect::new(move |_| {
        crate::live::on_change(None, move || {
            refresh.update(|n| *n += 1);
            list.refetch();
        })
    });
    let navigate = use_navigate();
    let on_move = Callback::new(move |(v, b): (MapView, String)| {
        bbox.set(Some(b));
        let mut pairs = good_filter.get_untracked().pairs();
        pairs.extend(v.pairs());
        let url = format!("/?{}", encode_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str()))));
        navigate(
            &url,
            NavigateOptions {
                replace: true,
                scroll: false,
                ..NavigateOptions::default()
            },
        );
    });
    let keep = Signal::derive(move || view.get().map(|v| v.pairs().to_vec()).unwrap_or_default());
    let list_link = move || {
        let q = list_query.get();
        if q.is_empty() {
            "/elenco".to_owned()
        } else {
            format!("/elenco?{q}")
        }
    };

    view! {
        <Title text=locale.t(Msg::MapLabel) />
        <a class="skip-link" href="#elenco" rel="external">{locale.t(Msg::SkipToList)}</a>
        <Header />
        <main class="map-page" id="contenuto" tabindex="-1">
            <section class="map-pane" aria-label=locale.t(Msg::MapLabel)>
                <Suspense fallback=move || view! { <div class="map-placeholder">{locale.t(Msg::Loading)}</div> }>
                    {move || Suspend::new(async move {
                        match setup.await {
                            Ok(s) => view! {
                                <ClusterMap
                                    fit=s.bbox
                                    outline=s.outline
                                    tile_url=s.tile_url
                                    tile_attribution=s.tile_attribution
                                    filter=good_filter
                                    view=view
                                    refresh=refresh
                                    on_move=on_move
                                />
                                <Legend />
                            }.into_any(),
                            Err(e) => view! { <ErrorBox error=e /> }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
            <aside id="elenco" class="list-pane" aria-labelledby="elenco-titolo">
                {(!crate::auth::use_site().open).then(|| view! { <crate::pages::new_report::OpensSoon /> })}
                {move || filter.get().err().map(|e| view! { <ErrorBox error=e /> })}
                <details class="filter-box" open=move || !good_filter.get().is_plain() || good_filter.get() != MapFilter::default()>
                    <summary>{locale.t(BrowseMsg::Filters)}</summary>
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                            setup.await.ok().map(|s| view! {
                                <FilterForm choices=s.choices filter=good_filter.get_untracked() action="/" keep=keep />
                            })
                        })}
                    </Suspense>
                </details>
                <GoToCode />
                <h1 id="elenco-titolo">{locale.t(BrowseMsg::NewestHere)}</h1>
                <Transition fallback=move || view! { <p class="muted">{locale.t(Msg::Loading)}</p> }>
                    {move || Suspend::new(async move {
                        match list.await {
                            Ok(l) if l.items.is_empty() => view! {
                                <p class="muted list-empty">{locale.t(Msg::ListEmpty)}</p>
                            }.into_any(),
                            Ok(l) => view! { <ReportRows items=l.items now=l.now /> }.into_any(),
                            Err(e) => view! { <ErrorBox error=e /> }.into_any(),
                        }
                    })}
                </Transition>
                // The list is a page without WASM (lib.rs `Bundle::Static`): loaded as a new page.
                <p><a href=list_link rel="external">{locale.t(BrowseMsg::SeeAllInList)}" ›"</a></p>
                <ViewLinks query=list_query filter=good_filter />
            </aside>
        </main>
    }
}

/// The colours of the states, and how clusters show them.
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
