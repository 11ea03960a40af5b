//! Doors of the administration page (`/amministrazione`): one form post per change, answered with a redirect to
//! the page's section, or the page again with the error beside the form and what was typed. The area upload is
//! multipart (a GeoJSON file, or text pasted), up to 20 MB.

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{Method, Uri};
use axum::response::Response;
use backend::admin::{self, AreaUpload, CategoryForm, StaffForm};
use shared::admin::{FormOutcome, Retirable, Retire};
use shared::{CategoryId, ContractorId, Field, OfficeId, UserId};

use super::body::{self, Files};
use super::doors::Doors;
use super::extract::Path;
use super::form::{FormPost, see_other};
use crate::state::AppState;

/// The largest area upload (a detailed municipal boundary is a few megabytes of GeoJSON).
const MAX_AREA_BYTES: usize = 20 * 1024 * 1024;

pub fn doors() -> Doors {
    Doors::new()
        .post("/amministrazione/uffici", office)
        .post("/amministrazione/categorie", category)
        .post("/amministrazione/modelli", template)
        .post("/amministrazione/{kind}/{id}/{action}", retire)
        .post("/amministrazione/confine/ripristina", restore_boundary)
        .route(
            "/amministrazione/vie",
            Method::POST,
            axum::routing::post(streets).layer(DefaultBodyLimit::max(MAX_STREETS_BYTES)),
        )
        .post("/amministrazione/ditte", contractor)
        .post("/amministrazione/regole", rule)
        .post("/amministrazione/regole/{action}", rule_action)
        .post("/amministrazione/personale", create_staff)
        .post("/amministrazione/personale/{id}", update_staff)
        .route(
            "/amministrazione/aree",
            Method::POST,
            axum::routing::post(area).layer(DefaultBodyLimit::max(MAX_AREA_BYTES)),
        )
}

const PAGE: &str = "/amministrazione";

/// The answer to a change: to its section, or the page again with the error on `form`.
async fn answer<T>(
    post: FormPost,
    form: &str,
    section: &str,
    result: backend::Result<T>,
    keep: &[&str],
) -> Response {
    match result {
        Ok(_) => see_other(&format!("{PAGE}?fatto={form}#{section}")),
        Err(e) => post.fail_on(Uri::from_static(PAGE), form, e, keep).await,
    }
}

fn id<T>(post: &FormPost, wrap: impl Fn(i32) -> T) -> Option<T> {
    post.get("id").trim().parse::<i32>().ok().map(wrap)
}

async fn office(State(state): State<AppState>, post: FormPost) -> Response {
    let r = admin::save_office(
        &state.backend,
        post.viewer(),
        id(&post, OfficeId),
        &post.get("name"),
        &post.get("email"),
        &post.get("notifiche"),
    )
    .await;
    let form = if post.get("id").is_empty() {
        "office"
    } else {
        "office-edit"
    };
    answer(post, form, "uffici", r, &["name", "email", "notifiche"]).await
}

async fn category(State(state): State<AppState>, post: FormPost) -> Response {
    let form = CategoryForm {
        name: post.get("name"),
        office: post.get("office"),
        sla_days: post.get("sla_days"),
        duplicate_radius_m: post.get("duplicate_radius_m"),
        enabled: post.get("enabled") == "true",
    };
    let r = admin::save_category(&state.backend, post.viewer(), id(&post, CategoryId), &form).await;
    let name = if post.get("id").is_empty() {
        "category"
    } else {
        "category-edit"
    };
    answer(
        post,
        name,
        "categorie",
        r,
        &["name", "office", "sla_days", "duplicate_radius_m", "enabled"],
    )
    .await
}

async fn template(State(state): State<AppState>, post: FormPost) -> Response {
    let category = post.get("category").trim().parse::<i32>().ok().map(CategoryId);
    let r = admin::save_template(
        &state.backend,
        post.viewer(),
        category,
        &post.get("name"),
        &post.get("body"),
    )
    .await;
    answer(post, "template", "modelli", r, &["category", "name", "body"]).await
}

/// `POST /amministrazione/{kind}/{id}/{action}`: disables (`disattiva`), enables again (`riattiva`) or deletes
/// (`elimina`) an office, a category, a template, a contractor or a district (`shared::admin::Retirable`).
async fn retire(
    State(state): State<AppState>,
    Path((kind, id, action)): Path<(String, i32, String)>,
    post: FormPost,
) -> Response {
    let (Some(kind), Some(action)) = (Retirable::from_slug(&kind), Retire::from_slug(&action)) else {
        return answer(post, "retire", "", Err::<(), _>(backend::Error::NotFound), &[]).await;
    };
    let r = admin::retire(&state.backend, post.viewer(), kind, id, action).await;
    answer(post, &kind.form(), kind.slug(), r, &[]).await
}

async fn contractor(State(state): State<AppState>, post: FormPost) -> Response {
    let r = admin::save_contractor(
        &state.backend,
        post.viewer(),
        id(&post, ContractorId),
        &post.get("name"),
        &post.get("email"),
    )
    .await;
    let form = if post.get("id").is_empty() {
        "contractor"
    } else {
        "contractor-edit"
    };
    answer(post, form, "ditte", r, &["name", "email"]).await
}

async fn rule(State(state): State<AppState>, post: FormPost) -> Response {
    let r = admin::save_rule(
        &state.backend,
        post.viewer(),
        &post.get("category"),
        &post.get("area"),
        &post.get("office"),
        post.get("offered") == "true",
    )
    .await;
    answer(
        post,
        "rule",
        "regole",
        r,
        &["category", "area", "office", "offered"],
    )
    .await
}

/// `POST /amministrazione/regole/{elimina|disattiva|riattiva}` with `category` and `area`.
async fn rule_action(State(state): State<AppState>, Path(action): Path<String>, post: FormPost) -> Response {
    let category = post.get("category").parse().unwrap_or_default();
    let area = post.get("area").parse().unwrap_or_default();
    let (b, v) = (&state.backend, post.viewer());
    let r = match Retire::from_slug(&action) {
        Some(Retire::Delete) => admin::delete_rule(b, v, category, area).await,
        Some(Retire::Disable) => admin::set_rule_disabled(b, v, category, area, true).await,
        Some(Retire::Enable) => admin::set_rule_disabled(b, v, category, area, false).await,
        None => Err(backend::Error::NotFound),
    };
    answer(post, "rule", "regole", r, &[]).await
}

fn staff_form(post: &FormPost) -> StaffForm {
    StaffForm {
        email: post.get("email"),
        name: post.get("name"),
        role: post.get("role"),
        offices: post.all("office"),
        contractor: post.get("contractor"),
        disabled: post.get("disabled") == "true",
    }
}

async fn create_staff(State(state): State<AppState>, post: FormPost) -> Response {
    let form = staff_form(&post);
    let r = admin::create_staff(&state.backend, post.viewer(), &form, post.locale).await;
    answer(
        post,
        "staff",
        "personale",
        r,
        &["email", "name", "role", "contractor"],
    )
    .await
}

/// `POST /amministrazione/personale/{id}`: the row's changes, or `invito=reinvia|revoca` for a pending
/// invitation.
async fn update_staff(State(state): State<AppState>, Path(user): Path<i64>, post: FormPost) -> Response {
    let r = match post.get("invito").as_str() {
        "reinvia" => admin::invitations::resend(&state.backend, post.viewer(), UserId(user)).await,
        "revoca" => admin::invitations::revoke(&state.backend, post.viewer(), UserId(user)).await,
        "" => {
            let form = staff_form(&post);
            admin::update_staff(&state.backend, post.viewer(), UserId(user), &form).await
        }
        _ => Err(backend::Error::NotFound),
    };
    answer(post, "staff-edit", "personale", r, &[]).await
}

/// A pasted or uploaded GeoJSON up to this size comes back in the form after a refusal or a preview (larger
/// ones are chosen again).
const MAX_KEPT_GEOJSON: usize = 2 * 1024 * 1024;

/// `POST /amministrazione/aree` (multipart): `kind` (`municipality` or `district`), `name`, `srid`,
/// `name_property` (districts from a feature collection), the GeoJSON as a file (`file`) or as text (`geojson`),
/// and `preview=1` to see what it would load without loading it.
async fn area(State(state): State<AppState>, req: Request) -> Response {
    // The GeoJSON comes as a file or as text: both are text fields here.
    let too_large = body::too_large_field(Field::Boundary, MAX_AREA_BYTES);
    let (mut post, read) = FormPost::multipart(&state, req, MAX_AREA_BYTES, Files::Text, too_large).await;
    if let Err(e) = read {
        return post.fail_on(Uri::from_static(PAGE), "area", e, &[]).await;
    }
    let file = post.get("file");
    let geojson = if file.trim().is_empty() {
        post.get("geojson")
    } else {
        file
    };
    // The document travels back in the text box (a file input cannot be refilled).
    post.fields.retain(|(k, _)| k != "file" && k != "geojson");
    let keep: &[&str] = if geojson.len() <= MAX_KEPT_GEOJSON {
        post.fields.push(("geojson".into(), geojson.clone()));
        &["kind", "name", "srid", "name_property", "geojson"]
    } else {
        &["kind", "name", "srid", "name_property"]
    };
    let upload = AreaUpload {
        municipality: post.get("kind") == "municipality",
        name: post.get("name"),
        geojson,
        srid: post.get("srid"),
        name_property: post.get("name_property"),
    };
    if post.get("preview") == "1" {
        return match admin::preview_area(&state.backend, post.viewer(), &upload).await {
            Ok(p) => {
                post.outcome_on(Uri::from_static(PAGE), "area", FormOutcome::AreaPreview(p), keep)
                    .await
            }
            Err(e) => post.fail_on(Uri::from_static(PAGE), "area", e, keep).await,
        };
    }
    let r = admin::upload_area(&state.backend, post.viewer(), &upload).await;
    answer(post, "area", "aree", r, keep).await
}

/// The largest street file (a city's ANNCSU export: a few hundred thousand lines).
const MAX_STREETS_BYTES: usize = 100 * 1024 * 1024;

/// `POST /amministrazione/vie` (multipart): the file (`file`, CSV or GeoJSON), `srid` for CSV coordinates that
/// are not longitude and latitude, `mode` (`replace` or `merge`). Answered with the page and the import's report
/// (what was added, what was skipped and why, by line).
async fn streets(State(state): State<AppState>, req: Request) -> Response {
    let too_large = body::too_large_field(Field::Streets, MAX_STREETS_BYTES);
    let (mut post, read) = FormPost::multipart(&state, req, MAX_STREETS_BYTES, Files::Text, too_large).await;
    let keep: &[&str] = &["srid", "mode"];
    match read {
        Err(e) => post.fail_on(Uri::from_static(PAGE), "streets", e, keep).await,
        Ok(_) => {
            let upload = backend::streets::StreetImport {
                text: post.get("file"),
                srid: post.get("srid"),
                replace: post.get("mode") == "replace",
            };
            post.fields.retain(|(k, _)| k != "file");
            match backend::streets::import(&state.backend, post.viewer(), &upload).await {
                Ok(r) => {
                    post.outcome_on(
                        Uri::from_static(PAGE),
                        "streets",
                        FormOutcome::StreetImport(r),
                        keep,
                    )
                    .await
                }
                Err(e) => post.fail_on(Uri::from_static(PAGE), "streets", e, keep).await,
            }
        }
    }
}

/// `POST /amministrazione/confine/ripristina`: the boundary the last upload replaced comes back.
async fn restore_boundary(State(state): State<AppState>, post: FormPost) -> Response {
    let r = admin::restore_boundary(&state.backend, post.viewer()).await;
    answer(post, "area", "aree", r, &[]).await
}
