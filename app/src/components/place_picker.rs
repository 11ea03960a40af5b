//! The map on which a citizen chooses where a report is: a click (or tap) puts the pin, the pin can be dragged,
//! and a button puts it at the centre of the map (for keyboard users, who pan with the arrow keys). The point
//! lives in a signal the page owns; the address search, "use my location" and the coordinate fields write the
//! same signal, and the pin follows.

use leptos::prelude::*;
use leptos_leaflet::leaflet;
use leptos_leaflet::leaflet::DragEvents;
use leptos_leaflet::prelude::{MapContainer, MapEvents, Position, TileLayer};
use shared::BBox;
use shared::i18n::ReportMsg as R;

use crate::i18n::use_locale;

/// A point as the page keeps it: (lat, lng).
pub type Point = (f64, f64);

/// A pin drawn with CSS (`.place-pin`), so no marker image has to be served: `L.divIcon({...})`. Called through
/// `L` itself: the `leaflet` crate's `DivIcon` binding constructs a plain `L.Icon`, which needs an image URL.
fn pin_icon() -> Option<leaflet::Icon> {
    use wasm_bindgen::JsCast;
    let l = js_sys::Reflect::get(&js_sys::global(), &"L".into()).ok()?;
    let make = js_sys::Reflect::get(&l, &"divIcon".into())
        .ok()?
        .dyn_into::<js_sys::Function>()
        .ok()?;
    let options = js_sys::Object::new();
    let set = |k: &str, v: wasm_bindgen::JsValue| js_sys::Reflect::set(&options, &k.into(), &v).ok();
    set("className", "place-pin".into())?;
    set("html", "<span></span>".into())?;
    let size = js_sys::Array::of2(&28.into(), &28.into());
    set("iconSize", size.into())?;
    let anchor = js_sys::Array::of2(&14.into(), &28.into());
    set("iconAnchor", anchor.into())?;
    make.call1(&l, &options).ok().map(|i| i.unchecked_into())
}

#[component]
pub fn PlacePicker(
    fit: BBox,
    outline: Vec<Vec<(f64, f64)>>,
    tile_url: String,
    tile_attribution: String,
    point: RwSignal<Option<Point>>,
) -> impl IntoView {
    let (mounted, set_mounted) = signal(false);
    Effect::new(move |_| set_mounted.set(true));
    view! {
        <Show when=move || mounted.get() fallback=|| view! { <div class="report-map map-picker"></div> }>
            <PickerMap
                fit=fit
                outline=outline.clone()
                tile_url=tile_url.clone()
                tile_attribution=tile_attribution.clone()
                point=point
            />
        </Show>
    }
}

#[component]
fn PickerMap(
    fit: BBox,
    outline: Vec<Vec<(f64, f64)>>,
    tile_url: String,
    tile_attribution: String,
    point: RwSignal<Option<Point>>,
) -> impl IntoView {
    let locale = use_locale();
    let (map, set_map) = signal_local(None::<leaflet::Map>);
    let events = MapEvents::new().mouse_click(move |e: leaflet::MouseEvent| {
        let ll = e.lat_lng();
        point.set(Some((ll.lat(), ll.lng())));
    });
    let started = StoredValue::new(false);
    Effect::new(move |_| {
        let Some(m) = map.get() else { return };
        if started.get_value() {
            return;
        }
        started.set_value(true);
        crate::components::report_map::draw_outline(&m, &outline);
        let bounds = leaflet::LatLngBounds::new(
            &leaflet::LatLng::new(fit.south(), fit.west()),
            &leaflet::LatLng::new(fit.north(), fit.east()),
        );
        m.fit_bounds(&bounds);
    });
    // The pin: created at the first point, then moved; dragging it moves the point.
    let marker = StoredValue::new_local(None::<leaflet::Marker>);
    Effect::new(move |_| {
        let (Some(m), Some((lat, lng))) = (map.get(), point.get()) else {
            return;
        };
        let ll = leaflet::LatLng::new(lat, lng);
        match marker.get_value() {
            Some(mk) => mk.set_lat_lng(&ll),
            None => {
                let o = leaflet::MarkerOptions::new();
                o.set_draggable(true);
                if let Some(icon) = pin_icon() {
                    o.set_icon(icon);
                }
                o.set_title(locale.t(R::ChosenPlace).into());
                let mk = leaflet::Marker::new_with_options(&ll, &o);
                let dragged = mk.clone();
                mk.on_drag_end(Box::new(move |_| {
                    let ll = dragged.get_lat_lng();
                    point.set(Some((ll.lat(), ll.lng())));
                }));
                mk.add_to(&m);
                marker.set_value(Some(mk));
            }
        }
        if !m.get_bounds().contains(&ll) {
            m.pan_to(&ll);
        }
    });
    let at_centre = move |_| {
        if let Some(m) = map.get_untracked() {
            let c = m.get_center();
            point.set(Some((c.lat(), c.lng())));
        }
    };
    let center = fit.center();
    view! {
        <MapContainer
            class="report-map map-picker"
            center=Position::new(center.lat(), center.lng())
            zoom=13.0
            map=set_map
            events=events
        >
            <TileLayer url=tile_url attribution=tile_attribution max_zoom=19.0 />
        </MapContainer>
        <button type="button" class="button" on:click=at_centre>{locale.t(R::PinAtCentre)}</button>
    }
}
