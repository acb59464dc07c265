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
    // A serial already claimed by anyone.
    let (status, e) = post(&s, &bangun, "/api/partners/bangun-warna/claims", None, &sale("BW-9", &["SN-2"])).await;
    assert_eq!((status, e["error"]["code"].as_str()), (409, Some("duplicate_serial")));
    assert_eq!(e["error"]["message"], format!("serial number SN-2 was already claimed in claim #{id}"));
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
