//! `/disiscrizione/{token}`: the unsubscribe link of every email. No sign-in: the link is signed. Opening it only
//! asks (link scanners open links by themselves); one button turns the messages off, and another turns them back
//! on. Mail clients may also unsubscribe with one POST of their own (RFC 8058), handled by the server.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use shared::i18n::{AccountMsg as A, Msg};

use super::AccountFrame;
use crate::i18n::use_locale;
use crate::pages::not_found::ErrorBox;
use crate::server_fns::users::get_unsubscribe;

#[component]
pub fn UnsubscribePage() -> impl IntoView {
    let locale = use_locale();
    let token = use_params_map().read_untracked().get("token").unwrap_or_default();
    let state = use_query_map().read_untracked().get("fatto").unwrap_or_default();
    let link = Resource::new(
        {
            let token = token.clone();
            move || token.clone()
        },
        get_unsubscribe,
    );
    let t = move |m: A| locale.t(m);
    view! {
        <AccountFrame title=locale.t(A::UnsubscribeTitle)>
            <Suspense fallback=move || view! { <p class="muted">{locale.t(Msg::Loading)}</p> }>
                {
                    let token = token.clone();
                    let state = state.clone();
                    move || {
                        let (token, state) = (token.clone(), state.clone());
                        Suspend::new(async move {
                            let u = match link.await {
                                Ok(u) => u,
                                Err(e) => return view! { <ErrorBox error=e /> }.into_any(),
                            };
                            let what = u
                                .kind
                                .map_or_else(|| t(A::UnsubscribeAll).to_owned(), |k| k.label(locale).to_owned());
                            let (sentence, action, button) = match state.as_str() {
                                "disiscritto" => (A::UnsubscribeDone, "riattiva", A::Resubscribe),
                                "riattivato" => (A::ResubscribeDone, "disiscrivi", A::UnsubscribeButton),
                                _ => (A::UnsubscribeAsk, "disiscrivi", A::UnsubscribeButton),
                            };
                            view! {
                                <p class="lead" role="status">{t(sentence).replace("{}", &u.email)}</p>
                                <p class="unsubscribe-scope"><strong>{what}</strong></p>
                                <form method="post" action=format!("/disiscrizione/{token}")>
                                    <input type="hidden" name="azione" value=action />
                                    <button type="submit" class="button primary">{t(button)}</button>
                                </form>
                            }
                            .into_any()
                        })
                    }
                }
            </Suspense>
        </AccountFrame>
    }
}
