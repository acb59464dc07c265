//! Claims over real HTTP: duplicates refused naming the earlier claim, spend within the fund,
//! designers approve (the claim becomes facts) or reject.

mod common;

use common::{get, post, sign_in, start};
use mitra_server::demo;
use serde_json::{json, Value};

fn sale(invoice: &str, serials: &[&str]) -> Value {
    json!({ "kind": "sale", "program": "nusantara-2026", "invoice": invoice, "date": "2026-11-14",
            "lines": [{ "sku": "WS-20L", "category": "exterior", "units": "8", "value": "10000000", "serials": serials }] })
}

#[tokio::test]
async fn sale_claims_refuse_duplicates_and_become_facts_when_approved() {
    let s = start().await;
    let sinar = sign_in(&s, &demo::owner_email("sinar-jaya")).await;
    let bangun = sign_in(&s, &demo::owner_email("bangun-warna")).await;
    let designer = sign_in(&s, demo::DESIGNER).await;
    let (status, c) =
        post(&s, &sinar, "/api/partners/sinar-jaya/claims", None, &sale("SJ-1114", &["SN-1", "SN-2"])).await;
    assert_eq!(status, 201, "{c}");
    let id = c["id"].as_i64().unwrap();
    assert_eq!(c["status"], "pending");
    // The same invoice again, by the same partner.
    let (status, e) = post(&s, &sinar, "/api/partners/sinar-jaya/claims", None, &sale("SJ-1114", &[])).await;
    assert_eq!((status, e["error"]["code"].as_str()), (409, Some("duplicate_invoice")));
    assert_eq!(e["error"]["message"], format!("invoice SJ-1114 was already claimed in claim #{id} (pending)"));
    // A serial already claimed by anyone: another partner is not told whose claim it was.
    let (status, e) = post(&s, &bangun, "/api/partners/bangun-warna/claims", None, &sale("BW-9", &["SN-2"])).await;
    assert_eq!((status, e["error"]["code"].as_str()), (409, Some("duplicate_serial")));
    assert_eq!(e["error"]["message"], "serial number SN-2 was already claimed in another partner's claim");
    assert_eq!(
        (e["error"]["details"]["claim"].clone(), e["error"]["details"]["field"].as_str()),
        (Value::Null, Some("lines[0].serials"))
    );
    // The partner's own earlier claim is named.
    let (status, e) = post(&s, &sinar, "/api/partners/sinar-jaya/claims", None, &sale("SJ-1115", &["SN-1"])).await;
    assert_eq!((status, e["error"]["details"]["claim"].as_i64()), (409, Some(id)));
    assert_eq!(e["error"]["message"], format!("serial number SN-1 was already claimed in claim #{id}"));
    // A future date is refused.
    let mut future = sale("SJ-X", &[]);
    future["date"] = json!("2026-12-01");
    let (status, e) = post(&s, &sinar, "/api/partners/sinar-jaya/claims", None, &future).await;
    assert_eq!((status, e["error"]["code"].as_str()), (400, Some("invalid_claim")));
    // Partners cannot approve; designers can, and the sale counts: Q4 40.5 M + 10 M = 50.5 M
    // reaches the 0.15 % slab: 75,750.
    let (status, _) = post(&s, &sinar, &format!("/api/claims/{id}/approve"), None, &json!({})).await;
    assert_eq!(status, 403);
    let (status, a) = post(&s, &designer, &format!("/api/claims/{id}/approve"), None, &json!({})).await;
    assert_eq!((status, a["status"].as_str()), (200, Some("approved")));
    let (_, st) = get(&s, &sinar, "/api/partners/sinar-jaya/statement?program=nusantara-2026").await;
    assert_eq!(st["schemes"][0]["periods"][3]["payout"], "75750");
    let (status, e) = post(&s, &designer, &format!("/api/claims/{id}/approve"), None, &json!({})).await;
    assert_eq!((status, e["error"]["code"].as_str()), (409, Some("already_decided")));
    // Another organisation cannot see the claims.
    let (status, _) = get(&s, &bangun, "/api/partners/sinar-jaya/claims?program=nusantara-2026").await;
    assert_eq!(status, 403);
    let (_, mine) = get(&s, &sinar, "/api/partners/sinar-jaya/claims?program=nusantara-2026").await;
    assert_eq!(mine.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_rejected_claim_frees_its_invoice_and_serials() {
    let s = start().await;
    let sinar = sign_in(&s, &demo::owner_email("sinar-jaya")).await;
    let designer = sign_in(&s, demo::DESIGNER).await;
    let (_, c) = post(&s, &sinar, "/api/partners/sinar-jaya/claims", None, &sale("SJ-77", &["SN-9"])).await;
    let id = c["id"].as_i64().unwrap();
    let (status, e) = post(&s, &designer, &format!("/api/claims/{id}/reject"), None, &json!({ "reason": "" })).await;
    assert_eq!((status, e["error"]["code"].as_str()), (400, Some("reason_required")));
    let (status, r) =
        post(&s, &designer, &format!("/api/claims/{id}/reject"), None, &json!({ "reason": "Invoice unreadable" }))
            .await;
    assert_eq!(
        (status, r["status"].as_str(), r["reason"].as_str()),
        (200, Some("rejected"), Some("Invoice unreadable"))
    );
    let (status, _) = post(&s, &sinar, "/api/partners/sinar-jaya/claims", None, &sale("SJ-77", &["SN-9"])).await;
    assert_eq!(status, 201);
    let (_, queue) = get(&s, &designer, "/api/claims?program=nusantara-2026&status=pending").await;
    assert_eq!(queue.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn spend_claims_stay_within_the_fund() {
    let s = start().await;
    let sinar = sign_in(&s, &demo::owner_email("sinar-jaya")).await;
    let designer = sign_in(&s, demo::DESIGNER).await;
    let spend = |amount: &str| json!({ "kind": "spend", "program": "nusantara-2026", "scheme": "mdf", "date": "2026-11-10", "amount": amount, "description": "Shop signage" });
    // The MDF holds 2 % of Q3 and Q4 sales: 1.6 M + 0.81 M = 2.41 M.
    let (_, funds) = get(&s, &sinar, "/api/partners/sinar-jaya/funds?program=nusantara-2026").await;
    assert_eq!(funds[0]["balance"], "2410000");
    let (status, c) = post(&s, &sinar, "/api/partners/sinar-jaya/claims", None, &spend("2000000")).await;
    assert_eq!(status, 201, "{c}");
    // Pending claims count against the fund: 2 M + 0.5 M > 2.41 M.
    let (status, e) = post(&s, &sinar, "/api/partners/sinar-jaya/claims", None, &spend("500000")).await;
    assert_eq!((status, e["error"]["code"].as_str()), (409, Some("fund_exceeded")));
    let id = c["id"].as_i64().unwrap();
    post(&s, &designer, &format!("/api/claims/{id}/approve"), None, &json!({})).await;
    let (_, funds) = get(&s, &sinar, "/api/partners/sinar-jaya/funds?program=nusantara-2026").await;
    assert_eq!((funds[0]["drawn"].as_str(), funds[0]["balance"].as_str()), (Some("2000000"), Some("410000")));
    let mut not_fund = spend("10");
    not_fund["scheme"] = json!("q-sales");
    let (status, e) = post(&s, &sinar, "/api/partners/sinar-jaya/claims", None, &not_fund).await;
    assert_eq!((status, e["error"]["code"].as_str()), (400, Some("not_a_fund")));
}

#[tokio::test]
async fn look_alike_invoice_and_serial_numbers_are_duplicates() {
    let s = start().await;
    let sinar = sign_in(&s, &demo::owner_email("sinar-jaya")).await;
    let bangun = sign_in(&s, &demo::owner_email("bangun-warna")).await;
    let path = "/api/partners/sinar-jaya/claims";
    let (status, c) = post(&s, &sinar, path, None, &sale("uni-100", &["sn-77"])).await;
    assert_eq!(status, 201, "{c}");
    for invoice in ["UNI-100", "UNI-\u{200B}100", "UNI\u{2011}100", "ＵＮＩ－１００", "\u{200F}UNI-100", " uni-100 "]
    {
        let (status, e) = post(&s, &sinar, path, None, &sale(invoice, &[])).await;
        assert_eq!((status, e["error"]["code"].as_str()), (409, Some("duplicate_invoice")), "{invoice:?}");
    }
    for serial in ["SN-77", "SN\u{2011}77", "ＳＮ－７７", "sn-\u{200B}77"] {
        let (status, e) = post(&s, &bangun, "/api/partners/bangun-warna/claims", None, &sale("BW-1", &[serial])).await;
        assert_eq!((status, e["error"]["code"].as_str()), (409, Some("duplicate_serial")), "{serial:?}");
    }
    // The number is kept as it was entered.
    let (_, mine) = get(&s, &sinar, "/api/partners/sinar-jaya/claims?program=nusantara-2026").await;
    assert_eq!(mine[0]["invoice"], "uni-100");
}

#[tokio::test]
async fn claims_are_checked_at_the_edge() {
    let s = start().await;
    let sinar = sign_in(&s, &demo::owner_email("sinar-jaya")).await;
    let path = "/api/partners/sinar-jaya/claims";
    let code = |v: &Value| v["error"]["code"].as_str().map(String::from);
    // A program that does not exist, or one the partner is not in.
    let mut nowhere = sale("SJ-N", &[]);
    nowhere["program"] = json!("no-such-program");
    let (status, e) = post(&s, &sinar, path, None, &nowhere).await;
    assert_eq!((status, code(&e).as_deref()), (404, Some("not_found")));
    // IDR pays whole rupiah; amounts and units are bounded; dates are sane; texts are short.
    let line = |field: &str, value: Value| {
        let mut c = sale("SJ-E", &[]);
        c["lines"][0][field] = value;
        c
    };
    let cases = [
        (line("value", json!("10000000.5")), "invalid_amount"),
        (line("value", json!("792281625142643375935439504")), "invalid_amount"),
        (line("units", json!("1e-27")), "invalid_units"),
        (line("units", json!("0.5")), "invalid_units"),
        (line("sku", json!("S".repeat(65))), "too_long"),
        (line("serials", json!(["X".repeat(65)])), "too_long"),
    ];
    for (body, want) in cases {
        let (status, e) = post(&s, &sinar, path, None, &body).await;
        assert_eq!((status, code(&e).as_deref()), (400, Some(want)), "{body}");
    }
    let mut old = sale("SJ-OLD", &[]);
    old["date"] = json!("0001-01-01");
    assert_eq!(code(&post(&s, &sinar, path, None, &old).await.1).as_deref(), Some("invalid_date"));
    let long = sale(&"9".repeat(1_000_000), &[]);
    assert_eq!(code(&post(&s, &sinar, path, None, &long).await.1).as_deref(), Some("too_long"));
    let spend = json!({ "kind": "spend", "program": "nusantara-2026", "scheme": "mdf", "date": "2026-11-01",
                        "amount": "792281625142643375935439504", "description": "billboard" });
    let (status, e) = post(&s, &sinar, path, None, &spend).await;
    assert_eq!((status, code(&e).as_deref()), (400, Some("invalid_amount")));
    let conn = s.state.db.blocking().unwrap();
    let stored: i64 = conn.query_row("SELECT COUNT(*) FROM claims", [], |r| r.get(0)).unwrap();
    assert_eq!(stored, 0);
}

/// Claims stored before numbers were compared under a key: the migration keeps rows that now
/// collide and flags the later one for a designer.
#[tokio::test]
async fn keys_filled_in_for_old_claims_flag_collisions_and_delete_nothing() {
    let s = start().await;
    let conn = s.state.db.blocking().unwrap();
    let user: i64 = conn.query_row("SELECT id FROM users LIMIT 1", [], |r| r.get(0)).unwrap();
    let body = serde_json::to_string(&sale("x", &[])).unwrap();
    for (id, invoice, serial) in [(1, "UNI-100", "SN-1"), (2, "uni\u{2011}100", "sn-2"), (3, "OTHER", "SN\u{2011}1")] {
        conn.execute(
            "INSERT INTO claims (id, program_id, partner_id, user_id, kind, invoice, date, body, status, created_at)
             VALUES (?1, 'nusantara-2026', 'sinar-jaya', ?2, 'sale', ?3, '2026-11-01', ?4, 'pending', 'now')",
            rusqlite::params![id, user, invoice, body],
        )
        .unwrap();
        conn.execute("INSERT INTO claim_serials (serial, claim_id) VALUES (?1, ?2)", rusqlite::params![serial, id])
            .unwrap();
    }
    mitra_server::storage::migrations::backfill_keys(&conn).unwrap();
    let flags: Vec<Option<String>> = conn
        .prepare("SELECT flag FROM claims ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(flags, vec![None, Some("same_invoice_as:1".into()), Some("same_serial_as:1".into())]);
    let count: i64 = conn.query_row("SELECT COUNT(*) FROM claim_serials", [], |r| r.get(0)).unwrap();
    assert_eq!(count, 3);
}

#[tokio::test]
async fn a_claim_line_names_a_product_of_the_program() {
    let s = start().await;
    let partner = sign_in(&s, &demo::owner_email("sinar-jaya")).await;
    let claim = json!({
        "kind": "sale", "program": "nusantara-2026", "invoice": "SJ-2001", "date": "2026-11-12",
        "lines": [
            { "sku": "WS-20L", "category": "exterior", "units": "1", "value": "1000000" },
            { "sku": "NOT-LISTED", "category": "exterior", "units": "1", "value": "1000000" }
        ]
    });
    let (status, e) = post(&s, &partner, "/api/partners/sinar-jaya/claims", None, &claim).await;
    assert_eq!((status, e["error"]["code"].as_str()), (400, Some("unknown_product")));
    assert_eq!(e["error"]["details"]["field"], "lines[1].sku");
}
