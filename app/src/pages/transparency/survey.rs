//! `/soddisfazione/{token}`: the satisfaction questionnaire a reporter reaches from the email sent some days
//! after resolution. A plain form posting to the same address (`server::http::stats`); once answered the link
//! is used up, and the page says so.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use shared::i18n::{StatsMsg as S, date_label};

use crate::components::header::Header;
use crate::forms::{FormError, use_feedback};
use crate::i18n::use_locale;
use crate::pages::not_found::ErrorBox;
use crate::server_fns::stats::get_survey;

#[component]
pub fn SurveyPage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let query = use_query_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let done = query.with_untracked(|q| q.get("fatto").is_some());
    let reopened = query.with_untracked(|q| q.get("riaperta").is_some());
    let code = query.with_untracked(|q| q.get("codice")).unwrap_or_default();
    let survey = Resource::new(token, move |t| async move {
        if done {
            return Ok(None);
        }
        get_survey(t).await.map(Some)
    });
    let feedback = use_feedback();
    view! {
        <Title text=locale.t(S::SurveyTitle) />
        <Header />
        <main class="page narrow survey-page" id="contenuto" tabindex="-1">
            <h1>{locale.t(S::SurveyTitle)}</h1>
            {done.then(|| view! {
                <p class="notice" role="status">{locale.t(S::SurveyThanks)}</p>
                {reopened.then(|| view! { <p class="notice">{locale.t(S::SurveyReopened)}</p> })}
                {(!code.is_empty()).then(|| view! {
                    <p><a href=format!("/segnalazioni/{code}") rel="external">{code.clone()}</a></p>
                })}
            })}
            <Suspense fallback=|| ()>
                {move || {
                    let feedback = feedback.clone();
                    Suspend::new(async move {
                        match survey.await {
                            Ok(None) => ().into_any(),
                            Ok(Some(s)) => {
                                let err = feedback.error_of("survey");
                                let kept = |n: &str| feedback.value("survey", n);
                                let (t0, q0, c0, ns0) = (kept("timeliness"), kept("quality"), kept("comment"), kept("not_solved"));
                                let marks = move |name: &'static str, label: S, chosen: String| view! {
                                    <fieldset class="marks">
                                        <legend>{locale.t(label)}</legend>
                                        {(1..=5).map(|n| {
                                            let v = n.to_string();
                                            let checked = chosen == v;
                                            let text = match n { 1 => locale.t(S::Mark1).to_owned(), 5 => locale.t(S::Mark5).to_owned(), _ => v.clone() };
                                            view! { <label class="mark"><input type="radio" name=name value=v checked=checked />{text}</label> }
                                        }).collect_view()}
                                    </fieldset>
                                };
                                view! {
                                    <p class="lead">{locale.t(S::SurveyIntro)}</p>
                                    <p><a href=format!("/segnalazioni/{}", s.code) rel="external">{s.title.clone()}</a>" · "{s.code.clone()}</p>
                                    <FormError error=err />
                                    <crate::components::footer::PrivacyNote />
                                    <form method="post" class="survey-form">
                                        {marks("timeliness", S::SurveyTimeliness, t0)}
                                        {marks("quality", S::SurveyQuality, q0)}
                                        <label for="campo-comment">{locale.t(S::SurveyComment)}</label>
                                        <textarea id="campo-comment" name="comment" maxlength="2000" rows="4">{c0}</textarea>
                                        <label class="checkbox"><input type="checkbox" name="not_solved" value="on" checked=!ns0.is_empty() />
                                            {locale.t(S::SurveyNotSolved)}</label>
                                        <p class="hint">{locale.t(S::SurveyNotSolvedHint)}</p>
                                        <button type="submit">{locale.t(S::SurveySend)}</button>
                                    </form>
                                    <p class="muted">{locale.t(S::SurveyLinkWorksUntil)}" "{date_label(s.expires_at, locale)}</p>
                                }.into_any()
                            }
                            Err(e) => view! { <ErrorBox error=e /> }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </main>
    }
}
