//! `/elenco`: every public report as a list, newest first, with the map's filters (and its area, `bbox`, when
//! it comes from the map), in pages of 50 (`dopo` = where the next page starts: the same page whatever is
//! added meanwhile). `/elenco?stato=risolte` is "what the municipality fixed". Rendered on the server: plain
//! links and a GET form, for the keyboard, screen readers and no-WASM browsers alike.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use shared::i18n::{BrowseMsg, Msg};
use shared::map::{StateFilter, encode_pairs};

use crate::components::filter_form::{FilterForm, GoToCode, ViewLinks};
use crate::components::header::Header;
use crate::components::report_list::ReportRows;
use crate::i18n::use_locale;
use crate::pages::map::filter_of;
use crate::pages::not_found::ErrorBox;
use crate::server_fns::reports::{get_list, get_map_setup};

const PAGE: u32 = 50;

#[component]
pub fn ListPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let setup = Resource::new(|| (), |_| get_map_setup());
    let filter = Memo::new(move |_| query.with(filter_of));
    let good_filter = Memo::new(move |_| filter.get().unwrap_or_default());
    let bbox = Memo::new(move |_| query.with(|q| q.get("bbox")));
    // The view without the page: filters and area.
    let view_query = Memo::new(move |_| {
        let mut pairs = good_filter.get().pairs();
        if let Some(b) = bbox.get() {
            pairs.push(("bbox", b));
        }
        encode_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str())))
    });
    let page_query = Memo::new(move |_| {
        let dopo = query.with(|q| q.get("dopo"));
        match dopo {
            Some(d) if !d.is_empty() => {
                let base = view_query.get();
                let sep = if base.is_empty() { "" } else { "&" };
                format!("{base}{sep}{}", encode_pairs([("dopo", d.as_str())]))
            }
            _ => view_query.get(),
        }
    });
    let list = Resource::new(move || page_query.get(), |q| get_list(q, PAGE));
    let resolved = move || good_filter.get().state == StateFilter::Resolved;
    let keep = Signal::derive(move || bbox.get().map(|b| vec![("bbox", b)]).unwrap_or_default());
    let with_view = move |path: &'static str, extra: Option<(&'static str, String)>| {
        let mut pairs = good_filter.get().pairs();
        if let Some(b) = bbox.get() {
            pairs.push(("bbox", b));
        }
        pairs.extend(extra);
        let q = encode_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str())));
        if q.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{q}")
        }
    };
    let tab = move |state: StateFilter| {
        let mut f = good_filter.get();
        f.state = state;
        let mut pairs = f.pairs();
        if let Some(b) = bbox.get() {
            pairs.push(("bbox", b));
        }
        let q = encode_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str())));
        if q.is_empty() {
            "/elenco".to_owned()
        } else {
            format!("/elenco?{q}")
        }
    };
    let current = move |s: StateFilter| {
        if good_filter.get().state == s {
            Some("page")
        } else {
            None
        }
    };
    let map_link = move || {
        let q = good_filter.get().to_query();
        if q.is_empty() {
            "/".to_owned()
        } else {
            format!("/?{q}")
        }
    };

    view! {
        <Title text=move || locale.t(if resolved() { BrowseMsg::ResolvedTitle } else { BrowseMsg::ListTitle }) />
        <a class="skip-link" href="#risultati" rel="external">{locale.t(Msg::SkipToList)}</a>
        <Header />
        <main class="list-page" id="contenuto" tabindex="-1">
            <h1>{move || locale.t(if resolved() { BrowseMsg::ResolvedTitle } else { BrowseMsg::ListTitle })}</h1>
            <p class="muted">{move || locale.t(if resolved() { BrowseMsg::ResolvedIntro } else { BrowseMsg::ListIntro })}</p>
            <nav class="tabs" aria-label=locale.t(BrowseMsg::State)>
                <a href=move || tab(StateFilter::All) aria-current=move || current(StateFilter::All)>{locale.t(BrowseMsg::StateAll)}</a>
                <a href=move || tab(StateFilter::Open) aria-current=move || current(StateFilter::Open)>{locale.t(BrowseMsg::StateOpen)}</a>
                <a href=move || tab(StateFilter::Resolved) aria-current=move || current(StateFilter::Resolved)>{locale.t(BrowseMsg::StateResolved)}</a>
                <a href=map_link>{locale.t(BrowseMsg::SeeOnMap)}</a>
            </nav>
            <div class="list-layout">
                <aside class="list-filters">
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                            setup.await.ok().map(|s| view! {
                                <FilterForm choices=s.choices filter=good_filter.get_untracked() action="/elenco" keep=keep />
                            })
                        })}
                    </Suspense>
                    <GoToCode />
                    <ViewLinks query=view_query filter=good_filter />
                </aside>
                <section id="risultati" aria-labelledby="risultati-titolo">
                    <h2 id="risultati-titolo" class="visually-hidden">{locale.t(BrowseMsg::ListTitle)}</h2>
                    {move || filter.get().err().map(|e| view! { <ErrorBox error=e /> })}
                    <Transition fallback=move || view! { <p class="muted">{locale.t(Msg::Loading)}</p> }>
                        {move || Suspend::new(async move {
                            match list.await {
                                Ok(l) if l.items.is_empty() => view! {
                                    <p class="muted list-empty">{locale.t(BrowseMsg::NoneMatch)}</p>
                                }.into_any(),
                                Ok(l) => {
                                    let next = l.next.clone();
                                    let first = query.with_untracked(|q| q.get("dopo")).is_some();
                                    view! {
                                        <ReportRows items=l.items now=l.now />
                                        <nav class="pager" aria-label=locale.t(BrowseMsg::NextPage)>
                                            {first.then(|| view! { <a href=move || with_view("/elenco", None)>{locale.t(BrowseMsg::FirstPage)}</a> })}
                                            {next.map(|n| view! {
                                                <a rel="next" href=move || with_view("/elenco", Some(("dopo", n.clone())))>
                                                    {locale.t(BrowseMsg::NextPage)}" ›"
                                                </a>
                                            })}
                                        </nav>
                                    }.into_any()
                                }
                                Err(e) => view! { <ErrorBox error=e /> }.into_any(),
                            }
                        })}
                    </Transition>
                </section>
            </div>
        </main>
    }
}
