//! `/designer/programs/:id/close`: closing the periods that ended. First a preview, computed by
//! the server exactly as the close itself (a dry run): per partner, scheme and period, what its
//! payout now is minus what was already posted, and the lines left unposted because their
//! figure is not settled. Then the close posts those differences.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use mitra::components::scheme_card::payout_text;
use mitra::locale::scheme_name;
use mitra_api::CloseReport;
use mitra_scheme::Program;

use crate::api;
use crate::components::header::ProgramTabs;
use crate::i18n::td_string;
use crate::words::{current, error_text, lang, tr};

#[component]
pub fn ClosePage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let token = super::token();
    let t2 = token.clone();
    let program = LocalResource::new(move || {
        let (id, token) = (id(), token.clone());
        async move { api::program(&token, &id).await }
    });
    let run = Action::new_local(move |dry: &bool| {
        let (dry, token, id) = (*dry, t2.clone(), id());
        async move { api::close(&token, &id, dry).await }
    });
    view! {
        {move || view! { <ProgramTabs program=id()/> }}
        <h1>{tr(|l| td_string!(l, close_title).to_string())}</h1>
        <p class="hint">{tr(|l| td_string!(l, close_hint).to_string())}</p>
        <div class="row">
            <button type="button" data-test="close-preview" disabled=move || run.pending().get()
                on:click=move |_| { run.dispatch(true); }>{tr(|l| td_string!(l, close_preview).to_string())}</button>
        </div>
        {move || run.value().get().map(|r| match r {
            Err(e) => view! { <p class="error" role="alert" data-test="close-error" data-code=e.code.clone()>{error_text(&e)}</p> }.into_any(),
            Ok(report) => {
                let program = program.get().and_then(Result::ok);
                view! { <Report report=report program=program on_post=move |_| { run.dispatch(false); }/> }.into_any()
            }
        })}
    }
}

#[component]
fn Report(report: CloseReport, program: Option<Program>, #[prop(into)] on_post: Callback<()>) -> impl IntoView {
    let figure = {
        let p = program.clone();
        move |i: mitra_scheme::model::Instrument, x: rust_decimal::Decimal| {
            p.as_ref().map_or_else(|| x.to_string(), |p| payout_text(current(), i, p, x))
        }
    };
    let name = move |id: &str| program.as_ref().map_or_else(|| id.to_string(), |p| scheme_name(current(), p, id));
    let (dry, count, posted) = (report.dry_run, report.postings.len(), report.posted);
    view! {
        <section class="card" data-test=if dry { "close-dry-run" } else { "close-done" }>
            <p role="status" data-test="close-summary">{move || {
                let l = lang(current());
                match (dry, count) {
                    (true, 0) => td_string!(l, close_nothing).to_string(),
                    (true, 1) => td_string!(l, close_would_post_single).to_string(),
                    (true, n) => td_string!(l, close_would_post, count = n).to_string(),
                    (false, _) if posted == 1 => td_string!(l, close_posted_single).to_string(),
                    (false, _) => td_string!(l, close_posted, count = posted).to_string(),
                }
            }}</p>
            {(count > 0).then(|| view! {
                <table class="figures" data-test="close-postings">
                    <thead><tr>
                        <th scope="col">{tr(|l| td_string!(l, partner_label).to_string())}</th>
                        <th scope="col">{tr(|l| td_string!(l, col_scheme).to_string())}</th>
                        <th scope="col">{tr(|l| td_string!(l, col_period).to_string())}</th>
                        <th scope="col" class="num">{tr(|l| td_string!(l, col_difference).to_string())}</th>
                    </tr></thead>
                    <tbody>
                        {report.postings.iter().map(|p| view! {
                            <tr data-test="close-posting" data-partner=p.partner.clone() data-scheme=p.scheme.clone() data-period=p.period.clone()>
                                <td>{p.partner.clone()}</td>
                                <td>{name(&p.scheme)}</td>
                                <td>{p.period.clone()}</td>
                                <td class="num" data-test="amount">{
                                    let t = figure(p.instrument, p.amount);
                                    if p.amount > rust_decimal::Decimal::ZERO { format!("+{t}") } else { t }
                                }</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
            {(!report.skipped.is_empty()).then(|| view! {
                <p class="notice" data-test="close-skipped">{match report.skipped.len() {
                    1 => td_string!(lang(current()), close_skipped_single).to_string(),
                    n => td_string!(lang(current()), close_skipped, count = n).to_string(),
                }}</p>
                <ul>
                    {report.skipped.iter().map(|k| view! {
                        <li data-reason=k.reason.clone()>{format!("{} · {} · {}: ", k.partner, name(&k.scheme), k.period)}{skipped_why(&k.reason)}</li>
                    }).collect_view()}
                </ul>
            })}
            {(dry && count > 0).then(|| view! {
                <button type="button" class="primary" data-test="close-post" on:click=move |_| on_post.run(())>
                    {tr(|l| td_string!(l, close_post).to_string())}
                </button>
            })}
        </section>
    }
}

/// Why a closed period's line was left unposted, in words.
fn skipped_why(reason: &str) -> String {
    let l = lang(current());
    match reason {
        "overflow" => td_string!(l, skipped_overflow).to_string(),
        "changed" => td_string!(l, skipped_changed).to_string(),
        _ => td_string!(l, skipped_provisional).to_string(),
    }
}
