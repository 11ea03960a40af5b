//! Live pages: the browser's `EventSource` on `/api/v1/live`, which the server feeds from PostgreSQL's
//! notifications. The browser reconnects by itself when the connection drops (the server asks for 3 s).
//!
//! Bound by hand (three calls) rather than through `web-sys` features, to keep the public bundle small.

/// Calls `on_change` whenever the server says something changed (`report`: one report's receipt code; `None`:
/// any report, for the map). Only in the browser; on the server it does nothing. The stream stays open for the
/// page's life.
#[cfg(feature = "hydrate")]
pub fn on_change(report: Option<&str>, on_change: impl Fn() + 'static) {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        type EventSource;
        #[wasm_bindgen(constructor, catch)]
        fn new(url: &str) -> Result<EventSource, JsValue>;
        #[wasm_bindgen(method, js_name = addEventListener)]
        fn add_event_listener(this: &EventSource, kind: &str, f: &js_sys::Function);
    }

    let url = match report {
        Some(code) => format!("/api/v1/live?report={code}"),
        None => "/api/v1/live".to_owned(),
    };
    let Ok(source) = EventSource::new(&url) else {
        return;
    };
    let callback = Closure::<dyn Fn()>::new(on_change);
    source.add_event_listener("changed", callback.as_ref().unchecked_ref());
    // Both live as long as the page.
    callback.forget();
    std::mem::forget(source);
}

#[cfg(not(feature = "hydrate"))]
pub fn on_change(_report: Option<&str>, _on_change: impl Fn() + 'static) {}
