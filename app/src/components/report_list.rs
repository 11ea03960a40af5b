//! A plain list of reports (the map's companion and the list page): title linked to the report, state,
//! category, age. Rendered on the server: readable without WASM, by keyboard and screen reader.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use shared::i18n::age_label;
use shared::report::MapPin;

use crate::components::state_badge::StateBadge;
use crate::i18n::use_locale;

/// The rows, in order.
#[component]
pub fn ReportRows(items: Vec<MapPin>, now: DateTime<Utc>) -> impl IntoView {
    view! {
        <ol class="report-list">
            {items.into_iter().map(|p| view! { <ReportRow pin=p now=now /> }).collect_view()}
        </ol>
    }
}

#[component]
fn ReportRow(pin: MapPin, now: DateTime<Utc>) -> impl IntoView {
    let locale = use_locale();
    view! {
        <li class="report-row" data-receipt=pin.receipt_code.clone()>
            <a class="report-row-title" href=format!("/segnalazioni/{}", pin.receipt_code)>{pin.title}</a>
            <div class="report-row-meta">
                <StateBadge state=pin.state />
                <span>{pin.category}</span>
                <time datetime=pin.created_at.to_rfc3339()>{age_label(pin.created_at, now, locale)}</time>
                <span class="muted receipt">{pin.receipt_code.clone()}</span>
            </div>
        </li>
    }
}
