//! A report's state as a coloured label.

use leptos::prelude::*;
use shared::ReportState;

use crate::i18n::use_locale;

#[component]
pub fn StateBadge(state: ReportState) -> impl IntoView {
    let locale = use_locale();
    view! {
        <span class=format!("state-badge state-{}", state.as_str()) style=format!("--state-colour: {}", state.colour())>
            {state.label(locale)}
        </span>
    }
}
