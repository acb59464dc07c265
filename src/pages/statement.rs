//! `/statement`: every posting to the partner's points, credit-note and fund accounts, newest
//! first with each account's balance after it, filtered by account, scheme and period, paged by
//! the server, and downloadable as CSV with the same filters.

use leptos::prelude::*;
use mitra_scheme::model::Instrument;
use mitra_scheme::Program;
use rust_decimal::Decimal;

use crate::api::{self, ApiError, Dashboard, StatementLine, StatementQuery};
use crate::components::error::ErrorPanel;
use crate::components::loaded::WithDashboard;
use crate::format;
use crate::i18n::td_string;
use crate::locale::{error_text, tr, Locale};
use crate::session::AppState;

/// Lines per page.
const PER_PAGE: u32 = 20;

#[component]
pub fn StatementPage() -> impl IntoView {
    view! { <WithDashboard view=|d| view! { <Statement data=d/> }/> }
}

/// An amount in its account's unit: points, or money in the program's currency.
fn amount_text(locale: Locale, program: &Program, instrument: Instrument, x: Decimal, signed: bool) -> String {
    let text = crate::components::scheme_card::payout_text(locale, instrument, program, x.abs());
    let sign = match (signed, x.cmp(&Decimal::ZERO)) {
        (true, std::cmp::Ordering::Greater) => "+",
        (_, std::cmp::Ordering::Less) => "−",
        _ => "",
    };
    format!("{sign}{text}")
}

fn instrument_text(locale: Locale, i: Instrument) -> String {
    let l = locale.i18n();
    match i {
        Instrument::Points => td_string!(l, instrument_points).to_string(),
        Instrument::Cash => td_string!(l, instrument_cash).to_string(),
        Instrument::Fund => td_string!(l, instrument_fund).to_string(),
    }
}

fn parse_instrument(s: &str) -> Option<Instrument> {
    match s {
        "points" => Some(Instrument::Points),
        "cash" => Some(Instrument::Cash),
        "fund" => Some(Instrument::Fund),
        _ => None,
    }
}

/// An empty choice is "all".
fn chosen(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

#[component]
fn Statement(data: Dashboard) -> impl IntoView {
    let state = expect_context::<AppState>();
    let l = move || state.locale.get();
    let program = data.program.clone();
    let partner = data.partner.id.clone();
    let instrument = RwSignal::new(String::new());
    let scheme = RwSignal::new(String::new());
    let period = RwSignal::new(String::new());
    let page = RwSignal::new(1u32);
    let query = Memo::new(move |_| StatementQuery {
        program: program.id.clone(),
        instrument: parse_instrument(&instrument.get()),
        scheme: chosen(scheme.get()),
        period: chosen(period.get()),
        page: Some(page.get()),
        per_page: Some(PER_PAGE),
    });
    let token = move || state.session.get().map(|s| s.token).unwrap_or_default();
    let partner_for_page = partner.clone();
    let lines = LocalResource::new(move || {
        let (q, token, partner) = (query.get(), token(), partner_for_page.clone());
        async move { api::postings(&token, &partner, &q).await }
    });
    // A filter change starts again at the first page.
    let refilter = move |signal: RwSignal<String>, value: String| {
        signal.set(value);
        page.set(1);
    };
    let downloading = RwSignal::new(false);
    let download_error = RwSignal::new(None::<ApiError>);
    let download = move |_| {
        let (q, token, partner) = (query.get_untracked(), token(), partner.clone());
        downloading.set(true);
        download_error.set(None);
        leptos::task::spawn_local(async move {
            download_error.set(api::download_statement(&token, &partner, &q).await.err());
            downloading.set(false);
        });
    };
    // Accounts the program pays into: points always, credit notes and the fund when a scheme does.
    let mut accounts = vec![Instrument::Points];
    for i in [Instrument::Cash, Instrument::Fund] {
        if data.program.schemes.iter().any(|s| s.instrument == i) {
            accounts.push(i);
        }
    }
    let schemes: Vec<String> = data.program.schemes.iter().map(|s| s.id.clone()).collect();
    let program = data.program.clone();
    let (p_balances, p_rows, p_schemes) = (program.clone(), program.clone(), program.clone());
    let balances_accounts = accounts.clone();
    view! {
        <section class="statement">
            <header class="dashboard-head">
                <h1>{tr(|l| td_string!(l.i18n(), statement_title).to_string())}</h1>
                <p class="muted">{tr(|l| td_string!(l.i18n(), statement_intro).to_string())}</p>
            </header>
            <form class="filters" on:submit=|ev| ev.prevent_default()>
                <label>{tr(|l| td_string!(l.i18n(), instrument_label).to_string())}
                    <select data-test="filter-instrument" on:change=move |ev| refilter(instrument, event_target_value(&ev))>
                        <option value="">{tr(|l| td_string!(l.i18n(), instrument_all).to_string())}</option>
                        {accounts.into_iter().map(|i| {
                            view! { <option value=crate::api::instrument_code(i)>{tr(move |l| instrument_text(l, i))}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label>{tr(|l| td_string!(l.i18n(), scheme_label).to_string())}
                    <select data-test="filter-scheme" on:change=move |ev| refilter(scheme, event_target_value(&ev))>
                        <option value="">{tr(|l| td_string!(l.i18n(), scheme_all).to_string())}</option>
                        {schemes.into_iter().map(|id| {
                            let p = p_schemes.clone();
                            let shown = id.clone();
                            view! { <option value=id>{tr(move |l| crate::locale::scheme_name(l, &p, &shown))}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label>{tr(|l| td_string!(l.i18n(), period_label).to_string())}
                    <select data-test="filter-period" on:change=move |ev| refilter(period, event_target_value(&ev))>
                        <option value="">{tr(|l| td_string!(l.i18n(), period_all).to_string())}</option>
                        {move || lines.get().and_then(Result::ok).map(|p| p.periods).unwrap_or_default().into_iter().map(|x| {
                            let selected = period.with(|p| *p == x);
                            let value = x.clone();
                            view! { <option value=value selected=selected>{move || crate::locale::period_name(l(), &x)}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <button type="button" class="secondary" data-test="download-csv" on:click=download disabled=move || downloading.get()>
                    {move || if downloading.get() {
                        td_string!(l().i18n(), downloading).to_string()
                    } else {
                        td_string!(l().i18n(), download_csv).to_string()
                    }}
                </button>
            </form>
            {move || download_error.get().map(|e| view! { <p class="error" role="alert">{error_text(l(), &e)}</p> })}
            <Transition fallback=move || view! { <p class="loading">{tr(|l| td_string!(l.i18n(), loading_figures).to_string())}</p> }>
                {move || lines.get().map(|result| match result {
                    Err(e) => view! { <ErrorPanel error=e retry=move || lines.refetch()/> }.into_any(),
                    Ok(found) => {
                        let pb = p_balances.clone();
                        let balances = balances_accounts.iter().map(|&i| {
                            let x = match i { Instrument::Points => found.points, Instrument::Cash => found.cash, Instrument::Fund => found.fund };
                            let p = pb.clone();
                            view! {
                                <div class="stat" data-test=format!("balance-{}", crate::api::instrument_code(i))>
                                    <span class="muted">{tr(move |l| instrument_text(l, i))}</span>
                                    <span class="figure">{move || amount_text(l(), &p, i, x, false)}</span>
                                </div>
                            }
                        }).collect_view();
                        let pages = found.total.div_ceil(u64::from(found.per_page.max(1))).max(1);
                        let (shown_page, total) = (found.page, found.total);
                        let last = u64::from(shown_page) >= pages;
                        let rows = found.lines.into_iter().map(|line| view! { <Line line=line program=p_rows.clone()/> }).collect_view();
                        let empty = total == 0;
                        view! {
                            <div class="balances" aria-label=move || td_string!(l().i18n(), statement_balances).to_string()>{balances}</div>
                            {empty.then(|| view! { <p class="empty" data-test="no-lines">{tr(|l| td_string!(l.i18n(), no_statement_lines).to_string())}</p> })}
                            {(!empty).then(|| view! {
                                <table class="statement-lines">
                                    <thead><tr>
                                        <th scope="col">{tr(|l| td_string!(l.i18n(), col_what).to_string())}</th>
                                        <th scope="col" class="num">{tr(|l| td_string!(l.i18n(), col_amount).to_string())}</th>
                                        <th scope="col" class="num">{tr(|l| td_string!(l.i18n(), col_balance).to_string())}</th>
                                    </tr></thead>
                                    <tbody>{rows}</tbody>
                                </table>
                                <nav class="pager" aria-label=move || td_string!(l().i18n(), page_of, page = shown_page, pages = pages, total = total).to_string()>
                                    <button type="button" class="secondary" data-test="previous-page" disabled=shown_page <= 1
                                        on:click=move |_| page.update(|p| *p = p.saturating_sub(1).max(1))>
                                        {tr(|l| td_string!(l.i18n(), previous_page).to_string())}
                                    </button>
                                    <span data-test="page-of">{move || td_string!(l().i18n(), page_of, page = shown_page, pages = pages, total = total).to_string()}</span>
                                    <button type="button" class="secondary" data-test="next-page" disabled=last
                                        on:click=move |_| page.update(|p| *p += 1)>
                                        {tr(|l| td_string!(l.i18n(), next_page).to_string())}
                                    </button>
                                </nav>
                            })}
                        }.into_any()
                    }
                })}
            </Transition>
        </section>
    }
}

/// One posting: what it was and when, the amount, and the account's balance after it.
#[component]
fn Line(line: StatementLine, program: Program) -> impl IntoView {
    let state = expect_context::<AppState>();
    let l = move || state.locale.get();
    let date = format::day_of(&line.created_at);
    let (p_what, p_amount, p_balance, p_inline) = (program.clone(), program.clone(), program.clone(), program);
    let StatementLine { instrument, kind, scheme, period, memo, amount, balance, .. } = line;
    let link = scheme.clone().filter(|_| kind == crate::api::PostingKind::Accrual).map(|s| format!("/schemes/{s}"));
    let (gain, loss) = (amount > Decimal::ZERO, amount < Decimal::ZERO);
    let what = move || crate::locale::posting_text(l(), &p_what, kind, scheme.as_deref(), period.as_deref(), &memo);
    view! {
        <tr data-test="statement-line" data-instrument=crate::api::instrument_code(instrument)>
            <td>
                <span class="line-what">{what}</span>
                <span class="muted line-when">
                    {move || date.map(|d| format::date(l(), d)).unwrap_or_default()} " · " {tr(move |l| instrument_text(l, instrument))}
                </span>
                {link.map(|href| view! { <a class="line-link" href=href>{tr(|l| td_string!(l.i18n(), how_worked_out).to_string())}</a> })}
            </td>
            <td class="num" class:gain=gain class:loss=loss data-test="line-amount">
                {move || amount_text(l(), &p_amount, instrument, amount, true)}
                <span class="muted inline-balance">{move || amount_text(l(), &p_inline, instrument, balance, false)}</span>
            </td>
            <td class="num" data-test="line-balance">{move || amount_text(l(), &p_balance, instrument, balance, false)}</td>
        </tr>
    }
}
