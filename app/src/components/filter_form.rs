//! The filters of the map and of the list: a plain GET form (it works without WASM; the address it produces is
//! the view, to share or to reload), and the links that carry a view elsewhere (list, map, exports, feeds).

use leptos::prelude::*;
use shared::ReportKind;
use shared::i18n::BrowseMsg;
use shared::map::{FilterChoices, MapFilter, StateFilter, encode_pairs};

use crate::i18n::use_locale;

/// The form. `action`: the page it reloads (`/` or `/elenco`); `keep`: parameters carried along unchanged
/// (the map's position, the list's area).
#[component]
pub fn FilterForm(
    choices: FilterChoices,
    filter: MapFilter,
    action: &'static str,
    #[prop(into)] keep: Signal<Vec<(&'static str, String)>>,
) -> impl IntoView {
    let locale = use_locale();
    let t = move |m: BrowseMsg| locale.t(m);
    let select = move |name: &'static str,
                       label: BrowseMsg,
                       options: Vec<(String, String)>,
                       current: Option<String>| {
        let id = format!("filtro-{name}");
        view! {
            <div class="field">
                <label for=id.clone()>{t(label)}</label>
                <select id=id name=name>
                    <option value="">{t(BrowseMsg::Any)}</option>
                    {options
                        .into_iter()
                        .map(|(value, text)| {
                            let selected = current.as_deref() == Some(value.as_str());
                            view! { <option value=value selected=selected>{text}</option> }
                        })
                        .collect_view()}
                </select>
            </div>
        }
    };
    let ids = |v: &[(i32, String)]| {
        v.iter()
            .map(|(id, n)| (id.to_string(), n.clone()))
            .collect::<Vec<_>>()
    };
    let kinds = ReportKind::ALL
        .iter()
        .map(|k| (k.as_str().to_owned(), k.label(locale).to_owned()))
        .collect();
    let reset = move || {
        let q = encode_pairs(keep.get().iter().map(|(k, v)| (*k, v.as_str())));
        if q.is_empty() {
            action.to_owned()
        } else {
            format!("{action}?{q}")
        }
    };
    view! {
        <form class="filters" method="get" action=action role="search">
            <fieldset class="state-choice">
                <legend>{t(BrowseMsg::State)}</legend>
                {StateFilter::ALL
                    .into_iter()
                    .map(|s| {
                        let label = t(match s {
                            StateFilter::All => BrowseMsg::StateAll,
                            StateFilter::Open => BrowseMsg::StateOpen,
                            StateFilter::Resolved => BrowseMsg::StateResolved,
                        });
                        let id = format!("stato-{}", s.as_str());
                        view! {
                            <input type="radio" id=id.clone() name="stato" value=s.as_str() checked=filter.state == s />
                            <label for=id>{label}</label>
                        }
                    })
                    .collect_view()}
            </fieldset>
            {select("tipo", BrowseMsg::Kind, kinds, filter.kind.map(|k| k.as_str().to_owned()))}
            {select("categoria", BrowseMsg::Category, ids(&choices.categories), filter.category.map(|c| c.to_string()))}
            {select("ufficio", BrowseMsg::Office, ids(&choices.offices), filter.office.map(|c| c.to_string()))}
            {select("quartiere", BrowseMsg::District, ids(&choices.districts), filter.district.map(|c| c.to_string()))}
            <div class="field-row">
                <div class="field">
                    <label for="filtro-dal">{t(BrowseMsg::FromMonth)}</label>
                    <input type="month" id="filtro-dal" name="dal" min="2000-01" max="2099-12"
                        placeholder="2026-01" value=filter.from.map(|m| m.to_string()).unwrap_or_default() />
                </div>
                <div class="field">
                    <label for="filtro-al">{t(BrowseMsg::ToMonth)}</label>
                    <input type="month" id="filtro-al" name="al" min="2000-01" max="2099-12"
                        placeholder="2026-12" value=filter.to.map(|m| m.to_string()).unwrap_or_default() />
                </div>
            </div>
            <div class="field">
                <label for="filtro-q">{t(BrowseMsg::Search)}</label>
                <input type="search" id="filtro-q" name="q" maxlength="100" aria-describedby="filtro-q-hint"
                    value=filter.text.clone().unwrap_or_default() />
                <p class="field-hint" id="filtro-q-hint">{t(BrowseMsg::SearchHint)}</p>
            </div>
            {move || keep.get().into_iter().map(|(k, v)| view! { <input type="hidden" name=k value=v /> }).collect_view()}
            <div class="actions">
                <button type="submit" class="button primary">{t(BrowseMsg::Apply)}</button>
                <a href=reset>{t(BrowseMsg::Reset)}</a>
            </div>
        </form>
    }
}

/// "Go to a receipt": a whole code opens its report, anything else searches the list (`/vai`).
#[component]
pub fn GoToCode() -> impl IntoView {
    let locale = use_locale();
    view! {
        <form class="go-to-code" method="get" action="/vai">
            <label for="vai-codice">{locale.t(BrowseMsg::GoToCode)}</label>
            <input id="vai-codice" name="codice" placeholder="SEG-2026-000123" maxlength="20"
                autocomplete="off" spellcheck="false" />
            <button type="submit" class="button small">{locale.t(BrowseMsg::Go)}</button>
        </form>
    }
}

/// Links that take the view elsewhere: downloads of it and the feeds of its district or category.
#[component]
pub fn ViewLinks(
    #[prop(into)] query: Signal<String>,
    #[prop(into)] filter: Signal<MapFilter>,
) -> impl IntoView {
    let locale = use_locale();
    let with = move |path: &str| {
        let q = query.get();
        if q.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{q}")
        }
    };
    let feed_query = move || filter.get().feed_query();
    view! {
        <nav class="view-links" aria-label=locale.t(BrowseMsg::Download)>
            <p>
                <strong>{locale.t(BrowseMsg::Download)}</strong>": "
                <a rel="external" download href=move || with("/api/v1/export.geojson")>"GeoJSON"</a>" · "
                <a rel="external" download href=move || with("/api/v1/export.csv")>"CSV"</a>
            </p>
            <p>
                <strong>{locale.t(BrowseMsg::Feeds)}</strong>": "
                <a rel="external" href=move || format!("/feed/nuove.atom{}", feed_query())>{locale.t(BrowseMsg::FeedNew)}</a>" · "
                <a rel="external" href=move || format!("/feed/risolte.atom{}", feed_query())>{locale.t(BrowseMsg::FeedResolved)}</a>
                " (Atom; "<a rel="external" href=move || format!("/feed/nuove.rss{}", feed_query())>"RSS"</a>")"
            </p>
            // On phones the header has no room for it.
            <p><a rel="external" href="/trasparenza">{locale.t(shared::i18n::Msg::Transparency)}</a></p>
        </nav>
    }
}
