//! The rewards catalog and redemptions. A redemption checks balance, stock, per-partner limits
//! and tier and debits them in one write transaction, so concurrent requests never overdraw a
//! balance or a stock; its idempotency key makes a retry return the first result instead of
//! debiting again.
//!
//! What a cancellation may do: a voucher's code is shown the moment it is redeemed, and a
//! donation is made at once, so both are handed out on redemption: a partner cannot cancel a
//! redemption holding either. A partner can cancel one that only holds merchandise or
//! experiences not yet fulfilled. A designer can cancel any redemption, which voids its voucher
//! codes. Per-partner limits count what was handed out: every line of a redemption still in
//! force, and the voucher and donation lines of cancelled ones.

pub use mitra_api::{CatalogItem, LineRequest, RedeemedLine, Redemption, RedemptionRequest, RedemptionStatus};
use mitra_scheme::model::Instrument;
use rand::Rng;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Deserialize;

use super::error::{StoreError, StoreResult};
use super::ledger;

fn item_row(r: &rusqlite::Row) -> rusqlite::Result<CatalogItem> {
    Ok(CatalogItem {
        id: r.get(0)?,
        name: r.get(1)?,
        kind: r.get(2)?,
        category: r.get(3)?,
        price: r.get(4)?,
        stock: r.get(5)?,
        per_partner_limit: r.get(6)?,
        min_tier: r.get(7)?,
        image: r.get(8)?,
        description: r.get(9)?,
        names: {
            let text: String = r.get(10)?;
            serde_json::from_str(&text)
                .map_err(|e| rusqlite::Error::FromSqlConversionFailure(10, rusqlite::types::Type::Text, Box::new(e)))?
        },
    })
}

const ITEM_COLUMNS: &str =
    "id, name, kind, category, price, stock, per_partner_limit, min_tier, image, description, names";

pub fn insert_item(conn: &Connection, program: &str, item: &CatalogItem) -> StoreResult<()> {
    let names = serde_json::to_string(&item.names).map_err(StoreError::internal)?;
    conn.execute(
        &format!("INSERT INTO catalog_items (program_id, {ITEM_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"),
        params![program, item.id, item.name, item.kind, item.category, item.price, item.stock, item.per_partner_limit, item.min_tier, item.image, item.description, names],
    )?;
    Ok(())
}

/// The program an item belongs to.
pub fn item_program(conn: &Connection, id: &str) -> StoreResult<Option<String>> {
    Ok(conn.query_row("SELECT program_id FROM catalog_items WHERE id = ?1", [id], |r| r.get(0)).optional()?)
}

fn item(conn: &Connection, id: &str) -> StoreResult<CatalogItem> {
    conn.query_row(&format!("SELECT {ITEM_COLUMNS} FROM catalog_items WHERE id = ?1"), [id], item_row)
        .optional()?
        .ok_or_else(|| StoreError::not_found("the item"))
}

/// Replace an item's details; its stock is left as it is.
/// Whether any of `items` is kept for a tier (its `min_tier`): only then does a redemption need
/// the partner's tier.
pub fn any_for_a_tier(conn: &Connection, items: &[String]) -> StoreResult<bool> {
    let mut stmt = conn.prepare_cached("SELECT min_tier IS NOT NULL FROM catalog_items WHERE id = ?1")?;
    for item in items {
        if stmt.query_row([item], |r| r.get::<_, bool>(0)).optional()?.unwrap_or(false) {
            return Ok(true);
        }
    }
    Ok(false)
}

pub fn update_item(conn: &Connection, it: &CatalogItem) -> StoreResult<CatalogItem> {
    let names = serde_json::to_string(&it.names).map_err(StoreError::internal)?;
    let changed = conn.execute(
        "UPDATE catalog_items SET name = ?2, kind = ?3, category = ?4, price = ?5, per_partner_limit = ?6,
         min_tier = ?7, image = ?8, description = ?9, names = ?10 WHERE id = ?1",
        params![
            it.id,
            it.name,
            it.kind,
            it.category,
            it.price,
            it.per_partner_limit,
            it.min_tier,
            it.image,
            it.description,
            names
        ],
    )?;
    if changed == 0 {
        return Err(StoreError::not_found("the item"));
    }
    item(conn, &it.id)
}

/// Add `add` units to a limited stock (negative: take them away), refusing to go below zero.
pub fn add_stock(conn: &Connection, id: &str, add: i64) -> StoreResult<CatalogItem> {
    let before = item(conn, id)?;
    let Some(stock) = before.stock else {
        return Err(StoreError::conflict("stock_unlimited", format!("item `{id}` has no stock limit")));
    };
    let after = stock.checked_add(add).filter(|s| *s >= 0).ok_or_else(|| {
        StoreError::conflict("stock_below_zero", format!("item `{id}` has {stock} in stock; {add} would go below zero"))
            .with_details(serde_json::json!({ "stock": stock }))
    })?;
    conn.execute("UPDATE catalog_items SET stock = ?2 WHERE id = ?1", params![id, after])?;
    item(conn, id)
}

/// Search and filters for the catalog.
#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CatalogQuery {
    pub program: String,
    /// One item, by id.
    pub id: Option<String>,
    /// Words that must all appear in the name or description.
    pub q: Option<String>,
    pub kind: Option<String>,
    pub category: Option<String>,
    pub max_price: Option<i64>,
    /// `price` (cheapest first, the default), `-price` (dearest first) or `name`.
    pub sort: Option<String>,
    /// At most this many items (1 to [`MAX_PAGE`], default [`MAX_PAGE`]), from `offset` on.
    pub limit: Option<u32>,
    pub offset: Option<u64>,
}

/// Most items one catalog answer carries.
pub const MAX_PAGE: u32 = 500;

/// The catalog items matching a query, a page of them, and how many match in all.
pub fn catalog(conn: &Connection, query: &CatalogQuery) -> StoreResult<(Vec<CatalogItem>, u64)> {
    let limit = query.limit.unwrap_or(MAX_PAGE);
    if limit == 0 || limit > MAX_PAGE {
        return Err(StoreError::invalid("invalid_page", format!("limit is from 1 to {MAX_PAGE}")));
    }
    let order = match query.sort.as_deref().unwrap_or("price") {
        "price" => "price, id",
        "-price" => "price DESC, id",
        "name" => "name COLLATE NOCASE, id",
        other => {
            return Err(StoreError::invalid("invalid_sort", format!("sort `{other}` is not price, -price or name")))
        }
    };
    let mut sql = String::from(" FROM catalog_items WHERE program_id = ?");
    let mut args: Vec<Box<dyn rusqlite::ToSql>> = vec![Box::new(query.program.clone())];
    for word in query.q.as_deref().unwrap_or("").split_whitespace() {
        // Names in other languages are searched too (their JSON text holds them as typed).
        sql.push_str(" AND (name LIKE ? ESCAPE '\\' OR description LIKE ? ESCAPE '\\' OR names LIKE ? ESCAPE '\\')");
        let escaped = word.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        let pattern = format!("%{escaped}%");
        args.push(Box::new(pattern.clone()));
        args.push(Box::new(pattern.clone()));
        args.push(Box::new(pattern));
    }
    if let Some(id) = &query.id {
        sql.push_str(" AND id = ?");
        args.push(Box::new(id.clone()));
    }
    if let Some(kind) = &query.kind {
        sql.push_str(" AND kind = ?");
        args.push(Box::new(kind.clone()));
    }
    if let Some(category) = &query.category {
        sql.push_str(" AND category = ?");
        args.push(Box::new(category.clone()));
    }
    if let Some(max) = query.max_price {
        sql.push_str(" AND price <= ?");
        args.push(Box::new(max));
    }
    let total: i64 = conn.query_row(
        &format!("SELECT COUNT(*){sql}"),
        rusqlite::params_from_iter(args.iter().map(|a| a.as_ref())),
        |r| r.get(0),
    )?;
    let offset = i64::try_from(query.offset.unwrap_or(0)).unwrap_or(i64::MAX);
    let page = format!("SELECT {ITEM_COLUMNS}{sql} ORDER BY {order} LIMIT {limit} OFFSET {offset}");
    let mut stmt = conn.prepare(&page)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(args.iter().map(|a| a.as_ref())), item_row)?;
    Ok((rows.collect::<Result<_, _>>()?, u64::try_from(total).unwrap_or(0)))
}

/// The categories of a program's catalog, in order.
pub fn categories(conn: &Connection, program: &str) -> StoreResult<Vec<String>> {
    let mut stmt =
        conn.prepare_cached("SELECT DISTINCT category FROM catalog_items WHERE program_id = ?1 ORDER BY category")?;
    let rows = stmt.query_map([program], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Kinds handed out the moment they are redeemed (a voucher's code is shown, a donation made).
fn handed_out_at_once(kind: &str) -> bool {
    matches!(kind, "voucher" | "donation")
}

fn refuse(code: &'static str, message: String) -> StoreError {
    StoreError::conflict(code, message)
}

fn voucher_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..12)
        .map(|i| {
            let c = ALPHABET[rng.random_range(0..ALPHABET.len())] as char;
            if i > 0 && i % 4 == 0 {
                format!("-{c}")
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// A redemption as stored.
pub fn redemption(conn: &Connection, id: i64) -> StoreResult<Option<Redemption>> {
    let head = conn
        .prepare_cached("SELECT id, program_id, partner_id, status, total, created_at FROM redemptions WHERE id = ?1")?
        .query_row([id], |r| {
            Ok(Redemption {
                id: r.get(0)?,
                program: r.get(1)?,
                partner: r.get(2)?,
                status: {
                    let s: String = r.get(3)?;
                    RedemptionStatus::parse(&s).ok_or_else(|| super::unknown_text(3, &s))?
                },
                total: r.get(4)?,
                balance_after: None,
                created_at: r.get(5)?,
                lines: Vec::new(),
                cancellable: false,
            })
        })
        .optional()?;
    let Some(mut head) = head else { return Ok(None) };
    let mut stmt = conn.prepare_cached(
        "SELECT l.item_id, c.name, l.quantity, l.price, l.voucher_code, c.kind FROM redemption_lines l
         JOIN catalog_items c ON c.id = l.item_id WHERE l.redemption_id = ?1 ORDER BY l.rowid",
    )?;
    let mut handed_out = false;
    head.lines = stmt
        .query_map([id], |r| {
            Ok((
                RedeemedLine {
                    item: r.get(0)?,
                    name: r.get(1)?,
                    quantity: r.get(2)?,
                    price: r.get(3)?,
                    voucher_code: r.get(4)?,
                },
                r.get::<_, String>(5)?,
            ))
        })?
        .map(|row| {
            row.map(|(line, kind)| {
                handed_out |= handed_out_at_once(&kind);
                line
            })
        })
        .collect::<Result<_, _>>()?;
    head.cancellable = head.status == RedemptionStatus::Completed && !handed_out;
    Ok(Some(head))
}

pub fn history(conn: &Connection, program: &str, partner: &str) -> StoreResult<Vec<Redemption>> {
    let ids: Vec<i64> = conn
        .prepare("SELECT id FROM redemptions WHERE program_id = ?1 AND partner_id = ?2 ORDER BY id DESC")?
        .query_map(params![program, partner], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    ids.into_iter().filter_map(|id| redemption(conn, id).transpose()).collect()
}

/// Whether a redemption is new or the replay of an earlier request with the same key.
pub enum Redeemed {
    New(Redemption),
    Replayed(Redemption),
}

/// Redeem inside the caller's write transaction (taken with the write lock, so the checks and
/// debits below see no concurrent change). `tier_rank` is the partner's tier index (`None`: no
/// tier) and `tier_index` maps a tier id to its index.
#[allow(clippy::too_many_arguments)]
pub fn redeem(
    conn: &Connection,
    partner: &str,
    user: i64,
    key: &str,
    request: &RedemptionRequest,
    request_hash: &str,
    tier_rank: Option<usize>,
    tier_index: impl Fn(&str) -> Option<usize>,
    now: &str,
) -> StoreResult<Redeemed> {
    let earlier: Option<(i64, String)> = conn
        .prepare_cached("SELECT id, request_hash FROM redemptions WHERE partner_id = ?1 AND idempotency_key = ?2")?
        .query_row(params![partner, key], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    if let Some((id, hash)) = earlier {
        if hash != request_hash {
            return Err(StoreError::unmet(
                "idempotency_key_reused",
                "this Idempotency-Key was already used for a different redemption; use a new key for a new request",
            ));
        }
        let first = redemption(conn, id)?.ok_or_else(|| StoreError::internal("redemption vanished"))?;
        return Ok(Redeemed::Replayed(first));
    }
    if request.lines.is_empty() {
        return Err(StoreError::invalid("empty_redemption", "choose at least one item to redeem"));
    }
    let mut total: i64 = 0;
    let mut lines = Vec::new();
    for line in &request.lines {
        if line.quantity <= 0 {
            return Err(StoreError::invalid(
                "invalid_quantity",
                format!("the quantity of {} must be at least 1", line.item),
            ));
        }
        let item = conn
            .prepare_cached(&format!("SELECT {ITEM_COLUMNS} FROM catalog_items WHERE id = ?1 AND program_id = ?2"))?
            .query_row(params![line.item, request.program], item_row)
            .optional()?
            .ok_or_else(|| StoreError::not_found(&format!("catalog item {}", line.item)))?;
        if let Some(required) = &item.min_tier {
            let ok = matches!((tier_rank, tier_index(required)), (Some(have), Some(need)) if have >= need);
            if !ok {
                return Err(refuse("tier_too_low", format!("{} needs the {required} tier or higher", item.name))
                    .with_details(serde_json::json!({ "item": item.id, "tier": required })));
            }
        }
        let requested: i64 = request.lines.iter().filter(|l| l.item == item.id).map(|l| l.quantity).sum();
        if let Some(stock) = item.stock {
            if requested > stock {
                return Err(refuse("out_of_stock", format!("only {stock} of {} left", item.name))
                    .with_details(serde_json::json!({ "item": item.id, "stock": stock })));
            }
        }
        if let Some(limit) = item.per_partner_limit {
            // What was handed out: lines in force, and voucher or donation lines even when their
            // redemption was cancelled (a shown code stays seen).
            let already: i64 = conn
                .prepare_cached(
                    "SELECT COALESCE(SUM(l.quantity), 0) FROM redemption_lines l JOIN redemptions r ON r.id = l.redemption_id
                     WHERE r.partner_id = ?1 AND l.item_id = ?2 AND (r.status = 'completed' OR ?3)",
                )?
                .query_row(params![partner, item.id, handed_out_at_once(&item.kind)], |r| r.get(0))?;
            if already + requested > limit {
                return Err(refuse(
                    "limit_reached",
                    format!("{} is limited to {limit} per partner; you have redeemed {already}", item.name),
                )
                .with_details(serde_json::json!({ "item": item.id, "limit": limit, "already": already })));
            }
        }
        total = line
            .quantity
            .checked_mul(item.price)
            .and_then(|t| t.checked_add(total))
            .ok_or_else(|| StoreError::invalid("invalid_quantity", "the quantities are too large"))?;
        lines.push((item, line.quantity));
    }
    let account = ledger::partner_account(&request.program, partner, Instrument::Points);
    let balance = ledger::balance(conn, &account)?;
    if balance < total {
        return Err(refuse("insufficient_points", format!("this costs {total} points and your balance is {balance}"))
            .with_details(serde_json::json!({ "cost": total, "balance": balance })));
    }
    conn.prepare_cached(
        "INSERT INTO redemptions (program_id, partner_id, user_id, idempotency_key, request_hash, status, total, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, 'completed', ?6, ?7)",
    )?
    .execute(params![request.program, partner, user, key, request_hash, total, now])?;
    let id = conn.last_insert_rowid();
    for (item, quantity) in &lines {
        if item.stock.is_some() {
            conn.prepare_cached("UPDATE catalog_items SET stock = stock - ?1 WHERE id = ?2")?
                .execute(params![quantity, item.id])?;
        }
        for _ in 0..(if item.kind == "voucher" { *quantity } else { 1 }) {
            let (q, code) = if item.kind == "voucher" { (1, Some(voucher_code())) } else { (*quantity, None) };
            conn.prepare_cached(
                "INSERT INTO redemption_lines (redemption_id, item_id, quantity, price, voucher_code) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![id, item.id, q, item.price, code])?;
        }
    }
    ledger::post(
        conn,
        &request.program,
        partner,
        Instrument::Points,
        crate::storage::ledger::PostingKind::Redemption,
        None,
        None,
        &format!("Redemption #{id}"),
        -total,
        now,
    )?;
    let mut done = redemption(conn, id)?.ok_or_else(|| StoreError::internal("redemption vanished"))?;
    done.balance_after = Some(balance - total);
    Ok(Redeemed::New(done))
}

/// Who asks for a cancellation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CancelledBy {
    /// The partner's own user: only what has not been handed out.
    Partner,
    /// A designer: anything, voiding voucher codes.
    Designer,
}

/// Cancel a redemption in force: refund its points and restore stock. Voucher codes of a
/// cancelled redemption are voided (kept for the record, marked void).
pub fn cancel(conn: &Connection, partner: &str, id: i64, by: CancelledBy, now: &str) -> StoreResult<Redemption> {
    let r = redemption(conn, id)?
        .filter(|r| r.partner == partner)
        .ok_or_else(|| StoreError::not_found("the redemption"))?;
    if r.status != RedemptionStatus::Completed {
        return Err(refuse("already_cancelled", format!("redemption #{id} was already cancelled")));
    }
    if by == CancelledBy::Partner && !r.cancellable {
        return Err(refuse(
            "not_cancellable",
            format!("redemption #{id} was already handed out (a voucher code shown or a donation made)"),
        ));
    }
    conn.execute("UPDATE redemptions SET status = 'cancelled' WHERE id = ?1", [id])?;
    conn.execute(
        "UPDATE redemption_lines SET voucher_void_at = ?2 WHERE redemption_id = ?1 AND voucher_code IS NOT NULL",
        params![id, now],
    )?;
    for line in &r.lines {
        conn.execute(
            "UPDATE catalog_items SET stock = stock + ?1 WHERE id = ?2 AND stock IS NOT NULL",
            params![line.quantity, line.item],
        )?;
    }
    ledger::post(
        conn,
        &r.program,
        partner,
        Instrument::Points,
        crate::storage::ledger::PostingKind::Refund,
        None,
        None,
        &format!("Refund of redemption #{id}"),
        r.total,
        now,
    )?;
    redemption(conn, id)?.ok_or_else(|| StoreError::internal("redemption vanished"))
}

pub use mitra_api::Goal;

/// A user's goal in a program, with its item as listed now.
pub fn goal(conn: &Connection, user: i64, program: &str) -> StoreResult<Option<Goal>> {
    let cols = ITEM_COLUMNS.split(", ").map(|c| format!("c.{c}")).collect::<Vec<_>>().join(", ");
    conn.query_row(
        &format!(
            "SELECT {cols}, g.set_at FROM goals g JOIN catalog_items c ON c.id = g.item_id
             WHERE g.user_id = ?1 AND g.program_id = ?2"
        ),
        params![user, program],
        |r| Ok(Goal { program: program.to_string(), item: item_row(r)?, set_at: r.get(11)? }),
    )
    .optional()
    .map_err(Into::into)
}

/// Set (or replace) a user's goal: an item of the program's catalog.
pub fn set_goal(conn: &Connection, user: i64, program: &str, item: &str, now: &str) -> StoreResult<Goal> {
    let listed: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM catalog_items WHERE id = ?1 AND program_id = ?2)",
        params![item, program],
        |r| r.get(0),
    )?;
    if !listed {
        return Err(StoreError::not_found(&format!("item {item} in this program's catalog")));
    }
    conn.execute(
        "INSERT INTO goals (user_id, program_id, item_id, set_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (user_id, program_id) DO UPDATE SET item_id = excluded.item_id, set_at = excluded.set_at",
        params![user, program, item, now],
    )?;
    goal(conn, user, program)?.ok_or_else(|| StoreError::internal("goal vanished"))
}

/// Forget a user's goal in a program (nothing to forget is fine).
pub fn clear_goal(conn: &Connection, user: i64, program: &str) -> StoreResult<()> {
    conn.execute("DELETE FROM goals WHERE user_id = ?1 AND program_id = ?2", params![user, program])?;
    Ok(())
}
