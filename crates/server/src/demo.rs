//! The demo data: two programs, five partners in different regions (four of them in both
//! programs), their sales for the current and previous quarter, sign-ins for each, and the
//! previous quarter's points posted.

use chrono::NaiveDate;

use mitra_scheme::model::{Fact, Partner};
use mitra_scheme::{load_program, population, FactTable};

use crate::auth::{hash_password, now_rfc3339};
use crate::error::{ApiError, ApiResult};
use crate::storage::queries::{self, Role};
use crate::storage::{ledger, rewards, Db};

pub const PROGRAM: &str = include_str!("../demo/program.json");
/// The second program: an exterior-paint sales race (a rank scheme with a leaderboard), a
/// per-can SPIF and badges, for every partner but Makassar Warna Jaya.
pub const SECOND_PROGRAM: &str = include_str!("../demo/program-weathershield.json");
const NOT_IN_SECOND: &[&str] = &["makassar-jaya"];
pub const PARTNERS: &str = include_str!("../demo/partners.json");
pub const FACTS: &str = include_str!("../demo/facts.json");
pub const CATALOG: &str = include_str!("../demo/catalog.json");
/// The products both demo programs list (loaded as a designer's upload would be).
pub const PRODUCTS: &str = include_str!("../demo/products.csv");

/// The password of every demo account.
pub const PASSWORD: &str = "mitra-demo";
pub const DESIGNER: &str = "designer@nusantara.demo";

/// The demo sign-in of a partner's owner.
pub fn owner_email(partner: &str) -> String {
    format!("owner@{partner}.demo")
}

/// Seed the demo data into an empty database, closing the periods that ended before `today`.
/// Does nothing when a program already exists.
pub fn seed(db: &Db, today: NaiveDate) -> ApiResult<bool> {
    let mut conn = db.blocking()?;
    if !queries::program_ids(&conn)?.is_empty() {
        return Ok(false);
    }
    let program = load_program(PROGRAM).map_err(ApiError::internal)?;
    let second = load_program(SECOND_PROGRAM).map_err(ApiError::internal)?;
    let partners: Vec<Partner> = serde_json::from_str(PARTNERS).map_err(ApiError::internal)?;
    let facts: Vec<Fact> = serde_json::from_str(FACTS).map_err(ApiError::internal)?;
    let hash = hash_password(PASSWORD)?;
    let now = now_rfc3339();
    let tx = conn.transaction()?;
    queries::publish_program(&tx, &program, &now, mitra_api::SINCE_ALWAYS)?;
    queries::publish_program(&tx, &second, &now, mitra_api::SINCE_ALWAYS)?;
    for p in &partners {
        queries::insert_partner(&tx, p)?;
        queries::enrol(&tx, &program.id, &p.id)?;
        if !NOT_IN_SECOND.contains(&p.id.as_str()) {
            queries::enrol(&tx, &second.id, &p.id)?;
        }
        queries::insert_user(
            &tx,
            &owner_email(&p.id),
            &format!("Owner, {}", p.name),
            &hash,
            Role::Partner,
            Some(&p.id),
        )?;
    }
    queries::insert_user(&tx, DESIGNER, "Program designer", &hash, Role::Designer, None)?;
    for f in &facts {
        queries::insert_fact(&tx, f)?;
    }
    let catalog: Vec<rewards::CatalogItem> = serde_json::from_str(CATALOG).map_err(ApiError::internal)?;
    for item in &catalog {
        rewards::insert_item(&tx, &program.id, item)?;
    }
    for p in [&program, &second] {
        crate::storage::products::import(&tx, &p.id, PRODUCTS)?;
    }
    let table = FactTable::from(&facts[..]);
    let run = population(&program, &partners, &table, today);
    ledger::close(&tx, &program, &run, |_| true, &now, &mut ledger::CloseOutcome::default())?;
    let in_second: Vec<Partner> =
        partners.iter().filter(|p| !NOT_IN_SECOND.contains(&p.id.as_str())).cloned().collect();
    let run = population(&second, &in_second, &table, today);
    ledger::close(&tx, &second, &run, |_| true, &now, &mut ledger::CloseOutcome::default())?;
    tx.commit()?;
    Ok(true)
}
