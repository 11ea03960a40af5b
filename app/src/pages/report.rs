//! `/segnalazioni/{receipt_code}`: one report, its place and its public timeline.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use leptos_router::hooks::use_query_map;
use shared::i18n::{Msg, ReportMsg as R, age_label, date_label};
use shared::report::{ActorKind, MapPin, ReportDetail, TimelineEntry};
use shared::{BBox, Locale};

use crate::components::header::Header;
use crate::components::report_map::ReportMap;
use crate::components::state_badge::StateBadge;
use crate::error::AppError;
use crate::i18n::use_locale;
use crate::pages::not_found::{ErrorBox, set_not_found_status};
use crate::server_fns::reports::{get_report, get_tiles};

/// "3,2 giorni (mediana della categoria: 5 giorni)", or that the median is on too few reports.
fn pace_label(took: f64, median: Option<f64>, locale: Locale) -> String {
    let it = locale == Locale::It;
    let took = shared::stats::human_duration(took, it);
    match median {
        Some(m) => format!(
            "{took} ({}: {})",
            locale.t(R::CategoryMedian),
            shared::stats::human_duration(m, it)
        ),
        None => format!("{took} ({})", locale.t(R::MedianTooFew)),
    }
}

#[component]
pub fn ReportPage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let code = move || params.read().get("code").unwrap_or_default();
    let report = Resource::new(code, get_report);
    let tiles = Resource::new(|| (), |_| get_tiles());
    // Live: the page reloads the report when it changes or gets a comment.
    Effect::new(move |_| {
        let c = params.read_untracked().get("code").unwrap_or_default();
        crate::live::on_change(Some(&c), move || report.refetch());
    });

    view! {
        <Header />
        <main class="page report-page" id="contenuto" tabindex="-1">
            <Suspense fallback=move || view! { <p class="muted">{locale.t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match (report.await, tiles.await) {
                        (Ok(r), Ok(s)) => view! {
                            <ReportView report=r tile_url=s.url tile_attribution=s.attribution />
                        }.into_any(),
                        (Err(AppError::NotFound | AppError::Invalid(_)), _) => {
                            // A malformed code in the address is a page that does not exist, not a bad request.
                            set_not_found_status();
                            view! {
                            <Title text=locale.t(Msg::NotFoundTitle) />
                            <h1>{locale.t(Msg::NotFoundTitle)}</h1>
                            <p role="alert" data-code=shared::ErrorCode::NotFound.as_str()>{locale.t(Msg::ReportNotFoundText)}</p>
                            <p><a href="/">{locale.t(Msg::BackToMap)}</a></p>
                        }.into_any()
                        }
                        (Err(e), _) | (_, Err(e)) => view! { <ErrorBox error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

#[component]
fn ReportView(report: ReportDetail, tile_url: String, tile_attribution: String) -> impl IntoView {
    let locale = use_locale();
    let r = report;
    let now = r.now;
    // About 300 m around the report.
    let (dlat, dlng) = (0.0027, 0.0038);
    let fit = BBox::new(r.lng - dlng, r.lat - dlat, r.lng + dlng, r.lat + dlat)
        .unwrap_or_else(|_| BBox::new(-180.0, -90.0, 180.0, 90.0).expect("the whole world is a valid bbox"));
    let pin = MapPin {
        id: r.id,
        receipt_code: r.receipt_code.clone(),
        title: r.title.clone(),
        kind: r.kind,
        state: r.state,
        category: r.category.clone(),
        lat: r.lat,
        lng: r.lng,
        created_at: r.created_at,
    };
    let timeline = r.timeline.clone();
    view! {
        <Title text=format!("{} · {}", r.title, r.receipt_code) />
        <p class="breadcrumb"><a href="/">{"‹ "}{locale.t(Msg::BackToMap)}</a></p>
        <article class="report">
            <header class="report-head">
                <h1>{r.title.clone()}</h1>
                <StateBadge state=r.state />
            </header>
            <dl class="facts">
                <dt>{locale.t(Msg::ReceiptCode)}</dt><dd class="receipt-code">{r.receipt_code.clone()}</dd>
                <dt>{locale.t(Msg::Kind)}</dt><dd>{r.kind.label(locale)}</dd>
                <dt>{locale.t(Msg::Category)}</dt><dd>{r.category.clone()}</dd>
                <dt>{locale.t(Msg::Office)}</dt><dd>{r.office.clone().unwrap_or_else(|| locale.t(Msg::NotAssigned).to_owned())}</dd>
                {r.district.clone().map(|d| view! { <dt>{locale.t(Msg::District)}</dt><dd>{d}</dd> })}
                <dt>{locale.t(Msg::Submitted)}</dt>
                <dd><time datetime=r.created_at.to_rfc3339()>{date_label(r.created_at, locale)}</time>
                    {format!(" ({})", age_label(r.created_at, now, locale))}</dd>
                {r.reporter.clone().map(|n| view! { <dt>{locale.t(R::ReportedBy)}</dt><dd>{n}</dd> })}
                <dt>{locale.t(R::Supporters)}</dt><dd class="supporters">{r.supporters}</dd>
                <dt>{locale.t(R::ExpectedBy)}</dt>
                <dd class="sla"><time datetime=r.sla_due_at.to_rfc3339()>{date_label(r.sla_due_at, locale)}</time>
                    {r.overdue().then(|| view! { " " <strong class="tag tag-overdue">{locale.t(R::Overdue)}</strong> })}</dd>
                {r.pace.take_s.map(|s| view! {
                    <dt>{locale.t(R::TakenInChargeIn)}</dt>
                    <dd class="pace">{pace_label(s, r.pace.take_median_s, locale)}</dd>
                })}
                {r.pace.resolve_s.map(|s| view! {
                    <dt>{locale.t(R::ResolvedIn)}</dt>
                    <dd class="pace">{pace_label(s, r.pace.resolve_median_s, locale)}</dd>
                })}
                <dt>{locale.t(Msg::LastUpdate)}</dt>
                <dd><time datetime=r.updated_at.to_rfc3339()>{date_label(r.updated_at, locale)}</time></dd>
            </dl>
            {(!r.is_public).then(|| view! { <p class="notice">{locale.t(R::PrivateReport)}</p> })}
            {r.viewer.may_work.then(|| view! {
                <p><a class="button" rel="external" href=format!("/ufficio/segnalazioni/{}", r.receipt_code)>{locale.t(R::WorkOnIt)}</a></p>
            })}
            <section class="description">
                <h2>{locale.t(Msg::Description)}</h2>
                <p>{r.description.clone()}</p>
            </section>
            <section class="photos">
                <h2>{locale.t(Msg::Photos)}</h2>
                {if r.photos.is_empty() {
                    view! { <p class="muted">{locale.t(Msg::NoPhotos)}</p> }.into_any()
                } else {
                    view! {
                        <ul class="photo-list">
                            {r.photos.iter().enumerate().map(|(i, p)| view! {
                                <li><a href=p.url.clone()>
                                    <img src=p.thumb_url.clone() alt=format!("{} {}", locale.t(R::PhotoAlt), i + 1) loading="lazy" />
                                </a></li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
            <SupportBox code=r.receipt_code.clone() open=r.state.is_open() && r.is_public supporters=r.supporters />
            {r.is_public.then(|| view! { <FollowBox code=r.receipt_code.clone() follows=r.viewer.follows /> })}
            <section class="location">
                <h2>{locale.t(Msg::Location)}</h2>
                <ReportMap
                    fit=fit
                    pins=vec![pin]
                    now=now
                    tile_url=tile_url
                    tile_attribution=tile_attribution
                    class="map-small"
                    max_zoom_on_fit=17.0
                    popups=false
                />
                <p class="muted coords">{format!("{:.5}, {:.5}", r.lat, r.lng)}</p>
            </section>
            <section class="timeline">
                <h2>{locale.t(Msg::Timeline)}</h2>
                <Timeline entries=timeline locale=locale />
            </section>
            <Comments report=r.clone() />
        </article>
    }
}

/// "Same problem" on an open report: signed in, one button; without an account, an email to confirm.
#[component]
fn SupportBox(code: String, open: bool, supporters: i64) -> impl IntoView {
    let locale = use_locale();
    let signed_in = crate::auth::use_signed_in().is_some();
    let feedback = crate::forms::use_feedback();
    let query = use_query_map();
    let notice = query
        .read_untracked()
        .get("avviso")
        .and_then(|a| match a.as_str() {
            "sostegno" => Some(R::NoticeSupported),
            "conferma-inviata" => Some(R::NoticeConfirmSent),
            "confermata" => Some(R::NoticeConfirmed),
            "commento" => Some(R::NoticeCommented),
            "abuso" => Some(R::NoticeAbuse),
            "segui" => Some(R::NoticeFollow),
            "non-segui" => Some(R::NoticeUnfollow),
            _ => None,
        });
    let _ = supporters;
    view! {
        {notice.map(|n| view! { <p class="notice" role="status">{locale.t(n)}</p> })}
        {open.then(|| view! {
            <section class="support">
                <h2>{locale.t(R::SupportHeading)}</h2>
                <crate::forms::FormError error=feedback.error_of("support") />
                <form method="post" action=format!("/segnalazioni/{code}/sostieni")>
                    {(!signed_in).then(|| view! {
                        <label for="campo-support-email">{locale.t(R::SupportEmail)}</label>
                        " "
                        <input id="campo-support-email" type="email" name="email" required autocomplete="email"
                            value=feedback.value("support", "email") />
                        " "
                    })}
                    <button type="submit" class="button">{locale.t(R::SameProblem)}</button>
                </form>
            </section>
        })}
    }
}

/// "ing. M. Rossi, Responsabile d'ufficio (Lavori pubblici)": who signed an entry, with their role and office.
pub fn signature(e: &TimelineEntry, locale: Locale) -> String {
    match e.actor_kind {
        ActorKind::Citizen => locale.t(Msg::Citizen).to_owned(),
        ActorKind::System => crate::auth::use_site().display_name().to_owned(),
        ActorKind::Staff => {
            let role = e
                .role
                .as_deref()
                .and_then(|r| r.parse::<shared::Role>().ok())
                .map(|r| format!(", {}", r.label(locale)))
                .unwrap_or_default();
            match &e.office {
                Some(o) if !e.actor.contains(o.as_str()) => format!("{}{role} ({o})", e.actor),
                _ => format!("{}{role}", e.actor),
            }
        }
    }
}

/// Follow the report by email: one button when signed in, an address to confirm otherwise.
#[component]
fn FollowBox(code: String, follows: bool) -> impl IntoView {
    let locale = use_locale();
    let signed_in = crate::auth::use_signed_in().is_some();
    let feedback = crate::forms::use_feedback();
    view! {
        <section class="follow">
            <h2>{locale.t(R::Follow)}</h2>
            {follows.then(|| view! { <p class="muted">{locale.t(R::Following)}</p> })}
            <crate::forms::FormError error=feedback.error_of("follow") />
            <form method="post" action=format!("/segnalazioni/{code}/segui")>
                <input type="hidden" name="segui" value=if follows { "0" } else { "1" } />
                {(!signed_in).then(|| view! {
                    <label for="campo-follow-email">{locale.t(R::YourEmail)}</label>
                    " "
                    <input id="campo-follow-email" type="email" name="email" required autocomplete="email"
                        value=feedback.value("follow", "email") />
                    " "
                })}
                <button type="submit" class="button">
                    {locale.t(if follows { R::Unfollow } else { R::Follow })}
                </button>
            </form>
            {(!signed_in).then(|| view! { <crate::components::footer::PrivacyNote /> })}
        </section>
    }
}

/// The public conversation: comments as text, "report abuse", and the form while the report is open.
#[component]
fn Comments(report: ReportDetail) -> impl IntoView {
    let locale = use_locale();
    let signed_in = report.viewer.signed_in;
    let feedback = crate::forms::use_feedback();
    let code = report.receipt_code.clone();
    let now = report.now;
    let list = if report.comments.is_empty() {
        view! { <p class="muted">{locale.t(R::CommentsEmpty)}</p> }.into_any()
    } else {
        let code = code.clone();
        view! {
            <ol class="comment-list">
                {report.comments.into_iter().map(|c| view! {
                    <li class="comment" id=format!("commento-{}", c.id)>
                        <div class="comment-head">
                            <span class="comment-author">{c.author}</span>
                            " · "
                            <time datetime=c.at.to_rfc3339()>{age_label(c.at, now, locale)}</time>
                        </div>
                        <p class="comment-text">{c.body}</p>
                        <form method="post" class="inline" action=format!("/segnalazioni/{}/commenti/{}/abuso", code, c.id)>
                            <button type="submit" class="link-button">{locale.t(R::ReportAbuse)}</button>
                        </form>
                    </li>
                }).collect_view()}
            </ol>
        }
        .into_any()
    };
    let form = if !report.is_public {
        view! { <p class="muted">{locale.t(R::CommentsPrivate)}</p> }.into_any()
    } else if !report.state.is_open() {
        view! { <p class="muted">{locale.t(R::CommentsClosed)}</p> }.into_any()
    } else if report.viewer.may_comment {
        view! {
            <crate::components::footer::PrivacyNote />
            <form method="post" class="stack comment-form" action=format!("/segnalazioni/{code}/commenti")>
                <label for="campo-comment">{locale.t(R::CommentLabel)}</label>
                <textarea id="campo-comment" name="comment" rows="4" maxlength="2000" required>
                    {feedback.value("comment", "comment")}
                </textarea>
                {(!signed_in).then(|| view! {
                    <label for="campo-comment-email">{locale.t(R::YourEmail)}</label>
                    <input id="campo-comment-email" type="email" name="email" required autocomplete="email"
                        value=feedback.value("comment", "email") />
                })}
                <button type="submit" class="button">{locale.t(R::CommentSend)}</button>
            </form>
        }
        .into_any()
    } else {
        ().into_any()
    };
    view! {
        <section class="comments" id="commenti">
            <h2>{locale.t(R::Comments)}</h2>
            // Outside the form: a refused comment or abuse report says why even to someone the form is not for.
            <crate::forms::FormError error=feedback.error_of("comment") />
            {list}
            {form}
        </section>
    }
}

#[component]
fn Timeline(entries: Vec<TimelineEntry>, locale: Locale) -> impl IntoView {
    if entries.is_empty() {
        return view! { <p class="muted">{locale.t(Msg::TimelineEmpty)}</p> }.into_any();
    }
    view! {
        <ol class="timeline-list">
            {entries
                .into_iter()
                .map(|e| {
                    let what = match (e.from_state, e.to_state) {
                        (_, Some(to)) => view! { <StateBadge state=to /> }.into_any(),
                        _ => view! { <span class="timeline-note-label">{locale.t(Msg::Note)}</span> }.into_any(),
                    };
                    let who = signature(&e, locale);
                    view! {
                        <li class="timeline-entry">
                            <div class="timeline-head">
                                {what}
                                <time datetime=e.at.to_rfc3339()>{date_label(e.at, locale)}</time>
                                <span class="timeline-actor">{who}</span>
                            </div>
                            {e.note.map(|n| view! { <p class="timeline-text">{n}</p> })}
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
    .into_any()
}
