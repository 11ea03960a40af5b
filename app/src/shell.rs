//! The HTML document around the app (server only): assets with their hashed names, Leaflet as a global script
//! before the app's module, and the script that loads the WASM and hydrates.

use leptos::prelude::*;
use leptos_meta::MetaTags;
use serde::Deserialize;

use crate::App;
use crate::i18n::{provide_locale, use_locale};

/// The site's built files, by role. Written by `scripts/site.py` as `pkg/manifest.json` with content-hashed names
/// (served with a one-year cache); without a manifest (a `cargo leptos watch` build) the plain names are used.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Assets {
    /// The public bundle (map and report pages).
    pub js: String,
    pub wasm: String,
    /// The reporting bundle (filing a report); the full one's files when it was not built.
    #[serde(default)]
    pub js_reporting: String,
    #[serde(default)]
    pub wasm_reporting: String,
    /// The full bundle (every page); the public one's files when only one was built.
    #[serde(default)]
    pub js_full: String,
    #[serde(default)]
    pub wasm_full: String,
    pub css: String,
    pub leaflet_js: String,
    pub leaflet_css: String,
    /// True when the names carry content hashes (and may be cached forever).
    #[serde(default)]
    pub hashed: bool,
}

impl Assets {
    /// Reads `{site_root}/{pkg_dir}/manifest.json`, or falls back to the names cargo-leptos writes.
    pub fn load(site_root: &str, pkg_dir: &str, output_name: &str) -> Self {
        let dir = std::path::Path::new(site_root).join(pkg_dir);
        let url = |file: &str| format!("/{pkg_dir}/{file}");
        if let Ok(text) = std::fs::read_to_string(dir.join("manifest.json"))
            && let Ok(m) = serde_json::from_str::<Assets>(&text)
        {
            let or_public = |full: &str, public: &str| url(if full.is_empty() { public } else { full });
            let js_full = if m.js_full.is_empty() { &m.js } else { &m.js_full };
            let wasm_full = if m.wasm_full.is_empty() {
                &m.wasm
            } else {
                &m.wasm_full
            };
            return Assets {
                js_reporting: or_public(&m.js_reporting, js_full),
                wasm_reporting: or_public(&m.wasm_reporting, wasm_full),
                js_full: url(js_full),
                wasm_full: url(wasm_full),
                js: url(&m.js),
                wasm: url(&m.wasm),
                css: url(&m.css),
                leaflet_js: url(&m.leaflet_js),
                leaflet_css: url(&m.leaflet_css),
                hashed: m.hashed,
            };
        }
        let wasm = if dir.join(format!("{output_name}.wasm")).exists() {
            format!("{output_name}.wasm")
        } else {
            format!("{output_name}_bg.wasm")
        };
        Assets {
            js: url(&format!("{output_name}.js")),
            wasm: url(&wasm),
            js_reporting: url(&format!("{output_name}.js")),
            wasm_reporting: url(&wasm),
            js_full: url(&format!("{output_name}.js")),
            wasm_full: url(&wasm),
            css: url(&format!("{output_name}.css")),
            leaflet_js: "/vendor/leaflet/leaflet.js".into(),
            leaflet_css: "/vendor/leaflet/leaflet.css".into(),
            hashed: false,
        }
    }
}

/// `s` as a JavaScript string literal that cannot end the script element it is written in.
fn js_string(s: &str) -> String {
    serde_json::to_string(s)
        .unwrap_or_else(|_| "\"\"".into())
        .replace('<', "\\u003c")
}

/// The whole document. `Assets` comes from the server's context.
pub fn shell(assets: Assets) -> impl IntoView {
    provide_locale();
    let nonce = leptos::nonce::use_nonce();
    let locale = use_locale();
    let parts = use_context::<http::request::Parts>();
    let path = parts
        .as_ref()
        .map(|p| p.uri.path().to_owned())
        .unwrap_or_default();
    // A failed form post is answered with its page rendered again, while the address bar shows where the form
    // posted (`/amministrazione/aree`): before hydrating, the address becomes the page's own (so the router
    // finds the page it hydrates, and a reload shows it), and the error is scrolled into view.
    let answered = parts
        .as_ref()
        .and_then(|p| p.extensions.get::<crate::forms::FormFeedback>())
        .is_some();
    let page = parts
        .as_ref()
        .and_then(|p| p.uri.path_and_query().map(|pq| pq.as_str().to_owned()))
        .unwrap_or_default();
    let site = parts
        .as_ref()
        .and_then(|p| p.extensions.get::<std::sync::Arc<backend::site::SiteRecord>>())
        .map(|r| r.site.clone())
        .unwrap_or_default();
    let bundle = crate::bundle_for(&path);
    let (js, wasm) = match bundle {
        crate::Bundle::Public | crate::Bundle::Static => (assets.js.clone(), assets.wasm.clone()),
        crate::Bundle::Reporting => (assets.js_reporting.clone(), assets.wasm_reporting.clone()),
        crate::Bundle::Full => (assets.js_full.clone(), assets.wasm_full.clone()),
    };
    let answer = if answered {
        format!(
            "if (location.pathname !== {path}) history.replaceState(null, '', {page} + location.hash);\n\
             document.querySelector('.form-error')?.scrollIntoView({{ block: 'center' }});\n",
            path = js_string(&path),
            page = js_string(&page),
        )
    } else {
        String::new()
    };
    let boot = format!(
        "{answer}import init, {{ hydrate }} from '{js}';\ninit({{ module_or_path: '{wasm}' }}).then(hydrate);"
    );
    // A static page (links and plain forms only) loads neither the WASM nor Leaflet.
    let scripts = (bundle != crate::Bundle::Static).then(|| {
        view! {
            <script src=assets.leaflet_js.clone()></script>
            <link rel="modulepreload" href=js.clone() />
            <link rel="preload" href=wasm.clone() r#as="fetch" r#type="application/wasm" crossorigin="" />
            <script type="module" nonce=nonce.clone()>{boot}</script>
        }
    });
    view! {
        <!DOCTYPE html>
        <html lang=locale.tag()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <link rel="stylesheet" href=assets.leaflet_css />
                <link rel="stylesheet" href=assets.css />
                {scripts}
                <MetaTags />
            </head>
            <body>
                <App />
                // After the application, outside hydration: the server's alone (no WASM for it).
                <crate::components::footer::Footer site=site />
            </body>
        </html>
    }
}
