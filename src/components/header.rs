//! The top bar: the brand, the pages, the program picker (for a partner in several programs),
//! the language picker and signing out.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use crate::api;
use crate::i18n::td_string;
use crate::locale::Locale;
use crate::session::AppState;

#[component]
pub fn Header() -> impl IntoView {
    let state = expect_context::<AppState>();
    let navigate = use_navigate();
    let sign_out = move |_| {
        if let Some(s) = state.session.get_untracked() {
            leptos::task::spawn_local(async move {
                let _ = api::sign_out(&s.token).await;
            });
        }
        state.set_session(None);
        navigate("/sign-in", Default::default());
    };
    view! {
        <header class="topbar">
            <a class="brand" href="/">"Mitra"</a>
            <Show when=move || state.session.get().is_some_and(|s| s.user.partner.is_some())>
                <nav class="nav" aria-label=move || td_string!(state.locale.get().i18n(), nav_label).to_string()>
                    <A href="/dashboard">{crate::locale::tr(|l| td_string!(l.i18n(), nav_dashboard).to_string())}</A>
                    <A href="/leaderboard">{crate::locale::tr(|l| td_string!(l.i18n(), nav_leaderboard).to_string())}</A>
                    <A href="/rewards">{crate::locale::tr(|l| td_string!(l.i18n(), nav_rewards).to_string())}</A>
                    <A href="/claims">{crate::locale::tr(|l| td_string!(l.i18n(), nav_claims).to_string())}</A>
                    <A href="/statement">{crate::locale::tr(|l| td_string!(l.i18n(), nav_statement).to_string())}</A>
                    <A href="/tier">{crate::locale::tr(|l| td_string!(l.i18n(), nav_tier).to_string())}</A>
                    <A href="/account">{crate::locale::tr(|l| td_string!(l.i18n(), nav_account).to_string())}</A>
                </nav>
            </Show>
            <div class="topbar-actions">
                <Show when=move || state.session.get().is_some() && state.programs.with(|p| p.len() > 1)>
                    <ProgramPicker/>
                </Show>
                <LanguagePicker/>
                <Show when=move || state.session.get().is_some()>
                    <span class="user">{move || state.session.get().map(|s| s.user.name)}</span>
                    <button class="link" data-test="sign-out" on:click=sign_out.clone()>
                        {crate::locale::tr(|l| td_string!(l.i18n(), sign_out).to_string())}
                    </button>
                </Show>
            </div>
        </header>
    }
}

/// The reader's language, switchable at any time and kept across reloads (the portal's and the
/// designer's top bars).
#[component]
pub fn LanguagePicker() -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <select aria-label=move || td_string!(state.locale.get().i18n(), language).to_string() data-test="language"
            on:change=move |ev| {
                if let Some(l) = Locale::from_code(&event_target_value(&ev)) {
                    state.set_locale(l);
                }
            }>
            {Locale::ALL.into_iter().map(|l| view! {
                <option value=l.code() selected=move || state.locale.get() == l>{l.name()}</option>
            }).collect_view()}
        </select>
    }
}

/// Switches the program every page shows; the choice is kept across reloads.
#[component]
fn ProgramPicker() -> impl IntoView {
    let state = expect_context::<AppState>();
    let current = move || {
        let chosen = state.program.get();
        state.programs.with(|list| crate::components::loaded::shown_program(chosen.as_deref(), list).unwrap_or_default())
    };
    view! {
        <select class="program-picker" data-test="program"
            aria-label=move || td_string!(state.locale.get().i18n(), program_label).to_string()
            on:change=move |ev| state.set_program(event_target_value(&ev))>
            {move || state.programs.get().into_iter().map(|p| {
                let id = p.id.clone();
                let label = crate::locale::named(state.locale.get(), &p.name, &p.names);
                view! { <option value=p.id selected=move || current() == id>{label}</option> }
            }).collect_view()}
        </select>
    }
}
