//! `/claims`: the partner's claims with their status, the reason when rejected, and what an
//! approved claim added to each scheme; `/claims/new`: claim a sale (invoice, date, lines picked
//! from the program's product list, serial numbers pasted as a list) or marketing spend against a
//! fund (its balance and pending claims shown), checked as you type, the server's refusals shown
//! at the field they concern.

use leptos::prelude::*;
use mitra_scheme::model::{Fact, Instrument};
use mitra_scheme::Program;
use rust_decimal::Decimal;

use crate::api::{self, ApiError, Claim, ClaimLine, ClaimRequest, ClaimStatus, Dashboard, Product};
use crate::components::error::ErrorPanel;
use crate::components::scheme_card::payout_text;
use crate::components::loaded::WithDashboard;
use crate::format;
use crate::i18n::td_string;
use crate::locale::{error_text, scheme_name, tr, Locale};
use crate::session::AppState;

#[component]
pub fn ClaimsPage() -> impl IntoView {
    view! { <WithDashboard view=|d| view! { <ClaimList data=d/> }/> }
}

#[component]
pub fn NewClaimPage() -> impl IntoView {
    view! { <WithDashboard view=|d| view! { <NewClaim data=d/> }/> }
}

/// The session's token. Read it before an `async` block: there is no reactive owner (and so no
/// context) inside one.
fn token() -> String {
    expect_context::<AppState>().session.get_untracked().map(|s| s.token).unwrap_or_default()
}

/// The partner's claims in the shown program.
pub fn claims_resource(program: String, partner: String) -> LocalResource<Result<Vec<Claim>, ApiError>> {
    let state = expect_context::<AppState>();
    LocalResource::new(move || {
        let (program, partner) = (program.clone(), partner.clone());
        let token = state.session.get().map(|s| s.token).unwrap_or_default();
        async move { api::claims(&token, &partner, &program).await }
    })
}

/// Money in the program's currency.
pub fn money(locale: Locale, program: &Program, x: Decimal) -> String {
    payout_text(locale, Instrument::Cash, program, x)
}

/// What an approved sale claim added to each scheme: every scheme's payout with the claim's
/// facts minus without them, everything else (other partners' figures included) as it is now.
pub fn added_by_claim(data: &Dashboard, invoice: &str) -> Vec<(String, Instrument, Decimal)> {
    let with = mitra_scheme::statement(&data.program, &data.partner, &data.facts, data.today, Some(&data.context));
    let others: Vec<Fact> = data
        .facts
        .iter()
        .filter(|f| !matches!(f, Fact::Sale { invoice: i, .. } if i.as_str() == invoice))
        .cloned()
        .collect();
    let without = mitra_scheme::statement(&data.program, &data.partner, &others, data.today, Some(&data.context));
    with.schemes
        .iter()
        .zip(&without.schemes)
        .filter(|(a, b)| a.total != b.total)
        .map(|(a, b)| (a.scheme.clone(), a.instrument, a.total - b.total))
        .collect()
}

/// A fund scheme's share of each spend it reimburses, in percent.
pub fn reimbursed_percent(program: &Program, scheme: &str) -> Decimal {
    program
        .schemes
        .iter()
        .find(|s| s.id == scheme)
        .and_then(|s| s.fund.as_ref())
        .map_or(Decimal::ONE_HUNDRED, |f| f.reimburse_percent)
}

/// What pending spend claims will draw from a fund once approved.
pub fn pending_draw(program: &Program, claims: &[Claim], scheme: &str) -> Decimal {
    let share = reimbursed_percent(program, scheme);
    claims
        .iter()
        .filter(|c| c.status == ClaimStatus::Pending)
        .filter_map(|c| match &c.request {
            ClaimRequest::Spend { scheme: s, amount, .. } if s == scheme => Some(*amount * share / Decimal::ONE_HUNDRED),
            _ => None,
        })
        .sum()
}

pub fn status_text(locale: Locale, s: ClaimStatus) -> String {
    let l = locale.i18n();
    match s {
        ClaimStatus::Pending => td_string!(l, claim_status_pending).to_string(),
        ClaimStatus::Approved => td_string!(l, claim_status_approved).to_string(),
        ClaimStatus::Rejected => td_string!(l, claim_status_rejected).to_string(),
    }
}

#[component]
fn ClaimList(data: Dashboard) -> impl IntoView {
    let claims = claims_resource(data.program.id.clone(), data.partner.id.clone());
    let has_funds = data.program.schemes.iter().any(|s| s.instrument == Instrument::Fund);
    view! {
        <section class="claims">
            <header class="dashboard-head">
                <h1>{tr(|l| td_string!(l.i18n(), claims_title).to_string())}</h1>
                <p class="head-links">
                    <a class="button" href="/claims/new" data-test="new-claim">{tr(|l| td_string!(l.i18n(), new_claim).to_string())}</a>
                    {has_funds.then(|| view! { <a href="/funds">{tr(|l| td_string!(l.i18n(), funds_title).to_string())}</a> })}
                </p>
            </header>
            <Transition fallback=move || view! { <p class="loading">{tr(|l| td_string!(l.i18n(), loading_figures).to_string())}</p> }>
                {move || claims.get().map(|result| match result {
                    Err(e) => view! { <ErrorPanel error=e retry=move || claims.refetch()/> }.into_any(),
                    Ok(list) if list.is_empty() => view! {
                        <p class="empty" data-test="no-claims">{tr(|l| td_string!(l.i18n(), no_claims).to_string())}</p>
                    }.into_any(),
                    Ok(list) => {
                        let cards = list.into_iter().map(|c| view! { <ClaimCard claim=c data=data.clone()/> }).collect_view();
                        view! { <ul class="claim-list">{cards}</ul> }.into_any()
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn ClaimCard(claim: Claim, data: Dashboard) -> impl IntoView {
    let state = expect_context::<AppState>();
    let l = move || state.locale.get();
    let program = data.program.clone();
    let date = format::day_of(&claim.created_at);
    let status = claim.status;
    // The lines as units × SKU.
    let (title, value, detail): (String, Decimal, Vec<(Decimal, String)>) = match &claim.request {
        ClaimRequest::Sale { invoice, lines, .. } => (
            invoice.clone(),
            lines.iter().map(|x| x.value).sum(),
            lines.iter().map(|x| (x.units, x.sku.clone())).collect(),
        ),
        ClaimRequest::Spend { description, amount, .. } => (description.clone(), *amount, Vec::new()),
    };
    let is_sale = matches!(claim.request, ClaimRequest::Sale { .. });
    // What the claim did, once approved.
    let effect = match (&claim.request, status) {
        (ClaimRequest::Sale { invoice, .. }, ClaimStatus::Approved) => {
            let added = added_by_claim(&data, invoice);
            let p = program.clone();
            Some(if added.is_empty() {
                view! { <p class="muted" data-test="claim-added">{tr(|l| td_string!(l.i18n(), claim_added_nothing).to_string())}</p> }.into_any()
            } else {
                view! {
                    <ul class="claim-added" data-test="claim-added">
                        {added.into_iter().map(|(scheme, instrument, x)| {
                            let p = p.clone();
                            view! { <li>{move || td_string!(l().i18n(), claim_added, scheme = scheme_name(l(), &p, &scheme), amount = format!("+{}", payout_text(l(), instrument, &p, x))).to_string()}</li> }
                        }).collect_view()}
                    </ul>
                }.into_any()
            })
        }
        (ClaimRequest::Spend { scheme, amount, .. }, ClaimStatus::Approved) => {
            let drawn = *amount * reimbursed_percent(&program, scheme) / Decimal::ONE_HUNDRED;
            let (p, scheme) = (program.clone(), scheme.clone());
            Some(view! {
                <p class="muted" data-test="claim-added">
                    {move || td_string!(l().i18n(), claim_reimbursed, scheme = scheme_name(l(), &p, &scheme), amount = money(l(), &p, drawn)).to_string()}
                </p>
            }.into_any())
        }
        _ => None,
    };
    let reason = claim.reason.clone().filter(|_| status == ClaimStatus::Rejected);
    let p = program.clone();
    view! {
        <li class="card claim" data-claim=claim.id data-status=format!("{status:?}").to_lowercase()>
            <div class="claim-head">
                <h2>
                    {move || if is_sale {
                        td_string!(l().i18n(), claim_invoice, invoice = title.clone()).to_string()
                    } else {
                        title.clone()
                    }}
                </h2>
                <span class="status" class:approved=status == ClaimStatus::Approved class:rejected=status == ClaimStatus::Rejected data-test="claim-status">
                    {move || status_text(l(), status)}
                </span>
            </div>
            <p class="muted">
                {move || date.map(|d| format::date(l(), d)).unwrap_or_default()} " · #" {claim.id} " · "
                {move || if is_sale { td_string!(l().i18n(), claim_kind_sale).to_string() } else { td_string!(l().i18n(), claim_kind_spend).to_string() }}
                " · " <span data-test="claim-value">{move || money(l(), &p, value)}</span>
            </p>
            {(!detail.is_empty()).then(|| view! { <p class="muted">{move || {
                let shown: Vec<String> = detail.iter().map(|(units, sku)| format!("{} × {sku}", format::number(l(), *units, 0))).collect();
                shown.join(", ")
            }}</p> })}
            {reason.map(|r| view! { <p class="error" data-test="claim-reason">{move || td_string!(l().i18n(), claim_rejected_reason, reason = r.clone()).to_string()}</p> })}
            {effect}
        </li>
    }
}

/// Why a field's entry is not accepted yet.
#[derive(Clone, Debug, PartialEq)]
pub enum Problem {
    Missing,
    WholeUnits,
    Amount,
    Future,
    SerialTwice(String),
    FundExceeded { wanted: Decimal, available: Decimal },
}

/// Serial numbers as pasted: one per line, or separated by commas, semicolons or tabs.
pub fn split_serials(text: &str) -> Vec<String> {
    text.split(['\n', '\r', ',', ';', '\t']).map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect()
}

/// Whole units from 1 up.
pub fn parse_units(text: &str) -> Result<Decimal, Problem> {
    let t = text.trim();
    if t.is_empty() {
        return Err(Problem::Missing);
    }
    match t.parse::<u32>() {
        Ok(n) if n >= 1 => Ok(Decimal::from(n)),
        _ => Err(Problem::WholeUnits),
    }
}

/// An amount above zero, in the reader's number format, with at most the program's decimals.
pub fn parse_money(locale: Locale, text: &str, decimals: u32) -> Result<Decimal, Problem> {
    if text.trim().is_empty() {
        return Err(Problem::Missing);
    }
    match format::parse_amount(locale, text) {
        Some(x) if x > Decimal::ZERO && x.normalize().scale() <= decimals => Ok(x),
        _ => Err(Problem::Amount),
    }
}

/// A date entered in a date field (`YYYY-MM-DD`), not after today.
pub fn parse_date(text: &str, today: chrono::NaiveDate) -> Result<chrono::NaiveDate, Problem> {
    if text.trim().is_empty() {
        return Err(Problem::Missing);
    }
    match text.parse::<chrono::NaiveDate>() {
        Ok(d) if d > today => Err(Problem::Future),
        Ok(d) => Ok(d),
        Err(_) => Err(Problem::Missing),
    }
}

/// The first serial number listed twice over the claim's lines.
pub fn serial_twice(lines: &[Vec<String>]) -> Option<(usize, String)> {
    let mut seen = std::collections::HashSet::new();
    for (i, serials) in lines.iter().enumerate() {
        for s in serials {
            if !seen.insert(s.to_lowercase()) {
                return Some((i, s.clone()));
            }
        }
    }
    None
}

fn problem_text(locale: Locale, program: &Program, p: &Problem) -> String {
    let l = locale.i18n();
    match p {
        Problem::Missing => td_string!(l, problem_missing).to_string(),
        Problem::WholeUnits => td_string!(l, problem_whole_units).to_string(),
        Problem::Amount => {
            td_string!(l, problem_amount, example = format::number(locale, Decimal::new(1_250_000, 0), 0)).to_string()
        }
        Problem::Future => td_string!(l, problem_future).to_string(),
        Problem::SerialTwice(s) => td_string!(l, problem_serial_twice, serial = s.clone()).to_string(),
        Problem::FundExceeded { wanted, available } => td_string!(
            l,
            problem_fund_exceeded,
            wanted = money(locale, program, *wanted),
            available = money(locale, program, *available)
        )
        .to_string(),
    }
}

/// One line of the sale being claimed, as typed.
#[derive(Clone, Copy)]
struct LineDraft {
    key: u32,
    sku: RwSignal<String>,
    units: RwSignal<String>,
    value: RwSignal<String>,
    serials: RwSignal<String>,
}

impl LineDraft {
    fn new(key: u32) -> Self {
        LineDraft {
            key,
            sku: RwSignal::new(String::new()),
            units: RwSignal::new(String::new()),
            value: RwSignal::new(String::new()),
            serials: RwSignal::new(String::new()),
        }
    }
}

/// The form's state: what is typed, whether sending was tried, the server's answer.
#[derive(Clone, Copy)]
struct Form {
    tried: RwSignal<bool>,
    sending: RwSignal<bool>,
    refused: RwSignal<Option<ApiError>>,
    sent: RwSignal<Option<i64>>,
    /// The partner's claims, reloaded once one more is sent.
    claims: LocalResource<Result<Vec<Claim>, ApiError>>,
}

impl Form {
    /// Sends the claim; the form shows the server's answer: the notice, or the refusal.
    fn send(self, partner: String, request: ClaimRequest) {
        self.sending.set(true);
        let token = token();
        leptos::task::spawn_local(async move {
            let answer = api::submit_claim(&token, &partner, &request).await;
            // Settle this form's own state before the answer replaces it with the notice.
            self.sending.set(false);
            match answer {
                Ok(c) => {
                    self.claims.refetch();
                    self.sent.set(Some(c.id));
                }
                Err(e) => self.refused.set(Some(e)),
            }
        });
    }

    /// The server's refusal when it names `field`, in words.
    fn refusal_at(self, locale: Locale, field: &str) -> Option<String> {
        self.refused.with(|e| {
            let e = e.as_ref()?;
            let at = e.details.as_ref()?.get("field")?.as_str()?;
            (at == field).then(|| error_text(locale, e))
        })
    }

    /// The server's refusal when it names no field this form shows.
    fn refusal_elsewhere(self, locale: Locale, fields: &[String]) -> Option<String> {
        self.refused.with(|e| {
            let e = e.as_ref()?;
            let at = e.details.as_ref().and_then(|d| d.get("field")).and_then(|f| f.as_str());
            match at {
                Some(f) if fields.iter().any(|x| x == f) => None,
                _ => Some(error_text(locale, e)),
            }
        })
    }
}

/// A field's message: the local check's once sending was tried or something is typed, else the
/// server's refusal at that field.
fn field_message(
    locale: Locale,
    program: &Program,
    form: Form,
    typed: bool,
    check: Result<(), Problem>,
    field: &str,
) -> Option<String> {
    match check {
        Err(p) if typed || form.tried.get() => Some(problem_text(locale, program, &p)),
        _ => form.refusal_at(locale, field),
    }
}

#[component]
fn FieldError(id: String, message: Signal<Option<String>>) -> impl IntoView {
    view! {
        <p class="field-error" id=id role="alert" data-test="field-error" hidden=move || message.with(Option::is_none)>
            {move || message.get().unwrap_or_default()}
        </p>
    }
}

#[component]
fn NewClaim(data: Dashboard) -> impl IntoView {
    let state = expect_context::<AppState>();
    let l = move || state.locale.get();
    let program = data.program.clone();
    let funds: Vec<String> =
        program.schemes.iter().filter(|s| s.instrument == Instrument::Fund).map(|s| s.id.clone()).collect();
    let spend = RwSignal::new(false);
    let claims = claims_resource(program.id.clone(), data.partner.id.clone());
    let form = Form {
        tried: RwSignal::new(false),
        sending: RwSignal::new(false),
        refused: RwSignal::new(None),
        sent: RwSignal::new(None),
        claims,
    };
    let program_id = program.id.clone();
    let products = LocalResource::new(move || {
        let program = program_id.clone();
        let token = state.session.get().map(|s| s.token).unwrap_or_default();
        async move { api::products(&token, &program).await }
    });
    let another = move |_| {
        form.sent.set(None);
        form.tried.set(false);
        form.refused.set(None);
    };
    let has_funds = !funds.is_empty();
    let (d_sale, d_spend) = (data.clone(), data);
    view! {
        <section class="new-claim">
            <header class="dashboard-head">
                <h1>{tr(|l| td_string!(l.i18n(), new_claim_title).to_string())}</h1>
                <p><a href="/claims">{tr(|l| td_string!(l.i18n(), claims_title).to_string())}</a></p>
            </header>
            {move || match form.sent.get() {
                Some(id) => view! {
                    <div class="notice" role="status" data-test="claim-sent">
                        <p>{move || td_string!(l().i18n(), claim_sent, id = id).to_string()}</p>
                        <p class="head-links">
                            <a href="/claims">{tr(|l| td_string!(l.i18n(), see_claims).to_string())}</a>
                            <button type="button" class="link" on:click=another>{tr(|l| td_string!(l.i18n(), claim_another).to_string())}</button>
                        </p>
                    </div>
                }.into_any(),
                None => {
                    let (d_sale, d_spend, funds) = (d_sale.clone(), d_spend.clone(), funds.clone());
                    view! {
                        {has_funds.then(|| view! {
                            <fieldset class="choice">
                                <legend>{tr(|l| td_string!(l.i18n(), claim_what).to_string())}</legend>
                                <label><input type="radio" name="claim-kind" data-test="kind-sale" checked=move || !spend.get() on:change=move |_| { form.refused.set(None); spend.set(false); }/>
                                    {tr(|l| td_string!(l.i18n(), claim_a_sale).to_string())}</label>
                                <label><input type="radio" name="claim-kind" data-test="kind-spend" checked=move || spend.get() on:change=move |_| { form.refused.set(None); spend.set(true); }/>
                                    {tr(|l| td_string!(l.i18n(), claim_a_spend).to_string())}</label>
                            </fieldset>
                        })}
                        {move || if spend.get() {
                            view! { <SpendForm data=d_spend.clone() funds=funds.clone() form=form/> }.into_any()
                        } else {
                            view! { <SaleForm data=d_sale.clone() form=form products=products/> }.into_any()
                        }}
                    }.into_any()
                }
            }}
        </section>
    }
}

#[component]
fn SaleForm(data: Dashboard, form: Form, products: LocalResource<Result<Vec<Product>, ApiError>>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let l = move || state.locale.get();
    let program = data.program.clone();
    let (today, partner, decimals) = (data.today, data.partner.id.clone(), program.decimals);
    let invoice = RwSignal::new(String::new());
    let date = RwSignal::new(String::new());
    let next_key = StoredValue::new(1u32);
    let lines = RwSignal::new(vec![LineDraft::new(0)]);
    let p = program.clone();
    let invoice_message = Signal::derive({
        let p = p.clone();
        move || {
            let check = if invoice.with(|i| i.trim().is_empty()) { Err(Problem::Missing) } else { Ok(()) };
            field_message(l(), &p, form, false, check, "invoice")
        }
    });
    let date_message = Signal::derive({
        let p = p.clone();
        move || {
            let typed = date.with(|d| !d.is_empty());
            field_message(l(), &p, form, typed, parse_date(&date.get(), today).map(|_| ()), "date")
        }
    });
    let add_line = move |_| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        lines.update(|v| v.push(LineDraft::new(key)));
    };
    // The claim as typed, or the first problem (sending is refused until there is none).
    let build = {
        let program = program.id.clone();
        move |locale: Locale, products: &[Product]| -> Option<ClaimRequest> {
            if invoice.with_untracked(|i| i.trim().is_empty()) {
                return None;
            }
            let date = parse_date(&date.get_untracked(), today).ok()?;
            let drafts = lines.get_untracked();
            let serials: Vec<Vec<String>> = drafts.iter().map(|d| split_serials(&d.serials.get_untracked())).collect();
            if serial_twice(&serials).is_some() {
                return None;
            }
            let mut out = Vec::new();
            for (d, serials) in drafts.iter().zip(serials) {
                let sku = d.sku.get_untracked();
                let product = products.iter().find(|p| p.sku == sku)?;
                out.push(ClaimLine {
                    sku,
                    category: product.category.clone(),
                    units: parse_units(&d.units.get_untracked()).ok()?,
                    value: parse_money(locale, &d.value.get_untracked(), decimals).ok()?,
                    serials,
                });
            }
            Some(ClaimRequest::Sale { program: program.clone(), invoice: invoice.get_untracked().trim().to_string(), date, lines: out })
        }
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        form.tried.set(true);
        form.refused.set(None);
        let listed = products.get_untracked().and_then(Result::ok).unwrap_or_default();
        let Some(request) = build(l(), &listed) else { return };
        form.send(partner.clone(), request);
    };
    let fields = Signal::derive(move || {
        let n = lines.with(Vec::len);
        let mut f = vec!["invoice".to_string(), "date".to_string()];
        for i in 0..n {
            for part in ["sku", "units", "value", "serials"] {
                f.push(format!("lines[{i}].{part}"));
            }
        }
        f
    });
    let p_lines = program;
    view! {
        <form class="claim-form" on:submit=submit novalidate>
            <div class="field">
                <label for="invoice">{tr(|l| td_string!(l.i18n(), invoice_number).to_string())}</label>
                <input id="invoice" name="invoice" data-test="invoice" autocomplete="off" bind:value=invoice
                    aria-invalid=move || invoice_message.with(Option::is_some).to_string() aria-describedby="invoice-error"/>
                <FieldError id="invoice-error".to_string() message=invoice_message/>
            </div>
            <div class="field">
                <label for="invoice-date">{tr(|l| td_string!(l.i18n(), invoice_date).to_string())}</label>
                <input id="invoice-date" type="date" data-test="invoice-date" max=today.to_string() bind:value=date
                    aria-invalid=move || date_message.with(Option::is_some).to_string() aria-describedby="invoice-date-error"/>
                <FieldError id="invoice-date-error".to_string() message=date_message/>
            </div>
            <Transition fallback=move || view! { <p class="loading">{tr(|l| td_string!(l.i18n(), loading_figures).to_string())}</p> }>
                {move || products.get().map(|result| match result {
                    Err(e) => view! { <ErrorPanel error=e retry=move || products.refetch()/> }.into_any(),
                    Ok(listed) => {
                        let (listed, p) = (listed.clone(), p_lines.clone());
                        view! {
                            <For each=move || lines.get() key=|d| d.key let:draft>
                                <LineFields draft=draft lines=lines products=listed.clone() program=p.clone() form=form/>
                            </For>
                        }.into_any()
                    }
                })}
            </Transition>
            <p><button type="button" class="secondary" data-test="add-line" on:click=add_line>
                {tr(|l| td_string!(l.i18n(), add_line).to_string())}
            </button></p>
            {move || form.refusal_elsewhere(l(), &fields.get()).map(|m| view! { <p class="error" role="alert" data-test="claim-error">{m}</p> })}
            <button type="submit" data-test="send-claim" disabled=move || form.sending.get()>
                {move || if form.sending.get() { td_string!(l().i18n(), sending).to_string() } else { td_string!(l().i18n(), send_claim).to_string() }}
            </button>
        </form>
    }
}

#[component]
fn LineFields(draft: LineDraft, lines: RwSignal<Vec<LineDraft>>, products: Vec<Product>, program: Program, form: Form) -> impl IntoView {
    let state = expect_context::<AppState>();
    let l = move || state.locale.get();
    let key = draft.key;
    let index = Memo::new(move |_| lines.with(|v| v.iter().position(|d| d.key == key).unwrap_or(0)));
    let decimals = program.decimals;
    let id = move |part: &str| format!("line-{key}-{part}");
    let p = program.clone();
    let message = move |part: &'static str, check: Box<dyn Fn() -> (bool, Result<(), Problem>) + Send + Sync>| {
        let p = p.clone();
        Signal::derive(move || {
            let (typed, result) = check();
            field_message(l(), &p, form, typed, result, &format!("lines[{}].{part}", index.get()))
        })
    };
    let sku_message = message(
        "sku",
        Box::new(move || (false, if draft.sku.with(String::is_empty) { Err(Problem::Missing) } else { Ok(()) })),
    );
    let units_message = message(
        "units",
        Box::new(move || (draft.units.with(|u| !u.is_empty()), parse_units(&draft.units.get()).map(|_| ()))),
    );
    let value_message = message(
        "value",
        Box::new(move || {
            let typed = draft.value.with(|v| !v.is_empty());
            (typed, parse_money(l(), &draft.value.get(), decimals).map(|_| ()))
        }),
    );
    let serials_message = message(
        "serials",
        Box::new(move || {
            let all: Vec<Vec<String>> = lines.with(|v| v.iter().map(|d| split_serials(&d.serials.get())).collect());
            let here = index.get();
            match serial_twice(&all) {
                Some((i, s)) if i == here => (true, Err(Problem::SerialTwice(s))),
                _ => (false, Ok(())),
            }
        }),
    );
    let count = move || split_serials(&draft.serials.get()).len();
    let currency = program.currency.clone();
    view! {
        <fieldset class="claim-line" data-line=key>
            <legend>{move || td_string!(l().i18n(), line_n, n = index.get() + 1).to_string()}</legend>
            <div class="field">
                <label for=id("sku")>{tr(|l| td_string!(l.i18n(), product).to_string())}</label>
                <select id=id("sku") data-test="line-product" on:change=move |ev| draft.sku.set(event_target_value(&ev))
                    aria-invalid=move || sku_message.with(Option::is_some).to_string() aria-describedby=id("sku-error")>
                    <option value="">{tr(|l| td_string!(l.i18n(), choose_product).to_string())}</option>
                    {products.into_iter().map(|p| {
                        let label = format!("{} ({})", p.name, p.sku);
                        let sku = p.sku.clone();
                        view! { <option value=p.sku selected=move || draft.sku.with(|s| *s == sku)>{label}</option> }
                    }).collect_view()}
                </select>
                <FieldError id=id("sku-error") message=sku_message/>
            </div>
            <div class="field-row">
                <div class="field">
                    <label for=id("units")>{tr(|l| td_string!(l.i18n(), units).to_string())}</label>
                    <input id=id("units") data-test="line-units" inputmode="numeric" bind:value=draft.units
                        aria-invalid=move || units_message.with(Option::is_some).to_string() aria-describedby=id("units-error")/>
                    <FieldError id=id("units-error") message=units_message/>
                </div>
                <div class="field">
                    <label for=id("value")>{move || td_string!(l().i18n(), value_label, currency = currency.clone()).to_string()}</label>
                    <input id=id("value") data-test="line-value" inputmode="decimal" bind:value=draft.value
                        aria-invalid=move || value_message.with(Option::is_some).to_string() aria-describedby=id("value-error")/>
                    <FieldError id=id("value-error") message=value_message/>
                </div>
            </div>
            <div class="field">
                <label for=id("serials")>{tr(|l| td_string!(l.i18n(), serials).to_string())}</label>
                <textarea id=id("serials") data-test="line-serials" rows="3" bind:value=draft.serials
                    aria-invalid=move || serials_message.with(Option::is_some).to_string() aria-describedby=id("serials-error")></textarea>
                <p class="muted" data-test="serial-count">{move || td_string!(l().i18n(), serial_count, count = count()).to_string()}</p>
                <FieldError id=id("serials-error") message=serials_message/>
            </div>
            <Show when=move || lines.with(|v| v.len() > 1)>
                <button type="button" class="link" data-test="remove-line" on:click=move |_| lines.update(|v| v.retain(|d| d.key != key))>
                    {move || td_string!(l().i18n(), remove_line, n = index.get() + 1).to_string()}
                </button>
            </Show>
        </fieldset>
    }
}

#[component]
fn SpendForm(data: Dashboard, funds: Vec<String>, form: Form) -> impl IntoView {
    let state = expect_context::<AppState>();
    let l = move || state.locale.get();
    let program = data.program.clone();
    let (today, partner, decimals) = (data.today, data.partner.id.clone(), program.decimals);
    let statement = mitra_scheme::statement(&data.program, &data.partner, &data.facts, data.today, Some(&data.context));
    let balances: Vec<(String, Decimal)> = statement
        .schemes
        .iter()
        .filter_map(|s| Some((s.scheme.clone(), s.fund.as_ref()?.balance)))
        .collect();
    let scheme = RwSignal::new(funds.first().cloned().unwrap_or_default());
    let date = RwSignal::new(String::new());
    let amount = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let p = program.clone();
    // The fund's balance, what pending claims will draw, and what is left to reimburse.
    let standing = Memo::new(move |_| {
        let s = scheme.get();
        let balance = balances.iter().find(|(id, _)| *id == s).map_or(Decimal::ZERO, |(_, b)| *b);
        let pending = form.claims.get().and_then(Result::ok).map_or(Decimal::ZERO, |c| pending_draw(&p, &c, &s));
        (balance, pending, (balance - pending).max(Decimal::ZERO))
    });
    let p = program.clone();
    let amount_check = move || -> Result<(), Problem> {
        let x = parse_money(l(), &amount.get(), decimals)?;
        let wanted = x * reimbursed_percent(&p, &scheme.get()) / Decimal::ONE_HUNDRED;
        let (_, _, available) = standing.get();
        if wanted > available {
            return Err(Problem::FundExceeded { wanted, available });
        }
        Ok(())
    };
    let p = program.clone();
    let amount_message = Signal::derive({
        let check = amount_check.clone();
        move || field_message(l(), &p, form, amount.with(|a| !a.is_empty()), check(), "amount")
    });
    let p = program.clone();
    let date_message = Signal::derive(move || {
        field_message(l(), &p, form, date.with(|d| !d.is_empty()), parse_date(&date.get(), today).map(|_| ()), "date")
    });
    let p = program.clone();
    let description_message = Signal::derive(move || {
        let check = if description.with(|d| d.trim().is_empty()) { Err(Problem::Missing) } else { Ok(()) };
        field_message(l(), &p, form, false, check, "description")
    });
    let program_id = program.id.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        form.tried.set(true);
        form.refused.set(None);
        let (Ok(date), Ok(amount), Ok(())) =
            (parse_date(&date.get_untracked(), today), parse_money(l(), &amount.get_untracked(), decimals), amount_check())
        else {
            return;
        };
        if description.with_untracked(|d| d.trim().is_empty()) {
            return;
        }
        let request = ClaimRequest::Spend {
            program: program_id.clone(),
            scheme: scheme.get_untracked(),
            date,
            amount,
            description: description.get_untracked().trim().to_string(),
        };
        form.send(partner.clone(), request);
    };
    let fields: Vec<String> = ["scheme", "date", "amount", "description"].map(String::from).to_vec();
    let (p_names, p_standing, p_share) = (program.clone(), program.clone(), program);
    let currency = p_names.currency.clone();
    view! {
        <form class="claim-form" on:submit=submit novalidate>
            <div class="field">
                <label for="fund">{tr(|l| td_string!(l.i18n(), fund_label).to_string())}</label>
                <select id="fund" data-test="spend-fund" on:change=move |ev| scheme.set(event_target_value(&ev))>
                    {funds.into_iter().map(|id| {
                        let (p, shown, chosen) = (p_names.clone(), id.clone(), id.clone());
                        view! { <option value=id selected=move || scheme.with(|s| *s == chosen)>{move || scheme_name(l(), &p, &shown)}</option> }
                    }).collect_view()}
                </select>
                <p class="muted" data-test="fund-standing">
                    {move || {
                        let (balance, pending, available) = standing.get();
                        let m = |x| money(l(), &p_standing, x);
                        td_string!(l().i18n(), fund_balance, balance = m(balance), pending = m(pending), available = m(available)).to_string()
                    }}
                </p>
                <p class="muted">{move || td_string!(l().i18n(), reimburse_share, percent = format!("{} %", format::number(l(), reimbursed_percent(&p_share, &scheme.get()), 0))).to_string()}</p>
            </div>
            <div class="field">
                <label for="spend-date">{tr(|l| td_string!(l.i18n(), spend_date).to_string())}</label>
                <input id="spend-date" type="date" data-test="spend-date" max=today.to_string() bind:value=date
                    aria-invalid=move || date_message.with(Option::is_some).to_string() aria-describedby="spend-date-error"/>
                <FieldError id="spend-date-error".to_string() message=date_message/>
            </div>
            <div class="field">
                <label for="spend-amount">{move || td_string!(l().i18n(), spend_amount, currency = currency.clone()).to_string()}</label>
                <input id="spend-amount" data-test="spend-amount" inputmode="decimal" bind:value=amount
                    aria-invalid=move || amount_message.with(Option::is_some).to_string() aria-describedby="spend-amount-error"/>
                <FieldError id="spend-amount-error".to_string() message=amount_message/>
            </div>
            <div class="field">
                <label for="spend-description">{tr(|l| td_string!(l.i18n(), spend_description).to_string())}</label>
                <textarea id="spend-description" data-test="spend-description" rows="2" bind:value=description
                    aria-invalid=move || description_message.with(Option::is_some).to_string() aria-describedby="spend-description-error"></textarea>
                <FieldError id="spend-description-error".to_string() message=description_message/>
            </div>
            {move || form.refusal_elsewhere(l(), &fields).map(|m| view! { <p class="error" role="alert" data-test="claim-error">{m}</p> })}
            <button type="submit" data-test="send-claim" disabled=move || form.sending.get()>
                {move || if form.sending.get() { td_string!(l().i18n(), sending).to_string() } else { td_string!(l().i18n(), send_claim).to_string() }}
            </button>
        </form>
    }
}
