//! `/designer/programs/:id/claims`: the claims queue. Each pending claim with its lines, serial
//! numbers, any flag, and the partner's earlier claims; approve, or reject with a reason (the
//! partner reads it). Decided claims are listed below.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use mitra::components::error::ErrorPanel;

use mitra_api::{Claim, ClaimRequest, ClaimStatus};
use mitra_scheme::Program;

use crate::api::{self, ApiError};
use crate::components::header::ProgramTabs;
use crate::i18n::td_string;
use crate::words::{current, error_text, lang, tr};

#[component]
pub fn ClaimsPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let token = super::token();
    let data = LocalResource::new(move || {
        let (id, token) = (id(), token.clone());
        async move {
            let program = api::program(&token, &id).await?;
            let claims = api::claims(&token, &id, false).await?;
            Ok::<_, ApiError>((program, claims))
        }
    });
    view! {
        {move || view! { <ProgramTabs program=id()/> }}
        <h1>{tr(|l| td_string!(l, claims_title).to_string())}</h1>
        <Suspense fallback=|| view! { <p class="loading">{tr(|l| td_string!(l, loading).to_string())}</p> }>
            {move || data.get().map(|r| match r {
                Err(e) => view! { <ErrorPanel error=e retry=move |_| data.refetch()/> }.into_any(),
                Ok((program, claims)) => {
                    let (pending, decided): (Vec<Claim>, Vec<Claim>) =
                        claims.iter().cloned().partition(|c| c.status == ClaimStatus::Pending);
                    let all = claims.clone();
                    let p2 = program.clone();
                    view! {
                        <h2>{tr(|l| td_string!(l, claims_pending).to_string())}</h2>
                        {if pending.is_empty() {
                            view! { <p class="empty" data-test="no-pending">{tr(|l| td_string!(l, no_pending_claims).to_string())}</p> }.into_any()
                        } else {
                            view! {
                                <ul class="claims">
                                    {pending.into_iter().map(|c| {
                                        let history: Vec<Claim> = all.iter().filter(|o| o.partner == c.partner && o.id != c.id).cloned().collect();
                                        view! { <PendingClaim claim=c history=history program=program.clone() on_done=move |_| data.refetch()/> }
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                        <h2>{tr(|l| td_string!(l, claims_decided).to_string())}</h2>
                        <ul class="claims decided">
                            {decided.into_iter().map(|c| view! { <li class="card"><ClaimBody claim=c program=p2.clone()/></li> }).collect_view()}
                        </ul>
                    }.into_any()
                }
            })}
        </Suspense>
    }
}

fn status_text(s: ClaimStatus) -> String {
    let l = lang(current());
    match s {
        ClaimStatus::Pending => td_string!(l, status_pending).to_string(),
        ClaimStatus::Approved => td_string!(l, status_approved).to_string(),
        ClaimStatus::Rejected => td_string!(l, status_rejected).to_string(),
    }
}

/// What a claim says: who, when, the sale's lines or the spend.
#[component]
fn ClaimBody(claim: Claim, program: Program) -> impl IntoView {
    let money = move |x| mitra::format::money(current(), x, &program.currency, program.decimals);
    let status = claim.status;
    view! {
        <h3>
            {td_string!(lang(current()), claim_heading, id = claim.id, partner = claim.partner.clone()).to_string()}
            " "<span class="badge" data-test="claim-status">{move || status_text(status)}</span>
        </h3>
        <p class="muted">{mitra::format::date_time(current(), &claim.created_at)}</p>
        {claim.flag.clone().map(|f| view! { <p class="notice" data-test="claim-flag">{td_string!(lang(current()), claim_flag, flag = f).to_string()}</p> })}
        {claim.reason.clone().map(|r| view! { <p>{td_string!(lang(current()), claim_reason, reason = r).to_string()}</p> })}
        {match claim.request.clone() {
            ClaimRequest::Sale { invoice, date, lines, .. } => view! {
                <p>{td_string!(lang(current()), claim_sale, invoice = invoice, date = mitra::format::date(current(), date)).to_string()}</p>
                <table class="figures">
                    <thead><tr>
                        <th scope="col">"SKU"</th>
                        <th scope="col" class="num">{tr(|l| td_string!(l, col_units).to_string())}</th>
                        <th scope="col" class="num">{tr(|l| td_string!(l, col_value).to_string())}</th>
                        <th scope="col">{tr(|l| td_string!(l, col_serials).to_string())}</th>
                    </tr></thead>
                    <tbody>
                        {lines.into_iter().map(|line| view! {
                            <tr>
                                <td>{line.sku}</td>
                                <td class="num">{mitra::format::number(current(), line.units, 2)}</td>
                                <td class="num">{money(line.value)}</td>
                                <td class="serials">{line.serials.join(", ")}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any(),
            ClaimRequest::Spend { scheme, date, amount, description, .. } => view! {
                <p>{td_string!(lang(current()), claim_spend, scheme = scheme, date = mitra::format::date(current(), date),
                    amount = money(amount), description = description).to_string()}</p>
            }.into_any(),
        }}
    }
}

#[component]
fn PendingClaim(
    claim: Claim,
    history: Vec<Claim>,
    program: Program,
    #[prop(into)] on_done: Callback<()>,
) -> impl IntoView {
    let id = claim.id;
    let reason = RwSignal::new(String::new());
    let token = super::token();
    let decide = Action::new_local(move |reject: &Option<String>| {
        let (reject, token) = (reject.clone(), token.clone());
        async move {
            match reject {
                None => api::approve(&token, id).await,
                Some(r) => api::reject(&token, id, &r).await,
            }
        }
    });
    Effect::new(move || {
        if let Some(Ok(_)) = decide.value().get() {
            on_done.run(());
        }
    });
    let reason_id = format!("reason-{id}");
    view! {
        <li class="card" data-test="pending-claim" data-claim=id>
            <ClaimBody claim=claim program=program.clone()/>
            <details>
                <summary>{td_string!(lang(current()), partner_history, count = history.len()).to_string()}</summary>
                <ul>
                    {history.into_iter().map(|h| view! {
                        <li>{format!("#{} · {}", h.id, mitra::format::date_time(current(), &h.created_at))}" "{status_text(h.status)}</li>
                    }).collect_view()}
                </ul>
            </details>
            {move || decide.value().get().and_then(|r| r.err()).map(|e| view! {
                <p class="error" role="alert" data-test="claim-error" data-code=e.code.clone()>{error_text(&e)}</p>
            })}
            <div class="row decide">
                <button type="button" class="primary" data-test="approve" disabled=move || decide.pending().get()
                    on:click=move |_| { decide.dispatch(None); }>{tr(|l| td_string!(l, approve).to_string())}</button>
                <label for=reason_id.clone()>{tr(|l| td_string!(l, reject_reason).to_string())}</label>
                <input id=reason_id type="text" data-test="reason" bind:value=reason/>
                <button type="button" data-test="reject" disabled=move || decide.pending().get()
                    on:click=move |_| { decide.dispatch(Some(reason.get_untracked())); }>{tr(|l| td_string!(l, reject).to_string())}</button>
            </div>
        </li>
    }
}
