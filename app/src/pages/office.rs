//! The back office (full bundle): `/ufficio`, the inbox; `/ufficio/segnalazioni/{code}`, the staff page of a
//! report with one form per command the viewer may give. Every form is a plain post (it works without WASM) that
//! carries the version of the report the page showed: a stale one is refused with a clear conflict.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use shared::i18n::{Msg, WorkMsg as W, age_label, date_label};
use shared::report::work::{
    Choice, InboxItem, InboxPage, InboxQuery, InboxScope, InboxSort, Priority, WorkView,
};
use shared::report::{MapPin, ReportState};
use shared::{BBox, ReportId};

use crate::components::header::Header;
use crate::components::report_map::ReportMap;
use crate::components::state_badge::StateBadge;
use crate::forms::{FormError, use_feedback};
use crate::i18n::use_locale;
use crate::pages::not_found::ErrorBox;
use crate::pages::report::signature;
use crate::server_fns::reports::get_tiles;
use crate::server_fns::work::{get_inbox, get_work};

/// `/ufficio`
#[component]
pub fn InboxView() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let q = move || query.with(|m| InboxQuery::from_params(|k| m.get(k)));
    let page = Resource::new(q, get_inbox);
    let tiles = Resource::new(|| (), |_| get_tiles());
    view! {
        <Title text=locale.t(W::Inbox) />
        <Header />
        <main class="page office-page" id="contenuto" tabindex="-1">
            <h1>{locale.t(W::Inbox)}</h1>
            <p class="lead">{locale.t(W::InboxIntro)}</p>
            {crate::auth::use_signed_in()
                .filter(|s| !matches!(s.role, shared::Role::Contractor | shared::Role::Observer | shared::Role::Citizen))
                .map(|_| view! { <p><a class="button" href="/ufficio/nuova">{locale.t(W::NewStaffReport)}</a></p> })}
            <Suspense fallback=move || view! { <p class="muted">{locale.t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match (page.await, tiles.await) {
                        (Ok(p), Ok(t)) => view! { <Inbox page=p query=q() tile_url=t.url tile_attribution=t.attribution /> }.into_any(),
                        (Err(e), _) | (_, Err(e)) => view! { <ErrorBox error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

#[component]
fn Select(
    name: &'static str,
    label: &'static str,
    any: &'static str,
    choices: Vec<Choice>,
    selected: Option<String>,
) -> impl IntoView {
    let id = format!("filtro-{name}");
    view! {
        <label for=id.clone()>{label}</label>
        <select id=id name=name>
            <option value="">{any}</option>
            {choices.into_iter().map(|c| {
                let sel = selected.as_deref() == Some(c.value.as_str());
                view! { <option value=c.value selected=sel>{c.label}</option> }
            }).collect_view()}
        </select>
    }
}

#[component]
fn Inbox(page: InboxPage, query: InboxQuery, tile_url: String, tile_attribution: String) -> impl IntoView {
    let locale = use_locale();
    let t = move |m: W| locale.t(m);
    let now = page.now;
    let states = ReportState::ALL
        .into_iter()
        .map(|s| Choice {
            value: s.as_str().into(),
            label: s.label(locale).into(),
        })
        .collect::<Vec<_>>();
    let sorts = InboxSort::ALL
        .iter()
        .map(|s| Choice {
            value: s.as_str().into(),
            label: s.label(locale).into(),
        })
        .collect::<Vec<_>>();
    let scopes = InboxScope::ALL
        .iter()
        .map(|s| Choice {
            value: s.as_str().into(),
            label: s.label(locale).into(),
        })
        .collect::<Vec<_>>();
    let counts = page
        .counts
        .iter()
        .map(|(s, n)| {
            let mut q = query.clone();
            q.state = Some(*s);
            view! { <li><a href=q.path(None)><StateBadge state=*s /> " " {*n}</a></li> }
        })
        .collect_view();
    let overdue_link = {
        let mut q = query.clone();
        q.overdue = true;
        q.path(None)
    };
    let pins: Vec<MapPin> = page
        .items
        .iter()
        .enumerate()
        .map(|(i, r)| MapPin {
            id: ReportId(i as i64),
            receipt_code: r.receipt_code.clone(),
            title: r.title.clone(),
            kind: r.kind,
            state: r.state,
            category: r.category.clone(),
            lat: r.lat,
            lng: r.lng,
            created_at: r.created_at,
        })
        .collect();
    let fit = bbox_of(&page.items);
    let next = page.next.clone().map(|n| query.path(Some(&n)));
    let first = query.after.is_some().then(|| query.path(None));
    let rows = if page.items.is_empty() {
        view! { <p class="muted">{t(W::NoItems)}</p> }.into_any()
    } else {
        view! {
            <table class="inbox">
                <thead><tr>
                    <th scope="col">{locale.t(Msg::ReceiptCode)}</th>
                    <th scope="col">{t(W::Title)}</th>
                    <th scope="col">{t(W::State)}</th>
                    <th scope="col">{t(W::Priority)}</th>
                    <th scope="col">{locale.t(Msg::Category)}</th>
                    <th scope="col">{locale.t(Msg::District)}</th>
                    <th scope="col">{t(W::Assignee)}</th>
                    <th scope="col">{t(W::Age)}</th>
                    <th scope="col">{t(W::Due)}</th>
                </tr></thead>
                <tbody>
                    {page.items.into_iter().map(|r| view! { <InboxRow item=r now=now /> }).collect_view()}
                </tbody>
            </table>
        }
        .into_any()
    };
    view! {
        <section class="inbox-counts" aria-label=t(W::Counts)>
            <ul class="counts">{counts}</ul>
            <p><a class="overdue-link" href=overdue_link>{t(W::Overdue)} ": " {page.overdue}</a></p>
        </section>
        <details class="filters" open=true>
            <summary>{t(W::Filters)}</summary>
            <form method="get" action="/ufficio" class="filter-form">
                <Select name="ambito" label=t(W::Scope) any=InboxScope::Offices.label(locale) choices=scopes
                    selected=Some(query.scope.as_str().to_owned()) />
                <Select name="stato" label=t(W::State) any=t(W::AllOpen) choices=states
                    selected=query.state.map(|s| s.as_str().to_owned()) />
                <Select name="categoria" label=locale.t(Msg::Category) any=t(W::Any) choices=page.categories
                    selected=query.category.map(|c| c.to_string()) />
                <Select name="quartiere" label=locale.t(Msg::District) any=t(W::Any) choices=page.districts
                    selected=query.district.map(|d| d.to_string()) />
                {(!page.offices.is_empty()).then(|| view! {
                    <Select name="ufficio" label=locale.t(Msg::Office) any=t(W::Any) choices=page.offices
                        selected=query.office.map(|o| o.to_string()) />
                })}
                <Select name="ordine" label=t(W::SortBy) any=InboxSort::Due.label(locale) choices=sorts
                    selected=Some(query.sort.as_str().to_owned()) />
                <label><input type="checkbox" name="scadute" value="1" checked=query.overdue /> " " {t(W::OverdueOnly)}</label>
                <label><input type="checkbox" name="interne" value="1" checked=query.internal /> " " {t(W::InternalOnly)}</label>
                <button type="submit" class="button">{t(W::Apply)}</button>
            </form>
        </details>
        {rows}
        <nav class="pager">
            {first.map(|f| view! { <a href=f>{"« "}{t(W::FirstPage)}</a> " " })}
            {next.map(|n| view! { <a href=n rel="next">{t(W::NextPage)}{" »"}</a> })}
        </nav>
        {fit.map(|fit| view! {
            <section class="inbox-map">
                <h2>{t(W::OnTheMap)}</h2>
                <ReportMap fit=fit pins=pins now=now tile_url=tile_url tile_attribution=tile_attribution
                    class="map-small" max_zoom_on_fit=16.0 />
            </section>
        })}
    }
}

/// The smallest box around the items (a little larger), `None` when there are none.
fn bbox_of(items: &[InboxItem]) -> Option<BBox> {
    let first = items.first()?;
    let (mut w, mut s, mut e, mut n) = (first.lng, first.lat, first.lng, first.lat);
    for i in items {
        w = w.min(i.lng);
        e = e.max(i.lng);
        s = s.min(i.lat);
        n = n.max(i.lat);
    }
    BBox::new(w - 0.002, s - 0.002, e + 0.002, n + 0.002).ok()
}

#[component]
fn InboxRow(item: InboxItem, now: chrono::DateTime<chrono::Utc>) -> impl IntoView {
    let locale = use_locale();
    let overdue = item.overdue(now);
    let class = if overdue { "overdue" } else { "" };
    let priority_class = match item.priority {
        Priority::Urgent | Priority::High => "tag tag-urgent",
        _ => "tag",
    };
    view! {
        <tr class=class>
            <td><a href=format!("/ufficio/segnalazioni/{}", item.receipt_code)>{item.receipt_code.clone()}</a></td>
            <td>
                {item.title.clone()}
                {item.is_internal.then(|| view! { " " <span class="tag">{locale.t(W::Internal)}</span> })}
                {(!item.is_public && !item.is_internal).then(|| view! { " " <span class="tag">{locale.t(W::Private)}</span> })}
                {item.completion_reported.then(|| view! { " " <span class="tag tag-sent">{locale.t(W::CompletionReported)}</span> })}
            </td>
            <td><StateBadge state=item.state /></td>
            <td><span class=priority_class>{item.priority.label(locale)}</span></td>
            <td>{item.category.clone()}</td>
            <td>{item.district.clone().unwrap_or_default()}</td>
            <td>{item.assignee.clone().unwrap_or_else(|| item.office.clone())}</td>
            <td><time datetime=item.created_at.to_rfc3339()>{age_label(item.created_at, now, locale)}</time></td>
            <td>
                <time datetime=item.sla_due_at.to_rfc3339()>{date_label(item.sla_due_at, locale)}</time>
                {overdue.then(|| view! { " " <strong class="tag tag-overdue">{locale.t(W::Overdue)}</strong> })}
            </td>
        </tr>
    }
}

/// `/ufficio/nuova`: the reporting form with the back office's fields (channel, the citizen's contact, internal).
/// It posts to the same door as the public form.
#[component]
pub fn StaffNewReportPage() -> impl IntoView {
    use crate::pages::new_report::ReportForm;
    use crate::server_fns::reports::get_staff_report_form;
    let locale = use_locale();
    let setup = Resource::new(|| (), |_| get_staff_report_form());
    view! {
        <Title text=locale.t(W::NewStaffReport) />
        <Header />
        <main class="page report-form-page" id="contenuto" tabindex="-1">
            <p class="breadcrumb"><a href="/ufficio">{"‹ "}{locale.t(W::BackToInbox)}</a></p>
            <h1>{locale.t(W::NewStaffReport)}</h1>
            <p class="lead">{locale.t(W::NewStaffReportIntro)}</p>
            <Suspense fallback=move || view! { <p class="muted">{locale.t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match setup.await {
                        Ok(s) => view! { <ReportForm setup=s extra=ViewFn::from(|| view! { <StaffIntakeFields /> }) /> }.into_any(),
                        Err(e) => view! { <ErrorBox error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

#[component]
fn StaffIntakeFields() -> impl IntoView {
    use shared::report::work::Channel;
    let locale = use_locale();
    let t = move |m: W| locale.t(m);
    let fb = use_feedback();
    let value = |n: &str| fb.value("report", n);
    let role = crate::auth::use_signed_in().map(|s| s.role);
    let behalf = matches!(
        role,
        Some(shared::Role::UrpOperator | shared::Role::Administrator)
    );
    let channel = value("channel");
    view! {
        <input type="hidden" name="modulo" value="ufficio" />
        {behalf.then(|| view! {
            <fieldset class="contact">
                <legend>{t(W::OnBehalf)}</legend>
                <p class="field-hint">{t(W::OnBehalfHint)}</p>
                <div class="field">
                    <label for="campo-channel">{t(W::ChannelLabel)}</label>
                    <select id="campo-channel" name="channel">
                        <option value="">{t(W::ChannelOwn)}</option>
                        {[Channel::Phone, Channel::Email, Channel::Counter, Channel::Letter].into_iter().map(|c| view! {
                            <option value=c.as_str() selected=channel == c.as_str()>{c.label(locale)}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="campo-name">{t(W::CitizenName)}</label>
                    <input id="campo-name" name="name" maxlength="80" value=value("name") />
                </div>
                <div class="field">
                    <label for="campo-email">{t(W::CitizenEmail)}</label>
                    <input id="campo-email" name="email" type="email" value=value("email") />
                </div>
                <div class="field">
                    <label for="campo-phone">{t(W::CitizenPhone)}</label>
                    <input id="campo-phone" name="phone" type="tel" value=value("phone") />
                </div>
            </fieldset>
        })}
        <label class="choice" for="campo-internal">
            <input type="checkbox" id="campo-internal" name="internal" value="true" checked=value("internal") == "true" />
            {t(W::InternalReport)}
        </label>
    }
}

/// `/ufficio/moderazione`: comments reported as abusive.
#[component]
pub fn ModerationPage() -> impl IntoView {
    use crate::server_fns::work::get_reported_comments;
    let locale = use_locale();
    let t = move |m: W| locale.t(m);
    let queue = Resource::new(|| (), |_| get_reported_comments());
    view! {
        <Title text=t(W::Moderation) />
        <Header />
        <main class="page office-page" id="contenuto" tabindex="-1">
            <h1>{t(W::Moderation)}</h1>
            <p class="lead">{t(W::ModerationIntro)}</p>
            <Suspense fallback=move || view! { <p class="muted">{locale.t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match queue.await {
                        Ok(items) if items.is_empty() => view! { <p class="muted">{t(W::NothingReported)}</p> }.into_any(),
                        Ok(items) => view! {
                            <ol class="comment-list">
                                {items.into_iter().map(|i| view! {
                                    <li class="comment">
                                        <div class="comment-head">
                                            <a href=format!("/ufficio/segnalazioni/{}", i.receipt_code)>{format!("{} · {}", i.receipt_code, i.report_title)}</a>
                                            " · " <span class="comment-author">{i.comment.author}</span>
                                            " " <span class="tag tag-failed">{format!("{} {}", i.comment.abuse_reports, t(W::AbuseReports))}</span>
                                        </div>
                                        <p class="comment-text">{i.comment.body}</p>
                                    </li>
                                }).collect_view()}
                            </ol>
                        }.into_any(),
                        Err(e) => view! { <ErrorBox error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

/// `/ufficio/segnalazioni/{code}`
#[component]
pub fn WorkPage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let code = move || params.read().get("code").unwrap_or_default();
    let work = Resource::new(code, get_work);
    Effect::new(move |_| {
        let c = params.read_untracked().get("code").unwrap_or_default();
        crate::live::on_change(Some(&c), move || work.refetch());
    });
    view! {
        <Title text=locale.t(W::WorkTitle) />
        <Header />
        <main class="page office-page" id="contenuto" tabindex="-1">
            <p class="breadcrumb"><a href="/ufficio">{"‹ "}{locale.t(W::BackToInbox)}</a></p>
            <Suspense fallback=move || view! { <p class="muted">{locale.t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match work.await {
                        Ok(w) => view! { <Work work=w /> }.into_any(),
                        Err(e) => view! { <ErrorBox error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

#[component]
fn Work(work: WorkView) -> impl IntoView {
    let locale = use_locale();
    let t = move |m: W| locale.t(m);
    let done = use_query_map().read_untracked().get("fatto").is_some();
    let r = &work.report;
    let now = r.now;
    let code = r.receipt_code.clone();
    view! {
        <Title text=format!("{} · {}", r.receipt_code, r.title) />
        {done.then(|| view! { <p class="notice" role="status">{t(W::Done)}</p> })}
        <article class="work">
            <header class="report-head">
                <h1>{r.title.clone()}</h1>
                <StateBadge state=r.state />
            </header>
            <dl class="facts">
                <dt>{locale.t(Msg::ReceiptCode)}</dt>
                <dd class="receipt-code">{code.clone()} " · " <a href=format!("/segnalazioni/{code}")>{t(W::PublicPage)}</a></dd>
                <dt>{locale.t(Msg::Kind)}</dt><dd>{r.kind.label(locale)}</dd>
                <dt>{locale.t(Msg::Category)}</dt><dd>{r.category.clone()}</dd>
                <dt>{locale.t(Msg::Office)}</dt><dd class="work-office">{r.office.clone().unwrap_or_default()}</dd>
                {r.district.clone().map(|d| view! { <dt>{locale.t(Msg::District)}</dt><dd>{d}</dd> })}
                <dt>{t(W::Priority)}</dt><dd>{work.priority.label(locale)}</dd>
                <dt>{t(W::Channel)}</dt><dd>{work.channel.label(locale)}</dd>
                <dt>{t(W::Visibility)}</dt>
                <dd>{if work.is_internal { t(W::Internal) } else if work.is_public { t(W::Public) } else { t(W::Private) }}</dd>
                <dt>{locale.t(Msg::Submitted)}</dt>
                <dd>{date_label(r.created_at, locale)} {format!(" ({})", age_label(r.created_at, now, locale))}</dd>
                <dt>{t(W::Due)}</dt>
                <dd>{date_label(r.sla_due_at, locale)}
                    {r.overdue().then(|| view! { " " <strong class="tag tag-overdue">{t(W::Overdue)}</strong> })}</dd>
                {work.assigned_user.clone().map(|u| view! { <dt>{t(W::Assignee)}</dt><dd class="work-assignee">{u}</dd> })}
                {work.assigned_contractor.clone().map(|c| view! { <dt>{t(W::Contractors)}</dt><dd class="work-contractor">{c}</dd> })}
                {work.assignment_due_on.map(|d| view! { <dt>{t(W::AssignmentDue)}</dt><dd>{d.format("%d/%m/%Y").to_string()}</dd> })}
                {work.completion_reported_at.map(|d| view! { <dt>{t(W::CompletionReported)}</dt><dd>{date_label(d, locale)}</dd> })}
                {work.duplicate_of.clone().map(|d| view! {
                    <dt>{t(W::DuplicateOf)}</dt><dd><a href=format!("/ufficio/segnalazioni/{d}")>{d.clone()}</a></dd>
                })}
                {(!work.duplicates.is_empty()).then(|| view! {
                    <dt>{t(W::Duplicates)}</dt><dd>{work.duplicates.join(", ")}</dd>
                })}
                <dt>{t(W::Version)}</dt><dd class="work-version">{work.version}</dd>
            </dl>
            <section class="description">
                <h2>{locale.t(Msg::Description)}</h2>
                <p>{r.description.clone()}</p>
            </section>
            {work.contact.clone().map(|c| view! {
                <section class="contact">
                    <h2>{t(W::Contact)}</h2>
                    <dl class="facts">
                        {c.name.map(|n| view! { <dt>{t(W::Name)}</dt><dd>{n}</dd> })}
                        {c.email.map(|e| view! { <dt>{t(W::Email)}</dt><dd><a href=format!("mailto:{e}")>{e.clone()}</a></dd> })}
                        {c.phone.map(|p| view! { <dt>{t(W::Phone)}</dt><dd>{p}</dd> })}
                    </dl>
                </section>
            })}
            <Actions work=work.clone() />
            <StaffPhotos work=work.clone() />
            <section class="timeline">
                <h2>{t(W::FullTimeline)}</h2>
                <ol class="timeline-list">
                    {work.timeline.iter().map(|e| {
                        let internal = !e.is_public;
                        let class = if internal { "timeline-entry internal" } else { "timeline-entry" };
                        let entry = e.entry.clone();
                        view! {
                            <li class=class>
                                <div class="timeline-head">
                                    {entry.to_state.map(|s| view! { <StateBadge state=s /> })}
                                    {internal.then(|| view! { <span class="tag">{t(W::InternalNoteTag)}</span> })}
                                    <time datetime=entry.at.to_rfc3339()>{date_label(entry.at, locale)}</time>
                                    <span class="timeline-actor">{signature(&entry, locale)}</span>
                                </div>
                                {entry.note.clone().map(|n| view! { <p class="timeline-text">{n}</p> })}
                            </li>
                        }
                    }).collect_view()}
                </ol>
            </section>
            <StaffComments work=work.clone() />
        </article>
    }
}

/// A form for one command: posts to `/ufficio/segnalazioni/{code}/{command}` with the page's version.
#[component]
fn CommandForm(
    code: String,
    version: i32,
    command: &'static str,
    title: &'static str,
    button: &'static str,
    /// Multipart, for a form with a file field.
    #[prop(optional)]
    multipart: bool,
    children: Children,
) -> impl IntoView {
    let feedback = use_feedback();
    let enctype = if multipart {
        "multipart/form-data"
    } else {
        "application/x-www-form-urlencoded"
    };
    view! {
        <details class="command" open=feedback.error_of(command).is_some()>
            <summary>{title}</summary>
            <FormError error=feedback.error_of(command) />
            <form method="post" class="stack" enctype=enctype action=format!("/ufficio/segnalazioni/{code}/{command}")>
                <input type="hidden" name="version" value=version />
                {children()}
                <button type="submit" class="button">{button}</button>
            </form>
        </details>
    }
}

#[component]
fn NoteField(
    name: &'static str,
    label: &'static str,
    form: &'static str,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let feedback = use_feedback();
    let id = format!("campo-{form}-{name}");
    view! {
        <label for=id.clone()>{label}</label>
        <textarea id=id name=name rows="3" maxlength="5000" required=required>{feedback.value(form, name)}</textarea>
    }
}

#[component]
fn Actions(work: WorkView) -> impl IntoView {
    let locale = use_locale();
    let t = move |m: W| locale.t(m);
    let code = work.report.receipt_code.clone();
    let v = work.version;
    let may = |c: &str| work.may(c);
    if work
        .allowed
        .iter()
        .all(|c| c == "hide_photo" || c == "hide_comment")
        && !may("hide_photo")
    {
        return view! { <section class="actions"><h2>{t(W::Actions)}</h2><p class="muted">{t(W::NoActions)}</p></section> }.into_any();
    }
    let group = |prefix: &str| {
        work.assignees
            .iter()
            .filter(|c| c.value.starts_with(prefix))
            .map(|c| view! { <option value=c.value.clone()>{c.label.clone()}</option> })
            .collect_view()
    };
    let (offices, people, contractors) = (group("office:"), group("user:"), group("contractor:"));
    let next_states = work.next_states.clone();
    let categories = work.categories.clone();
    let templates = work.templates.clone();
    let current_priority = work.priority;
    let public = work.is_public;
    view! {
        <section class="actions">
            <h2>{t(W::Actions)}</h2>
            {may("take_in_charge").then(|| view! {
                <CommandForm code=code.clone() version=v command="take_in_charge" title=t(W::TakeInCharge) button=t(W::TakeInCharge)>
                    <NoteField name="note" label=t(W::NoteOptional) form="take_in_charge" />
                </CommandForm>
            })}
            {may("assign").then(|| view! {
                <CommandForm code=code.clone() version=v command="assign" title=t(W::Assign) button=t(W::Assign)>
                    <label for="campo-assign-to">{t(W::AssignTo)}</label>
                    <select id="campo-assign-to" name="to" required>
                        <option value="">"—"</option>
                        <optgroup label=t(W::Offices)>{offices}</optgroup>
                        <optgroup label=t(W::People)>{people}</optgroup>
                        <optgroup label=t(W::Contractors)>{contractors}</optgroup>
                    </select>
                    <label for="campo-assign-due">{t(W::DueDate)}</label>
                    <input id="campo-assign-due" type="date" name="due" />
                    <NoteField name="note" label=t(W::NoteOptional) form="assign" />
                </CommandForm>
            })}
            {may("set_priority").then(|| view! {
                <CommandForm code=code.clone() version=v command="set_priority" title=t(W::SetPriority) button=t(W::SetPriority)>
                    <label for="campo-priority">{t(W::Priority)}</label>
                    <select id="campo-priority" name="priority">
                        {Priority::ALL.iter().map(|p| view! {
                            <option value=p.as_str() selected=*p == current_priority>{p.label(locale)}</option>
                        }).collect_view()}
                    </select>
                </CommandForm>
            })}
            {(may("change_state") && !next_states.is_empty()).then(|| view! {
                <CommandForm code=code.clone() version=v command="change_state" title=t(W::ChangeState) button=t(W::ChangeState)>
                    <label for="campo-state">{t(W::NewState)}</label>
                    <select id="campo-state" name="state" required>
                        {next_states.iter().map(|s| view! { <option value=s.as_str()>{s.label(locale)}</option> }).collect_view()}
                    </select>
                    <NoteField name="note" label=t(W::NoteOptional) form="change_state" />
                </CommandForm>
            })}
            {may("publish_update").then(|| view! {
                <CommandForm code=code.clone() version=v command="publish_update" title=t(W::PublishUpdate) button=t(W::PublishUpdate)>
                    <p class="muted">{t(W::PublishHint)}</p>
                    <NoteField name="note" label=t(W::Text) form="publish_update" required=true />
                    {(!templates.is_empty()).then(|| view! {
                        <details class="templates">
                            <summary>{t(W::Templates)}</summary>
                            {templates.iter().map(|tpl| view! {
                                <figure class="template">
                                    <figcaption>{tpl.name.clone()}</figcaption>
                                    <pre class="template-text">{tpl.text.clone()}</pre>
                                </figure>
                            }).collect_view()}
                        </details>
                    })}
                </CommandForm>
            })}
            {may("internal_note").then(|| view! {
                <CommandForm code=code.clone() version=v command="internal_note" title=t(W::InternalNote) button=t(W::InternalNote)>
                    <p class="muted">{t(W::InternalHint)}</p>
                    <NoteField name="note" label=t(W::Text) form="internal_note" required=true />
                </CommandForm>
            })}
            {may("contractor_progress").then(|| view! {
                <CommandForm code=code.clone() version=v command="contractor_progress" title=t(W::ContractorProgress) button=t(W::ContractorProgress) multipart=true>
                    <NoteField name="note" label=t(W::Text) form="contractor_progress" required=true />
                    <label for="campo-progress-photos">{locale.t(Msg::Photos)}</label>
                    <input id="campo-progress-photos" name="photos" type="file" multiple accept="image/jpeg,image/png,image/webp" />
                    <label><input type="checkbox" name="done" value="1" /> " " {t(W::WorkDone)}</label>
                </CommandForm>
            })}
            {may("validate_completion").then(|| view! {
                <CommandForm code=code.clone() version=v command="validate_completion" title=t(W::ValidateCompletion) button=t(W::ValidateCompletion)>
                    <p class="muted">{t(W::PublishHint)}</p>
                    <NoteField name="note" label=t(W::Text) form="validate_completion" required=true />
                </CommandForm>
            })}
            {may("reclassify").then(|| view! {
                <CommandForm code=code.clone() version=v command="reclassify" title=t(W::Reclassify) button=t(W::Reclassify)>
                    <label for="campo-category">{t(W::NewCategory)}</label>
                    <select id="campo-category" name="category" required>
                        {categories.iter().map(|c| view! { <option value=c.value.clone()>{c.label.clone()}</option> }).collect_view()}
                    </select>
                    <NoteField name="note" label=t(W::NoteOptional) form="reclassify" />
                </CommandForm>
            })}
            {may("mark_duplicate").then(|| view! {
                <CommandForm code=code.clone() version=v command="mark_duplicate" title=t(W::MarkDuplicate) button=t(W::MarkDuplicate)>
                    <label for="campo-of">{t(W::OriginalCode)}</label>
                    <input id="campo-of" name="of" required placeholder="SEG-2026-000123" />
                </CommandForm>
            })}
            {may("reject").then(|| view! {
                <CommandForm code=code.clone() version=v command="reject" title=t(W::Reject) button=t(W::Reject)>
                    <NoteField name="note" label=t(W::Reason) form="reject" required=true />
                </CommandForm>
            })}
            {may("set_visibility").then(|| view! {
                <form method="post" class="inline" action=format!("/ufficio/segnalazioni/{code}/set_visibility")>
                    <input type="hidden" name="version" value=v />
                    <input type="hidden" name="public" value=if public { "0" } else { "1" } />
                    <button type="submit" class="button">{if public { t(W::MakePrivate) } else { t(W::MakePublic) }}</button>
                </form>
            })}
        </section>
    }
    .into_any()
}

#[component]
fn StaffPhotos(work: WorkView) -> impl IntoView {
    let locale = use_locale();
    let t = move |m: W| locale.t(m);
    if work.staff_photos.is_empty() {
        return ().into_any();
    }
    let code = work.report.receipt_code.clone();
    let v = work.version;
    let may = work.may("hide_photo");
    view! {
        <section class="photos">
            <h2>{locale.t(Msg::Photos)}</h2>
            <ul class="photo-list">
                {work.staff_photos.into_iter().enumerate().map(|(i, p)| view! {
                    <li>
                        // The link's name is its image's: "Foto della segnalazione 2".
                        <a href=p.photo.url.clone()><img src=p.photo.thumb_url.clone()
                            alt=format!("{} {}", locale.t(shared::i18n::ReportMsg::PhotoAlt), i + 1) loading="lazy" /></a>
                        {p.hidden.then(|| view! { <span class="tag">{t(W::Hidden)}</span> })}
                        {may.then(|| view! {
                            <form method="post" class="inline" action=format!("/ufficio/segnalazioni/{code}/hide_photo")>
                                <input type="hidden" name="version" value=v />
                                <input type="hidden" name="photo" value=p.id />
                                <input type="hidden" name="hidden" value=if p.hidden { "0" } else { "1" } />
                                <button type="submit" class="link-button">{if p.hidden { t(W::Show) } else { t(W::Hide) }}</button>
                            </form>
                        })}
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
    .into_any()
}

#[component]
fn StaffComments(work: WorkView) -> impl IntoView {
    let locale = use_locale();
    let t = move |m: W| locale.t(m);
    let code = work.report.receipt_code.clone();
    let v = work.version;
    let may = work.may("hide_comment");
    let now = work.report.now;
    view! {
        <section class="comments">
            <h2>{locale.t(shared::i18n::ReportMsg::Comments)}</h2>
            <ol class="comment-list">
                {work.report.comments.into_iter().map(|c| view! {
                    <li class="comment">
                        <div class="comment-head">
                            <span class="comment-author">{c.author}</span> " · "
                            <time datetime=c.at.to_rfc3339()>{age_label(c.at, now, locale)}</time>
                            {c.hidden.then(|| view! { " " <span class="tag">{t(W::Hidden)}</span> })}
                            {(c.abuse_reports > 0).then(|| view! { " " <span class="tag tag-failed">{format!("{} {}", c.abuse_reports, t(W::AbuseReports))}</span> })}
                        </div>
                        <p class="comment-text">{c.body}</p>
                        {may.then(|| view! {
                            <form method="post" class="inline" action=format!("/ufficio/segnalazioni/{code}/hide_comment")>
                                <input type="hidden" name="version" value=v />
                                <input type="hidden" name="comment" value=c.id />
                                <input type="hidden" name="hidden" value=if c.hidden { "0" } else { "1" } />
                                <button type="submit" class="link-button">{if c.hidden { t(W::Show) } else { t(W::Hide) }}</button>
                            </form>
                        })}
                    </li>
                }).collect_view()}
            </ol>
        </section>
    }
}
