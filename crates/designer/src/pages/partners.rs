//! `/designer/programs/:id/partners`: the program's partners; a new partner organisation
//! created into the program, or one of another program enrolled; for each partner, points
//! adjusted with a reason (the partner reads it in their statement) and people invited to the
//! organisation (the one-time link to send them is shown once).

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
        {move || view! { <NewPartner program=id() on_added=move || partners.refetch()/> }}
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

/// Which field a refusal names (`details.field`), to mark it.
fn field_of(e: &api::ApiError) -> Option<String> {
    e.details.as_ref().and_then(|d| d["field"].as_str()).map(String::from)
}

/// A new partner organisation, created into the program; or an existing one (of another
/// program) enrolled by its id.
#[component]
fn NewPartner(program: String, #[prop(into)] on_added: Callback<()>) -> impl IntoView {
    let today = super::today_iso();
    let fields: [(&'static str, RwSignal<String>); 5] = [
        ("id", RwSignal::new(String::new())),
        ("name", RwSignal::new(String::new())),
        ("type", RwSignal::new(String::new())),
        ("region", RwSignal::new(String::new())),
        ("segment", RwSignal::new(String::new())),
    ];
    let enrolled = RwSignal::new(today);
    let existing = RwSignal::new(String::new());
    let token = super::token();
    let (g1, t1) = (program.clone(), token.clone());
    let create = Action::new_local(move |p: &Partner| {
        let (p, g, t) = (p.clone(), g1.clone(), t1.clone());
        async move { api::create_partner(&t, &g, &p).await }
    });
    let enrol = Action::new_local(move |who: &String| {
        let (who, g, t) = (who.clone(), program.clone(), token.clone());
        async move { api::enrol(&t, &g, &who).await.map(|()| who) }
    });
    Effect::new(move || {
        if matches!(create.value().get(), Some(Ok(_))) || matches!(enrol.value().get(), Some(Ok(_))) {
            on_added.run(());
        }
    });
    let get = move |k: &str| {
        fields.iter().find(|f| f.0 == k).map(|f| f.1.get_untracked().trim().to_string()).unwrap_or_default()
    };
    let bad_field = move || create.value().get().and_then(|r| r.err()).and_then(|e| field_of(&e));
    let label = |k: &str| {
        let l = lang(current());
        match k {
            "id" => td_string!(l, partner_id).to_string(),
            "name" => td_string!(l, partner_name).to_string(),
            "type" => td_string!(l, partner_type).to_string(),
            "region" => td_string!(l, partner_region).to_string(),
            _ => td_string!(l, partner_segment).to_string(),
        }
    };
    view! {
        <section class="card" data-test="new-partner">
            <h2>{tr(|l| td_string!(l, new_partner_title).to_string())}</h2>
            <form class="row" on:submit=move |ev| {
                ev.prevent_default();
                let Ok(date) = enrolled.get_untracked().parse() else { return };
                let segment = get("segment");
                create.dispatch(Partner { id: get("id"), name: get("name"), partner_type: get("type"), region: get("region"),
                    segment, enrolled: date, parent: None });
            }>
                {fields.into_iter().map(|(k, value)| {
                    let id = format!("new-partner-{k}");
                    view! {
                        <div class="field">
                            <label for=id.clone()>{move || label(k)}</label>
                            <input id=id type="text" autocomplete="off" data-test=format!("new-partner-{k}") bind:value=value
                                aria-invalid=move || (bad_field().as_deref() == Some(k)).then_some("true")/>
                        </div>
                    }
                }).collect_view()}
                <div class="field">
                    <label for="new-partner-enrolled">{tr(|l| td_string!(l, partner_enrolled).to_string())}</label>
                    <input id="new-partner-enrolled" type="date" data-test="new-partner-enrolled" bind:value=enrolled/>
                </div>
                <button type="submit" class="primary" data-test="create-partner" disabled=move || create.pending().get()>
                    {tr(|l| td_string!(l, create_partner).to_string())}
                </button>
            </form>
            {move || create.value().get().map(|r| match r {
                Ok(p) => view! { <p class="notice" role="status" data-test="partner-created">{td_string!(lang(current()), partner_created, name = p.name.clone()).to_string()}</p> }.into_any(),
                Err(e) => view! { <p class="error" role="alert" data-test="create-partner-error" data-code=e.code.clone()>{error_text(&e)}</p> }.into_any(),
            })}
            <form class="row enrol" on:submit=move |ev| { ev.prevent_default(); enrol.dispatch(existing.get_untracked().trim().to_string()); }>
                <div class="field">
                    <label for="enrol-partner">{tr(|l| td_string!(l, enrol_existing).to_string())}</label>
                    <input id="enrol-partner" type="text" autocomplete="off" data-test="enrol-partner" bind:value=existing/>
                </div>
                <button type="submit" data-test="enrol" disabled=move || enrol.pending().get()>{tr(|l| td_string!(l, enrol_button).to_string())}</button>
            </form>
            {move || enrol.value().get().map(|r| match r {
                Ok(who) => view! { <p class="notice" role="status" data-test="enrolled">{td_string!(lang(current()), partner_enrolled_note, id = who).to_string()}</p> }.into_any(),
                Err(e) => view! { <p class="error" role="alert" data-test="enrol-error" data-code=e.code.clone()>{error_text(&e)}</p> }.into_any(),
            })}
        </section>
    }
}
