//! An error the page can show, with a way to try again.

use leptos::prelude::*;

use crate::api::ApiError;

#[component]
pub fn ErrorPanel(error: ApiError, #[prop(into)] retry: Callback<()>) -> impl IntoView {
    view! {
        <section class="card error-panel" role="alert" data-test="error">
            <h2>"Something went wrong"</h2>
            <p>{error.message}</p>
            <button on:click=move |_| retry.run(())>"Try again"</button>
        </section>
    }
}
