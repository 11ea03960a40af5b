//! `/segnala`: a citizen files a report. One HTML form that posts to the server (multipart, photos included)
//! and works before or without WASM — every step shown at once, the place given as an address, a district or
//! coordinates. With WASM it becomes a step-by-step flow: the map to tap, "use my location", address suggestions,
//! the categories offered at the chosen point, the nearest street, duplicate suggestions as the title is typed,
//! and the checks of the server applied as people type. Either way the form carries an idempotency key, so a
//! double click or a reload after a lost answer files one report.

use crate::components::footer::PrivacyNote;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use shared::geo::inside_rings;
use shared::i18n::{Msg, ReportMsg as R, age_label};
use shared::report::submission::{
    CategoryChoice, DuplicateCandidate, Duplicates, MAX_PHOTOS, PlaceHit, PointInfo,
};
use shared::{Field, LatLng, ReportKind};

use crate::components::header::Header;
use crate::components::place_picker::{PlacePicker, Point};
use crate::components::state_badge::StateBadge;
use crate::forms::{FormError, FormFeedback, use_feedback};
use crate::i18n::use_locale;
use crate::pages::not_found::ErrorBox;
use crate::server_fns::reports::{
    ReportFormSetup, find_places, get_duplicates, get_point_info, get_report_form,
};

const FORM: &str = "report";

#[component]
pub fn NewReportPage() -> impl IntoView {
    let locale = use_locale();
    // Until the municipality opens the service, citizens read that it opens soon (staff may try the form).
    let open =
        crate::auth::use_site().open || crate::auth::use_signed_in().is_some_and(|s| s.role.is_staff());
    let setup = Resource::new(|| (), |_| get_report_form());
    view! {
        <Title text=locale.t(R::NewReportTitle) />
        <Header />
        <main class="page report-form-page" id="contenuto" tabindex="-1">
            <h1>{locale.t(R::NewReportTitle)}</h1>
            {if open {
                view! {
                    <p class="lead">{locale.t(R::NewReportIntro)}</p>
                    <PrivacyNote />
                    <Suspense fallback=move || view! { <p class="muted">{locale.t(Msg::Loading)}</p> }>
                        {move || Suspend::new(async move {
                            match setup.await {
                                Ok(s) => view! { <ReportForm setup=s /> }.into_any(),
                                Err(e) => view! { <ErrorBox error=e /> }.into_any(),
                            }
                        })}
                    </Suspense>
                }.into_any()
            } else {
                view! { <OpensSoon /> }.into_any()
            }}
        </main>
    }
}

/// What citizens read before the municipality opens the service.
#[component]
pub fn OpensSoon() -> impl IntoView {
    let locale = use_locale();
    view! {
        <div class="notice opens-soon" role="status">
            <h2>{locale.t(Msg::OpensSoon)}</h2>
            <p>{locale.t(Msg::OpensSoonBody)}</p>
        </div>
    }
}

fn parse_point(lat: &str, lng: &str) -> Option<Point> {
    let p = LatLng::new(lat.trim().parse().ok()?, lng.trim().parse().ok()?).ok()?;
    Some((p.lat(), p.lng()))
}

/// The reporting form. `extra` adds fields to its last step (the back office's: channel, the citizen's contact,
/// internal report), so the public page's bundle carries none of them.
#[component]
pub fn ReportForm(setup: ReportFormSetup, #[prop(optional)] extra: Option<ViewFn>) -> impl IntoView {
    let locale = use_locale();
    let fb = use_feedback();
    let value = |name: &str| fb.value(FORM, name);
    let field_error = |f: Field| fb.field_error(FORM, f).map(|e| e.message(locale));
    let (mounted, set_mounted) = signal(false);
    Effect::new(move |_| set_mounted.set(true));
    let step = RwSignal::new(1u8);

    let outline = setup.map.outline.clone();
    let point = RwSignal::new(parse_point(&value("lat"), &value("lng")));
    // What is typed in the coordinate fields: a point needs both, typed in either order.
    let lat_text = RwSignal::new(value("lat"));
    let lng_text = RwSignal::new(value("lng"));
    Effect::new(move |_| {
        if let Some((lat, lng)) = point.get() {
            lat_text.set(format!("{lat:.6}"));
            lng_text.set(format!("{lng:.6}"));
        }
    });
    let info = RwSignal::new(None::<PointInfo>);
    let outside_here = {
        let outline = outline.clone();
        Signal::derive(move || {
            point.get().is_some_and(|(lat, lng)| {
                !outline.is_empty() && LatLng::new(lat, lng).is_ok_and(|p| !inside_rings(&outline, p))
            }) || info.with(|i| i.as_ref().is_some_and(|i| !i.inside))
        })
    };
    // The server says what the point is (the browser's own check above answers at once).
    Effect::new(move |_| {
        let Some((lat, lng)) = point.get() else { return };
        spawn_local(async move {
            if let Ok(i) = get_point_info(lat, lng).await {
                info.set(Some(i));
            }
        });
    });
    let all_categories = setup.categories.clone();
    let categories = Signal::derive(move || {
        info.with(|i| match i {
            Some(i) if i.inside => i.categories.clone(),
            _ => all_categories.clone(),
        })
    });
    let category = RwSignal::new(value("category_id"));
    let title = RwSignal::new(value("title"));
    let duplicates = RwSignal::new(None::<Duplicates>);
    Effect::new(move |_| {
        let (Some((lat, lng)), cat, text) = (point.get(), category.get(), title.get()) else {
            return;
        };
        let cat = cat.parse::<i32>().ok();
        spawn_local(async move {
            if let Ok(d) = get_duplicates(lat, lng, cat, text).await {
                duplicates.set(Some(d));
            }
        });
    });

    let hidden = move |n: u8| mounted.get() && step.get() != n;
    // A new step takes the focus on its heading (a screen reader reads it; the live region below says where
    // the person is), so that "Avanti" never leaves them nowhere.
    Effect::new(move |prev: Option<u8>| {
        let now = step.get();
        if prev.is_some_and(|p| p != now) {
            // After the frame that shows the step: a hidden fieldset's heading cannot take the focus.
            request_animation_frame(move || focus_element(&format!("passo-{now}")));
        }
        now
    });
    let signed_in = setup.signed_in;
    let error = fb.error_of(FORM);
    let chosen_office = move || {
        let id = category.get();
        categories.with(|cs| cs.iter().find(|c| c.id.0.to_string() == id).cloned())
    };
    let photo_count_error = RwSignal::new(false);
    let submitting = RwSignal::new(false);
    let map = setup.map.clone();

    view! {
        <FormError error=error.clone() />
        <p id="passo-annuncio" class="visually-hidden" role="status" aria-live="polite">
            {move || mounted.get().then(|| {
                format!("{} {} {}", locale.t(R::Step), step.get(), locale.t(R::StepOfFour))
            })}
        </p>
        <form
            id="report-form"
            class="report-form"
            method="post"
            action="/segnala"
            enctype="multipart/form-data"
            on:submit=move |ev| {
                if submitting.get_untracked() || photo_count_error.get_untracked() {
                    ev.prevent_default();
                    return;
                }
                submitting.set(true);
            }
        >
            <input type="hidden" name="idempotency_key" value=setup.idempotency_key.clone() />
            <fieldset class="step" hidden=move || hidden(1)>
                <legend id="passo-1" tabindex="-1">{locale.t(R::StepPlace)}</legend>
                <p class="field-hint">{locale.t(R::PlaceHelp)}</p>
                <div class="map-picker-wrap" role="group" aria-label=locale.t(R::PlaceMapLabel)>
                    <PlacePicker
                        fit=map.bbox
                        outline=outline.clone()
                        tile_url=map.tile_url.clone()
                        tile_attribution=map.tile_attribution.clone()
                        point=point
                    />
                </div>
                <LocateButton point=point />
                <AddressSearch point=point initial=value("address") error=field_error(Field::Address) />
                <div class="field">
                    <label for="campo-district_id">{locale.t(R::DistrictLabel)}</label>
                    <select id="campo-district_id" name="district_id">
                        <option value="">{locale.t(R::DistrictNone)}</option>
                        {setup.districts.iter().map(|(id, name)| {
                            let selected = value("district_id") == id.to_string();
                            view! { <option value=id.to_string() selected=selected>{name.clone()}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <fieldset class="coords">
                    <legend>{locale.t(R::CoordinatesLabel)}</legend>
                    <label for="campo-lat">{Field::Latitude.label(locale)}</label>
                    <input id="campo-lat" name="lat" inputmode="decimal" autocomplete="off"
                        prop:value=move || point.get().map(|p| format!("{:.6}", p.0)).unwrap_or_default()
                        value=value("lat")
                        on:change=move |ev| {
                            lat_text.set(event_target_value(&ev));
                            if let Some(p) = parse_point(&lat_text.get_untracked(), &lng_text.get_untracked()) { point.set(Some(p)); }
                        } />
                    <label for="campo-lng">{Field::Longitude.label(locale)}</label>
                    <input id="campo-lng" name="lng" inputmode="decimal" autocomplete="off"
                        prop:value=move || point.get().map(|p| format!("{:.6}", p.1)).unwrap_or_default()
                        value=value("lng")
                        on:change=move |ev| {
                            lng_text.set(event_target_value(&ev));
                            if let Some(p) = parse_point(&lat_text.get_untracked(), &lng_text.get_untracked()) { point.set(Some(p)); }
                        } />
                </fieldset>
                {field_error(Field::Location).or(field_error(Field::Latitude)).or(field_error(Field::Longitude))
                    .map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
                <div class="place-status" role="status" aria-live="polite">
                    {move || {
                        if outside_here.get() {
                            return view! { <p class="form-error">{locale.t(R::OutsideMunicipality)}</p> }.into_any();
                        }
                        match (point.get(), info.get()) {
                            (Some((lat, lng)), i) => {
                                let near = i.as_ref().and_then(|i| i.street.clone())
                                    .map(|s| format!(" — {} {s}", locale.t(R::NearStreet)))
                                    .unwrap_or_default();
                                let district = i.and_then(|i| i.district).map(|d| format!(" ({d})")).unwrap_or_default();
                                view! { <p class="chosen-place"><strong>{locale.t(R::ChosenPlace)}</strong>
                                    {format!(": {lat:.5}, {lng:.5}{near}{district}")}</p> }.into_any()
                            }
                            (None, _) => ().into_any(),
                        }
                    }}
                </div>
                <StepButtons step=step mounted=mounted n=1 blocked=outside_here />
            </fieldset>

            <fieldset class="step" hidden=move || hidden(2)>
                <legend id="passo-2" tabindex="-1">{locale.t(R::StepWhat)}</legend>
                <fieldset class="kinds">
                    <legend>{locale.t(R::KindLabel)}</legend>
                    {ReportKind::ALL.into_iter().map(|k| {
                        let checked = value("kind") == k.as_str() || (value("kind").is_empty() && k == ReportKind::Problem);
                        let id = format!("kind-{}", k.as_str());
                        view! { <label for=id.clone() class="choice">
                            <input type="radio" id=id.clone() name="kind" value=k.as_str() checked=checked />
                            {k.label(locale)}</label> }
                    }).collect_view()}
                </fieldset>
                <div class="field" class:field-invalid=field_error(Field::Category).is_some()>
                    <label for="campo-category_id">{locale.t(R::CategoryLabel)}</label>
                    <select id="campo-category_id" name="category_id" required
                        on:change=move |ev| category.set(event_target_value(&ev))>
                        <option value="">{locale.t(R::CategoryChoose)}</option>
                        {move || categories.get().into_iter().map(|c: CategoryChoice| {
                            let id = c.id.0.to_string();
                            let selected = category.get_untracked() == id;
                            view! { <option value=id selected=selected>{c.name}</option> }
                        }).collect_view()}
                    </select>
                    {move || chosen_office().map(|c| view! {
                        <p class="field-hint">{format!("{}: {} — {} {} {}", locale.t(Msg::Office), c.office,
                            locale.t(R::AnswersIn), c.sla_days, locale.t(R::Days))}</p>
                    })}
                    {field_error(Field::Category).map(|e| view! { <p class="field-error">{e}</p> })}
                </div>
                <div class="field" class:field-invalid=field_error(Field::Title).is_some()>
                    <label for="campo-title">{locale.t(R::TitleLabel)}</label>
                    <p class="field-hint" id="campo-title-aiuto">{locale.t(R::TitleHint)}</p>
                    <input id="campo-title" name="title" required minlength="5" maxlength="120"
                        aria-describedby="campo-title-aiuto" value=value("title")
                        on:change=move |ev| title.set(event_target_value(&ev)) />
                    {field_error(Field::Title).map(|e| view! { <p class="field-error">{e}</p> })}
                </div>
                <div class="field" class:field-invalid=field_error(Field::Description).is_some()>
                    <label for="campo-description">{locale.t(R::DescriptionLabel)}</label>
                    <p class="field-hint" id="campo-description-aiuto">{locale.t(R::DescriptionHint)}</p>
                    <textarea id="campo-description" name="description" required maxlength="5000" rows="5"
                        aria-describedby="campo-description-aiuto">{value("description")}</textarea>
                    {field_error(Field::Description).map(|e| view! { <p class="field-error">{e}</p> })}
                </div>
                <DuplicateList duplicates=duplicates signed_in=signed_in />
                <StepButtons step=step mounted=mounted n=2 blocked=Signal::derive(|| false) />
            </fieldset>

            <fieldset class="step" hidden=move || hidden(3)>
                <legend id="passo-3" tabindex="-1">{locale.t(R::StepPhotos)}</legend>
                <div class="field" class:field-invalid=field_error(Field::Photos).is_some()>
                    <label for="campo-photos">{locale.t(R::PhotosLabel)}</label>
                    <p class="field-hint" id="campo-photos-aiuto">{locale.t(R::PhotosHint)}</p>
                    <input id="campo-photos" name="photos" type="file" multiple
                        accept="image/jpeg,image/png,image/webp" aria-describedby="campo-photos-aiuto"
                        on:change=move |ev| {
                            let n = ev.target()
                                .and_then(|t| js_sys::Reflect::get(&t, &"files".into()).ok())
                                .and_then(|f| js_sys::Reflect::get(&f, &"length".into()).ok())
                                .and_then(|l| l.as_f64())
                                .unwrap_or(0.0) as usize;
                            photo_count_error.set(n > MAX_PHOTOS);
                        } />
                    {move || photo_count_error.get().then(|| view! { <p class="field-error" role="alert">{locale.t(R::TooManyPhotos)}</p> })}
                    {field_error(Field::Photos).map(|e| view! { <p class="field-error">{e}</p> })}
                </div>
                <StepButtons step=step mounted=mounted n=3 blocked=photo_count_error.into() />
            </fieldset>

            <fieldset class="step" hidden=move || hidden(4)>
                <legend id="passo-4" tabindex="-1">{locale.t(R::StepWho)}</legend>
                <div class="who-sees">
                    <h2>{locale.t(R::WhoSeesWhat)}</h2>
                    <p>{locale.t(R::OfficeSees)}</p>
                    <p>{locale.t(R::PublicSees)}</p>
                </div>
                <label class="choice" for="campo-is_public">
                    <input type="checkbox" id="campo-is_public" name="is_public" value="true"
                        checked=fb.form != FORM || value("is_public") == "true" />
                    {locale.t(R::PublicLabel)}
                </label>
                {signed_in.then(|| view! {
                    <label class="choice" for="campo-show_name">
                        <input type="checkbox" id="campo-show_name" name="show_name" value="true"
                            checked=value("show_name") == "true" />
                        {locale.t(R::ShowNameLabel)}
                    </label>
                })}
                {(!signed_in).then(|| view! {
                    <ContactFields fb=fb.clone() />
                })}
                {extra.map(|f| f.run())}
                {field_error(Field::IdempotencyKey).map(|e| view! { <p class="field-error">{e}</p> })}
                <div class="step-buttons">
                    {move || mounted.get().then(|| view! {
                        <button type="button" class="button" on:click=move |_| step.set(3)>{locale.t(R::Back)}</button>
                    })}
                    <button type="submit" class="button primary" disabled=move || submitting.get()>
                        {move || if submitting.get() { locale.t(R::Sending) } else { locale.t(R::Send) }}
                    </button>
                </div>
            </fieldset>
        </form>
        // "Same problem" buttons post these forms (a form cannot sit inside another).
        {move || duplicates.get().map(|d| d.candidates.into_iter().map(|c| view! {
            <form id=format!("sostieni-{}", c.receipt_code) method="post"
                action=format!("/segnalazioni/{}/sostieni", c.receipt_code) class="visually-hidden"></form>
        }).collect_view())}
    }
}

#[component]
fn ContactFields(fb: FormFeedback) -> impl IntoView {
    let locale = use_locale();
    let value = |n: &str| fb.value(FORM, n);
    let err = |f: Field| {
        fb.field_error(FORM, f)
            .map(|e| view! { <p class="field-error">{e.message(locale)}</p> })
    };
    view! {
        <fieldset class="contact">
            <legend>{locale.t(R::ContactHeading)}</legend>
            <p class="field-hint">{locale.t(R::ContactHint)}</p>
            <p><a href="/accedi?ritorno=/segnala" rel="external">{locale.t(R::SignInInstead)}</a></p>
            <div class="field">
                <label for="campo-email">{locale.t(R::EmailLabel)}</label>
                <input id="campo-email" name="email" type="email" autocomplete="email" required value=value("email") />
                {err(Field::Email)}
            </div>
            <div class="field">
                <label for="campo-phone">{locale.t(R::PhoneLabel)}</label>
                <input id="campo-phone" name="phone" type="tel" autocomplete="tel" value=value("phone") />
                {err(Field::Phone)}
            </div>
            <div class="field">
                <label for="campo-name">{locale.t(R::NameLabel)}</label>
                <input id="campo-name" name="name" autocomplete="name" maxlength="80" value=value("name") />
                {err(Field::DisplayName)}
            </div>
        </fieldset>
    }
}

/// "Next" and "Back" (only with WASM: without it every step shows at once).
#[component]
fn StepButtons(step: RwSignal<u8>, mounted: ReadSignal<bool>, n: u8, blocked: Signal<bool>) -> impl IntoView {
    let locale = use_locale();
    move || {
        mounted.get().then(|| {
            view! {
                <div class="step-buttons">
                    {(n > 1).then(|| view! {
                        <button type="button" class="button" on:click=move |_| step.set(n - 1)>{locale.t(R::Back)}</button>
                    })}
                    <button type="button" class="button primary" disabled=move || blocked.get()
                        on:click=move |ev| if step_valid(&ev) { step.set(n + 1) }>{locale.t(R::Next)}</button>
                </div>
            }
        })
    }
}

/// Whether the fields of the step whose button was clicked pass the browser's checks (`required`, lengths,
/// types); if one does not, the browser says why beside it. A later step would hide the field the final submit
/// needs, and the browser cannot point at a hidden field.
fn step_valid(ev: &leptos::ev::MouseEvent) -> bool {
    use wasm_bindgen::{JsCast, JsValue};
    let call = |obj: &JsValue, name: &str, args: &js_sys::Array| -> Option<JsValue> {
        let f = js_sys::Reflect::get(obj, &name.into())
            .ok()?
            .dyn_into::<js_sys::Function>()
            .ok()?;
        f.apply(obj, args).ok()
    };
    let Some(target) = ev.target().map(JsValue::from) else {
        return true;
    };
    let Some(fieldset) = call(&target, "closest", &js_sys::Array::of1(&"fieldset.step".into())) else {
        return true;
    };
    let Some(elements) = js_sys::Reflect::get(&fieldset, &"elements".into()).ok() else {
        return true;
    };
    // Only the fields of the report's own form: a step also holds fields of other forms (the duplicate
    // suggestions' "same problem" address, `form=sostieni-…`), which this form never sends.
    let own_form = js_sys::Reflect::get(&fieldset, &"form".into()).unwrap_or_default();
    js_sys::Array::from(&elements)
        .iter()
        .filter(|el| {
            js_sys::Reflect::get(el, &"form".into()).is_ok_and(|f| js_sys::Object::is(&f, &own_form))
        })
        .all(|el| {
            call(&el, "reportValidity", &js_sys::Array::new()).is_none_or(|v| v.as_bool() != Some(false))
        })
}

/// Moves the keyboard focus to the element `id` (in the browser; nothing on the server).
fn focus_element(id: &str) {
    let el = js_sys::Reflect::get(&js_sys::global(), &"document".into())
        .and_then(|d| {
            let f = js_sys::Reflect::get(&d, &"getElementById".into())?;
            js_sys::Function::from(f).call1(&d, &id.into())
        })
        .ok()
        .filter(|e| !e.is_null() && !e.is_undefined());
    if let Some(el) = el
        && let Ok(f) = js_sys::Reflect::get(&el, &"focus".into())
    {
        let _ = js_sys::Function::from(f).call0(&el);
    }
}

/// "Use my location": the browser's geolocation, asked only when the button is pressed.
#[component]
fn LocateButton(point: RwSignal<Option<Point>>) -> impl IntoView {
    let locale = use_locale();
    let failed = RwSignal::new(false);
    let locate = move |_| {
        use wasm_bindgen::JsCast;
        use wasm_bindgen::prelude::Closure;
        let geo = js_sys::Reflect::get(&js_sys::global(), &"navigator".into())
            .and_then(|n| js_sys::Reflect::get(&n, &"geolocation".into()))
            .ok()
            .filter(|g| !g.is_undefined());
        let Some(geo) = geo else {
            failed.set(true);
            return;
        };
        let ok = Closure::once_into_js(move |pos: wasm_bindgen::JsValue| {
            let coords = js_sys::Reflect::get(&pos, &"coords".into()).unwrap_or_default();
            let n = |k: &str| {
                js_sys::Reflect::get(&coords, &k.into())
                    .ok()
                    .and_then(|v| v.as_f64())
            };
            match (n("latitude"), n("longitude")) {
                (Some(lat), Some(lng)) => {
                    failed.set(false);
                    point.set(Some((lat, lng)));
                }
                _ => failed.set(true),
            }
        });
        let err = Closure::once_into_js(move |_: wasm_bindgen::JsValue| failed.set(true));
        let get = js_sys::Reflect::get(&geo, &"getCurrentPosition".into())
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
        if let Some(f) = get {
            let _ = f.call2(&geo, &ok, &err);
        }
    };
    view! {
        <p>
            <button type="button" class="button" on:click=locate>{locale.t(R::UseMyLocation)}</button>
        </p>
        {move || failed.get().then(|| view! { <p class="field-error" role="alert">{locale.t(R::LocationUnavailable)}</p> })}
    }
}

/// The address field: without WASM the server looks it up on submission; with WASM, "Search" lists matches and
/// choosing one places the pin.
#[component]
fn AddressSearch(point: RwSignal<Option<Point>>, initial: String, error: Option<String>) -> impl IntoView {
    let locale = use_locale();
    let q = RwSignal::new(initial.clone());
    let hits = RwSignal::new(None::<Vec<PlaceHit>>);
    let address = RwSignal::new(initial);
    let search = move || {
        let text = q.get_untracked();
        spawn_local(async move {
            if let Ok(h) = find_places(text).await {
                hits.set(Some(h));
            }
        });
    };
    view! {
        <div class="field address-search">
            <label for="campo-address">{locale.t(R::AddressLabel)}</label>
            <p class="field-hint" id="campo-address-aiuto">{shared::i18n::address_hint(&crate::auth::use_site(), locale)}</p>
            <div class="inline">
                <input id="campo-address" name="address" autocomplete="street-address" maxlength="200"
                    aria-describedby="campo-address-aiuto" prop:value=move || address.get()
                    on:input=move |ev| { let v = event_target_value(&ev); q.set(v.clone()); address.set(v); }
                    on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                        if ev.key() == "Enter" { ev.prevent_default(); search(); }
                    } />
                <button type="button" class="button" on:click=move |_| search()>{locale.t(R::Search)}</button>
            </div>
            {error.map(|e| view! { <p class="field-error">{e}</p> })}
            <div role="status" aria-live="polite">
                {move || hits.get().map(|h| if h.is_empty() {
                    view! { <p class="muted">{locale.t(R::NoPlacesFound)}</p> }.into_any()
                } else {
                    view! {
                        <ul class="place-hits" aria-label=locale.t(R::PlacesFound)>
                            {h.into_iter().map(|hit| {
                                let name = hit.name.clone();
                                view! { <li><button type="button" class="link-button"
                                    on:click=move |_| {
                                        point.set(Some((hit.lat, hit.lng)));
                                        address.set(name.clone());
                                        hits.set(None);
                                        // The list goes away with the button pressed: the focus goes back to
                                        // the address, which now names the place (the status says the point).
                                        focus_element("campo-address");
                                    }>
                                    {hit.name.clone()}</button></li> }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                })}
            </div>
        </div>
    }
}

/// Open reports nearby that may be the same problem, each with "it is the same problem".
#[component]
fn DuplicateList(duplicates: RwSignal<Option<Duplicates>>, signed_in: bool) -> impl IntoView {
    let locale = use_locale();
    move || {
        let d = duplicates.get()?;
        if d.candidates.is_empty() {
            return None;
        }
        let now = d.now;
        Some(view! {
            <section class="duplicates" aria-labelledby="duplicati-titolo">
                <h2 id="duplicati-titolo">{locale.t(R::DuplicatesHeading)}</h2>
                <p>{locale.t(R::DuplicatesIntro)}</p>
                <ol class="duplicate-list">
                    {d.candidates.into_iter().map(|c: DuplicateCandidate| {
                        let form = format!("sostieni-{}", c.receipt_code);
                        view! {
                            <li class="duplicate" data-receipt=c.receipt_code.clone()>
                                {c.thumb_url.clone().map(|u| view! { <img src=u alt=locale.t(R::PhotoAlt) width="96" /> })}
                                <div>
                                    <a href=format!("/segnalazioni/{}", c.receipt_code) target="_blank">{c.title.clone()}</a>
                                    <p class="muted">{c.description.clone()}</p>
                                    <p class="report-row-meta">
                                        <StateBadge state=c.state />
                                        <span>{c.category.clone()}</span>
                                        <span>{format!("{} {}", c.distance_m, locale.t(R::MetresAway))}</span>
                                        <time datetime=c.created_at.to_rfc3339()>{age_label(c.created_at, now, locale)}</time>
                                        <span>{format!("{} {}", c.supporters, locale.t(R::Supporters))}</span>
                                    </p>
                                    {(!signed_in).then(|| view! {
                                        <label>{locale.t(R::SupportEmail)}" "
                                            <input type="email" name="email" form=form.clone() required autocomplete="email" />
                                        </label>
                                    })}
                                    <button type="submit" class="button" form=form.clone()>{locale.t(R::SameProblem)}</button>
                                </div>
                            </li>
                        }
                    }).collect_view()}
                </ol>
                <p class="muted">{locale.t(R::StillSubmit)}</p>
            </section>
        })
    }
}
