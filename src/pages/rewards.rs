//! `/rewards`: the program's catalog (search, category, "affordable now", sorting; tier-locked
//! items with the tier that unlocks them and the gap), redeeming with a confirmation that shows
//! the balance after and one idempotency key per confirmation; `/rewards/history`: the
//! partner's redemptions with their voucher codes, cancellable where the server allows it.

use leptos::prelude::*;
use mitra_scheme::Program;

use crate::api::{self, ApiError, CatalogItem, Dashboard, Redemption, RedemptionStatus};
use crate::components::error::ErrorPanel;
use crate::components::loaded::{DashboardData, WithDashboard};
use crate::format;
use crate::i18n::td_string;
use crate::locale::{error_text, tier_name};
use crate::session::AppState;

#[component]
pub fn RewardsPage() -> impl IntoView {
    view! { <WithDashboard view=|d| view! { <Catalog data=d/> }/> }
}

/// `/rewards/:id`: one reward with its details and limits, redeemable, and the partner's goal.
#[component]
pub fn RewardItemPage() -> impl IntoView {
    view! { <WithDashboard view=|d| view! { <RewardItem data=d/> }/> }
}

#[component]
pub fn RewardsHistoryPage() -> impl IntoView {
    view! { <WithDashboard view=|d| view! { <History data=d/> }/> }
}

/// The last redemption made in this tab, so its notice and voucher code outlive the page's
/// re-render when the partner's figures reload.
#[derive(Clone, Copy)]
pub struct JustRedeemed(pub RwSignal<Option<Redemption>>);

/// Provides [`JustRedeemed`], forgotten whenever the session changes (another user may sign in
/// in the same tab and must not see the code).
pub fn provide_just_redeemed(state: AppState) {
    let last = RwSignal::new(None);
    Effect::watch(move || state.session.with(|s| s.as_ref().map(|s| s.token.clone())), move |_, _, _| last.set(None), false);
    provide_context(JustRedeemed(last));
}

/// Whether the partner's tier is below the item's, and how much more in sales its tier needs.
fn tier_lock(
    program: &Program,
    held: Option<usize>,
    standings: &[mitra_scheme::report::TierStanding],
    item: &CatalogItem,
) -> (bool, Option<rust_decimal::Decimal>) {
    let needed = item.min_tier.as_ref().and_then(|t| program.tiers.iter().position(|x| &x.id == t));
    let locked = needed.is_some_and(|n| held.is_none_or(|h| h < n));
    let gap = item
        .min_tier
        .as_ref()
        .and_then(|t| standings.iter().find(|s| &s.tier == t))
        .and_then(|s| s.measure.map(|m| (s.threshold - m).max(rust_decimal::Decimal::ZERO)));
    (locked, gap)
}

#[component]
fn RewardItem(data: Dashboard) -> impl IntoView {
    let state = expect_context::<AppState>();
    let l = move || state.locale.get();
    let params = leptos_router::hooks::use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let program_id = data.program.id.clone();
    let token = move || state.session.get().map(|s| s.token).unwrap_or_default();
    let (p_items, p_goal) = (program_id.clone(), program_id.clone());
    let items = LocalResource::new(move || {
        let (token, program, item) = (token(), p_items.clone(), id());
        async move { api::catalog_item(&token, &program, &item).await.map(|found| found.into_iter().collect::<Vec<_>>()) }
    });
    let goal = LocalResource::new(move || {
        let (token, program) = (token(), p_goal.clone());
        async move { api::goal(&token, &program).await }
    });
    let balance = data.ledger.points.trunc().try_into().unwrap_or(i64::MAX);
    let statement = mitra_scheme::statement(&data.program, &data.partner, &data.facts, data.today, Some(&data.context));
    let standings = mitra_scheme::eval::tier_standings(&data.program, &data.partner, &data.facts, data.today);
    let held = statement.tier.tier.as_ref().and_then(|t| data.program.tiers.iter().position(|x| &x.id == t));
    let program = data.program.clone();
    let goal_error = RwSignal::new(None::<ApiError>);
    let change_goal = move |set: bool| {
        let (token, program, item) = (token(), program_id.clone(), id());
        goal_error.set(None);
        leptos::task::spawn_local(async move {
            let done = if set { api::set_goal(&token, &program, &item).await.map(|_| ()) } else { api::clear_goal(&token, &program).await };
            match done {
                Ok(()) => goal.refetch(),
                Err(e) => goal_error.set(Some(e)),
            }
        });
    };
    view! {
        <section class="reward-item">
            <p><a href="/rewards">{crate::locale::tr(|l| td_string!(l.i18n(), back_to_catalog).to_string())}</a></p>
            <Transition fallback=move || view! { <p class="loading">{crate::locale::tr(|l| td_string!(l.i18n(), loading_figures).to_string())}</p> }>
                {move || items.get().map(|result| match result {
                    Err(e) => view! { <ErrorPanel error=e retry=move || items.refetch()/> }.into_any(),
                    Ok(all) => match all.into_iter().find(|i| i.id == id()) {
                        None => view! { <p class="empty" data-test="no-such-item">{crate::locale::tr(|l| td_string!(l.i18n(), no_such_item).to_string())}</p> }.into_any(),
                        Some(item) => {
                            let (locked, gap) = tier_lock(&program, held, &standings, &item);
                            let limit = item.per_partner_limit;
                            let change = change_goal.clone();
                            let change2 = change_goal.clone();
                            let item_id = item.id.clone();
                            let is_goal = move || goal.get().and_then(Result::ok).flatten().is_some_and(|g| g.item.id == item_id);
                            view! {
                                <h1 class="sr-only">{let (n, ns) = (item.name.clone(), item.names.clone()); move || crate::locale::named(l(), &n, &ns)}</h1>
                                <ul class="catalog single">
                                    <RewardCard item=item.clone() program=program.clone() balance=balance locked=locked gap=gap/>
                                </ul>
                                <section class="card item-details">
                                    <h2>{crate::locale::tr(|l| td_string!(l.i18n(), details).to_string())}</h2>
                                    <p data-test="item-limit">{move || match limit {
                                        Some(n) => td_string!(l().i18n(), item_limit, limit = n).to_string(),
                                        None => td_string!(l().i18n(), item_no_limit).to_string(),
                                    }}</p>
                                    {move || if is_goal() {
                                        let change = change2.clone();
                                        view! {
                                            <p data-test="is-goal">{crate::locale::tr(|l| td_string!(l.i18n(), is_goal).to_string())}</p>
                                            <button type="button" class="secondary" data-test="stop-goal" on:click=move |_| change(false)>
                                                {crate::locale::tr(|l| td_string!(l.i18n(), stop_goal).to_string())}
                                            </button>
                                        }.into_any()
                                    } else {
                                        let change = change.clone();
                                        view! {
                                            <button type="button" class="secondary" data-test="save-up" on:click=move |_| change(true)>
                                                {crate::locale::tr(|l| td_string!(l.i18n(), save_up).to_string())}
                                            </button>
                                        }.into_any()
                                    }}
                                    {move || goal_error.get().map(|e| view! { <p class="error" role="alert">{error_text(l(), &e)}</p> })}
                                </section>
                            }.into_any()
                        }
                    },
                })}
            </Transition>
        </section>
    }
}

fn points(locale: crate::locale::Locale, program: &Program, x: i64) -> String {
    format!("{} {}", format::number(locale, x.into(), 0), program.points_name)
}

/// How the catalog is ordered.
#[derive(Clone, Copy, PartialEq)]
enum Sort {
    PriceUp,
    PriceDown,
    Name,
}

/// How long typing must pause before the catalog is searched: short enough that results are on
/// screen well within 100 ms of the last keystroke, long enough that fast typing sends one
/// request per pause, not one per letter.
const SEARCH_PAUSE_MS: u64 = 40;
/// Items shown at first, and added by "show more".
const PAGE: u32 = 24;

#[component]
fn Catalog(data: Dashboard) -> impl IntoView {
    let state = expect_context::<AppState>();
    let l = move || state.locale.get();
    let balance: i64 = data.ledger.points.trunc().try_into().unwrap_or(i64::MAX);
    // Tiers in order; the partner's index among them, and each tier's gap in sales.
    let statement = mitra_scheme::statement(&data.program, &data.partner, &data.facts, data.today, Some(&data.context));
    let standings = mitra_scheme::eval::tier_standings(&data.program, &data.partner, &data.facts, data.today);
    let held = statement.tier.tier.as_ref().and_then(|t| data.program.tiers.iter().position(|x| &x.id == t));
    // What is typed, and what is searched once typing pauses.
    let typed = RwSignal::new(String::new());
    let searched = RwSignal::new(String::new());
    let pause = StoredValue::new(None::<leptos::prelude::TimeoutHandle>);
    let on_type = move |text: String| {
        typed.set(text.clone());
        if let Some(h) = pause.get_value() {
            h.clear();
        }
        let handle = leptos::prelude::set_timeout_with_handle(
            move || searched.set(text),
            std::time::Duration::from_millis(SEARCH_PAUSE_MS),
        );
        pause.set_value(handle.ok());
    };
    let category = RwSignal::new(String::new());
    let affordable = RwSignal::new(false);
    // "Up to this price", as typed (in the reader's number format); empty is no limit.
    let price_cap = RwSignal::new(String::new());
    let cap = Memo::new(move |_| {
        let typed = price_cap.with(|t| crate::format::parse_amount(state.locale.get(), t))
            .and_then(|d| i64::try_from(d.trunc()).ok())
            .filter(|p| *p >= 0);
        match (typed, affordable.get()) {
            (Some(p), true) => Some(p.min(balance)),
            (Some(p), false) => Some(p),
            (None, true) => Some(balance),
            (None, false) => None,
        }
    });
    let sort = RwSignal::new(Sort::PriceUp);
    let shown = RwSignal::new(PAGE);
    let token = move || state.session.get().map(|s| s.token).unwrap_or_default();
    let program_id = data.program.id.clone();
    let (p_items, p_categories) = (program_id.clone(), program_id);
    let items = LocalResource::new(move || {
        let query = api::CatalogRequest {
            program: p_items.clone(),
            q: searched.get(),
            category: category.get(),
            max_price: cap.get(),
            sort: match sort.get() {
                Sort::PriceUp => "price",
                Sort::PriceDown => "-price",
                Sort::Name => "name",
            },
            limit: shown.get(),
        };
        let token = token();
        async move { api::catalog_page(&token, &query).await.map(|(items, total)| (query.q, items, total)) }
    });
    let categories = LocalResource::new(move || {
        let (token, program) = (token(), p_categories.clone());
        async move { api::catalog_categories(&token, &program).await }
    });
    // A new search or filter starts again with one page.
    Effect::watch(
        move || (searched.get(), category.get(), cap.get(), sort.get()),
        move |_, _, _| shown.set(PAGE),
        false,
    );
    let program = data.program.clone();
    let p_head = program.clone();
    view! {
        <section class="rewards">
            <header class="dashboard-head">
                <h1>{crate::locale::tr(|l| td_string!(l.i18n(), rewards_title).to_string())}</h1>
                <p class="muted" data-test="rewards-balance">
                    {move || td_string!(l().i18n(), rewards_balance, amount = points(l(), &p_head, balance)).to_string()}
                </p>
                <p><a href="/rewards/history">{crate::locale::tr(|l| td_string!(l.i18n(), my_rewards).to_string())}</a></p>
            </header>
            <form class="filters" on:submit=|ev| ev.prevent_default()>
                <label>{crate::locale::tr(|l| td_string!(l.i18n(), search).to_string())}
                    <input type="search" data-test="reward-search" prop:value=move || typed.get()
                        on:input=move |ev| on_type(event_target_value(&ev))/>
                </label>
                <label>{crate::locale::tr(|l| td_string!(l.i18n(), category).to_string())}
                    <select data-test="reward-category" on:change=move |ev| category.set(event_target_value(&ev))>
                        <option value="">{crate::locale::tr(|l| td_string!(l.i18n(), all_categories).to_string())}</option>
                        {move || categories.get().and_then(Result::ok).unwrap_or_default().into_iter()
                            .map(|c| view! { <option value=c.clone()>{c.clone()}</option> }).collect_view()}
                    </select>
                </label>
                <label>{crate::locale::tr(|l| td_string!(l.i18n(), sort_by).to_string())}
                    <select data-test="reward-sort" on:change=move |ev| sort.set(match event_target_value(&ev).as_str() {
                        "down" => Sort::PriceDown, "name" => Sort::Name, _ => Sort::PriceUp })>
                        <option value="up">{crate::locale::tr(|l| td_string!(l.i18n(), sort_price_up).to_string())}</option>
                        <option value="down">{crate::locale::tr(|l| td_string!(l.i18n(), sort_price_down).to_string())}</option>
                        <option value="name">{crate::locale::tr(|l| td_string!(l.i18n(), sort_name).to_string())}</option>
                    </select>
                </label>
                <label>{let points = program.points_name.clone(); move || td_string!(l().i18n(), price_up_to, points = points.clone()).to_string()}
                    <input type="text" inputmode="numeric" data-test="reward-max-price" bind:value=price_cap/>
                </label>
                <label class="check">
                    <input type="checkbox" data-test="reward-affordable" bind:checked=affordable/>
                    {crate::locale::tr(|l| td_string!(l.i18n(), affordable_now).to_string())}
                </label>
            </form>
            <Transition fallback=move || view! { <p class="loading">{crate::locale::tr(|l| td_string!(l.i18n(), loading_figures).to_string())}</p> }>
                {move || items.get().map(|result| match result {
                    Err(e) => view! { <ErrorPanel error=e retry=move || items.refetch()/> }.into_any(),
                    Ok((query, found, total)) => {
                        if found.is_empty() {
                            return view! { <p class="empty" data-test="no-rewards" data-query=query>{crate::locale::tr(|l| td_string!(l.i18n(), no_rewards).to_string())}</p> }.into_any();
                        }
                        let count = found.len();
                        let (program, standings) = (program.clone(), standings.clone());
                        view! {
                            <ul class="catalog" data-query=query>
                                {found.into_iter().map(|item| {
                                    let (locked, gap) = tier_lock(&program, held, &standings, &item);
                                    view! { <RewardCard item=item program=program.clone() balance=balance locked=locked gap=gap/> }
                                }).collect_view()}
                            </ul>
                            <p class="muted" data-test="catalog-count">
                                {move || td_string!(l().i18n(), showing_of, shown = count, total = total).to_string()}
                            </p>
                            {(u64::try_from(count).unwrap_or(0) < total).then(|| view! {
                                <button type="button" class="secondary" data-test="show-more" on:click=move |_| shown.update(|n| *n += PAGE)>
                                    {crate::locale::tr(|l| td_string!(l.i18n(), show_more).to_string())}
                                </button>
                            })}
                        }.into_any()
                    }
                })}
            </Transition>
        </section>
    }
}

/// One reward: what it is and costs, and redeeming it with a confirmation.
#[component]
fn RewardCard(
    item: CatalogItem,
    program: Program,
    balance: i64,
    /// The partner's tier is below the item's.
    locked: bool,
    /// Sales still needed for the item's tier.
    gap: Option<rust_decimal::Decimal>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let DashboardData(dashboard) = expect_context::<DashboardData>();
    let l = move || state.locale.get();
    // The open confirmation's idempotency key: made when it opens, reused by every send of it.
    let confirming: RwSignal<Option<String>> = RwSignal::new(None);
    let sending = RwSignal::new(false);
    let error: RwSignal<Option<ApiError>> = RwSignal::new(None);
    // The redemption just made here. Kept outside the card: redeeming reloads the partner's
    // figures, which renders the page again, and the voucher code must stay on screen.
    let JustRedeemed(done) = expect_context::<JustRedeemed>();
    let (id, price, program_id) = (item.id.clone(), item.price, program.id.clone());
    let item_id = item.id.clone();
    let confirm = move |_| {
        let Some(key) = confirming.get_untracked() else { return };
        let Some(session) = state.session.get_untracked() else { return };
        let Some(partner) = session.user.partner.clone() else { return };
        let (id, program_id) = (id.clone(), program_id.clone());
        sending.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match api::redeem(&session.token, &partner, &program_id, &id, 1, &key).await {
                Ok(r) => {
                    confirming.set(None);
                    done.set(Some(r));
                    dashboard.refetch();
                }
                Err(e) => error.set(Some(e)),
            }
            sending.set(false);
        });
    };
    let (p1, p2, p3, p4) = (program.clone(), program.clone(), program.clone(), program.clone());
    let tier_label = item.min_tier.clone();
    let (image, description) = (item.image.clone(), item.description.clone());
    // The item's name in the reader's language.
    let shown_name = {
        let (name, names) = (item.name.clone(), item.names.clone());
        move || crate::locale::named(state.locale.get(), &name, &names)
    };
    let stock = item.stock;
    let limit = item.per_partner_limit;
    view! {
        <li class="card reward" class:locked=locked data-item=item.id.clone()>
            {(!image.is_empty()).then(|| view! { <img src=image alt="" width="160" height="120" loading="lazy"/> })}
            <h2><a href=format!("/rewards/{}", item.id)>{shown_name.clone()}</a></h2>
            <p class="muted">{description}</p>
            <p class="figure price" data-test="price">{move || points(l(), &p1, price)}</p>
            <p class="muted" data-test="stock">{move || match stock {
                Some(n) => td_string!(l().i18n(), stock_left, count = n).to_string(),
                None => td_string!(l().i18n(), stock_unlimited).to_string(),
            }}
            {move || limit.map(|n| format!(" · {}", td_string!(l().i18n(), per_partner_limit, count = n)))}</p>
            {move || {
                if locked {
                    let tier = tier_label.clone().map(|t| tier_name(l(), &p2, &t)).unwrap_or_default();
                    let text = match gap {
                        Some(g) => td_string!(l().i18n(), locked_gap, tier = tier,
                            amount = format::money(l(), g, &p2.currency, p2.decimals)).to_string(),
                        None => td_string!(l().i18n(), locked_tier, tier = tier).to_string(),
                    };
                    return view! { <p class="locked-note" data-test="locked">{text}</p> }.into_any();
                }
                if let Some(r) = done.get().filter(|r| r.lines.iter().any(|x| x.item == item_id)) {
                    let codes: Vec<String> = r.lines.iter().filter_map(|x| x.voucher_code.clone()).collect();
                    return view! {
                        <div class="notice" role="status" data-test="redeemed">
                            <p>{crate::locale::tr(|l| td_string!(l.i18n(), redeemed_ok).to_string())}</p>
                            {codes.into_iter().map(|c| view! { <p><code data-test="voucher">{c}</code></p> }).collect_view()}
                            <a href="/rewards/history">{crate::locale::tr(|l| td_string!(l.i18n(), my_rewards).to_string())}</a>
                        </div>
                    }.into_any();
                }
                if confirming.get().is_some() {
                    let after = balance - price;
                    let (p, name, confirm) = (p3.clone(), shown_name.clone(), confirm.clone());
                    return view! {
                        <div class="confirm" data-test="confirm">
                            <p>{move || td_string!(l().i18n(), confirm_redeem, item = name(),
                                amount = points(l(), &p, price), after = points(l(), &p, after)).to_string()}</p>
                            <div class="actions">
                                <button type="button" data-test="confirm-redeem" disabled=move || sending.get() on:click=confirm>
                                    {crate::locale::tr(|l| td_string!(l.i18n(), confirm).to_string())}
                                </button>
                                <button type="button" class="secondary" on:click=move |_| { confirming.set(None); error.set(None); }>
                                    {crate::locale::tr(|l| td_string!(l.i18n(), cancel).to_string())}
                                </button>
                            </div>
                        </div>
                    }.into_any();
                }
                let short = price > balance;
                let p = p4.clone();
                view! {
                    <button type="button" data-test="redeem" disabled=short
                        on:click=move |_| { error.set(None); confirming.set(Some(api::idempotency_key())); }>
                        {crate::locale::tr(|l| td_string!(l.i18n(), redeem).to_string())}
                    </button>
                    {short.then(|| view! {
                        <p class="muted" data-test="short">{move || td_string!(l().i18n(), points_short,
                            amount = points(l(), &p, price - balance)).to_string()}</p>
                    })}
                }.into_any()
            }}
            {move || error.get().map(|e| view! {
                <p class="error" role="alert" data-test="redeem-error" data-code=e.code.clone()>{error_text(l(), &e)}</p>
            })}
        </li>
    }
}

#[component]
fn History(data: Dashboard) -> impl IntoView {
    let state = expect_context::<AppState>();
    let program = data.program.clone();
    let program_id = data.program.id.clone();
    let list = LocalResource::new(move || {
        let (session, program) = (state.session.get(), program_id.clone());
        async move {
            let session = session.ok_or_else(|| ApiError::local("signed_out", "sign in first"))?;
            let partner = session.user.partner.clone().unwrap_or_default();
            api::redemptions(&session.token, &partner, &program).await
        }
    });
    view! {
        <section class="rewards-history">
            <h1>{crate::locale::tr(|l| td_string!(l.i18n(), my_rewards).to_string())}</h1>
            <p><a href="/rewards">{crate::locale::tr(|l| td_string!(l.i18n(), back_to_catalog).to_string())}</a></p>
            <Transition fallback=move || view! { <p class="loading">{crate::locale::tr(|l| td_string!(l.i18n(), loading_figures).to_string())}</p> }>
                {move || list.get().map(|result| match result {
                    Err(e) => view! { <ErrorPanel error=e retry=move || list.refetch()/> }.into_any(),
                    Ok(rs) if rs.is_empty() => view! {
                        <p class="empty" data-test="no-redemptions">{crate::locale::tr(|l| td_string!(l.i18n(), no_redemptions).to_string())}</p>
                    }.into_any(),
                    Ok(rs) => {
                        let program = program.clone();
                        view! {
                            <ul class="redemptions">
                                {rs.into_iter().map(|r| view! { <RedemptionRow r=r program=program.clone() on_change=move || list.refetch()/> }).collect_view()}
                            </ul>
                        }.into_any()
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn RedemptionRow<F>(r: Redemption, program: Program, on_change: F) -> impl IntoView
where
    F: Fn() + Clone + Send + Sync + 'static,
{
    let state = expect_context::<AppState>();
    let DashboardData(dashboard) = expect_context::<DashboardData>();
    let l = move || state.locale.get();
    let error: RwSignal<Option<ApiError>> = RwSignal::new(None);
    let (id, total, status, cancellable) = (r.id, r.total, r.status, r.cancellable);
    let date = format::day_of(&r.created_at);
    let cancel = move |_| {
        let Some(session) = state.session.get_untracked() else { return };
        let partner = session.user.partner.clone().unwrap_or_default();
        let on_change = on_change.clone();
        leptos::task::spawn_local(async move {
            match api::cancel_redemption(&session.token, &partner, id).await {
                Ok(_) => {
                    dashboard.refetch();
                    on_change();
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let lines = r
        .lines
        .iter()
        .map(|line| {
            let code = line.voucher_code.clone();
            let text = format!("{} × {}", line.quantity, line.name);
            view! {
                <li>
                    {text}
                    {code.map(|c| {
                        let copy = c.clone();
                        view! {
                            " " <code data-test="voucher">{c}</code> " "
                            <button type="button" class="link" data-test="copy"
                                on:click=move |_| {
                                    if let Some(w) = web_sys::window() {
                                        let _ = w.navigator().clipboard().write_text(&copy);
                                    }
                                }>
                                {crate::locale::tr(|l| td_string!(l.i18n(), copy_code).to_string())}
                            </button>
                        }
                    })}
                </li>
            }
        })
        .collect_view();
    view! {
        <li class="card redemption" data-redemption=id>
            <p class="muted">{move || date.map(|d| format::date(l(), d)).unwrap_or_default()} " · #" {id}</p>
            <ul>{lines}</ul>
            <p><strong data-test="redemption-total">{move || points(l(), &program, total)}</strong> " · "
                <span data-test="redemption-status">{move || match status {
                    RedemptionStatus::Completed => td_string!(l().i18n(), status_completed).to_string(),
                    RedemptionStatus::Cancelled => td_string!(l().i18n(), status_cancelled).to_string(),
                }}</span>
            </p>
            {cancellable.then(|| view! {
                <button type="button" class="secondary" data-test="cancel-redemption" on:click=cancel>
                    {crate::locale::tr(|l| td_string!(l.i18n(), cancel_redemption).to_string())}
                </button>
            })}
            {move || error.get().map(|e| view! { <p class="error" role="alert">{error_text(l(), &e)}</p> })}
        </li>
    }
}
