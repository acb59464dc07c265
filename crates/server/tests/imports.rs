//! Sales imports: all rows or none, every bad row reported, the same rows never twice.

mod common;

use common::{get, sign_in, start, Server};
use mitra_server::demo;
use mitra_server::storage::{Refusal, StoreError};
use serde_json::Value;

async fn upload(s: &Server, token: &str, csv: &str) -> (u16, Value) {
    upload_to(s, token, "/api/programs/nusantara-2026/imports/sales", csv).await
}

fn fact_count(s: &Server) -> i64 {
    s.state.db.blocking().unwrap().query_row("SELECT COUNT(*) FROM facts", [], |r| r.get(0)).unwrap()
}

const GOOD: &str = "partner,invoice,line,date,sku,category,units,value
sinar-jaya,SJ-1112,1,2026-11-12,WS-20L,exterior,4,5000000
sinar-jaya,SJ-1112,2,2026-11-12,PR-20L,primer,10,4500000
depo-medan,DM-1113,1,2026-11-13,EM-5L,interior,20,3600000
";

#[tokio::test]
async fn a_clean_file_imports_once_and_moves_the_figures() {
    let s = start().await;
    let designer = sign_in(&s, demo::DESIGNER).await;
    let before = fact_count(&s);
    let (status, report) = upload(&s, &designer, GOOD).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!((report["rows"].as_i64(), report["imported"].as_i64()), (Some(3), Some(3)));
    assert_eq!(fact_count(&s), before + 3);
    // Again: nothing new.
    let (status, report) = upload(&s, &designer, GOOD).await;
    assert_eq!((status, report["imported"].as_i64(), report["already_imported"].as_i64()), (200, Some(0), Some(3)));
    assert_eq!(fact_count(&s), before + 3);
    // Sinar Jaya's Q4: 40.5 M + 5 M + 4.5 M = 50 M reaches the 0.15 % slab: 75,000.
    let (_, st) = get(&s, &designer, "/api/partners/sinar-jaya/statement?program=nusantara-2026").await;
    assert_eq!(st["schemes"][0]["periods"][3]["payout"], "75000");
}

#[tokio::test]
async fn one_bad_row_imports_nothing_and_every_bad_row_is_listed() {
    let s = start().await;
    let designer = sign_in(&s, demo::DESIGNER).await;
    let before = fact_count(&s);
    let csv = "partner,invoice,line,date,sku,category,units,value
sinar-jaya,SJ-2001,1,2026-11-12,WS-20L,exterior,4,5000000
nobody,SJ-2002,1,2026-11-12,WS-20L,exterior,4,5000000
sinar-jaya,SJ-2003,1,2026-11-31,WS-20L,exterior,four,5000000
sinar-jaya,SJ-2001,1,2026-11-12,WS-20L,exterior,4,5000000
sinar-jaya,SJ-2004,1,2026-11-12,WS-20L,exterior,4,-5000000
sinar-jaya,SJ-2005,1,0001-01-01,WS-20L,exterior,0.000001,79228162514264337593543950335
";
    let (status, body) = upload(&s, &designer, csv).await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["code"], "invalid_rows");
    let rows = body["error"]["details"].as_array().unwrap();
    let lines: Vec<i64> = rows.iter().map(|r| r["line"].as_i64().unwrap()).collect();
    assert_eq!(lines, [3, 4, 5, 6, 7]);
    assert!(rows[0]["reason"].as_str().unwrap().contains("partner `nobody`"));
    let reason = rows[1]["reason"].as_str().unwrap();
    assert!(reason.contains("date `2026-11-31`") && reason.contains("units `four`"), "{reason}");
    assert!(rows[2]["reason"].as_str().unwrap().contains("appears twice"));
    let reason = rows[3]["reason"].as_str().unwrap();
    assert!(reason.contains("units (4) and value (-5000000) must have the same sign"), "{reason}");
    let reason = rows[4]["reason"].as_str().unwrap();
    assert!(
        reason.contains("date 0001-01-01 is not between")
            && reason.contains("units `0.000001`")
            && reason.contains("value is above"),
        "{reason}"
    );
    assert_eq!(fact_count(&s), before);
}

#[tokio::test]
async fn only_designers_import() {
    let s = start().await;
    let partner = sign_in(&s, &demo::owner_email("sinar-jaya")).await;
    let (status, body) = upload(&s, &partner, GOOD).await;
    assert_eq!((status, body["error"]["code"].as_str()), (403, Some("forbidden")));
    let designer = sign_in(&s, demo::DESIGNER).await;
    let (status, body) = upload(&s, &designer, "partner,invoice\nx,y\n").await;
    assert_eq!((status, body["error"]["code"].as_str()), (400, Some("invalid_csv")));
}

#[tokio::test]
async fn no_path_stores_a_fact_the_evaluator_refuses() {
    let s = start().await;
    let conn = s.state.db.blocking().unwrap();
    for fact in [
        serde_json::json!({ "kind": "target", "partner": "sinar-jaya", "scheme": "q-sales", "period": "2026-Q4", "value": "-1" }),
        serde_json::json!({ "kind": "marketing_spend", "partner": "sinar-jaya", "date": "2026-11-01", "scheme": "mdf", "amount": "-5" }),
    ] {
        let fact: mitra_scheme::Fact = serde_json::from_value(fact).unwrap();
        let e = mitra_server::storage::queries::insert_fact(&conn, &fact).unwrap_err();
        assert!(matches!(&e, StoreError::Refused { why: Refusal::Invalid, code: "invalid_fact", .. }), "{e:?}");
    }
    // A target of zero means "no target" and is kept.
    let zero: mitra_scheme::Fact = serde_json::from_value(
        serde_json::json!({ "kind": "target", "partner": "sinar-jaya", "scheme": "q-sales", "period": "2026-Q4", "value": "0" }),
    )
    .unwrap();
    assert!(mitra_server::storage::queries::insert_fact(&conn, &zero).is_ok());
}

async fn upload_to(s: &Server, token: &str, path: &str, csv: &str) -> (u16, Value) {
    let resp = reqwest::Client::new()
        .post(format!("{}{path}", s.url))
        .bearer_auth(token)
        .header("content-type", "text/csv")
        .body(csv.to_string())
        .send()
        .await
        .unwrap();
    (resp.status().as_u16(), resp.json().await.unwrap())
}

#[tokio::test]
async fn a_claimed_invoice_is_skipped_by_an_import_and_an_imported_one_cannot_be_claimed() {
    let s = start().await;
    let designer = sign_in(&s, demo::DESIGNER).await;
    let partner = sign_in(&s, &demo::owner_email("sinar-jaya")).await;
    // Sinar Jaya claims invoice SJ-1112 (pending); then the distributor's file brings the same
    // invoice, written differently, and another one.
    let claim = serde_json::json!({
        "kind": "sale", "program": "nusantara-2026", "invoice": "SJ-1112", "date": "2026-11-12",
        "lines": [{ "sku": "WS-20L", "category": "exterior", "units": "4", "value": "5000000" }]
    });
    let (status, c) = common::post(&s, &partner, "/api/partners/sinar-jaya/claims", None, &claim).await;
    assert_eq!(status, 201, "{c}");
    let before = fact_count(&s);
    let csv = "partner,invoice,line,date,sku,category,units,value
sinar-jaya,sj 1112,1,2026-11-12,WS-20L,exterior,4,5000000
sinar-jaya,SJ-1113,1,2026-11-13,PR-20L,primer,10,4500000
";
    let csv = csv.replace("sj 1112", "sj\u{2011}1112");
    let (status, report) = upload(&s, &designer, &csv).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!((report["imported"].as_i64(), report["already_imported"].as_i64()), (Some(1), Some(0)));
    assert_eq!(
        report["already_claimed"],
        serde_json::json!([{ "line": 2, "partner": "sinar-jaya", "invoice": "sj\u{2011}1112", "claim": c["id"] }])
    );
    assert_eq!(fact_count(&s), before + 1);
    // The imported invoice cannot now be claimed.
    let mut again = claim.clone();
    again["invoice"] = "SJ-1113".into();
    let (status, e) = common::post(&s, &partner, "/api/partners/sinar-jaya/claims", None, &again).await;
    assert_eq!((status, e["error"]["code"].as_str()), (409, Some("invoice_imported")));
    assert_eq!(e["error"]["details"]["field"], "invoice");
}

#[tokio::test]
async fn the_product_list_loads_from_csv_all_or_nothing_and_updates_in_place() {
    let s = start().await;
    let designer = sign_in(&s, demo::DESIGNER).await;
    let partner = sign_in(&s, &demo::owner_email("sinar-jaya")).await;
    let path = "/api/programs/nusantara-2026/imports/products";
    // The demo lists six products.
    let (status, list) = get(&s, &partner, "/api/programs/nusantara-2026/products").await;
    assert_eq!(status, 200);
    assert_eq!(list.as_array().unwrap().len(), 6);
    assert_eq!(
        list[0],
        serde_json::json!({ "sku": "EM-20L", "name": "EasyMatt interior 20 L", "category": "interior" })
    );
    // A bad row refuses the whole file, naming its line.
    let (status, e) = upload_to(
        &s,
        &designer,
        path,
        "sku,name,category\nNEW-1,New paint,exterior\n,Nameless,exterior\nNEW-1,Twice,x\n",
    )
    .await;
    assert_eq!((status, e["error"]["code"].as_str()), (422, Some("invalid_rows")));
    let lines: Vec<i64> =
        e["error"]["details"].as_array().unwrap().iter().map(|r| r["line"].as_i64().unwrap()).collect();
    assert_eq!(lines, [3, 4]);
    assert_eq!(get(&s, &partner, "/api/programs/nusantara-2026/products").await.1.as_array().unwrap().len(), 6);
    // A good file: one new product, one renamed, one unchanged.
    let (status, report) = upload_to(
        &s,
        &designer,
        path,
        "sku,name,category\nNEW-1,New paint,exterior\nEM-5L,EasyMatt interior 5 litre,interior\nPR-20L,ProPrime primer 20 L,primer\n",
    )
    .await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(
        (report["rows"].as_i64(), report["added"].as_i64(), report["updated"].as_i64()),
        (Some(3), Some(1), Some(1))
    );
    let (_, list) = get(&s, &partner, "/api/programs/nusantara-2026/products").await;
    assert_eq!(list.as_array().unwrap().len(), 7);
    assert!(list.as_array().unwrap().iter().any(|p| p["sku"] == "EM-5L" && p["name"] == "EasyMatt interior 5 litre"));
    // Partners may read the list, not load it.
    let (status, _) = upload_to(&s, &partner, path, "sku,name\nX,Y\n").await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn targets_certifications_and_referrals_import_from_csv_with_coded_problems() {
    let s = start().await;
    let designer = sign_in(&s, demo::DESIGNER).await;
    let path = |kind: &str| format!("/api/programs/nusantara-2026/imports/{kind}");
    let statement = "/api/partners/sinar-jaya/statement?program=nusantara-2026";

    // Bad rows: each problem named by column and code; nothing imported.
    let before = fact_count(&s);
    let csv = "partner,scheme,period,value
sinar-jaya,q-sales,2026-Q4,60000000
nobody,q-sales,2026-Q9,-5
sinar-jaya,no-such,window,1.5
sinar-jaya,q-sales,2026-Q4,70000000
";
    let (status, e) = upload_to(&s, &designer, &path("targets"), csv).await;
    assert_eq!((status, e["error"]["code"].as_str()), (422, Some("invalid_rows")), "{e}");
    let rows = e["error"]["details"].as_array().unwrap();
    let problems = |i: usize| -> Vec<(String, String)> {
        rows[i]["problems"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p["column"].as_str().unwrap().into(), p["code"].as_str().unwrap().into()))
            .collect()
    };
    let pairs = |v: &[(&str, &str)]| v.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect::<Vec<_>>();
    assert_eq!(rows.iter().map(|r| r["line"].as_i64().unwrap()).collect::<Vec<_>>(), [3, 4, 5]);
    assert_eq!(
        problems(0),
        pairs(&[("partner", "not_in_program"), ("period", "unknown_period"), ("value", "invalid_amount")])
    );
    // IDR has no decimals: 1.5 is refused too.
    assert_eq!(problems(1), pairs(&[("scheme", "unknown_scheme"), ("value", "invalid_amount")]));
    assert_eq!(problems(2), pairs(&[("", "repeated_row")]));
    assert_eq!(fact_count(&s), before);

    // A good file: the target shows on the partner's statement; a new value replaces it.
    let (status, r) = upload_to(
        &s,
        &designer,
        &path("targets"),
        "partner,scheme,period,value\nsinar-jaya,q-sales,2026-Q4,60000000\n",
    )
    .await;
    assert_eq!((status, r["imported"].as_i64(), r["replaced"].as_i64()), (200, Some(1), Some(0)), "{r}");
    let (_, st) = get(&s, &designer, statement).await;
    assert_eq!(st["schemes"][0]["periods"][3]["target"], "60000000");
    let (_, r) = upload_to(
        &s,
        &designer,
        &path("targets"),
        "partner,scheme,period,value\nsinar-jaya,q-sales,2026-Q4,65000000\n",
    )
    .await;
    assert_eq!((r["imported"].as_i64(), r["replaced"].as_i64()), (Some(0), Some(1)), "{r}");
    let (_, st) = get(&s, &designer, statement).await;
    assert_eq!(st["schemes"][0]["periods"][3]["target"], "65000000");
    assert_eq!(fact_count(&s), before + 1);

    // Certifications and referrals: imported once; the same rows again import nothing.
    let certs = "partner,date,course\nsinar-jaya,2026-10-01,colour-basics\nbangun-warna,2026-10-02,colour-basics\n";
    let (status, r) = upload_to(&s, &designer, &path("certifications"), certs).await;
    assert_eq!((status, r["imported"].as_i64()), (200, Some(2)), "{r}");
    let (_, r) = upload_to(&s, &designer, &path("certifications"), certs).await;
    assert_eq!((r["imported"].as_i64(), r["already_imported"].as_i64()), (Some(0), Some(2)));
    let refs = "partner,date,referred\nsinar-jaya,2026-10-05,Toko Baru\n";
    let (_, r) = upload_to(&s, &designer, &path("referrals"), refs).await;
    assert_eq!(r["imported"].as_i64(), Some(1));
    let (status, e) =
        upload_to(&s, &designer, &path("referrals"), "partner,date,referred\nsinar-jaya,2026-13-01,\n").await;
    assert_eq!(status, 422);
    let codes: Vec<&str> =
        e["error"]["details"][0]["problems"].as_array().unwrap().iter().map(|p| p["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["missing", "invalid_date"]);
    assert_eq!(fact_count(&s), before + 4);

    // Partners may not import.
    let partner = sign_in(&s, &demo::owner_email("sinar-jaya")).await;
    assert_eq!(upload_to(&s, &partner, &path("referrals"), refs).await.0, 403);
}

/// The facts a partner's reads see (staged rows are not among them).
fn visible(s: &Server, partner: &str) -> usize {
    mitra_server::storage::queries::partner_facts(&s.state.db.blocking().unwrap(), partner).unwrap().len()
}

/// Stages `csv` for nusantara-2026 in batches of two rows, each in a transaction of its own; the
/// staged upload and its id, for the finish.
fn stage(s: &Server, csv: &str) -> (mitra_server::storage::imports::StagedSales, i64) {
    use mitra_server::storage::imports::{begin_sales, check_sales, stage_sales};
    let mut conn = s.state.db.blocking().unwrap();
    let upload = check_sales(&conn, "nusantara-2026", csv.to_string()).unwrap();
    let (staged, batches) = upload.into_batches(2);
    let import = begin_sales(&conn, "nusantara-2026", "2026-11-15T00:00:00Z").unwrap();
    for batch in batches {
        let tx = conn.transaction().unwrap();
        stage_sales(&tx, import, batch).unwrap();
        tx.commit().unwrap();
    }
    (staged, import)
}

/// A sales upload is written in batches that no read sees, then made visible at once; rows are
/// checked before anything is written and only compared again at the end: a partner taken out of
/// the program in between is caught there, and the staged rows are removed.
#[tokio::test]
async fn a_staged_upload_is_invisible_until_finished_and_checked_again_at_the_end() {
    use mitra_server::storage::imports::{discard_sales, finish_sales};
    let s = start().await;
    let before = fact_count(&s);
    let (sinar, depo) = (visible(&s, "sinar-jaya"), visible(&s, "depo-medan"));

    // Staged in two batches: written, and seen by no read.
    let (staged, import) = stage(&s, GOOD);
    assert_eq!(fact_count(&s), before + 3);
    assert_eq!((visible(&s, "sinar-jaya"), visible(&s, "depo-medan")), (sinar, depo));
    // Finished: all three at once.
    let mut conn = s.state.db.blocking().unwrap();
    let tx = conn.transaction().unwrap();
    let report = finish_sales(&tx, import, staged).unwrap();
    tx.commit().unwrap();
    assert_eq!((report.rows, report.imported, report.already_imported), (3, 3, 0));
    assert_eq!((visible(&s, "sinar-jaya"), visible(&s, "depo-medan")), (sinar + 2, depo + 1));
    let staged_left: i64 = conn.query_row("SELECT COUNT(*) FROM staged_sale_lines", [], |r| r.get(0)).unwrap();
    assert_eq!(staged_left, 0);

    // The same file again: staged, then found imported at the end, and its staged rows dropped.
    let (staged, import) = stage(&s, GOOD);
    let tx = conn.transaction().unwrap();
    let report = finish_sales(&tx, import, staged).unwrap();
    tx.commit().unwrap();
    assert_eq!((report.imported, report.already_imported), (0, 3));
    assert_eq!(fact_count(&s), before + 3);

    // Checked while depo-medan takes part, finished after it left: refused at the end, naming
    // the row and the partner; discarded, nothing of the file remains.
    let csv = "partner,invoice,line,date,sku,category,units,value
sinar-jaya,SJ-1120,1,2026-11-14,WS-20L,exterior,1,1250000
depo-medan,DM-1121,1,2026-11-14,EM-5L,interior,2,360000
";
    let (staged, import) = stage(&s, csv);
    conn.execute("DELETE FROM program_partners WHERE program_id = 'nusantara-2026' AND partner_id = 'depo-medan'", [])
        .unwrap();
    let tx = conn.transaction().unwrap();
    let err = finish_sales(&tx, import, staged).expect_err("the finish must check the rows again");
    drop(tx);
    let StoreError::Refused { why: Refusal::Unmet, code: "invalid_rows", details: Some(bad), .. } = err else {
        panic!("the rows must be refused as invalid, naming them: {err:?}");
    };
    assert_eq!(bad[0]["line"], 3, "{bad}");
    assert_eq!(bad[0]["problems"][0]["column"], "partner", "{bad}");
    assert_eq!(visible(&s, "sinar-jaya"), sinar + 2);
    discard_sales(&conn, import).unwrap();
    assert_eq!(fact_count(&s), before + 3);
}

/// An upload a stop interrupted (staged, never finished) is removed when the server starts, and
/// was never seen.
#[tokio::test]
async fn an_upload_a_stop_interrupted_is_removed_at_start() {
    use mitra_server::storage::imports::discard_abandoned;
    let s = start().await;
    let before = fact_count(&s);
    let sinar = visible(&s, "sinar-jaya");
    let _ = stage(&s, GOOD);
    let _ = stage(&s, GOOD);
    assert_eq!(visible(&s, "sinar-jaya"), sinar);
    assert_eq!(discard_abandoned(&s.state.db.blocking().unwrap()).unwrap(), 2);
    assert_eq!(fact_count(&s), before);
    assert_eq!(visible(&s, "sinar-jaya"), sinar);
}
