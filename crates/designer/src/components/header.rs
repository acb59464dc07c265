//! The designer's top bar (brand, language, signing out) and a program's tabs.

use leptos::prelude::*;
use leptos_router::components::A;

use mitra::session::AppState;

use crate::i18n::td_string;
use crate::words::{lang, tr};

#[component]
pub fn Header() -> impl IntoView {
    let state = expect_context::<AppState>();
    let sign_out = move |_| {
        if let Some(s) = state.session.get_untracked() {
            leptos::task::spawn_local(async move {
                let _ = mitra::api::sign_out(&s.token).await;
            });
        }
        state.set_session(None);
    };
    view! {
        <header class="topbar">
            <A href=format!("{}/", crate::BASE) attr:class="brand">{tr(|l| td_string!(l, brand).to_string())}</A>
            <div class="topbar-actions">
                <mitra::components::header::LanguagePicker/>
                <Show when=move || state.session.get().is_some()>
                    <span class="user">{move || state.session.get().map(|s| s.user.name)}</span>
                    <button class="link" data-test="sign-out" on:click=sign_out>
                        {tr(|l| td_string!(l, sign_out).to_string())}
                    </button>
                </Show>
            </div>
        </header>
    }
}

/// A program's pages: the editor, claims, partners, the catalog, imports, versions, closing.
#[component]
pub fn ProgramTabs(program: String) -> impl IntoView {
    let base = format!("{}/programs/{program}", crate::BASE);
    view! {
        <nav class="tabs" aria-label=move || td_string!(lang(crate::words::current()), program_pages).to_string()>
            <A href=base.clone() exact=true>{tr(|l| td_string!(l, tab_schemes).to_string())}</A>
            <A href=format!("{base}/claims")>{tr(|l| td_string!(l, tab_claims).to_string())}</A>
            <A href=format!("{base}/partners")>{tr(|l| td_string!(l, tab_partners).to_string())}</A>
            <A href=format!("{base}/catalog")>{tr(|l| td_string!(l, tab_catalog).to_string())}</A>
            <A href=format!("{base}/imports")>{tr(|l| td_string!(l, tab_imports).to_string())}</A>
            <A href=format!("{base}/versions")>{tr(|l| td_string!(l, tab_versions).to_string())}</A>
            <A href=format!("{base}/close")>{tr(|l| td_string!(l, tab_close).to_string())}</A>
        </nav>
    }
}
