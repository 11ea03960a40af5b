//! The sections of the administration page, one per thing administered. Every form posts to
//! `/amministrazione/...`; a failed post renders the page again with the error above its form.

use leptos::prelude::*;
use shared::admin::{AdminOverview, CategoryRow, Retirable, Retire, StaffRow};
use shared::i18n::{Msg, WorkMsg as W};
use shared::report::work::PLACEHOLDERS;
use shared::{Locale, Role};

use crate::forms::{FormError, use_feedback};
use crate::i18n::use_locale;

fn options(items: &[(String, String)], selected: &str) -> impl IntoView + use<> {
    items
        .iter()
        .map(|(v, l)| view! { <option value=v.clone() selected=v == selected>{l.clone()}</option> })
        .collect_view()
}

#[component]
pub fn Sections(overview: AdminOverview) -> impl IntoView {
    let locale = use_locale();
    let t = move |m: W| locale.t(m);
    let fb = use_feedback();
    // Every office for the rows that already point at one (a disabled one included); the active ones for new
    // categories, rules and people.
    let all_offices: Vec<(String, String)> = overview
        .offices
        .iter()
        .map(|o| (o.id.to_string(), o.name.clone()))
        .collect();
    let offices: Vec<(String, String)> = overview
        .offices
        .iter()
        .filter(|o| !o.disabled)
        .map(|o| (o.id.to_string(), o.name.clone()))
        .collect();
    let categories: Vec<(String, String)> = overview
        .categories
        .iter()
        .map(|c| (c.id.to_string(), c.name.clone()))
        .collect();
    let districts: Vec<(String, String)> = overview
        .areas
        .iter()
        .filter(|a| !a.municipality && !a.disabled)
        .map(|a| (a.id.to_string(), a.name.clone()))
        .collect();
    let all_contractors: Vec<(String, String)> = overview
        .contractors
        .iter()
        .map(|c| (c.id.to_string(), c.name.clone()))
        .collect();
    let contractors: Vec<(String, String)> = overview
        .contractors
        .iter()
        .filter(|c| !c.disabled)
        .map(|c| (c.id.to_string(), c.name.clone()))
        .collect();
    view! {
        <section id="uffici" class="admin-section">
            <h2>{locale.t(Msg::Office)}</h2>
            <p class="field-hint">{t(W::RetireHint)}</p>
            <FormError error=fb.error_of("office-edit") />
            <FormError error=fb.error_of(&Retirable::Office.form()) />
            <table class="admin-table">
                <thead><tr><th scope="col">{t(W::Name)}</th><th scope="col">{t(W::Email)}</th>
                    <th scope="col">{t(W::OpenReports)}</th><th></th><th></th></tr></thead>
                <tbody>
                    {overview.offices.iter().map(|o| {
                        let form = format!("ufficio-{}", o.id);
                        view! {
                            <tr class=if o.disabled { "disabled" } else { "" }>
                                <td><input form=form.clone() name="name" value=o.name.clone() aria-label=t(W::Name) /></td>
                                <td><input form=form.clone() name="email" type="email" value=o.email.clone().unwrap_or_default() aria-label=t(W::Email) />
                                    <select form=form.clone() name="notifiche" aria-label=t(W::NewReportMail)>
                                        {mail_options(locale, o.new_report_mail)}
                                    </select></td>
                                <td>{o.open}</td>
                                <td><form id=form method="post" action="/amministrazione/uffici">
                                    <input type="hidden" name="id" value=o.id.to_string() />
                                    <button type="submit" class="button">{t(W::Save)}</button>
                                </form></td>
                                <td><RetireButtons kind=Retirable::Office id=o.id.0 name=o.name.clone() disabled=Some(o.disabled) /></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <h3>{t(W::NewOffice)}</h3>
            <FormError error=fb.error_of("office") />
            <form method="post" action="/amministrazione/uffici" class="inline-fields">
                <label for="nuovo-ufficio-nome">{t(W::Name)}</label>
                <input id="nuovo-ufficio-nome" name="name" required value=fb.value("office", "name") />
                <label for="nuovo-ufficio-email">{t(W::Email)}</label>
                <input id="nuovo-ufficio-email" name="email" type="email" value=fb.value("office", "email") />
                <label for="nuovo-ufficio-notifiche">{t(W::NewReportMail)}</label>
                <select id="nuovo-ufficio-notifiche" name="notifiche">
                    {mail_options(locale, shared::admin::OfficeMail::parse(&fb.value("office", "notifiche")).unwrap_or_default())}
                </select>
                <button type="submit" class="button">{t(W::Add)}</button>
            </form>
        </section>

        <section id="categorie" class="admin-section">
            <h2>{t(W::Categories)}</h2>
            <FormError error=fb.error_of("category-edit") />
            <FormError error=fb.error_of(&Retirable::Category.form()) />
            <table class="admin-table">
                <thead><tr><th scope="col">{t(W::Name)}</th><th scope="col">{locale.t(Msg::Office)}</th>
                    <th scope="col">{t(W::SlaDays)}</th><th scope="col">{t(W::Radius)}</th>
                    <th scope="col">{t(W::Enabled)}</th><th></th><th></th></tr></thead>
                <tbody>
                    {overview.categories.iter().map(|c| view! { <CategoryLine category=c.clone() offices=all_offices.clone() /> }).collect_view()}
                </tbody>
            </table>
            <h3>{t(W::NewCategory2)}</h3>
            <FormError error=fb.error_of("category") />
            <form method="post" action="/amministrazione/categorie" class="inline-fields">
                <label for="nuova-cat-nome">{t(W::Name)}</label>
                <input id="nuova-cat-nome" name="name" required value=fb.value("category", "name") />
                <label for="nuova-cat-ufficio">{locale.t(Msg::Office)}</label>
                <select id="nuova-cat-ufficio" name="office">{options(&offices, &fb.value("category", "office"))}</select>
                <label for="nuova-cat-sla">{t(W::SlaDays)}</label>
                <input id="nuova-cat-sla" name="sla_days" inputmode="numeric" size="4" required value=fb.value("category", "sla_days") />
                <label for="nuova-cat-raggio">{t(W::Radius)}</label>
                <input id="nuova-cat-raggio" name="duplicate_radius_m" inputmode="numeric" size="5" value={
                    let v = fb.value("category", "duplicate_radius_m");
                    if v.is_empty() { "250".to_owned() } else { v }
                } />
                <label><input type="checkbox" name="enabled" value="true" checked=true /> " " {t(W::Enabled)}</label>
                <button type="submit" class="button">{t(W::Add)}</button>
            </form>
        </section>

        <section id="modelli" class="admin-section">
            <h2>{t(W::Templates)}</h2>
            <FormError error=fb.error_of("template") />
            <FormError error=fb.error_of(&Retirable::Template.form()) />
            <ul class="template-list">
                {overview.templates.iter().map(|tpl| view! {
                    <li class=if tpl.disabled { "disabled" } else { "" }>
                        <strong>{tpl.name.clone()}</strong>
                        {format!(" ({})", tpl.category_name.clone().unwrap_or_else(|| t(W::AllCategories).to_owned()))}
                        {tpl.disabled.then(|| format!(" · {}", t(W::Disabled)))}
                        <pre class="template-text">{tpl.body.clone()}</pre>
                        <RetireButtons kind=Retirable::Template id=tpl.id name=tpl.name.clone() disabled=Some(tpl.disabled) />
                    </li>
                }).collect_view()}
            </ul>
            <h3>{t(W::NewTemplate)}</h3>
            <form method="post" action="/amministrazione/modelli" class="stack">
                <label for="modello-categoria">{locale.t(Msg::Category)}</label>
                <select id="modello-categoria" name="category">
                    <option value="">{t(W::AllCategories)}</option>
                    {options(&categories, &fb.value("template", "category"))}
                </select>
                <label for="modello-nome">{t(W::Name)}</label>
                <input id="modello-nome" name="name" required value=fb.value("template", "name") />
                <label for="modello-testo">{t(W::Text)}</label>
                <p class="field-hint">{t(W::PlaceholdersHint)} " "
                    <code>{PLACEHOLDERS.iter().map(|p| format!("{{{p}}}")).collect::<Vec<_>>().join(" ")}</code></p>
                <textarea id="modello-testo" name="body" rows="4" required>{fb.value("template", "body")}</textarea>
                <button type="submit" class="button">{t(W::Add)}</button>
            </form>
        </section>

        <section id="ditte" class="admin-section">
            <h2>{t(W::Contractors)}</h2>
            <FormError error=fb.error_of("contractor-edit") />
            <FormError error=fb.error_of(&Retirable::Contractor.form()) />
            <table class="admin-table">
                <thead><tr><th scope="col">{t(W::Name)}</th><th scope="col">{t(W::Email)}</th><th></th><th></th></tr></thead>
                <tbody>
                    {overview.contractors.iter().map(|c| {
                        let form = format!("ditta-{}", c.id);
                        view! {
                            <tr class=if c.disabled { "disabled" } else { "" }>
                                <td><input form=form.clone() name="name" value=c.name.clone() aria-label=t(W::Name) /></td>
                                <td><input form=form.clone() name="email" type="email" value=c.email.clone().unwrap_or_default() aria-label=t(W::Email) /></td>
                                <td><form id=form method="post" action="/amministrazione/ditte">
                                    <input type="hidden" name="id" value=c.id.to_string() />
                                    <button type="submit" class="button">{t(W::Save)}</button>
                                </form></td>
                                <td><RetireButtons kind=Retirable::Contractor id=c.id.0 name=c.name.clone() disabled=Some(c.disabled) /></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <h3>{t(W::NewContractor)}</h3>
            <FormError error=fb.error_of("contractor") />
            <form method="post" action="/amministrazione/ditte" class="inline-fields">
                <label for="ditta-nome">{t(W::Name)}</label>
                <input id="ditta-nome" name="name" required value=fb.value("contractor", "name") />
                <label for="ditta-email">{t(W::Email)}</label>
                <input id="ditta-email" name="email" type="email" value=fb.value("contractor", "email") />
                <button type="submit" class="button">{t(W::Add)}</button>
            </form>
        </section>

        <section id="aree" class="admin-section">
            <h2>{t(W::Areas)}</h2>
            <FormError error=fb.error_of(&Retirable::District.form()) />
            <table class="admin-table">
                <thead><tr><th scope="col">{t(W::Name)}</th><th scope="col">{t(W::Kind)}</th><th scope="col">"km²"</th><th></th></tr></thead>
                <tbody>
                    {overview.areas.iter().map(|a| view! {
                        <tr class=if a.disabled { "disabled" } else { "" }><td>{a.name.clone()}</td>
                            <td>{if a.municipality { t(W::Municipality) } else { t(W::District) }}</td>
                            <td>{format!("{:.2}", a.km2)}</td>
                            <td>{if a.municipality {
                                a.restorable.then(|| view! {
                                    <form method="post" class="inline" action="/amministrazione/confine/ripristina#aree">
                                        <button type="submit" class="link-button">{t(W::RestoreBoundary)}</button>
                                    </form>
                                }).into_any()
                            } else {
                                view! { <RetireButtons kind=Retirable::District id=a.id.0 name=a.name.clone() disabled=Some(a.disabled) /> }.into_any()
                            }}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
            <h3>{t(W::UploadArea)}</h3>
            <p class="field-hint">{t(W::UploadHint)}</p>
            <FormError error=fb.error_of("area") />
            {match fb.outcome::<shared::admin::FormOutcome>("area") {
                Some(shared::admin::FormOutcome::AreaPreview(p)) => Some(view! { <AreaPreviewView preview=p /> }),
                _ => None,
            }}
            <form method="post" action="/amministrazione/aree#aree" enctype="multipart/form-data" class="stack">
                <label for="area-tipo">{t(W::Kind)}</label>
                <select id="area-tipo" name="kind">
                    <option value="district" selected=fb.value("area", "kind") != "municipality">{t(W::District)}</option>
                    <option value="municipality" selected=fb.value("area", "kind") == "municipality">{t(W::Municipality)}</option>
                </select>
                <label for="area-nome">{t(W::Name)}</label>
                <input id="area-nome" name="name" value=fb.value("area", "name") />
                <label for="area-srid">{t(W::Srid)}</label>
                <input id="area-srid" name="srid" inputmode="numeric" size="6" value=fb.value("area", "srid") />
                <label for="area-proprieta">{t(W::NameProperty)}</label>
                <input id="area-proprieta" name="name_property" size="20" value=fb.value("area", "name_property") />
                <label for="area-file">{t(W::File)}</label>
                <input id="area-file" name="file" type="file" accept=".geojson,.json,application/geo+json,application/json" />
                <label for="area-testo">{t(W::OrPaste)}</label>
                <textarea id="area-testo" name="geojson" rows="4">{fb.value("area", "geojson")}</textarea>
                <div class="button-row">
                    <button type="submit" class="button" name="preview" value="1">{t(W::PreviewArea)}</button>
                    <button type="submit" class="button primary">{
                        if fb.outcome.is_some() && fb.form == "area" { t(W::ConfirmLoad) } else { t(W::LoadArea) }
                    }</button>
                </div>
            </form>
        </section>

        <section id="vie" class="admin-section">
            <h2>{t(W::StreetsTitle)}</h2>
            <p>{t(W::StreetsCount).replace("{streets}", &overview.streets.to_string()).replace("{numbers}", &overview.house_numbers.to_string())}</p>
            <FormError error=fb.error_of("streets") />
            {match fb.outcome::<shared::admin::FormOutcome>("streets") {
                Some(shared::admin::FormOutcome::StreetImport(r)) => Some(view! { <StreetReport report=r /> }),
                _ => None,
            }}
            <p class="field-hint">{t(W::StreetsHint)}</p>
            <form method="post" action="/amministrazione/vie#vie" enctype="multipart/form-data" class="stack">
                <label for="vie-file">{t(W::StreetsFile)}</label>
                <input id="vie-file" name="file" type="file" required accept=".csv,.txt,.geojson,.json,text/csv,application/geo+json,application/json" />
                <label for="vie-srid">{t(W::StreetsSrid)}</label>
                <input id="vie-srid" name="srid" inputmode="numeric" size="6" value=fb.value("streets", "srid") />
                <fieldset class="choices">
                    <legend class="visually-hidden">{t(W::StreetsTitle)}</legend>
                    <label><input type="radio" name="mode" value="merge" checked=fb.value("streets", "mode") != "replace" /> " " {t(W::MergeStreets)}</label>
                    <label><input type="radio" name="mode" value="replace" checked=fb.value("streets", "mode") == "replace" /> " " {t(W::ReplaceStreets)}</label>
                </fieldset>
                <button type="submit" class="button primary">{t(W::ImportStreets)}</button>
            </form>
        </section>

        <section id="regole" class="admin-section">
            <h2>{t(W::Rules)}</h2>
            <p class="field-hint">{t(W::RulesHint)}</p>
            <FormError error=fb.error_of("rule") />
            <ul>
                {overview.rules.iter().map(|r| {
                    let toggle = if r.disabled { Retire::Enable } else { Retire::Disable };
                    let label = format!("{} · {}", r.category_name, r.area_name);
                    let form = move |action: Retire, text: &'static str| view! {
                        <form method="post" class="inline" action=format!("/amministrazione/regole/{}#regole", action.slug())>
                            <input type="hidden" name="category" value=r.category.to_string() />
                            <input type="hidden" name="area" value=r.area.to_string() />
                            <button type="submit" class="link-button" aria-label=format!("{text} {label}")>{text}</button>
                        </form>
                    };
                    view! {
                        <li class=if r.disabled { "disabled" } else { "" }>
                            {format!("{} · {} → {}", r.category_name, r.area_name,
                                if r.offered { r.office_name.clone().unwrap_or_else(|| t(W::CategoryOffice).to_owned()) }
                                else { t(W::NotOffered).to_owned() })}
                            {r.disabled.then(|| format!(" · {}", t(W::Disabled)))}
                            " "
                            <span class="retire">
                                {form(toggle, if r.disabled { t(W::EnableIt) } else { t(W::DisableIt) })}
                                {form(Retire::Delete, t(W::Delete))}
                            </span>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <h3>{t(W::NewRule)}</h3>
            <form method="post" action="/amministrazione/regole" class="inline-fields">
                <label for="regola-cat">{locale.t(Msg::Category)}</label>
                <select id="regola-cat" name="category">{options(&categories, &fb.value("rule", "category"))}</select>
                <label for="regola-area">{t(W::District)}</label>
                <select id="regola-area" name="area">{options(&districts, &fb.value("rule", "area"))}</select>
                <label for="regola-ufficio">{locale.t(Msg::Office)}</label>
                <select id="regola-ufficio" name="office">
                    <option value="">{t(W::CategoryOffice)}</option>
                    {options(&offices, &fb.value("rule", "office"))}
                </select>
                <label><input type="checkbox" name="offered" value="true" checked=true /> " " {t(W::Offered)}</label>
                <button type="submit" class="button">{t(W::Add)}</button>
            </form>
        </section>

        <section id="personale" class="admin-section">
            <h2>{t(W::Staff)}</h2>
            <FormError error=fb.error_of("staff-edit") />
            <table class="admin-table">
                <thead><tr><th scope="col">{t(W::Name)}</th><th scope="col">{t(W::Role)}</th>
                    <th scope="col">{locale.t(Msg::Office)}</th><th scope="col">{t(W::Company)}</th>
                    <th scope="col">{t(W::Disabled)}</th><th></th></tr></thead>
                <tbody>
                    {overview.staff.iter().map(|s| view! {
                        <StaffLine person=s.clone() offices=all_offices.clone() contractors=all_contractors.clone() locale=locale />
                    }).collect_view()}
                </tbody>
            </table>
            <h3>{t(W::NewStaff)}</h3>
            <p class="field-hint">{t(W::NewStaffHint).replace("{days}", &shared::admin::INVITATION_VALID_DAYS.to_string())}</p>
            <FormError error=fb.error_of("staff") />
            <form method="post" action="/amministrazione/personale" class="inline-fields">
                <label for="persona-nome">{t(W::Name)}</label>
                <input id="persona-nome" name="name" required value=fb.value("staff", "name") />
                <label for="persona-email">{t(W::Email)}</label>
                <input id="persona-email" name="email" type="email" required value=fb.value("staff", "email") />
                <label for="persona-ruolo">{t(W::Role)}</label>
                <select id="persona-ruolo" name="role">{role_options(locale, &fb.value("staff", "role"))}</select>
                <label for="persona-ufficio">{locale.t(Msg::Office)}</label>
                <select id="persona-ufficio" name="office" multiple>{options(&offices, "")}</select>
                <label for="persona-ditta">{t(W::Company)}</label>
                <select id="persona-ditta" name="contractor">
                    <option value="">{t(W::None)}</option>
                    {options(&contractors, &fb.value("staff", "contractor"))}
                </select>
                <button type="submit" class="button">{t(W::Add)}</button>
            </form>
        </section>
    }
}

fn mail_options(locale: Locale, selected: shared::admin::OfficeMail) -> impl IntoView + use<> {
    shared::admin::OfficeMail::ALL
        .into_iter()
        .map(|m| view! { <option value=m.as_str() selected=m == selected>{m.label(locale)}</option> })
        .collect_view()
}

fn role_options(locale: Locale, selected: &str) -> impl IntoView + use<> {
    Role::ALL
        .into_iter()
        .filter(|r| *r != Role::Citizen)
        .map(
            |r| view! { <option value=r.as_str() selected=r.as_str() == selected>{r.label(locale)}</option> },
        )
        .collect_view()
}

#[component]
fn CategoryLine(category: CategoryRow, offices: Vec<(String, String)>) -> impl IntoView {
    let locale = use_locale();
    let t = move |m: W| locale.t(m);
    let c = category;
    let form = format!("categoria-{}", c.id);
    view! {
        <tr>
            <td><input form=form.clone() name="name" value=c.name.clone() aria-label=t(W::Name) /></td>
            <td><select form=form.clone() name="office" aria-label=locale.t(Msg::Office)>{options(&offices, &c.office.to_string())}</select></td>
            <td><input form=form.clone() name="sla_days" size="4" value=c.sla_days.to_string() aria-label=t(W::SlaDays) /></td>
            <td><input form=form.clone() name="duplicate_radius_m" size="5" value=c.duplicate_radius_m.to_string() aria-label=t(W::Radius) /></td>
            <td><input form=form.clone() type="checkbox" name="enabled" value="true" checked=c.enabled aria-label=t(W::Enabled) /></td>
            <td><form id=form method="post" action="/amministrazione/categorie">
                <input type="hidden" name="id" value=c.id.to_string() />
                <button type="submit" class="button">{t(W::Save)}</button>
            </form></td>
            // Disabled through its "enabled" box: only deleting here.
            <td><RetireButtons kind=Retirable::Category id=c.id.0 name=c.name.clone() disabled=None /></td>
        </tr>
    }
}

#[component]
fn StaffLine(
    person: StaffRow,
    offices: Vec<(String, String)>,
    contractors: Vec<(String, String)>,
    locale: Locale,
) -> impl IntoView {
    let t = move |m: W| locale.t(m);
    let p = person;
    let form = format!("persona-{}", p.id);
    let mine: Vec<String> = p.offices.iter().map(|o| o.to_string()).collect();
    view! {
        <tr class=if p.disabled { "disabled" } else { "" }>
            <td>{p.name.clone()} <br /> <span class="muted">{p.email.clone()}</span>
                {p.invitation.clone().map(|i| {
                    let until = shared::i18n::date_label(i.expires_at, locale);
                    let status = if i.expired {
                        t(W::InvitationExpired).replace("{date}", &until)
                    } else {
                        t(W::InvitationPending).replace("{date}", &until).replace("{by}", &i.invited_by)
                    };
                    let action = format!("/amministrazione/personale/{}#personale", p.id);
                    view! {
                        <br /><span class="invitation-status">{status}</span>
                        <span class="retire">
                            <form method="post" class="inline" action=action.clone()>
                                <input type="hidden" name="invito" value="reinvia" />
                                <button type="submit" class="link-button">{t(W::ResendInvitation)}</button>
                            </form>
                            <form method="post" class="inline" action=action>
                                <input type="hidden" name="invito" value="revoca" />
                                <button type="submit" class="link-button">{t(W::RevokeInvitation)}</button>
                            </form>
                        </span>
                    }
                })}
            </td>
            <td><select form=form.clone() name="role" aria-label=t(W::Role)>{role_options(locale, p.role.as_str())}</select></td>
            <td><select form=form.clone() name="office" multiple aria-label=locale.t(Msg::Office)>
                {offices.iter().map(|(v, l)| view! { <option value=v.clone() selected=mine.contains(v)>{l.clone()}</option> }).collect_view()}
            </select></td>
            <td><select form=form.clone() name="contractor" aria-label=t(W::Company)>
                <option value="">{t(W::None)}</option>
                {options(&contractors, &p.contractor.map(|c| c.to_string()).unwrap_or_default())}
            </select></td>
            <td><input form=form.clone() type="checkbox" name="disabled" value="true" checked=p.disabled aria-label=t(W::Disabled) /></td>
            <td><form id=form method="post" action=format!("/amministrazione/personale/{}", p.id)>
                <button type="submit" class="button">{t(W::Save)}</button>
            </form></td>
        </tr>
    }
}

/// Disable / enable again (when `disabled` is known) and delete, each a form post of its own; the buttons name
/// the item for screen readers ("Elimina Lavori pubblici").
#[component]
fn RetireButtons(kind: Retirable, id: i32, name: String, disabled: Option<bool>) -> impl IntoView {
    let locale = use_locale();
    let t = move |m: W| locale.t(m);
    let toggle = disabled.map(|d| {
        let (action, label) = if d {
            (Retire::Enable, t(W::EnableIt))
        } else {
            (Retire::Disable, t(W::DisableIt))
        };
        view! {
            <form method="post" class="inline" action=action.href(kind, id)>
                <button type="submit" class="link-button" aria-label=format!("{label} {name}")>{label}</button>
            </form>
        }
    });
    let delete = t(W::Delete);
    view! {
        <span class="retire">
            {toggle}
            <form method="post" class="inline" action=Retire::Delete.href(kind, id)>
                <button type="submit" class="link-button" aria-label=format!("{delete} {name}")>{delete}</button>
            </form>
        </span>
    }
}

/// What an area upload would load: each shape's name, surface and a point inside it, and a map with the shapes
/// over the current boundary. Nothing is loaded until the form is sent again without "preview".
#[component]
fn AreaPreviewView(preview: shared::admin::AreaPreview) -> impl IntoView {
    use crate::components::report_map::ReportMap;
    use crate::server_fns::reports::get_tiles;
    let locale = use_locale();
    let t = move |m: W| locale.t(m);
    let rings: Vec<Vec<(f64, f64)>> = preview.pieces.iter().flat_map(|p| p.outline.clone()).collect();
    let all = rings.iter().chain(preview.current.iter()).flatten();
    let (mut south, mut west, mut north, mut east) = (90.0_f64, 180.0_f64, -90.0_f64, -180.0_f64);
    for (lat, lng) in all {
        south = south.min(*lat);
        north = north.max(*lat);
        west = west.min(*lng);
        east = east.max(*lng);
    }
    let fit = shared::BBox::new(west, south, east, north).ok();
    let tiles = Resource::new(|| (), |_| get_tiles());
    let current = preview.current.clone();
    view! {
        <div class="area-preview" role="status">
            <h3>{t(W::PreviewTitle)}</h3>
            <p class="field-hint">{t(W::PreviewHint)} " " {format!("{} EPSG:{}.", t(W::ReadIn), preview.srid)}</p>
            <table class="admin-table">
                <thead><tr><th scope="col">{t(W::Name)}</th><th scope="col">"km²"</th>
                    <th scope="col">{t(W::PointInside)}</th><th scope="col"></th></tr></thead>
                <tbody>
                    {preview.pieces.iter().map(|p| view! {
                        <tr>
                            <td>{p.name.clone()}</td>
                            <td>{format!("{:.2}", p.km2)}</td>
                            <td>{format!("{:.5}, {:.5}", p.lat, p.lng)}</td>
                            <td>{if p.replaces { t(W::ReplacesCurrent) } else { t(W::IsNew) }}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            {fit.map(|fit| view! {
                <Suspense fallback=|| ()>
                    {move || {
                        let (rings, current) = (rings.clone(), current.clone());
                        Suspend::new(async move {
                            tiles.await.ok().map(|tl| view! {
                                <ReportMap fit=fit pins=Signal::stored(Vec::new()) now=Signal::stored(chrono::DateTime::<chrono::Utc>::UNIX_EPOCH)
                                    tile_url=tl.url tile_attribution=tl.attribution outline=rings compare=current
                                    class="preview-map" max_zoom_on_fit=16.0 popups=false />
                            })
                        })
                    }}
                </Suspense>
            })}
        </div>
    }
}

/// What a street import did, and the lines it skipped with the reason of each.
#[component]
fn StreetReport(report: shared::admin::StreetImportReport) -> impl IntoView {
    let locale = use_locale();
    let t = move |m: W| locale.t(m);
    let done = t(W::ImportDone)
        .replace("{lines}", &report.lines.to_string())
        .replace("{added}", &report.streets_added.to_string())
        .replace("{updated}", &report.streets_updated.to_string())
        .replace("{numbers}", &report.numbers.to_string());
    view! {
        <div class="notice import-report" role="status">
            <p>{done}</p>
            {(report.skipped > 0).then(|| view! {
                <p>{t(W::ImportSkipped).replace("{skipped}", &report.skipped.to_string())}</p>
                <ul>
                    {report.problems.iter().map(|p| view! { <li>{p.message(locale)}</li> }).collect_view()}
                </ul>
            })}
        </div>
    }
}
