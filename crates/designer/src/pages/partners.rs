//! `/designer/programs/:id/partners`: the program's partners; for each, points adjusted with a
//! reason (the partner reads it in their statement) and people invited to the organisation
//! (the one-time link to send them is shown once).

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use mitra::components::error::ErrorPanel;
use mitra_scheme::Partner;

use crate::api;
use crate::components::header::ProgramTabs;
use crate::i18n::td_string;
use crate::words::{current, error_text, lang, tr};

#[component]
pub fn PartnersPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let token = super::token();
    let partners = LocalResource::new(move || {
        let (id, token) = (id(), token.clone());
        async move { api::partners(&token, &id).await }
    });
    view! {
        {move || view! { <ProgramTabs program=id()/> }}
        <h1>{tr(|l| td_string!(l, partners_title).to_string())}</h1>
        <Suspense fallback=|| view! { <p class="loading">{tr(|l| td_string!(l, loading).to_string())}</p> }>
            {move || partners.get().map(|r| match r {
                Err(e) => view! { <ErrorPanel error=e retry=move |_| partners.refetch()/> }.into_any(),
                Ok(list) => view! {
                    <ul class="claims" data-test="partners">
                        {list.into_iter().map(|p| view! { <PartnerRow partner=p program=id()/> }).collect_view()}
                    </ul>
                }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn PartnerRow(partner: Partner, program: String) -> impl IntoView {
    let pid = partner.id.clone();
    let (points, reason) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let (email, name) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let token = super::token();
    let (p1, g1, t1) = (pid.clone(), program.clone(), token.clone());
    let adjust = Action::new_local(move |(n, why): &(i64, String)| {
        let (n, why, p, g, t) = (*n, why.clone(), p1.clone(), g1.clone(), t1.clone());
        async move { api::adjust(&t, &p, &g, n, &why).await }
    });
    let p2 = pid.clone();
    let invite = Action::new_local(move |(mail, who): &(String, String)| {
        let (mail, who, p, t) = (mail.clone(), who.clone(), p2.clone(), token.clone());
        async move { api::invite(&t, &p, &mail, &who).await }
    });
    let bad_points = RwSignal::new(false);
    let ids = |what: &str| format!("{what}-{}", partner.id);
    view! {
        <li class="card" data-test="partner" data-partner=pid.clone()>
            <h2>{partner.name.clone()}</h2>
            <p class="muted">{format!("{} · {} · {}", partner.partner_type, partner.region, partner.id)}</p>
            <div class="row">
                <form class="row" on:submit=move |ev| {
                    ev.prevent_default();
                    use rust_decimal::prelude::ToPrimitive;
                    let typed = mitra::format::parse_amount(current(), &points.get_untracked());
                    match typed.filter(|d| d.fract().is_zero()).and_then(|d| d.to_i64()) {
                        Some(n) => { bad_points.set(false); adjust.dispatch((n, reason.get_untracked())); }
                        None => bad_points.set(true),
                    }
                }>
                    <div class="field">
                        <label for=ids("points")>{tr(|l| td_string!(l, adjust_points).to_string())}</label>
                        <input id=ids("points") type="text" inputmode="numeric" data-test="adjust-points" bind:value=points/>
                    </div>
                    <div class="field">
                        <label for=ids("reason")>{tr(|l| td_string!(l, adjust_reason).to_string())}</label>
                        <input id=ids("reason") type="text" data-test="adjust-reason" bind:value=reason/>
                    </div>
                    <button type="submit" data-test="adjust" disabled=move || adjust.pending().get()>{tr(|l| td_string!(l, adjust_button).to_string())}</button>
                </form>
            </div>
            {move || bad_points.get().then(|| view! { <p class="error" role="alert">{td_string!(lang(current()), whole_points).to_string()}</p> })}
            {move || adjust.value().get().map(|r| match r {
                Ok(_) => view! { <p class="notice" role="status" data-test="adjusted">{td_string!(lang(current()), adjusted).to_string()}</p> }.into_any(),
                Err(e) => view! { <p class="error" role="alert" data-test="adjust-error" data-code=e.code.clone()>{error_text(&e)}</p> }.into_any(),
            })}
            <form class="row" on:submit=move |ev| { ev.prevent_default(); invite.dispatch((email.get_untracked(), name.get_untracked())); }>
                <div class="field">
                    <label for=ids("name")>{tr(|l| td_string!(l, invite_name).to_string())}</label>
                    <input id=ids("name") type="text" autocomplete="off" data-test="invite-name" bind:value=name/>
                </div>
                <div class="field">
                    <label for=ids("email")>{tr(|l| td_string!(l, invite_email).to_string())}</label>
                    <input id=ids("email") type="email" autocomplete="off" data-test="invite-email" bind:value=email/>
                </div>
                <button type="submit" data-test="invite" disabled=move || invite.pending().get()>{tr(|l| td_string!(l, invite_button).to_string())}</button>
            </form>
            {move || invite.value().get().map(|r| match r {
                Ok(v) => {
                    let link = v["link"].as_str().unwrap_or_default().to_string();
                    // The server's link is whole when it knows its public address; else it is a path on this site.
                    let shown = if link.starts_with('/') {
                        web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default() + &link
                    } else {
                        link
                    };
                    view! {
                        <div class="notice" role="status" data-test="invited">
                            <p>{td_string!(lang(current()), invited, email = v["email"].as_str().unwrap_or_default().to_string()).to_string()}</p>
                            <code class="link-to-send" data-test="invite-link">{shown}</code>
                        </div>
                    }.into_any()
                }
                Err(e) => view! { <p class="error" role="alert" data-test="invite-error" data-code=e.code.clone()>{error_text(&e)}</p> }.into_any(),
            })}
        </li>
    }
}
