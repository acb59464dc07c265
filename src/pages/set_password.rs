//! `/set-password?token=…`: where invitation and reset links lead. The new password is typed
//! twice; the server checks the link and the length, and its refusal is shown in words.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api;
use crate::i18n::td_string;
use crate::locale::error_text;
use crate::session::AppState;

const MIN_PASSWORD: usize = 10;

#[component]
pub fn SetPasswordPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let l = move || state.locale.get().i18n();
    let query = use_query_map();
    let token = move || query.with(|q| q.get("token").unwrap_or_default());
    let password = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let submit = Action::new_local(move |(token, password): &(String, String)| {
        let (token, password) = (token.clone(), password.clone());
        async move { api::set_password(&token, &password).await }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (p, r) = (password.get_untracked(), repeat.get_untracked());
        if p.chars().count() < MIN_PASSWORD {
            problem.set(Some(td_string!(l(), password_too_short, min = MIN_PASSWORD).to_string()));
        } else if p != r {
            problem.set(Some(td_string!(l(), passwords_differ).to_string()));
        } else {
            problem.set(None);
            submit.dispatch((token(), p));
        }
    };
    let done = move || matches!(submit.value().get(), Some(Ok(())));
    let error = move || {
        problem.get().or_else(|| submit.value().get().and_then(|r| r.err()).map(|e| error_text(state.locale.get(), &e)))
    };
    view! {
        <section class="card sign-in">
            <h1>{crate::locale::tr(|l| td_string!(l.i18n(), set_password_title).to_string())}</h1>
            <Show when=done fallback=move || view! {
                <form on:submit=on_submit>
                    <label>
                        {crate::locale::tr(|l| td_string!(l.i18n(), new_password).to_string())}
                        <input type="password" name="new-password" autocomplete="new-password" required bind:value=password/>
                    </label>
                    <label>
                        {crate::locale::tr(|l| td_string!(l.i18n(), repeat_password).to_string())}
                        <input type="password" name="repeat-password" autocomplete="new-password" required bind:value=repeat/>
                    </label>
                    {move || error().map(|e| view! { <p class="error" role="alert" data-test="set-password-error">{e}</p> })}
                    <button type="submit" disabled=move || submit.pending().get()>
                        {crate::locale::tr(|l| td_string!(l.i18n(), save_password).to_string())}
                    </button>
                </form>
            }>
                <p data-test="password-set">{crate::locale::tr(|l| td_string!(l.i18n(), password_set).to_string())}</p>
                <a href="/sign-in">{crate::locale::tr(|l| td_string!(l.i18n(), sign_in_button).to_string())}</a>
            </Show>
        </section>
    }
}
