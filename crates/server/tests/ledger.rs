//! The ledger: closing posts differences only, a late return posts its reversal at the next
//! close, manual adjustments carry a reason; every journal balances.

mod common;

use common::{get, post, sign_in, start, Server};
use mitra_server::demo;
use serde_json::{json, Value};

async fn postings(s: &Server, token: &str, partner: &str) -> Vec<Value> {
    let (_, l) = get(s, token, &format!("/api/partners/{partner}/ledger?program=nusantara-2026")).await;
    l["postings"].as_array().unwrap().clone()
}

async fn points(s: &Server, token: &str, partner: &str) -> String {
    let (_, l) = get(s, token, &format!("/api/partners/{partner}/ledger?program=nusantara-2026")).await;
    l["points"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_return_after_the_close_posts_its_reversal_at_the_next_close() {
    let s = start().await;
    let designer = sign_in(&s, demo::DESIGNER).await;
    // The demo seed closed Q3; closing again posts nothing.
    let (status, body) = post(&s, &designer, "/api/programs/nusantara-2026/close", None, &json!({})).await;
    assert_eq!((status, body["posted"].as_i64()), (200, Some(0)));
    // A return of 35 M dated in Q3 arrives late: Q3 falls from 80 M (0.15 %: 120,000) to 45 M
    // (0.1 %: 45,000), so the next close posts −75,000 poin; the MDF's Q3 accrual falls from
    // 2 % of 80 M to 2 % of 45 M, −700,000 in the fund.
    let csv = "partner,invoice,line,date,sku,category,units,value\nsinar-jaya,SJ-0714R,1,2026-09-20,WS-20L,exterior,-28,-35000000\n";
    let resp = reqwest::Client::new()
        .post(format!("{}/api/programs/nusantara-2026/imports/sales", s.url))
        .bearer_auth(&designer)
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let (_, body) = post(&s, &designer, "/api/programs/nusantara-2026/close", None, &json!({})).await;
    assert_eq!(body["posted"].as_i64(), Some(2));
    let p = postings(&s, &designer, "sinar-jaya").await;
    assert_eq!((p[0]["amount"].as_str(), p[0]["period"].as_str()), (Some("-75000"), Some("2026-Q3")));
    assert_eq!(points(&s, &designer, "sinar-jaya").await, "45000");
    let (_, body) = post(&s, &designer, "/api/programs/nusantara-2026/close", None, &json!({})).await;
    assert_eq!(body["posted"].as_i64(), Some(0));
    let conn = s.state.db.blocking().unwrap();
    let fund: i64 = conn
        .query_row(
            "SELECT SUM(amount) FROM entries WHERE account = 'partner:nusantara-2026:sinar-jaya:fund'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(fund, 900_000);
    let unbalanced: i64 = mitra_server::storage::ledger::unbalanced_journals(&conn).unwrap();
    assert_eq!(unbalanced, 0);
}

#[tokio::test]
async fn designers_adjust_with_a_reason_and_partners_cannot() {
    let s = start().await;
    let designer = sign_in(&s, demo::DESIGNER).await;
    let body = json!({ "program": "nusantara-2026", "points": 2500, "reason": "Trade fair booth bonus" });
    let (status, p) = post(&s, &designer, "/api/partners/sinar-jaya/adjustments", None, &body).await;
    assert_eq!(status, 201);
    assert_eq!((p["amount"].as_str(), p["memo"].as_str()), (Some("2500"), Some("Adjustment: Trade fair booth bonus")));
    assert_eq!(points(&s, &designer, "sinar-jaya").await, "122500");
    let (status, e) = post(
        &s,
        &designer,
        "/api/partners/sinar-jaya/adjustments",
        None,
        &json!({ "program": "nusantara-2026", "points": 5, "reason": " " }),
    )
    .await;
    assert_eq!((status, e["error"]["code"].as_str()), (400, Some("reason_required")));
    let (status, e) = post(
        &s,
        &designer,
        "/api/partners/sinar-jaya/adjustments",
        None,
        &json!({ "program": "nusantara-2026", "points": -200000, "reason": "x" }),
    )
    .await;
    assert_eq!((status, e["error"]["code"].as_str()), (409, Some("insufficient_points")));
    let partner = sign_in(&s, &demo::owner_email("sinar-jaya")).await;
    let (status, _) = post(&s, &partner, "/api/partners/sinar-jaya/adjustments", None, &body).await;
    assert_eq!(status, 403);
    let (status, _) = post(&s, &partner, "/api/programs/nusantara-2026/close", None, &json!({})).await;
    assert_eq!(status, 403);
    let conn = s.state.db.blocking().unwrap();
    let audited: i64 =
        conn.query_row("SELECT COUNT(*) FROM audit_log WHERE action = 'adjustment'", [], |r| r.get(0)).unwrap();
    assert_eq!(audited, 1);
}
