//! `/designer/programs/:id/catalog`: the program's rewards. Items are added, their details
//! edited (name, kind, category, price, limit, tier), and stock added or taken away by a number
//! of units, never set outright, so a redemption made meanwhile is never undone.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use mitra::components::error::ErrorPanel;

use crate::api::{self, CatalogItem};
use crate::components::header::ProgramTabs;
use crate::i18n::td_string;
use crate::words::{current, error_text, lang, tr};

#[component]
pub fn CatalogPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let token = super::token();
    let items = LocalResource::new(move || {
        let (id, token) = (id(), token.clone());
        async move { api::catalog(&token, &id).await }
    });
    view! {
        {move || view! { <ProgramTabs program=id()/> }}
        <h1>{tr(|l| td_string!(l, catalog_title).to_string())}</h1>
        {move || view! { <ItemForm program=id() item=None on_saved=move |_| items.refetch()/> }}
        <Suspense fallback=|| view! { <p class="loading">{tr(|l| td_string!(l, loading).to_string())}</p> }>
            {move || items.get().map(|r| match r {
                Err(e) => view! { <ErrorPanel error=e retry=move |_| items.refetch()/> }.into_any(),
                Ok(list) if list.is_empty() => view! { <p class="empty">{tr(|l| td_string!(l, catalog_empty).to_string())}</p> }.into_any(),
                Ok(list) => view! {
                    <ul class="claims" data-test="items">
                        {list.into_iter().map(|item| view! { <ItemRow item=item program=id()/> }).collect_view()}
                    </ul>
                }.into_any(),
            })}
        </Suspense>
    }
}

/// What is left of an item, in words.
fn stock_text(stock: Option<i64>) -> String {
    let l = lang(current());
    match stock {
        None => td_string!(l, stock_unlimited).to_string(),
        Some(n) => td_string!(l, stock_left, count = n).to_string(),
    }
}

#[component]
fn ItemRow(item: CatalogItem, program: String) -> impl IntoView {
    let shown = RwSignal::new(item);
    let editing = RwSignal::new(false);
    let add = RwSignal::new(String::new());
    let bad_add = RwSignal::new(false);
    let token = super::token();
    let restock = Action::new_local(move |(id, n): &(String, i64)| {
        let (id, n, t) = (id.clone(), *n, token.clone());
        async move { api::restock(&t, &id, n).await }
    });
    Effect::new(move || {
        if let Some(Ok(saved)) = restock.value().get() {
            shown.set(saved);
            add.set(String::new());
        }
    });
    let id = shown.with_untracked(|i| i.id.clone());
    let field = format!("stock-{id}");
    let item_id = id.clone();
    view! {
        <li class="card" data-test="item" data-item=item_id>
            <h2>{move || shown.with(|i| mitra::locale::named(current(), &i.name, &i.names))}</h2>
            <p class="muted" data-test="item-facts">{move || shown.with(|i| {
                let price = td_string!(lang(current()), price_points, points = mitra::format::number(current(), i.price.into(), 0)).to_string();
                format!("{} · {} · {} · {}", i.id, kind_text(&i.kind), i.category, price)
            })}</p>
            <p class="muted" data-test="item-stock" data-stock=move || shown.with(|i| i.stock.map(|s| s.to_string()))>{move || shown.with(|i| stock_text(i.stock))}</p>
            {move || shown.with(|i| i.stock.is_some()).then(|| {
                let (field, id) = (field.clone(), id.clone());
                view! {
                    <form class="row restock" on:submit=move |ev| {
                        ev.prevent_default();
                        match add.get_untracked().trim().parse::<i64>() {
                            Ok(n) if n != 0 => { bad_add.set(false); restock.dispatch((id.clone(), n)); }
                            _ => bad_add.set(true),
                        }
                    }>
                        <div class="field">
                            <label for=field.clone()>{tr(|l| td_string!(l, stock_change).to_string())}</label>
                            <input id=field type="text" inputmode="numeric" data-test="stock-add" bind:value=add
                                aria-invalid=move || bad_add.get().then_some("true")/>
                        </div>
                        <button type="submit" data-test="restock" disabled=move || restock.pending().get()>{tr(|l| td_string!(l, restock_button).to_string())}</button>
                    </form>
                }
            })}
            {move || bad_add.get().then(|| view! { <p class="error" role="alert">{td_string!(lang(current()), stock_whole).to_string()}</p> })}
            {move || restock.value().get().and_then(|r| r.err()).map(|e| view! {
                <p class="error" role="alert" data-test="restock-error" data-code=e.code.clone()>{error_text(&e)}</p>
            })}
            <button type="button" data-test="edit-item" aria-expanded=move || editing.get().to_string() on:click=move |_| editing.update(|e| *e = !*e)>
                {tr(|l| td_string!(l, edit_item).to_string())}
            </button>
            <Show when=move || editing.get()>
                <ItemForm program=program.clone() item=Some(shown.get_untracked()) on_saved=move |saved| { shown.set(saved); editing.set(false); }/>
            </Show>
        </li>
    }
}

/// The kinds an item can be, with their words.
fn kind_text(kind: &str) -> String {
    let l = lang(current());
    match kind {
        "voucher" => td_string!(l, kind_voucher).to_string(),
        "merchandise" => td_string!(l, kind_merchandise).to_string(),
        "experience" => td_string!(l, kind_experience).to_string(),
        _ => td_string!(l, kind_donation).to_string(),
    }
}

/// A whole number typed in a field, or nothing when it is empty.
fn whole(text: &str) -> Result<Option<i64>, ()> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    mitra::format::parse_amount(current(), t)
        .filter(|d| d.fract().is_zero())
        .and_then(|d| rust_decimal::prelude::ToPrimitive::to_i64(&d))
        .map(Some)
        .ok_or(())
}

/// A new item (`item` empty) or an existing item's details. The stock is set when the item is
/// added and changed afterwards only by adding or taking away units.
#[component]
fn ItemForm(
    program: String,
    item: Option<CatalogItem>,
    #[prop(into)] on_saved: Callback<CatalogItem>,
) -> impl IntoView {
    let new = item.is_none();
    let start = item.unwrap_or(CatalogItem {
        id: String::new(),
        name: String::new(),
        kind: "merchandise".into(),
        category: String::new(),
        price: 0,
        stock: None,
        per_partner_limit: None,
        min_tier: None,
        image: String::new(),
        description: String::new(),
        names: Default::default(),
    });
    let key = if new { "new".to_string() } else { start.id.clone() };
    let id = RwSignal::new(start.id.clone());
    let name = RwSignal::new(start.name.clone());
    let kind = RwSignal::new(start.kind.clone());
    let category = RwSignal::new(start.category.clone());
    let price = RwSignal::new(if new { String::new() } else { start.price.to_string() });
    let stock = RwSignal::new(start.stock.map(|s| s.to_string()).unwrap_or_default());
    let limit = RwSignal::new(start.per_partner_limit.map(|s| s.to_string()).unwrap_or_default());
    let tier = RwSignal::new(start.min_tier.clone().unwrap_or_default());
    let bad = RwSignal::new(None::<&'static str>);
    let token = super::token();
    let save = Action::new_local(move |it: &CatalogItem| {
        let (it, t, g) = (it.clone(), token.clone(), program.clone());
        async move {
            if new {
                api::add_item(&t, &g, &it).await
            } else {
                api::edit_item(&t, &it).await
            }
        }
    });
    Effect::new(move || {
        if let Some(Ok(saved)) = save.value().get() {
            on_saved.run(saved);
        }
    });
    let submit = move || {
        let number = |what: &'static str, s: RwSignal<String>| whole(&s.get_untracked()).map_err(|()| what);
        let typed = (|| -> Result<CatalogItem, &'static str> {
            Ok(CatalogItem {
                id: id.get_untracked().trim().to_string(),
                name: name.get_untracked().trim().to_string(),
                kind: kind.get_untracked(),
                category: category.get_untracked().trim().to_string(),
                price: number("price", price)?.ok_or("price")?,
                stock: if new { number("stock", stock)? } else { start.stock },
                per_partner_limit: number("limit", limit)?,
                min_tier: Some(tier.get_untracked().trim().to_string()).filter(|t| !t.is_empty()),
                ..start.clone()
            })
        })();
        match typed {
            Ok(it) => {
                bad.set(None);
                save.dispatch(it);
            }
            Err(what) => bad.set(Some(what)),
        }
    };
    let server_field = move || {
        save.value()
            .get()
            .and_then(|r| r.err())
            .and_then(|e| e.details.and_then(|d| d["field"].as_str().map(String::from)))
    };
    let invalid =
        move |f: &'static str| move || (bad.get() == Some(f) || server_field().as_deref() == Some(f)).then_some("true");
    let key = StoredValue::new(key);
    let fid = move |f: &str| format!("item-{}-{f}", key.get_value());
    let text_field = move |f: &'static str,
                           label: fn(crate::i18n::Locale) -> String,
                           value: RwSignal<String>,
                           numeric: bool| {
        view! {
            <div class="field">
                <label for=fid(f)>{tr(label)}</label>
                <input id=fid(f) type="text" autocomplete="off" inputmode=numeric.then_some("numeric") data-test=format!("item-{f}")
                    bind:value=value aria-invalid=invalid(f)/>
            </div>
        }
    };
    view! {
        <form class="card item-form" data-test=if new { "new-item" } else { "item-form" } on:submit=move |ev| { ev.prevent_default(); submit(); }>
            {new.then(|| view! { <h2>{tr(|l| td_string!(l, new_item_title).to_string())}</h2> })}
            <div class="row">
                {new.then(|| text_field("id", |l| td_string!(l, item_id).to_string(), id, false))}
                {text_field("name", |l| td_string!(l, item_name).to_string(), name, false)}
                <div class="field">
                    <label for=fid("kind")>{tr(|l| td_string!(l, item_kind).to_string())}</label>
                    <select id=fid("kind") data-test="item-kind" on:change=move |ev| kind.set(event_target_value(&ev))>
                        {["voucher", "merchandise", "experience", "donation"].into_iter().map(|k| view! {
                            <option value=k selected=move || kind.get() == k>{move || kind_text(k)}</option>
                        }).collect_view()}
                    </select>
                </div>
                {text_field("category", |l| td_string!(l, item_category).to_string(), category, false)}
                {text_field("price", |l| td_string!(l, item_price).to_string(), price, true)}
                {new.then(|| text_field("stock", |l| td_string!(l, item_stock).to_string(), stock, true))}
                {text_field("limit", |l| td_string!(l, item_limit).to_string(), limit, true)}
                {text_field("tier", |l| td_string!(l, item_tier).to_string(), tier, false)}
            </div>
            <button type="submit" class="primary" data-test="save-item" disabled=move || save.pending().get()>
                {move || if new { td_string!(lang(current()), add_item).to_string() } else { td_string!(lang(current()), save_item).to_string() }}
            </button>
            {move || bad.get().map(|_| view! { <p class="error" role="alert" data-test="item-error">{td_string!(lang(current()), item_whole_numbers).to_string()}</p> })}
            {move || save.value().get().map(|r| match r {
                Ok(_) if new => view! { <p class="notice" role="status" data-test="item-added">{td_string!(lang(current()), item_added).to_string()}</p> }.into_any(),
                Ok(_) => ().into_any(),
                Err(e) => view! { <p class="error" role="alert" data-test="item-error" data-code=e.code.clone()>{error_text(&e)}</p> }.into_any(),
            })}
        </form>
    }
}
