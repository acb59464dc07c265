//! `/account`: who is signed in, the language, signing out.

use leptos::prelude::*;
use leptos_router::components::Redirect;

use crate::i18n::td_string;
use crate::session::AppState;

#[component]
pub fn AccountPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        let Some(session) = state.session.get() else {
            return view! { <Redirect path="/sign-in"/> }.into_any();
        };
        let user = session.user;
        view! {
            <section class="card account">
                <h1>{crate::locale::tr(|l| td_string!(l.i18n(), account_title).to_string())}</h1>
                <dl>
                    <dt>{crate::locale::tr(|l| td_string!(l.i18n(), name_label).to_string())}</dt>
                    <dd data-test="account-name">{user.name.clone()}</dd>
                    <dt>{crate::locale::tr(|l| td_string!(l.i18n(), email).to_string())}</dt>
                    <dd data-test="account-email">{user.email.clone()}</dd>
                    <dt>{crate::locale::tr(|l| td_string!(l.i18n(), organisation).to_string())}</dt>
                    <dd>{user.partner.clone().unwrap_or_default()}</dd>
                </dl>
                <p class="muted">{crate::locale::tr(|l| td_string!(l.i18n(), language_hint).to_string())}</p>
            </section>
        }
        .into_any()
    }
}
