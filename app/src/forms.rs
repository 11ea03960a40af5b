//! Plain HTML forms that post to the server and work without WASM. When a post fails, the server renders the
//! same page again with a [`FormFeedback`] (which form, the error, what was typed — never passwords) and a 4xx
//! status; the feedback travels into hydration with the page. With WASM, fields also check themselves as people
//! type, with the same rules the server applies (`shared`).

use leptos::prelude::*;
use leptos::server::SharedValue;
use serde::{Deserialize, Serialize};
use shared::i18n::AccountMsg as A;
use shared::{Field as FieldName, ValidationError};

use crate::error::AppError;
use crate::i18n::use_locale;

/// The outcome of a failed form post, for the page rendered in answer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FormFeedback {
    /// Which form of the page it is about (a page may have several).
    pub form: String,
    pub error: Option<AppError>,
    /// What was typed, to fill the form in again (passwords are never kept).
    pub values: Vec<(String, String)>,
    /// What a form answered besides an error (an area upload's preview, a street import's report), as JSON: read
    /// only by the page that shows it ([`FormFeedback::outcome`]), so the other pages' bundles carry no code for it.
    #[serde(default)]
    pub outcome: Option<String>,
}

impl FormFeedback {
    /// The value typed in `name` (empty when none, or when the feedback is about another form).
    pub fn value(&self, form: &str, name: &str) -> String {
        if self.form != form {
            return String::new();
        }
        self.values
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// The outcome of `form`, if the feedback is about it and carries one of this type.
    pub fn outcome<T: serde::de::DeserializeOwned>(&self, form: &str) -> Option<T> {
        (self.form == form)
            .then_some(self.outcome.as_deref())
            .flatten()
            .and_then(|json| serde_json::from_str(json).ok())
    }

    /// The error of `form`, if the feedback is about it.
    pub fn error_of(&self, form: &str) -> Option<AppError> {
        (self.form == form).then(|| self.error.clone()).flatten()
    }

    /// The error of `form` that concerns `field`.
    pub fn field_error(&self, form: &str, field: FieldName) -> Option<AppError> {
        self.error_of(form).filter(|e| e.field() == Some(field))
    }
}

/// The feedback of the failed post this page answers (empty for a plain visit). Call once per page. The server
/// puts it in the extensions of the request it renders the page for; it reaches hydration with the page.
pub fn use_feedback() -> FormFeedback {
    SharedValue::new(server_feedback).into_inner()
}

#[cfg(feature = "ssr")]
fn server_feedback() -> FormFeedback {
    use_context::<http::request::Parts>()
        .and_then(|p| p.extensions.get::<FormFeedback>().cloned())
        .unwrap_or_default()
}

/// Runs only when the page was not rendered by the server: no feedback.
#[cfg(not(feature = "ssr"))]
fn server_feedback() -> FormFeedback {
    FormFeedback::default()
}

/// The error box at the top of a form (role="alert", so screen readers announce it).
#[component]
pub fn FormError(error: Option<AppError>) -> impl IntoView {
    let locale = use_locale();
    error.map(|e| {
        view! {
            <div class="form-error" role="alert" data-code=e.code().as_str()>
                <strong>{locale.t(A::FormNotSent)}</strong>
                " "
                {e.message(locale)}
            </div>
        }
    })
}

/// A checking rule a field applies as people type (with WASM); the server applies the same one.
pub type Check = fn(&str) -> Result<(), ValidationError>;

/// A labelled input with its hint and error, linked for screen readers (`aria-describedby`, `aria-invalid`).
#[component]
pub fn TextField(
    /// The form's name attribute of the input.
    name: &'static str,
    label: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] value: String,
    #[prop(optional)] autocomplete: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] required: bool,
    #[prop(optional)] minlength: Option<usize>,
    #[prop(optional)] maxlength: Option<usize>,
    /// The server's error for this field, if the last post failed on it.
    #[prop(optional_no_strip)]
    error: Option<AppError>,
    /// Checked as the person types (in the browser, with WASM).
    #[prop(optional)]
    check: Option<Check>,
) -> impl IntoView {
    let locale = use_locale();
    let id = format!("campo-{name}");
    let hint_id = format!("{id}-aiuto");
    let error_id = format!("{id}-errore");
    let server_error = error.map(|e| e.message(locale));
    let (live_error, set_live_error) = signal(server_error);
    let on_change = move |ev: leptos::ev::Event| {
        if let Some(check) = check {
            let v = event_target_value(&ev);
            set_live_error.set(if v.is_empty() {
                None
            } else {
                check(&v).err().map(|e| e.message(locale))
            });
        }
    };
    let describedby = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || {
            let mut ids = Vec::new();
            if hint.is_some() {
                ids.push(hint_id.clone());
            }
            if live_error.with(Option::is_some) {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field" class:field-invalid=move || live_error.with(Option::is_some)>
            <label for=id.clone()>{label}</label>
            {hint.map(|h| view! { <p class="field-hint" id=hint_id.clone()>{h}</p> })}
            <input
                id=id.clone()
                name=name
                type=kind
                value=value
                autocomplete=(!autocomplete.is_empty()).then_some(autocomplete)
                required=required
                minlength=minlength
                maxlength=maxlength
                aria-invalid=move || live_error.with(Option::is_some).then_some("true")
                aria-describedby=describedby
                on:change=on_change
            />
            {move || live_error.get().map(|e| view! { <p class="field-error" id=error_id.clone()>{e}</p> })}
        </div>
    }
}

/// The hidden field that brings the visitor back where they were after signing in.
#[component]
pub fn ReturnTo(path: String) -> impl IntoView {
    (!path.is_empty()).then(|| view! { <input type="hidden" name="ritorno" value=path /> })
}

/// Only same-site paths: never an open redirect (`shared::url::local_path`); empty otherwise.
pub fn safe_return(path: Option<&str>) -> String {
    path.and_then(shared::url::local_path)
        .unwrap_or_default()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feedback_belongs_to_its_form() {
        let f = FormFeedback {
            form: "login".into(),
            error: Some(AppError::Invalid(ValidationError::new(
                FieldName::Email,
                shared::Rule::Required,
            ))),
            values: vec![("email".into(), "maria@esempio.it".into())],
            outcome: None,
        };
        assert_eq!(f.value("login", "email"), "maria@esempio.it");
        assert_eq!(f.value("register", "email"), "");
        assert!(f.field_error("login", FieldName::Email).is_some());
        assert!(f.field_error("login", FieldName::Password).is_none());
        assert!(f.error_of("register").is_none());
        assert_eq!(safe_return(Some("//evil.example")), "");
        assert_eq!(safe_return(Some("/\t/evil.example")), "");
        assert_eq!(safe_return(Some("/la-mia-pagina")), "/la-mia-pagina");
    }
}
