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
    assert_eq!(common::import_sales(&s, &designer, csv).await.0, 200);
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

#[tokio::test]
async fn a_close_posts_nothing_for_a_period_whose_figure_overflowed_and_says_so() {
    let s = start().await;
    let designer = sign_in(&s, demo::DESIGNER).await;
    // Two Q3 sales of 5 × 10^28 each reach Sinar Jaya's facts (written straight to storage: the
    // API refuses such amounts): Q3's sum no longer fits a decimal, in the sales scheme and in
    // the MDF, which accrues on the same sales.
    {
        let conn = s.state.db.blocking().unwrap();
        for day in ["2026-09-01", "2026-09-02"] {
            let fact: mitra_scheme::Fact = serde_json::from_value(json!({
                "kind": "sale", "partner": "sinar-jaya", "date": day, "invoice": format!("HUGE-{day}"),
                "sku": "WS-20L", "category": "exterior", "units": "1", "value": "50000000000000000000000000000"
            }))
            .unwrap();
            mitra_server::storage::queries::insert_fact(&conn, &fact).unwrap();
        }
    }
    let (status, body) = post(&s, &designer, "/api/programs/nusantara-2026/close", None, &json!({})).await;
    assert_eq!(status, 200, "{body}");
    // Nothing posted: neither a figure for Q3 nor a reversal of the 120,000 posted before.
    assert_eq!(body["posted"].as_i64(), Some(0));
    let mut skipped: Vec<(String, String, String, String)> = body["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            let f = |k: &str| x[k].as_str().unwrap().to_string();
            (f("partner"), f("scheme"), f("period"), f("reason"))
        })
        .collect();
    skipped.sort();
    let want = |scheme: &str| ("sinar-jaya".into(), scheme.into(), "2026-Q3".into(), "overflow".into());
    assert_eq!(skipped, vec![want("mdf"), want("q-sales")]);
    assert_eq!(points(&s, &designer, "sinar-jaya").await, "120000");
    assert_eq!(postings(&s, &designer, "sinar-jaya").await.len(), 1);
    // The other partners' closed periods are untouched and still settle (nothing new to post).
    let conn = s.state.db.blocking().unwrap();
    assert_eq!(mitra_server::storage::ledger::unbalanced_journals(&conn).unwrap(), 0);
}

#[tokio::test]
async fn adjustments_are_bounded_and_no_stored_posting_breaks_a_read() {
    let s = start().await;
    let designer = sign_in(&s, demo::DESIGNER).await;
    let path = "/api/partners/sinar-jaya/adjustments";
    for points in [i64::MAX, 1_000_000_000_000_001, -1_000_000_000_000_001] {
        let body = json!({ "program": "nusantara-2026", "points": points, "reason": "x" });
        let (status, e) = post(&s, &designer, path, None, &body).await;
        assert_eq!((status, e["error"]["code"].as_str()), (400, Some("invalid_amount")), "{points}");
    }
    let body = json!({ "program": "nusantara-2026", "points": 1_000_000_000_000_000i64, "reason": "largest allowed" });
    assert_eq!(post(&s, &designer, path, None, &body).await.0, 201);
    let long = json!({ "program": "nusantara-2026", "points": 1, "reason": "r".repeat(2_001) });
    assert_eq!(post(&s, &designer, path, None, &long).await.1["error"]["code"], "too_long");
    // Two postings of i64::MAX stored by some other path: the partner's reads still answer.
    {
        let conn = s.state.db.blocking().unwrap();
        for _ in 0..2 {
            mitra_server::storage::ledger::post(
                &conn,
                "nusantara-2026",
                "bangun-warna",
                mitra_scheme::model::Instrument::Points,
                mitra_server::storage::ledger::PostingKind::Adjustment,
                None,
                None,
                "huge",
                i64::MAX,
                "now",
            )
            .unwrap();
        }
    }
    let partner = sign_in(&s, &demo::owner_email("bangun-warna")).await;
    for read in ["ledger", "dashboard", "statement"] {
        let (status, body) =
            get(&s, &partner, &format!("/api/partners/bangun-warna/{read}?program=nusantara-2026")).await;
        assert_eq!(status, 200, "{read}: {body}");
    }
    let body = json!({ "program": "nusantara-2026", "lines": [{ "item": "pulsa-50k", "quantity": 1 }] });
    let (status, r) = post(&s, &partner, "/api/partners/bangun-warna/redemptions", Some("k"), &body).await;
    assert_eq!(status, 201, "{r}");
}

/// Each line's balance, worked out again from the amounts: per instrument, oldest first.
fn running_balances(lines_newest_first: &[Value]) -> Vec<String> {
    let mut sums = std::collections::HashMap::<String, rust_decimal::Decimal>::new();
    let mut out: Vec<String> = lines_newest_first
        .iter()
        .rev()
        .map(|l| {
            let amount: rust_decimal::Decimal = l["amount"].as_str().unwrap().parse().unwrap();
            let sum = sums.entry(l["instrument"].as_str().unwrap().to_string()).or_default();
            *sum += amount;
            sum.to_string()
        })
        .collect();
    out.reverse();
    out
}

#[tokio::test]
async fn the_statement_lists_every_instrument_with_running_balances_filters_pages_and_exports_csv() {
    let s = start().await;
    let designer = sign_in(&s, demo::DESIGNER).await;
    // Two more postings after the seeded Q3 close: an adjustment (+2,500 poin) and, written
    // straight to the ledger, a points posting whose memo reads like a spreadsheet formula.
    let body = json!({ "program": "nusantara-2026", "points": 2500, "reason": "Trade fair booth bonus" });
    assert_eq!(post(&s, &designer, "/api/partners/sinar-jaya/adjustments", None, &body).await.0, 201);
    {
        let conn = s.state.db.blocking().unwrap();
        mitra_server::storage::ledger::post(
            &conn,
            "nusantara-2026",
            "sinar-jaya",
            mitra_scheme::model::Instrument::Points,
            mitra_api::PostingKind::Adjustment,
            None,
            None,
            "=HYPERLINK(\"http://x\")",
            -500,
            "2026-11-20T00:00:00Z",
        )
        .unwrap();
    }
    let partner = sign_in(&s, &demo::owner_email("sinar-jaya")).await;
    let base = "/api/partners/sinar-jaya/postings?program=nusantara-2026";
    let (status, all) = get(&s, &partner, base).await;
    assert_eq!(status, 200, "{all}");
    let lines = all["lines"].as_array().unwrap();
    // Points: 120,000 (Q3) + 2,500 − 500 = 122,000; the fund holds Q3's MDF accrual,
    // 2 % of Sinar Jaya's 80 M = 1,600,000.
    assert_eq!((all["points"].as_str(), all["fund"].as_str()), (Some("122000"), Some("1600000")));
    assert_eq!(all["total"].as_u64(), Some(lines.len() as u64));
    let balances: Vec<String> = lines.iter().map(|l| l["balance"].as_str().unwrap().to_string()).collect();
    assert_eq!(balances, running_balances(lines));
    assert_eq!(lines[0]["memo"].as_str(), Some("=HYPERLINK(\"http://x\")"));
    assert_eq!((lines[0]["amount"].as_str(), lines[0]["balance"].as_str()), (Some("-500"), Some("122000")));
    assert!(lines.iter().any(|l| l["instrument"] == "fund" && l["period"] == "2026-Q3"));
    assert_eq!(all["periods"], json!(["2026-Q3"]));

    // One instrument; then pages of one line, the balance still counted over every posting.
    let (_, points) = get(&s, &partner, &format!("{base}&instrument=points")).await;
    let p = points["lines"].as_array().unwrap();
    assert_eq!(p.len(), 3);
    assert!(p.iter().all(|l| l["instrument"] == "points"));
    let (_, page2) = get(&s, &partner, &format!("{base}&instrument=points&per_page=1&page=2")).await;
    assert_eq!((page2["total"].as_u64(), page2["lines"].as_array().unwrap().len()), (Some(3), 1));
    assert_eq!(page2["lines"][0]["balance"].as_str(), Some("122500"));
    let (_, q3) = get(&s, &partner, &format!("{base}&scheme=q-sales&period=2026-Q3")).await;
    assert_eq!(q3["lines"].as_array().unwrap().len(), 1);
    assert_eq!(q3["lines"][0]["amount"].as_str(), Some("120000"));
    let (status, e) = get(&s, &partner, &format!("{base}&per_page=0")).await;
    assert_eq!((status, e["error"]["code"].as_str()), (400, Some("invalid_page")));

    // The CSV: one row per posting, oldest first; the points rows sum to the balance; the
    // formula-like memo is escaped.
    let resp = reqwest::Client::new()
        .get(format!("{}/api/partners/sinar-jaya/postings.csv?program=nusantara-2026", s.url))
        .bearer_auth(&partner)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let text = resp.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        ["date", "instrument", "kind", "scheme", "period", "memo", "amount", "balance"]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), lines.len());
    let points_sum: rust_decimal::Decimal =
        rows.iter().filter(|r| &r[1] == "points").map(|r| r[6].parse::<rust_decimal::Decimal>().unwrap()).sum();
    assert_eq!(points_sum.to_string(), "122000");
    let last = rows.last().unwrap();
    assert_eq!((&last[5], &last[6], &last[7]), ("'=HYPERLINK(\"http://x\")", "-500", "122000"));
    // Another partner's statement stays closed.
    let (status, _) = get(&s, &partner, "/api/partners/berkah-warna/postings?program=nusantara-2026").await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn a_dry_run_of_the_close_says_what_the_close_then_posts_and_writes_nothing() {
    let s = start().await;
    let designer = sign_in(&s, demo::DESIGNER).await;
    // A late sale in Q3 (closed, already posted): Sinar Jaya's Q3 grows from 80 M to 81 M, in
    // the 0.15 % slab: +1,500 poin; and 2 % of it into the MDF: +20,000.
    let csv = "partner,invoice,line,date,sku,category,units,value\nsinar-jaya,INV-LATE-1,1,2026-09-20,WS-20L,exterior,1,1000000\n";
    assert_eq!(common::import_sales(&s, &designer, csv).await.0, 200);
    let (_, before) = get(&s, &designer, "/api/partners/sinar-jaya/ledger?program=nusantara-2026").await;
    let (status, dry) = post(&s, &designer, "/api/programs/nusantara-2026/close?dry_run=true", None, &json!({})).await;
    assert_eq!(status, 200, "{dry}");
    assert_eq!((dry["dry_run"].as_bool(), dry["posted"].as_i64()), (Some(true), Some(0)));
    let lines: Vec<(String, String, String, String)> = dry["postings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let f = |k: &str| p[k].as_str().unwrap().to_string();
            (f("partner"), f("scheme"), f("period"), f("amount"))
        })
        .collect();
    let want = |scheme: &str, amount: &str| {
        ("sinar-jaya".to_string(), scheme.to_string(), "2026-Q3".to_string(), amount.to_string())
    };
    assert_eq!(lines, vec![want("q-sales", "1500"), want("mdf", "20000")]);
    let (_, unchanged) = get(&s, &designer, "/api/partners/sinar-jaya/ledger?program=nusantara-2026").await;
    assert_eq!(unchanged, before, "a dry run writes nothing");
    // The close posts exactly that.
    let (_, closed) = post(&s, &designer, "/api/programs/nusantara-2026/close", None, &json!({})).await;
    assert_eq!((closed["dry_run"].as_bool(), closed["posted"].as_i64()), (Some(false), Some(2)));
    assert_eq!(closed["postings"], dry["postings"]);
    let (_, again) = post(&s, &designer, "/api/programs/nusantara-2026/close?dry_run=true", None, &json!({})).await;
    assert_eq!(again["postings"], json!([]));
}

#[tokio::test]
async fn a_close_posts_nothing_for_a_partner_whose_data_changed_after_it_was_evaluated() {
    use mitra_server::storage::{ledger, queries};
    let s = start().await;
    let designer = sign_in(&s, demo::DESIGNER).await;
    // Late Q3 sales for two partners: each has something to post.
    let csv = "partner,invoice,line,date,sku,category,units,value
sinar-jaya,INV-LATE-2,1,2026-09-20,WS-20L,exterior,1,1000000
bangun-warna,INV-LATE-3,1,2026-09-21,WS-20L,exterior,1,1000000
";
    assert_eq!(common::import_sales(&s, &designer, csv).await.0, 200);
    let today = Some(common::TODAY.parse().unwrap());
    let conn = s.state.db.blocking().unwrap();
    let (outcome, seen) = ledger::evaluate_close(&conn, "nusantara-2026", today).unwrap();
    let of = |p: &str| outcome.postings.iter().filter(|d| d.partner == p).cloned().collect::<Vec<_>>();
    let (sinar, bangun) = (of("sinar-jaya"), of("bangun-warna"));
    assert!(!sinar.is_empty() && !bangun.is_empty(), "{:?}", outcome.postings);

    // Meanwhile, another Q3 sale of Sinar Jaya lands: what the close computed for it is stale.
    let fact: mitra_scheme::Fact = serde_json::from_value(json!({
        "kind": "sale", "partner": "sinar-jaya", "date": "2026-09-22", "sku": "WS-20L", "units": "1", "value": "2000000"
    }))
    .unwrap();
    queries::insert_fact(&conn, &fact).unwrap();
    let tx = conn.unchecked_transaction().unwrap();
    let refused =
        ledger::post_if_unchanged(&tx, "nusantara-2026", "sinar-jaya", seen["sinar-jaya"], &sinar, "now").unwrap();
    let skipped = refused.expect_err("the partner's facts changed");
    assert!(skipped.iter().all(|k| k.reason == "changed" && k.partner == "sinar-jaya"), "{skipped:?}");
    // The other partner's data did not change: posted.
    let posted =
        ledger::post_if_unchanged(&tx, "nusantara-2026", "bangun-warna", seen["bangun-warna"], &bangun, "now").unwrap();
    assert_eq!(posted, Ok(bangun.len()));
    // Its lines cannot be posted twice from the same evaluation: what was posted changed.
    let again =
        ledger::post_if_unchanged(&tx, "nusantara-2026", "bangun-warna", seen["bangun-warna"], &bangun, "now").unwrap();
    assert!(again.is_err());
    tx.commit().unwrap();
    assert_eq!(ledger::unbalanced_journals(&conn).unwrap(), 0);
    drop(conn);

    // Closing again posts Sinar Jaya's whole Q3 difference (both late sales: 80 M + 1 M + 2 M =
    // 83 M, 0.15 %: +4,500 poin), and nothing more for Bangun Warna.
    let (_, closed) = post(&s, &designer, "/api/programs/nusantara-2026/close", None, &json!({})).await;
    let lines: Vec<(String, String, String)> = closed["postings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["partner"].as_str().unwrap().into(),
                p["scheme"].as_str().unwrap().into(),
                p["amount"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert!(lines.contains(&("sinar-jaya".into(), "q-sales".into(), "4500".into())), "{lines:?}");
    assert!(lines.iter().all(|l| l.0 == "sinar-jaya"), "{lines:?}");
}

/// A close answers every posting it made, built and compressed off the threads that answer
/// requests: gzip when the client takes it, the same report as the plain answer.
#[tokio::test]
async fn a_close_answers_gzip_when_asked_and_the_same_report_plain() {
    use std::io::Read;
    let s = start().await;
    let designer = sign_in(&s, demo::DESIGNER).await;
    // A late return: the next close has postings to list.
    let csv = "partner,invoice,line,date,sku,category,units,value\nsinar-jaya,SJ-0714R,1,2026-09-20,WS-20L,exterior,-28,-35000000\n";
    assert_eq!(common::import_sales(&s, &designer, csv).await.0, 200);
    let url = format!("{}/api/programs/nusantara-2026/close?dry_run=true", s.url);
    let client = reqwest::Client::new();
    let plain = client.post(&url).bearer_auth(&designer).send().await.unwrap();
    assert_eq!(plain.status(), 200);
    assert!(plain.headers().get("content-encoding").is_none());
    let plain: serde_json::Value = plain.json().await.unwrap();
    assert!(plain["postings"].as_array().is_some_and(|p| !p.is_empty()), "{plain}");
    let zipped = client.post(&url).bearer_auth(&designer).header("accept-encoding", "gzip").send().await.unwrap();
    assert_eq!(zipped.status(), 200);
    assert_eq!(zipped.headers()["content-encoding"], "gzip");
    assert!(zipped.headers()["content-type"].to_str().unwrap().starts_with("application/json"));
    let bytes = zipped.bytes().await.unwrap();
    let mut json = String::new();
    flate2::read::GzDecoder::new(&bytes[..]).read_to_string(&mut json).unwrap();
    assert_eq!(serde_json::from_str::<serde_json::Value>(&json).unwrap(), plain);
}
