//! The public map at scale: every report at any zoom, from the server's tiles (`/api/v1/map/{z}/{x}/{y}`).
//!
//! The browser never clusters: it asks for the fixed tiles covering the view at the map's zoom (the same tile
//! is the same answer for every visitor, so the browser's cache and the server's keep it), decodes the compact
//! answer ([`shared::map::decode_tile`]) and draws what it says — clusters (a focusable marker with the count;
//! its ring shows the share of each state; pressing it zooms in) or single reports (circles; their popup loads
//! the report's title when opened).
//!
//! Where the map looks is the page's address (`z`, `lat`, `lng`): the page keeps it current as the visitor
//! moves, and moves the map when the address changes (the browser's back button, a shared link).

use leptos::prelude::*;
use shared::BBox;
use shared::map::MapFilter;
use shared::report::StateCounts;

use crate::i18n::use_locale;

/// Where the map looks: centre and zoom (what the address holds).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MapView {
    pub lat: f64,
    pub lng: f64,
    pub zoom: u8,
}

impl MapView {
    /// From the address' `z`, `lat`, `lng` (all three, valid, or none).
    pub fn from_params(z: Option<&str>, lat: Option<&str>, lng: Option<&str>) -> Option<Self> {
        let zoom: u8 = z?.parse().ok().filter(|z| *z <= shared::map::MAX_ZOOM)?;
        let lat: f64 = lat?.parse().ok().filter(|v: &f64| (-85.0..=85.0).contains(v))?;
        let lng: f64 = lng?.parse().ok().filter(|v: &f64| (-180.0..=180.0).contains(v))?;
        Some(Self { lat, lng, zoom })
    }

    /// The address' parameters (5 decimals: about a metre).
    pub fn pairs(&self) -> [(&'static str, String); 3] {
        [
            ("z", self.zoom.to_string()),
            ("lat", format!("{:.5}", self.lat)),
            ("lng", format!("{:.5}", self.lng)),
        ]
    }

    /// Roughly the area a 1280 × 800 screen shows at this view (for the list rendered before the map exists).
    pub fn approx_bbox(&self) -> Option<BBox> {
        let (wx, wy) = (
            f64::from(shared::map::world_x(self.lng)),
            f64::from(shared::map::world_y(self.lat)),
        );
        // World units per screen pixel at this zoom (256 px tiles).
        let unit = f64::from(1u32 << (shared::map::WORLD_BITS - 8)) / f64::from(1u32 << self.zoom.min(20));
        let (dx, dy) = (640.0 * unit, 400.0 * unit);
        BBox::new(
            shared::map::lng_of(wx - dx).max(-180.0),
            shared::map::lat_of(wy + dy).max(-85.0),
            shared::map::lng_of(wx + dx).min(180.0),
            shared::map::lat_of(wy - dy).min(85.0),
        )
        .ok()
    }
}

/// A map of every report matching `filter`.
///
/// - `fit`: the municipality, shown when the address names no view; `view`: the address' view.
/// - `on_move`: told the new view and its exact bounds (`"west,south,east,north"`) after the visitor moves.
/// - `refresh`: bumped when reports change (live): the tiles are asked again (the cache answers `304` when
///   nothing in them changed).
#[component]
pub fn ClusterMap(
    fit: BBox,
    outline: Vec<Vec<(f64, f64)>>,
    tile_url: String,
    tile_attribution: String,
    #[prop(into)] filter: Signal<MapFilter>,
    #[prop(into)] view: Signal<Option<MapView>>,
    #[prop(into)] refresh: Signal<u32>,
    on_move: Callback<(MapView, String)>,
) -> impl IntoView {
    let locale = use_locale();
    let (mounted, set_mounted) = signal(false);
    Effect::new(move |_| set_mounted.set(true));
    let truncated = RwSignal::new(false);
    let failed = RwSignal::new(false);
    view! {
        <div class="cluster-map-wrap">
            <Show when=move || mounted.get() fallback=|| view! { <div class="report-map map-full"></div> }>
                {
                    let (outline, tile_url, tile_attribution) =
                        (outline.clone(), tile_url.clone(), tile_attribution.clone());
                    view! {
                        <LeafletClusterMap
                            fit=fit
                            outline=outline
                            tile_url=tile_url
                            tile_attribution=tile_attribution
                            filter=filter
                            view=view
                            refresh=refresh
                            on_move=on_move
                            truncated=truncated
                            failed=failed
                        />
                    }
                }
            </Show>
            <p class="map-notice" role="status" hidden=move || !truncated.get()>
                {locale.t(shared::i18n::BrowseMsg::Truncated)}
            </p>
            <p class="map-notice error" role="alert" hidden=move || !failed.get()>
                {locale.t(shared::i18n::Msg::Loading)}
            </p>
        </div>
    }
}

#[cfg(not(feature = "hydrate"))]
#[component]
#[allow(clippy::too_many_arguments, unused_variables)]
fn LeafletClusterMap(
    fit: BBox,
    outline: Vec<Vec<(f64, f64)>>,
    tile_url: String,
    tile_attribution: String,
    filter: Signal<MapFilter>,
    view: Signal<Option<MapView>>,
    refresh: Signal<u32>,
    on_move: Callback<(MapView, String)>,
    truncated: RwSignal<bool>,
    failed: RwSignal<bool>,
) -> impl IntoView {
    view! { <div class="report-map map-full"></div> }
}

#[cfg(feature = "hydrate")]
#[component]
#[allow(clippy::too_many_arguments)]
fn LeafletClusterMap(
    fit: BBox,
    outline: Vec<Vec<(f64, f64)>>,
    tile_url: String,
    tile_attribution: String,
    filter: Signal<MapFilter>,
    view: Signal<Option<MapView>>,
    refresh: Signal<u32>,
    on_move: Callback<(MapView, String)>,
    truncated: RwSignal<bool>,
    failed: RwSignal<bool>,
) -> impl IntoView {
    use leptos_leaflet::leaflet;
    use leptos_leaflet::prelude::{MapContainer, MapEvents, Position, TileLayer};

    use crate::components::report_map::{bounds_param, draw_outline};

    let locale = use_locale();
    let (map, set_map) = signal_local(None::<leaflet::Map>);
    // Bumped after every move: the tiles to show are those of the new view.
    let moved = RwSignal::new(0u32);
    // While the map moves because the address changed, the move is not written back to the address.
    let following = StoredValue::new(false);
    let events = MapEvents::new().move_end(move |_| {
        let Some(m) = map.get_untracked() else { return };
        moved.update(|n| *n += 1);
        if std::mem::take(&mut *following.write_value()) {
            return;
        }
        let c = m.get_center();
        let here = MapView {
            lat: c.lat(),
            lng: c.lng(),
            zoom: m.get_zoom().round().clamp(0.0, 20.0) as u8,
        };
        if let Some(b) = bounds_param(&m) {
            on_move.run((here, b));
        }
    });

    // First view: the address' one, or the whole municipality.
    let started = StoredValue::new(false);
    Effect::new(move |_| {
        let Some(m) = map.get() else { return };
        if started.get_value() {
            return;
        }
        started.set_value(true);
        draw_outline(&m, &outline);
        following.set_value(true);
        // Without animation: `moveend` fires now, once, and the tiles asked are those of this view only.
        match view.get_untracked() {
            Some(v) => {
                m.set_view_with_options(
                    &leaflet::LatLng::new(v.lat, v.lng),
                    f64::from(v.zoom),
                    &no_animation(),
                );
            }
            None => {
                let bounds = leaflet::LatLngBounds::new(
                    &leaflet::LatLng::new(fit.south(), fit.west()),
                    &leaflet::LatLng::new(fit.north(), fit.east()),
                );
                m.fit_bounds_with_options(&bounds, &no_animation());
            }
        }
    });

    // The address changed (back button, a link): follow it.
    Effect::new(move |_| {
        let Some(v) = view.get() else { return };
        let Some(m) = map.get_untracked() else { return };
        let c = m.get_center();
        let same = (c.lat() - v.lat).abs() < 1e-4
            && (c.lng() - v.lng).abs() < 1e-4
            && m.get_zoom().round() as u8 == v.zoom;
        if !same {
            following.set_value(true);
            m.set_view_with_options(
                &leaflet::LatLng::new(v.lat, v.lng),
                f64::from(v.zoom),
                &no_animation(),
            );
        }
    });

    // The tiles of the view, asked again when the view, the filters or the reports change.
    let layer = StoredValue::new_local(None::<leaflet::LayerGroup>);
    let generation = StoredValue::new(0u64);
    let drawn = StoredValue::new(Vec::<(shared::map::Tile, String)>::new());
    Effect::new(move |_| {
        moved.track();
        refresh.track();
        let filter = filter.get();
        let Some(m) = map.get() else { return };
        // Not before the first view is set (the map is created at a default zoom first).
        if !started.get_value() {
            return;
        }
        let zoom = m.get_zoom().round().clamp(0.0, f64::from(shared::map::MAX_ZOOM)) as u8;
        let b = m.get_bounds();
        let (sw, ne) = (b.get_south_west(), b.get_north_east());
        let Ok(view_box) = BBox::new(
            sw.lng().clamp(-180.0, 180.0),
            sw.lat().clamp(-85.0, 85.0),
            ne.lng().clamp(-180.0, 180.0),
            ne.lat().clamp(-85.0, 85.0),
        ) else {
            return;
        };
        let Some(tiles) = shared::map::Tile::covering(&view_box, zoom) else {
            return;
        };
        let query = filter.to_query();
        let generation_now = {
            let mut g = generation.write_value();
            *g += 1;
            *g
        };
        leptos::task::spawn_local(async move {
            // Every request starts now; the answers are awaited in turn.
            let pending: Vec<_> = tiles
                .iter()
                .map(|t| {
                    let url = if query.is_empty() {
                        format!("/api/v1/map/{}/{}/{}", t.z, t.x, t.y)
                    } else {
                        format!("/api/v1/map/{}/{}/{}?{query}", t.z, t.x, t.y)
                    };
                    (*t, fetch::start(&url))
                })
                .collect();
            let mut texts = Vec::with_capacity(pending.len());
            let mut error = false;
            for (t, p) in pending {
                match fetch::text(p).await {
                    Ok(text) => texts.push((t, text)),
                    Err(_) => error = true,
                }
            }
            if generation.get_value() != generation_now {
                return; // a newer view has been asked for
            }
            // The zoom whose answers are on show, for whoever waits for a view to be drawn (the browser tests).
            let _ = m
                .get_container()
                .set_attribute("data-drawn-zoom", &zoom.to_string());
            // The same answers as drawn (a live refresh where nothing in view changed): keep the markers, and
            // the keyboard focus on one of them.
            if !error && drawn.with_value(|d| *d == texts) {
                return;
            }
            let answers: Vec<_> = texts
                .iter()
                .filter_map(|(t, text)| shared::map::decode_tile(*t, text).ok().map(|d| (*t, d)))
                .collect();
            error |= answers.len() < texts.len();
            drawn.set_value(texts);
            failed.set(error);
            truncated.set(answers.iter().any(|(_, d)| d.truncated));
            let group = leaflet::LayerGroup::new();
            for (t, d) in &answers {
                for c in &d.clusters {
                    group.add_layer(&cluster_marker(&m, c, t.z, locale));
                }
                for p in &d.pins {
                    group.add_layer(&pin_marker(p, locale));
                }
            }
            group.add_to(&m);
            if let Some(old) = layer.get_value() {
                old.remove();
            }
            layer.set_value(Some(group));
        });
    });

    view! {
        <MapContainer
            class="report-map map-full"
            center=Position::new(fit.center().lat(), fit.center().lng())
            zoom=13.0
            map=set_map
            events=events
        >
            <TileLayer url=tile_url attribution=tile_attribution max_zoom=19.0 />
        </MapContainer>
    }
}

/// `{animate: false}` for Leaflet's view changes.
#[cfg(feature = "hydrate")]
fn no_animation() -> wasm_bindgen::JsValue {
    let o = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&o, &"animate".into(), &false.into());
    o.into()
}

/// "1234" → "1,2k"-style labels that fit a circle.
pub fn short_count(n: u32) -> String {
    match n {
        0..=999 => n.to_string(),
        1_000..=9_999 => format!("{:.1}k", f64::from(n) / 1000.0).replace(".0k", "k"),
        10_000..=999_999 => format!("{}k", n / 1000),
        _ => format!("{:.1}M", f64::from(n) / 1_000_000.0),
    }
}

/// The cluster's ring: each state's share of the reports, in the states' colours (a conic gradient).
pub fn ring_style(by_state: &StateCounts) -> String {
    let total = by_state.total();
    let mut stops = Vec::new();
    let mut at = 0.0;
    for (s, n) in by_state.iter() {
        if n == 0 {
            continue;
        }
        let end = at + f64::from(n) * 100.0 / f64::from(total.max(1));
        stops.push(format!("{} {at:.1}% {end:.1}%", s.colour()));
        at = end;
    }
    format!("background: conic-gradient({})", stops.join(", "))
}

/// What a cluster says to a screen reader: the count and the count of each state.
pub fn cluster_label(by_state: &StateCounts, locale: shared::Locale) -> String {
    use shared::i18n::BrowseMsg;
    let total = by_state.total();
    let parts: Vec<String> = by_state
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| format!("{n} {}", s.label(locale).to_lowercase()))
        .collect();
    format!(
        "{total} {}: {}. {}",
        locale.t(BrowseMsg::Reports),
        parts.join(", "),
        locale.t(BrowseMsg::ZoomInHint)
    )
}

#[cfg(feature = "hydrate")]
fn cluster_marker(
    m: &leptos_leaflet::leaflet::Map,
    c: &shared::map::Cluster,
    zoom: u8,
    locale: shared::Locale,
) -> leptos_leaflet::leaflet::Marker {
    use leptos_leaflet::leaflet;
    use leptos_leaflet::leaflet::MouseEvents;
    let size = match c.count {
        0..=99 => 34.0,
        100..=999 => 42.0,
        1_000..=9_999 => 50.0,
        _ => 58.0,
    };
    let o = leaflet::DivIconOptions::new();
    o.set_html(format!(
        "<span class=\"cluster-ring\" style=\"{}\"><span class=\"cluster-count\">{}</span></span>",
        ring_style(&c.by_state),
        short_count(c.count)
    ));
    o.set_class_name("cluster".into());
    o.set_icon_size(leaflet::Point::new(size, size));
    let mo = leaflet::MarkerOptions::new();
    mo.set_icon(div_icon(&o));
    mo.set_keyboard(true);
    let label = cluster_label(&c.by_state, locale);
    mo.set_title(label.clone());
    mo.set_alt(label);
    let marker = leaflet::Marker::new_with_options(&leaflet::LatLng::new(c.lat, c.lng), &mo);
    let (map, lat, lng) = (m.clone(), c.lat, c.lng);
    let next = f64::from((zoom + 2).min(shared::map::CLUSTER_MAX_ZOOM + 1));
    let zoom_in = move || {
        map.set_view(&leaflet::LatLng::new(lat, lng), next);
    };
    let on_click = zoom_in.clone();
    marker.on_click(Box::new(move |_| on_click()));
    // Enter or Space on the focused cluster (Leaflet's own keyboard support only focuses it).
    let on_key = wasm_bindgen::closure::Closure::<dyn Fn(wasm_bindgen::JsValue)>::new(
        move |e: wasm_bindgen::JsValue| {
            let key = js_sys::Reflect::get(&e, &"originalEvent".into())
                .and_then(|o| js_sys::Reflect::get(&o, &"key".into()))
                .ok()
                .and_then(|k| k.as_string());
            if matches!(key.as_deref(), Some("Enter" | " ")) {
                zoom_in();
            }
        },
    );
    wasm_bindgen::JsCast::unchecked_ref::<leaflet::Evented>(&marker).on("keydown", &on_key.into_js_value());
    marker
}

/// `L.divIcon(options)`. Bound here: the `leaflet` crate's `DivIcon::new` constructs an `L.Icon` (its binding
/// names the wrong class), which throws "iconUrl not set".
#[cfg(feature = "hydrate")]
fn div_icon(options: &leptos_leaflet::leaflet::DivIconOptions) -> leptos_leaflet::leaflet::Icon {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(js_namespace = L, js_name = divIcon)]
        fn leaflet_div_icon(options: &JsValue) -> JsValue;
    }
    leaflet_div_icon(options.as_ref()).unchecked_into()
}

#[cfg(feature = "hydrate")]
fn pin_marker(p: &shared::map::TilePin, locale: shared::Locale) -> leptos_leaflet::leaflet::CircleMarker {
    use leptos_leaflet::leaflet;
    use leptos_leaflet::leaflet::PopupEvents;
    use shared::html::escape_html;
    let o = leaflet::CircleOptions::new();
    o.set_radius(8.0);
    o.set_color("#ffffff".into());
    o.set_weight(2.0);
    o.set_fill_color(p.state.colour().into());
    o.set_fill_opacity(0.95);
    o.set_class_name(format!("pin pin-{}", p.state.as_str()));
    let marker = leaflet::CircleMarker::new_with_options(&leaflet::LatLng::new(p.lat, p.lng), &o);
    let href = format!("/segnalazioni/{}", escape_html(&p.code));
    marker.bind_popup_with_options(
        &wasm_bindgen::JsValue::from_str(&format!(
            "<div class=\"pin-popup\"><a class=\"pin-title\" href=\"{href}\">{code}</a>\
             <div><span class=\"state-badge state-{state}\" style=\"--state-colour: {colour}\">{label}</span></div></div>",
            code = escape_html(&p.code),
            state = p.state.as_str(),
            colour = p.state.colour(),
            label = escape_html(p.state.label(locale)),
        )),
        &wasm_bindgen::JsValue::UNDEFINED,
    );
    // The title and the rest arrive when the popup opens.
    let (code, target) = (p.code.clone(), marker.clone());
    marker.on_popup_open(Box::new(move |_| {
        let (code, target) = (code.clone(), target.clone());
        leptos::task::spawn_local(async move {
            let url = format!("/api/v1/reports/{code}?lang={}", locale.tag());
            if let Ok(text) = fetch::text(fetch::start(&url)).await
                && let Ok(r) = serde_json::from_str::<PopupReport>(&text)
            {
                let pin = shared::report::MapPin {
                    id: shared::ReportId(0),
                    receipt_code: code,
                    title: r.title,
                    kind: r.kind,
                    state: r.state,
                    category: r.category,
                    lat: 0.0,
                    lng: 0.0,
                    created_at: r.created_at,
                };
                let html = crate::components::report_map::popup_html(&pin, r.now, locale);
                target
                    .get_popup()
                    .set_content(&wasm_bindgen::JsValue::from_str(&html));
            }
        });
    }));
    marker
}

/// What a popup needs of `/api/v1/reports/{code}`.
#[cfg(feature = "hydrate")]
#[derive(serde::Deserialize)]
struct PopupReport {
    title: String,
    kind: shared::ReportKind,
    state: shared::ReportState,
    category: String,
    created_at: chrono::DateTime<chrono::Utc>,
    now: chrono::DateTime<chrono::Utc>,
}

/// The browser's `fetch`, bound by hand (two calls) rather than through `web-sys` features.
#[cfg(feature = "hydrate")]
mod fetch {
    use wasm_bindgen::prelude::*;
    use wasm_bindgen_futures::JsFuture;

    #[wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(js_name = fetch)]
        fn fetch_url(url: &str) -> js_sys::Promise;
        type FetchResponse;
        #[wasm_bindgen(method, getter)]
        fn ok(this: &FetchResponse) -> bool;
        #[wasm_bindgen(method)]
        fn text(this: &FetchResponse) -> js_sys::Promise;
    }

    /// Starts a GET now.
    pub fn start(url: &str) -> js_sys::Promise {
        fetch_url(url)
    }

    /// The body of a started GET, if it succeeded.
    pub async fn text(p: js_sys::Promise) -> Result<String, String> {
        let res: FetchResponse = JsFuture::from(p).await.map_err(|_| "network")?.unchecked_into();
        if !res.ok() {
            return Err("status".into());
        }
        JsFuture::from(res.text())
            .await
            .map_err(|_| "body")?
            .as_string()
            .ok_or_else(|| "body".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn views_read_and_write_the_address() {
        let v = MapView::from_params(Some("14"), Some("45.40640"), Some("11.87680")).expect("view");
        assert_eq!(v.zoom, 14);
        assert_eq!(v.pairs()[1].1, "45.40640");
        assert!(MapView::from_params(Some("25"), Some("45"), Some("11")).is_none());
        assert!(MapView::from_params(Some("14"), Some("x"), Some("11")).is_none());
        assert!(MapView::from_params(None, Some("45"), Some("11")).is_none());
        let b = v.approx_bbox().expect("bbox");
        assert!(b.contains(shared::LatLng::new(45.4064, 11.8768).expect("point")));
    }

    #[test]
    fn clusters_say_their_counts() {
        assert_eq!(short_count(999), "999");
        assert_eq!(short_count(1_000), "1k");
        assert_eq!(short_count(1_250), "1.2k");
        assert_eq!(short_count(45_000), "45k");
        let by_state = StateCounts([3, 0, 0, 0, 1, 0, 0, 0, 0]);
        let label = cluster_label(&by_state, shared::Locale::It);
        assert!(label.starts_with("4 segnalazioni: 3 "), "{label}");
        assert!(ring_style(&by_state).contains("75.0%"));
    }
}
