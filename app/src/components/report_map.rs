//! The Leaflet map of reports. The server renders an empty box; in the browser Leaflet draws the tiles and one
//! circle per report, coloured by state, each with a popup linking to the report's page.
//!
//! Pins are drawn straight into a Leaflet `LayerGroup` (SVG circles), not as Leptos components: a popup made of
//! components would put one hidden DOM subtree per pin into the page, and none of it is needed before a click.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_leaflet::leaflet;
use leptos_leaflet::prelude::{MapContainer, MapEvents, Position, TileLayer};
use shared::i18n::{Msg, age_label};
use shared::report::MapPin;
use shared::{BBox, Locale};

use crate::i18n::use_locale;

pub use shared::html::escape_html;

/// The popup of one pin: title (linked), category, state and age.
pub fn popup_html(pin: &MapPin, now: DateTime<Utc>, locale: Locale) -> String {
    let href = format!("/segnalazioni/{}", escape_html(&pin.receipt_code));
    format!(
        "<div class=\"pin-popup\"><a class=\"pin-title\" href=\"{href}\">{title}</a>\
         <div class=\"pin-category\">{category}</div>\
         <div><span class=\"state-badge state-{state}\" style=\"--state-colour: {colour}\">{state_label}</span> \
         <span class=\"pin-age\">{age}</span></div>\
         <a class=\"pin-link\" href=\"{href}\">{open} ›</a></div>",
        title = escape_html(&pin.title),
        category = escape_html(&pin.category),
        state = pin.state.as_str(),
        colour = pin.state.colour(),
        state_label = escape_html(pin.state.label(locale)),
        age = escape_html(&age_label(pin.created_at, now, locale)),
        open = escape_html(locale.t(Msg::OpenReport)),
    )
}

/// Draws `rings` of `(lat, lng)` as the municipality's dashed border (not clickable: clicks go to the map).
pub fn draw_outline(m: &leaflet::Map, rings: &[Vec<(f64, f64)>]) {
    draw_rings(m, rings, "#0b5cad", Some("6 4"), "municipality-outline");
}

/// Draws `rings` of `(lat, lng)` as lines of `colour` (dashed by `dash`), not clickable.
fn draw_rings(m: &leaflet::Map, rings: &[Vec<(f64, f64)>], colour: &str, dash: Option<&str>, class: &str) {
    for ring in rings {
        let points = js_sys::Array::new();
        for (lat, lng) in ring {
            points.push(&leaflet::LatLng::new(*lat, *lng));
        }
        let o = leaflet::PolylineOptions::new();
        o.set_color(colour.into());
        o.set_weight(2.0);
        o.set_opacity(0.8);
        if let Some(d) = dash {
            o.set_dash_array(d.into());
        }
        o.set_fill(false);
        o.set_interactive(false);
        o.set_class_name(class.into());
        leaflet::Polygon::new_with_options(&points, &o).add_to(m);
    }
}

/// Reads the map's current bounds as `"west,south,east,north"`.
pub fn bounds_param(map: &leaflet::Map) -> Option<String> {
    let b = map.get_bounds();
    let (sw, ne) = (b.get_south_west(), b.get_north_east());
    // Leaflet can report longitudes beyond ±180 when the world wraps; clamp to what BBox accepts.
    BBox::new(
        sw.lng().clamp(-180.0, 180.0),
        sw.lat().clamp(-90.0, 90.0),
        ne.lng().clamp(-180.0, 180.0),
        ne.lat().clamp(-90.0, 90.0),
    )
    .ok()
    .map(|b| b.to_param())
}

/// A map of report pins.
///
/// - `fit`: the area to show first.
/// - `pins`/`now`: what to draw, and the moment ages are counted from.
/// - `on_move`: told the new bounds whenever the visitor pans or zooms.
///
/// The server renders an empty box of the same size; Leaflet starts only once the page has hydrated (its
/// objects live in the browser's thread and cannot exist on the server).
#[component]
pub fn ReportMap(
    fit: BBox,
    #[prop(into)] pins: Signal<Vec<MapPin>>,
    #[prop(into)] now: Signal<DateTime<Utc>>,
    tile_url: String,
    tile_attribution: String,
    #[prop(optional)] on_move: Option<Callback<String>>,
    /// Rings of `(lat, lng)` drawn as a dashed outline (the municipality's border).
    #[prop(optional)]
    outline: Vec<Vec<(f64, f64)>>,
    /// Rings drawn in orange beside `outline`, to compare (a boundary about to be replaced).
    #[prop(optional)]
    compare: Vec<Vec<(f64, f64)>>,
    #[prop(into, optional)] class: String,
    #[prop(optional, default = 13.0)] max_zoom_on_fit: f64,
    /// Bind a popup to each pin (the report page's small map has none).
    #[prop(optional, default = true)]
    popups: bool,
) -> impl IntoView {
    let (mounted, set_mounted) = signal(false);
    Effect::new(move |_| set_mounted.set(true));
    let class = format!("report-map {class}");
    let placeholder = class.clone();
    view! {
        <Show when=move || mounted.get() fallback=move || view! { <div class=placeholder.clone()></div> }>
            <LeafletMap
                fit=fit
                pins=pins
                now=now
                tile_url=tile_url.clone()
                tile_attribution=tile_attribution.clone()
                on_move=on_move
                outline=outline.clone()
                compare=compare.clone()
                class=class.clone()
                max_zoom_on_fit=max_zoom_on_fit
                popups=popups
            />
        </Show>
    }
}

#[component]
fn LeafletMap(
    fit: BBox,
    pins: Signal<Vec<MapPin>>,
    now: Signal<DateTime<Utc>>,
    tile_url: String,
    tile_attribution: String,
    on_move: Option<Callback<String>>,
    outline: Vec<Vec<(f64, f64)>>,
    compare: Vec<Vec<(f64, f64)>>,
    class: String,
    max_zoom_on_fit: f64,
    popups: bool,
) -> impl IntoView {
    let locale = use_locale();
    let (map, set_map) = signal_local(None::<leaflet::Map>);
    // True while the map moves by itself to its first view: the data for that view is already on the page.
    let fitting = StoredValue::new(false);
    let events = MapEvents::new().move_end(move |_| {
        if fitting.get_value() {
            return;
        }
        if let (Some(cb), Some(m)) = (on_move, map.get_untracked())
            && let Some(b) = bounds_param(&m)
        {
            cb.run(b);
        }
    });

    // First view: fit the given area.
    let fitted = StoredValue::new(false);
    Effect::new(move |_| {
        if let Some(m) = map.get()
            && !fitted.get_value()
        {
            fitted.set_value(true);
            draw_rings(&m, &compare, "#b35c00", None, "compare-outline");
            draw_outline(&m, &outline);
            let bounds = leaflet::LatLngBounds::new(
                &leaflet::LatLng::new(fit.south(), fit.west()),
                &leaflet::LatLng::new(fit.north(), fit.east()),
            );
            // Without animation, so `moveend` fires now, inside the `fitting` window.
            let options = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&options, &"animate".into(), &false.into());
            let _ = js_sys::Reflect::set(&options, &"maxZoom".into(), &max_zoom_on_fit.into());
            fitting.set_value(true);
            m.fit_bounds_with_options(&bounds, &options);
            fitting.set_value(false);
        }
    });

    // Pins: one layer group, refilled whenever the list changes.
    let group = StoredValue::new_local(None::<leaflet::LayerGroup>);
    Effect::new(move |_| {
        let Some(m) = map.get() else { return };
        let pins = pins.get();
        let now = now.get();
        let g = match group.get_value() {
            Some(g) => g,
            None => {
                let g = leaflet::LayerGroup::new();
                g.add_to(&m);
                group.set_value(Some(g.clone()));
                g
            }
        };
        g.clear_layers();
        for pin in &pins {
            let o = leaflet::CircleOptions::new();
            o.set_radius(8.0);
            o.set_color("#ffffff".into());
            o.set_weight(2.0);
            o.set_fill_color(pin.state.colour().into());
            o.set_fill_opacity(0.95);
            o.set_class_name(format!("pin pin-{}", pin.state.as_str()));
            let marker = leaflet::CircleMarker::new_with_options(&leaflet::LatLng::new(pin.lat, pin.lng), &o);
            if popups {
                marker.bind_popup_with_options(
                    &wasm_bindgen::JsValue::from_str(&popup_html(pin, now, locale)),
                    &wasm_bindgen::JsValue::UNDEFINED,
                );
            }
            g.add_layer(&marker);
        }
    });

    let center = fit.center();
    view! {
        <MapContainer
            class=class
            center=Position::new(center.lat(), center.lng())
            zoom=13.0
            map=set_map
            events=events
        >
            <TileLayer url=tile_url attribution=tile_attribution max_zoom=19.0 />
        </MapContainer>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::{ReportId, ReportKind, ReportState};

    #[test]
    fn popup_escapes_and_links() {
        let now = Utc::now();
        let pin = MapPin {
            id: ReportId(1),
            receipt_code: "SEG-2026-000001".into(),
            title: "<script>alert(1)</script> & co".into(),
            kind: ReportKind::Problem,
            state: ReportState::InCharge,
            category: "Buche stradali".into(),
            lat: 45.4,
            lng: 11.87,
            created_at: now - chrono::Duration::days(3),
        };
        let html = popup_html(&pin, now, Locale::It);
        assert!(html.contains("href=\"/segnalazioni/SEG-2026-000001\""));
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"));
        assert!(!html.contains("<script>"));
        assert!(html.contains("Presa in carico") && html.contains("3 giorni fa"));
        assert!(popup_html(&pin, now, Locale::En).contains("3 days ago"));
    }
}
