//! Sign-in: email and password; a wrong password says so.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::api;
use crate::i18n::td_string;
use crate::locale::error_text;
use crate::session::AppState;

#[component]
pub fn SignIn() -> impl IntoView {
    let state = expect_context::<AppState>();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let navigate = use_navigate();
    let submit = Action::new_local(move |(email, password): &(String, String)| {
        let (email, password) = (email.clone(), password.clone());
        async move { api::sign_in(&email, &password).await }
    });
    Effect::new(move || {
        if let Some(Ok(session)) = submit.value().get() {
            state.session_ended.set(false);
            let designer = session.user.role == api::Role::Designer;
            state.set_session(Some(session));
            if designer {
                // The designer is an app of its own: load it.
                if let Some(w) = web_sys::window() {
                    let _ = w.location().assign("/designer/");
                }
            } else {
                navigate("/dashboard", Default::default());
            }
        }
    });
    let error = move || submit.value().get().and_then(|r| r.err());
    let l = move || state.locale.get().i18n();
    view! {
        <section class="card sign-in">
            <h1>{crate::locale::tr(|l| td_string!(l.i18n(), sign_in_title).to_string())}</h1>
            <Show when=move || state.session_ended.get()>
                <p class="notice" role="status" data-test="session-ended">
                    {crate::locale::tr(|l| td_string!(l.i18n(), error_unauthorized).to_string())}
                </p>
            </Show>
            <form on:submit=move |ev| {
                ev.prevent_default();
                submit.dispatch((email.get_untracked(), password.get_untracked()));
            }>
                <label>
                    {crate::locale::tr(|l| td_string!(l.i18n(), email).to_string())}
                    <input type="email" name="email" autocomplete="username" required
                        bind:value=email/>
                </label>
                <label>
                    {crate::locale::tr(|l| td_string!(l.i18n(), password).to_string())}
                    <input type="password" name="password" autocomplete="current-password" required
                        bind:value=password/>
                </label>
                {move || error().map(|e| view! {
                    <p class="error" role="alert" data-test="sign-in-error" data-code=e.code.clone()>
                        {error_text(state.locale.get(), &e)}
                    </p>
                })}
                <button type="submit" disabled=move || submit.pending().get()>
                    {move || if submit.pending().get() {
                        td_string!(l(), signing_in).to_string()
                    } else {
                        td_string!(l(), sign_in_button).to_string()
                    }}
                </button>
            </form>
        </section>
    }
}
