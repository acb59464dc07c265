//! Mitra's program designer: a Leptos single-page app, separate from the partner portal (its
//! own wasm under `/designer/`), for the people who run a program. They edit schemes without
//! code, see every change's cost across the whole partner base at once (computed here by
//! crates/scheme, the same evaluator the server runs), publish, and run the program: claims,
//! imports.
//!
//! - [`pages`]: one component per route; [`components`]: the editor's pieces;
//! - [`api`]: the designer's calls to the backend (the portal's client underneath);
//! - [`cost`]: what a draft would pay against the published version; [`diff`]: what changed
//!   between two versions;
//! - [`engine`]: the preview's computation over the whole partner base, run in a Web Worker
//!   ([`worker`], `src/bin/preview-worker.rs`) so the page never waits on it;
//! - [`i18n`]: the designer's own translations (`locales/*.json`); the portal's are reused for
//!   API errors and figures.

pub mod api;
pub mod components;
pub mod cost;
pub mod diff;
pub mod engine;
pub mod pages;
pub mod words;
pub mod worker;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::path;

use i18n::td_string;
use mitra::session::AppState;
use words::tr;

include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

/// Where the designer is served: its routes are matched below it, and its links name it.
pub const BASE: &str = "/designer";

/// The whole designer: the shared session (the portal's, from the same storage) and the routes.
#[component]
pub fn App() -> impl IntoView {
    let state = AppState::load();
    provide_context(state);
    Effect::new(move || {
        let lang = state.locale.get().code();
        if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
            let _ = root.set_attribute("lang", lang);
        }
    });
    view! {
        <Router base=BASE>
            <components::header::Header/>
            <main class="page designer">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=|| view! { <Signed><pages::programs::ProgramsPage/></Signed> }/>
                    <Route path=path!("/files") view=pages::files::FilesPage/>
                    <Route path=path!("/programs/:id") view=|| view! { <Signed><pages::editor::EditorPage/></Signed> }/>
                    <Route path=path!("/programs/:id/claims") view=|| view! { <Signed><pages::claims::ClaimsPage/></Signed> }/>
                    <Route path=path!("/programs/:id/imports") view=|| view! { <Signed><pages::imports::ImportsPage/></Signed> }/>
                    <Route path=path!("/programs/:id/partners") view=|| view! { <Signed><pages::partners::PartnersPage/></Signed> }/>
                    <Route path=path!("/programs/:id/catalog") view=|| view! { <Signed><pages::catalog::CatalogPage/></Signed> }/>
                    <Route path=path!("/programs/:id/versions") view=|| view! { <Signed><pages::versions::VersionsPage/></Signed> }/>
                    <Route path=path!("/programs/:id/close") view=|| view! { <Signed><pages::close::ClosePage/></Signed> }/>
                </Routes>
            </main>
        </Router>
    }
}

/// Pages that need a designer signed in: otherwise, where to sign in (or work on files).
#[component]
fn Signed(children: ChildrenFn) -> impl IntoView {
    let state = expect_context::<AppState>();
    move || match state.session.get() {
        Some(s) if s.user.role == mitra_api::Role::Designer => children().into_any(),
        Some(_) => view! {
            <p class="empty" data-test="not-designer">{tr(|l| td_string!(l, not_a_designer).to_string())}</p>
        }
        .into_any(),
        None => view! { <SignInFirst/> }.into_any(),
    }
}

/// Signed out: sign in on the portal's page, which brings a designer back here.
#[component]
fn SignInFirst() -> impl IntoView {
    view! {
        <section class="card sign-in">
            <h1>{tr(|l| td_string!(l, designer_title).to_string())}</h1>
            <p>{tr(|l| td_string!(l, sign_in_first).to_string())}</p>
            <div class="row">
                <a class="button" href="/sign-in" rel="external" data-test="sign-in-link">
                    {tr(|l| td_string!(l, sign_in).to_string())}
                </a>
                <A href=format!("{BASE}/files") attr:data-test="files-link">{tr(|l| td_string!(l, files_link).to_string())}</A>
            </div>
        </section>
    }
}

#[component]
fn NotFound() -> impl IntoView {
    view! {
        <p class="empty">{tr(|l| td_string!(l, page_not_found).to_string())}</p>
        <A href=format!("{BASE}/")>{tr(|l| td_string!(l, programs_title).to_string())}</A>
    }
}
