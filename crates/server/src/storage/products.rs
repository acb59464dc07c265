//! A program's product list: what a partner picks a claimed sale's lines from. Designers load
//! it as CSV (`sku,name,category`); a product already listed is updated, so uploading the same
//! file again changes nothing.

use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

pub use mitra_api::Product;

use super::error::{StoreError, StoreResult};
use super::imports::{read_rows, RowProblem};
use super::queries;
use crate::input;

/// The columns of a product CSV.
pub const COLUMNS: &str = "sku,name,category";

/// What a product upload did.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct ProductReport {
    pub rows: usize,
    /// Products new to the list.
    pub added: usize,
    /// Products already listed whose name or category changed.
    pub updated: usize,
}

#[derive(Deserialize, schemars::JsonSchema)]
struct Row {
    sku: String,
    name: String,
    #[serde(default)]
    category: String,
}

/// The program's products, by SKU.
pub fn list(conn: &Connection, program: &str) -> StoreResult<Vec<Product>> {
    let mut stmt =
        conn.prepare_cached("SELECT sku, name, category FROM products WHERE program_id = ?1 ORDER BY sku")?;
    let rows = stmt.query_map([program], |r| Ok(Product { sku: r.get(0)?, name: r.get(1)?, category: r.get(2)? }))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn check(row: &Row) -> Result<(), Vec<RowProblem>> {
    let mut problems = Vec::new();
    for (column, what, text, max) in [
        ("sku", "the SKU", &row.sku, input::MAX_ID),
        ("name", "the name", &row.name, input::MAX_TEXT),
        ("category", "the category", &row.category, input::MAX_ID),
    ] {
        if let Err(e) = input::text(what, text, max) {
            problems.push(RowProblem::from(column, e));
        }
    }
    if row.sku.is_empty() {
        problems.push(RowProblem::new("sku", "missing", "the SKU is missing"));
    }
    if row.name.is_empty() {
        problems.push(RowProblem::new("name", "missing", "the name is missing"));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// Validate every row, then add or update them all in the caller's transaction, or none.
pub fn import(conn: &Connection, program: &str, csv_text: &str) -> StoreResult<ProductReport> {
    queries::program(conn, program)?.ok_or_else(|| StoreError::not_found("the program"))?;
    let valid = read_rows(
        csv_text,
        &["sku", "name"],
        COLUMNS,
        |row: Row| check(&row).map(|()| row),
        |r: &Row| input::match_key(&r.sku),
        |r: &Row| format!("SKU {} appears twice in this file", r.sku),
    )?;
    let existing: std::collections::HashMap<String, Product> =
        list(conn, program)?.into_iter().map(|p| (p.sku.clone(), p)).collect();
    let mut report = ProductReport { rows: valid.len(), added: 0, updated: 0 };
    for (_, r) in valid {
        match existing.get(&r.sku) {
            Some(p) if p.name == r.name && p.category == r.category => continue,
            Some(_) => report.updated += 1,
            None => report.added += 1,
        }
        conn.execute(
            "INSERT INTO products (program_id, sku, name, category) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (program_id, sku) DO UPDATE SET name = excluded.name, category = excluded.category",
            params![program, r.sku, r.name, r.category],
        )?;
    }
    Ok(report)
}
