//! An error the page can show, with a way to try again.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::i18n::td_string;
use crate::locale::error_text;
use crate::session::AppState;

/// An error in the reader's language (worded from its code), and a way to try again.
#[component]
pub fn ErrorPanel(error: ApiError, #[prop(into)] retry: Callback<()>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let l = move || state.locale.get();
    let code = error.code.clone();
    view! {
        <section class="card error-panel" role="alert" data-test="error" data-code=code>
            <h2>{crate::locale::tr(|l| td_string!(l.i18n(), something_wrong).to_string())}</h2>
            <p>{move || error_text(l(), &error)}</p>
            <button on:click=move |_| retry.run(())>{crate::locale::tr(|l| td_string!(l.i18n(), try_again).to_string())}</button>
        </section>
    }
}

/// A page whose piece of wasm could not be fetched (offline before it was ever kept, or the
/// network failed): said in place, with a reload to try again; the rest of the app keeps working.
#[component]
pub fn PageUnavailable() -> impl IntoView {
    view! {
        <section class="card error-panel" role="alert" data-test="page-unavailable">
            <h2>{crate::locale::tr(|l| td_string!(l.i18n(), something_wrong).to_string())}</h2>
            <p>{crate::locale::tr(|l| td_string!(l.i18n(), page_unavailable).to_string())}</p>
            <button on:click=move |_| {
                let _ = window().location().reload();
            }>{crate::locale::tr(|l| td_string!(l.i18n(), try_again).to_string())}</button>
        </section>
    }
}
