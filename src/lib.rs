//! Mitra's partner portal: a Leptos single-page app. Partners sign in and see their points,
//! tier, schemes and next milestones, computed right here in the browser by crates/scheme from
//! the program and their facts, the same way the server computes them.
//!
//! - [`pages`]: one component per route;
//! - [`components`]: reusable pieces of those pages;
//! - [`api`]: every call to the backend;
//! - [`format`], [`i18n`]: locale-aware figures and the reader's language.

pub mod api;
pub mod components;
pub mod format;
pub mod i18n;
pub mod pages;
pub mod session;

use leptos::prelude::*;
use leptos_router::components::{Redirect, Route, Router, Routes};
use leptos_router::path;

use session::AppState;

/// The whole app: shared state and the routes.
#[component]
pub fn App() -> impl IntoView {
    let state = AppState::load();
    provide_context(state);
    view! {
        <Router>
            <components::header::Header/>
            <main class="page">
                <Routes fallback=|| view! { <p class="empty">"This page does not exist."</p> }>
                    <Route path=path!("/") view=Home/>
                    <Route path=path!("/sign-in") view=pages::sign_in::SignIn/>
                    <Route path=path!("/dashboard") view=pages::dashboard::DashboardPage/>
                </Routes>
            </main>
        </Router>
    }
}

/// `/`: the dashboard when signed in, else the sign-in page.
#[component]
fn Home() -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        if state.session.get().is_some() {
            view! { <Redirect path="/dashboard"/> }
        } else {
            view! { <Redirect path="/sign-in"/> }
        }
    }
}
