//! `/ricevuta/{code}?firma=…`: the receipt shown right after sending (the link is signed, so it works before the
//! report is public, and for private reports); and `/conferma/{token}`: what a one-action email link confirms,
//! with the button that confirms it (opening the link alone changes nothing: mail scanners open links too).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use shared::i18n::{Msg, ReportMsg as R, date_label};

use crate::components::header::Header;
use crate::forms::{FormError, use_feedback};
use crate::i18n::use_locale;
use crate::pages::not_found::ErrorBox;
use crate::server_fns::reports::{get_pending_confirmation, get_receipt};

#[component]
pub fn ReceiptPage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let query = use_query_map();
    let receipt = Resource::new(
        move || {
            (
                params.read().get("code").unwrap_or_default(),
                query.read().get("firma").unwrap_or_default(),
            )
        },
        |(code, sig)| get_receipt(code, sig),
    );
    view! {
        <Title text=locale.t(R::ReceiptTitle) />
        <Header />
        <main class="page narrow receipt-page" id="contenuto" tabindex="-1">
            <Suspense fallback=move || view! { <p class="muted">{locale.t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match receipt.await {
                        Ok(r) => view! {
                            <h1>{locale.t(R::ReceiptTitle)}</h1>
                            <p class="notice" role="status">{locale.t(R::ReceiptIntro)}</p>
                            <dl class="facts receipt">
                                <dt>{locale.t(Msg::ReceiptCode)}</dt><dd class="receipt-code">{r.receipt_code.clone()}</dd>
                                <dt>{locale.t(R::TitleLabel)}</dt><dd>{r.title.clone()}</dd>
                                <dt>{locale.t(Msg::Category)}</dt><dd>{r.category.clone()}</dd>
                                <dt>{locale.t(R::RoutedTo)}</dt><dd class="receipt-office">{r.office.clone()}</dd>
                                {r.district.clone().map(|d| view! { <dt>{locale.t(Msg::District)}</dt><dd>{d}</dd> })}
                                <dt>{locale.t(R::ExpectedBy)}</dt>
                                <dd><time datetime=r.expected_by.to_rfc3339()>{date_label(r.expected_by, locale)}</time></dd>
                                <dt>{locale.t(Msg::Photos)}</dt><dd>{r.photos}</dd>
                            </dl>
                            {if r.awaiting_confirmation {
                                view! { <p class="notice awaiting">{locale.t(R::AwaitingConfirmation)}</p> }.into_any()
                            } else {
                                view! { <p>{locale.t(R::ReceiptMailed)}</p> }.into_any()
                            }}
                            {(!r.is_public).then(|| view! { <p>{locale.t(R::PrivateNote)}</p> })}
                            <p class="actions">
                                {(r.is_public && !r.awaiting_confirmation).then(|| view! {
                                    <a class="button" rel="external" href=format!("/segnalazioni/{}", r.receipt_code)>{locale.t(R::SeeReport)}</a>
                                })}
                                " "
                                <a href="/segnala">{locale.t(R::AnotherReport)}</a>
                            </p>
                        }.into_any(),
                        Err(e) => view! { <ErrorBox error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

#[component]
pub fn ConfirmActionPage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let pending = Resource::new(token, get_pending_confirmation);
    let feedback = use_feedback();
    view! {
        <Title text=locale.t(R::ConfirmTitle) />
        <Header />
        <main class="page narrow" id="contenuto" tabindex="-1">
            <h1>{locale.t(R::ConfirmTitle)}</h1>
            <FormError error=feedback.error_of("confirm") />
            <Suspense fallback=move || view! { <p class="muted">{locale.t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match pending.await {
                        Ok((what, code, title)) => view! {
                            <p>
                                {locale.t(match what {
                                    1 => R::ConfirmSupportText,
                                    2 => R::ConfirmCommentText,
                                    3 => R::ConfirmFollowText,
                                    _ => R::ConfirmReportText,
                                })}
                                {format!(" {code} «{title}».")}
                            </p>
                            <form method="post" action=format!("/conferma/{}", token())>
                                <button type="submit" class="button primary">{locale.t(R::ConfirmButton)}</button>
                            </form>
                        }.into_any(),
                        Err(e) => view! { <ErrorBox error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}
