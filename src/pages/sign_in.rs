//! Sign-in: email and password; a wrong password says so.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::api;
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
            state.set_session(Some(session));
            navigate("/dashboard", Default::default());
        }
    });
    let error = move || submit.value().get().and_then(|r| r.err());
    view! {
        <section class="card sign-in">
            <h1>"Sign in"</h1>
            <form on:submit=move |ev| {
                ev.prevent_default();
                submit.dispatch((email.get_untracked(), password.get_untracked()));
            }>
                <label>
                    "Email"
                    <input type="email" name="email" autocomplete="username" required
                        bind:value=email/>
                </label>
                <label>
                    "Password"
                    <input type="password" name="password" autocomplete="current-password" required
                        bind:value=password/>
                </label>
                {move || error().map(|e| view! { <p class="error" role="alert" data-test="sign-in-error">{e.message}</p> })}
                <button type="submit" disabled=move || submit.pending().get()>
                    {move || if submit.pending().get() { "Signing in…" } else { "Sign in" }}
                </button>
            </form>
        </section>
    }
}
