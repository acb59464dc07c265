//! What the server's load examples share: the demo program grown to a big partner base.

use std::time::Instant;

use chrono::NaiveDate;
use mitra_scheme::synthetic;
use mitra_server::demo;
use mitra_server::storage::{ledger, queries, Db};

pub const PROGRAM: &str = "nusantara-2026";
pub const PARTNERS: usize = 10_000;

/// Seed the demo into `db`, then add `partners` generated partners to the demo program, each
/// with 120 generated facts (up to `today`) and 1,000,000 points to redeem.
pub fn grow(db: &Db, today: NaiveDate, partners: usize) {
    demo::seed(db, today).unwrap();
    let t = Instant::now();
    let partners = synthetic::partners(partners);
    let facts = synthetic::facts(&partners, 120, 3);
    let mut conn = db.blocking().unwrap();
    let tx = conn.transaction().unwrap();
    for p in &partners {
        queries::insert_partner(&tx, p).unwrap();
        queries::enrol(&tx, PROGRAM, &p.id).unwrap();
        ledger::post(
            &tx,
            PROGRAM,
            &p.id,
            mitra_scheme::model::Instrument::Points,
            ledger::PostingKind::Adjustment,
            None,
            None,
            "load test",
            1_000_000,
            "now",
        )
        .unwrap();
    }
    for f in facts.iter().filter(|f| f.date().is_none_or(|d| d <= today)) {
        queries::insert_fact(&tx, f).unwrap();
    }
    tx.commit().unwrap();
    println!("seeded {} partners and {} facts in {:.1?}", partners.len(), facts.len(), t.elapsed());
}

/// The session token of `email` (a demo user) on the server at `base`.
pub async fn sign_in(client: &reqwest::Client, base: &str, email: &str) -> String {
    let answer: serde_json::Value = client
        .post(format!("{base}/api/sessions"))
        .json(&serde_json::json!({ "email": email, "password": demo::PASSWORD }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    answer["token"].as_str().unwrap().to_string()
}
