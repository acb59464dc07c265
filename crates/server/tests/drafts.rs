//! Program drafts: edit, validate, publish as a new version that governs the periods not yet
//! closed.

mod common;

use common::{get, post, put, sign_in, start};
use mitra_server::demo;
use serde_json::{json, Value};

#[tokio::test]
async fn a_published_version_governs_open_periods_and_leaves_closed_ones() {
    let s = start().await;
    let designer = sign_in(&s, demo::DESIGNER).await;
    let mut program: Value = serde_json::from_str(demo::PROGRAM).unwrap();
    // Unordered slabs: the draft is kept, and validation says what is wrong.
    program["schemes"][0]["payout"]["slabs"][2]["from"] = json!("10");
    let (status, draft) = post(&s, &designer, "/api/drafts", None, &json!({ "definition": program })).await;
    assert_eq!(status, 201, "{draft}");
    let id = draft["id"].as_i64().unwrap();
    let (_, v) = post(&s, &designer, &format!("/api/drafts/{id}/validate"), None, &json!({})).await;
    assert_eq!(v["valid"], false);
    assert_eq!(v["errors"][0]["id"], "q-sales");
    assert_eq!(v["errors"][0]["field"], "payout.slabs[2].from");
    assert_eq!(v["errors"][0]["problem"], "unordered_slabs");
    let (status, e) = post(&s, &designer, &format!("/api/drafts/{id}/publish"), None, &json!({})).await;
    assert_eq!((status, e["error"]["code"].as_str()), (422, Some("invalid_program")));
    assert_eq!(e["error"]["details"].as_array().unwrap().len(), 1);
    // Fixed, and the base rate doubled from 0.1 % to 0.2 %.
    program["schemes"][0]["payout"]["slabs"][2]["from"] = json!("100000000");
    program["schemes"][0]["payout"]["slabs"][0]["pay"]["percent"] = json!("0.2");
    let (status, _) = put(&s, &designer, &format!("/api/drafts/{id}"), &json!({ "definition": program })).await;
    assert_eq!(status, 200);
    let (status, p) = post(&s, &designer, &format!("/api/drafts/{id}/publish"), None, &json!({})).await;
    assert_eq!((status, p["version"].as_i64(), p["effective_from"].as_str()), (200, Some(2), Some("2026-11-15")));
    // Sinar Jaya's running Q4: 40.5 M × 0.2 % = 81,000 (was 40,500).
    let (_, st) = get(&s, &designer, "/api/partners/sinar-jaya/statement?program=nusantara-2026").await;
    assert_eq!(st["schemes"][0]["periods"][3]["payout"], "81000");
    // Q3 closed under version 1: closing posts nothing for it.
    let (_, closed) = post(&s, &designer, "/api/programs/nusantara-2026/close", None, &json!({})).await;
    assert_eq!(closed["posted"].as_i64(), Some(0));
    // Shape errors are refused at once; partners cannot touch drafts.
    let (status, e) = post(&s, &designer, "/api/drafts", None, &json!({ "definition": { "id": "x" } })).await;
    assert_eq!((status, e["error"]["code"].as_str()), (400, Some("invalid_definition")));
    let partner = sign_in(&s, &demo::owner_email("sinar-jaya")).await;
    assert_eq!(get(&s, &partner, &format!("/api/drafts/{id}")).await.0, 403);
}

#[tokio::test]
async fn a_partner_takes_part_in_two_programs_with_separate_balances() {
    let s = start().await;
    let designer = sign_in(&s, demo::DESIGNER).await;
    let mut program: Value = serde_json::from_str(demo::PROGRAM).unwrap();
    program["id"] = json!("harmoni-2026");
    program["name"] = json!("Harmoni Coatings Partner Club");
    program["points_name"] = json!("koin");
    let (_, draft) = post(&s, &designer, "/api/drafts", None, &json!({ "definition": program })).await;
    let (status, _) = post(&s, &designer, &format!("/api/drafts/{}/publish", draft["id"]), None, &json!({})).await;
    assert_eq!(status, 200);
    let resp = reqwest::Client::new()
        .put(format!("{}/api/programs/harmoni-2026/partners/sinar-jaya", s.url))
        .bearer_auth(&designer)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204);
    let partner = sign_in(&s, &demo::owner_email("sinar-jaya")).await;
    let (_, me) = get(&s, &partner, "/api/me").await;
    let ids: Vec<&str> = me["programs"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["harmoni-2026", "nusantara-2026", "weathershield-2026"]);
    // Same facts, same rules: the same Q4 figure, in each program's own points.
    let (_, a) = get(&s, &partner, "/api/partners/sinar-jaya/statement?program=harmoni-2026").await;
    assert_eq!(
        (a["points_name"].as_str(), a["schemes"][0]["periods"][3]["payout"].as_str()),
        (Some("koin"), Some("40500"))
    );
    // Balances are per program: nothing is posted in the new one yet.
    let (_, l) = get(&s, &partner, "/api/partners/sinar-jaya/ledger?program=harmoni-2026").await;
    assert_eq!(l["points"], "0");
    let (_, l) = get(&s, &partner, "/api/partners/sinar-jaya/ledger?program=nusantara-2026").await;
    assert_eq!(l["points"], "120000");
    // Closing the new program posts its own Q3, leaving the other untouched.
    let (_, closed) = post(&s, &designer, "/api/programs/harmoni-2026/close", None, &json!({})).await;
    assert_eq!(closed["posted"].as_i64(), Some(2)); // Q3 points and the Q3 MDF accrual
    let (_, l) = get(&s, &partner, "/api/partners/sinar-jaya/ledger?program=harmoni-2026").await;
    assert_eq!(l["points"], "120000");
    // A partner that does not take part in a program sees nothing of it.
    let other = sign_in(&s, &demo::owner_email("bangun-warna")).await;
    for path in [
        "/api/programs/harmoni-2026",
        "/api/programs/harmoni-2026/context",
        "/api/programs/harmoni-2026/leaderboards",
        "/api/catalog?program=harmoni-2026",
    ] {
        let (status, body) = get(&s, &other, path).await;
        assert_eq!((status, body["error"]["code"].as_str()), (403, Some("forbidden")), "{path}");
    }
    let (status, _) = get(&s, &other, "/api/partners/bangun-warna/dashboard?program=harmoni-2026").await;
    assert_eq!(status, 404);
    let (_, programs) = get(&s, &other, "/api/programs").await;
    assert_eq!(programs, json!(["nusantara-2026", "weathershield-2026"]));
}

#[tokio::test]
async fn a_save_made_on_an_older_revision_is_refused_with_the_other_draft() {
    let s = start().await;
    let designer = sign_in(&s, demo::DESIGNER).await;
    let mut program: Value = serde_json::from_str(demo::PROGRAM).unwrap();
    let (_, draft) = post(&s, &designer, "/api/drafts", None, &json!({ "definition": program })).await;
    let id = draft["id"].as_i64().unwrap();
    assert_eq!(draft["revision"], 1);
    // Two designers open revision 1; the first saves (revision 2).
    program["schemes"][0]["name"] = json!("First designer's name");
    let (status, first) =
        put(&s, &designer, &format!("/api/drafts/{id}"), &json!({ "definition": program, "revision": 1 })).await;
    assert_eq!((status, first["revision"].as_i64()), (200, Some(2)));
    // The second, still on revision 1, is refused: nothing is overwritten, and the answer
    // carries the first designer's draft so the second can see what changed.
    program["schemes"][0]["name"] = json!("Second designer's name");
    let (status, e) =
        put(&s, &designer, &format!("/api/drafts/{id}"), &json!({ "definition": program, "revision": 1 })).await;
    assert_eq!((status, e["error"]["code"].as_str()), (409, Some("draft_conflict")));
    assert_eq!(e["error"]["details"]["revision"], 2);
    assert_eq!(e["error"]["details"]["definition"]["schemes"][0]["name"], "First designer's name");
    let (_, now) = get(&s, &designer, &format!("/api/drafts/{id}")).await;
    assert_eq!(now["definition"]["schemes"][0]["name"], "First designer's name");
    // Saving on the revision it was shown succeeds.
    let (status, second) =
        put(&s, &designer, &format!("/api/drafts/{id}"), &json!({ "definition": program, "revision": 2 })).await;
    assert_eq!((status, second["revision"].as_i64()), (200, Some(3)));
    // The program's drafts, newest first, with their problem counts.
    let (_, other) = post(&s, &designer, "/api/drafts", None, &json!({ "definition": { "id": "nusantara-2026", "name": "x", "currency": "idr", "decimals": 0, "schemes": [] } })).await;
    let (status, list) = get(&s, &designer, "/api/drafts?program=nusantara-2026").await;
    assert_eq!(status, 200);
    let ids: Vec<i64> = list.as_array().unwrap().iter().map(|d| d["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, vec![other["id"].as_i64().unwrap(), id]);
    assert_eq!(list[0]["problems"], 1, "a lower-case currency is one problem");
    assert_eq!(list[1]["revision"], 3);
    let partner = sign_in(&s, &demo::owner_email("sinar-jaya")).await;
    assert_eq!(get(&s, &partner, "/api/drafts?program=nusantara-2026").await.0, 403);
}

#[tokio::test]
async fn the_preview_data_holds_every_partner_and_fact_of_the_program_compactly() {
    let s = start().await;
    let designer = sign_in(&s, demo::DESIGNER).await;
    let (status, body) = get(&s, &designer, "/api/programs/nusantara-2026/data").await;
    assert_eq!(status, 200);
    let data: mitra_api::ProgramData = serde_json::from_value(body).unwrap();
    let facts = data.facts.decode(&data.partners).unwrap();
    // The same facts the server evaluates: each partner's statement from them matches the API's.
    let (_, program) = get(&s, &designer, "/api/programs/nusantara-2026").await;
    let program: mitra_scheme::Program = serde_json::from_value(program).unwrap();
    let (_, context) = get(&s, &designer, "/api/programs/nusantara-2026/context").await;
    let context: mitra_scheme::Context = serde_json::from_value(context).unwrap();
    assert!(data.partners.len() >= 2 && facts.len() > 10, "{} partners, {} facts", data.partners.len(), facts.len());
    for partner in &data.partners {
        let own: Vec<_> = facts.iter().filter(|f| f.partner() == partner.id).cloned().collect();
        let (_, st) =
            get(&s, &designer, &format!("/api/partners/{}/statement?program=nusantara-2026", partner.id)).await;
        let mine = mitra_scheme::statement(
            &program,
            partner,
            &own,
            chrono::NaiveDate::from_ymd_opt(2026, 11, 15).unwrap(),
            Some(&context),
        );
        assert_eq!(serde_json::to_value(&mine.totals).unwrap(), st["totals"], "{}", partner.id);
    }
    let partner = sign_in(&s, &demo::owner_email("sinar-jaya")).await;
    assert_eq!(get(&s, &partner, "/api/programs/nusantara-2026/data").await.0, 403);
}

#[tokio::test]
async fn versions_list_every_published_definition() {
    let s = start().await;
    let designer = sign_in(&s, demo::DESIGNER).await;
    let mut program: Value = serde_json::from_str(demo::PROGRAM).unwrap();
    program["schemes"][0]["name"] = json!("Renamed");
    let (_, draft) = post(&s, &designer, "/api/drafts", None, &json!({ "definition": program })).await;
    let (status, _) = post(&s, &designer, &format!("/api/drafts/{}/publish", draft["id"]), None, &json!({})).await;
    assert_eq!(status, 200);
    let (status, versions) = get(&s, &designer, "/api/programs/nusantara-2026/versions").await;
    assert_eq!(status, 200);
    let v = versions.as_array().unwrap();
    assert_eq!(v.len(), 2);
    assert_eq!((v[0]["version"].as_i64(), v[1]["version"].as_i64()), (Some(1), Some(2)));
    // The first version decides every period: an ISO date any client reads, the first of year 1.
    assert_eq!(
        (v[0]["effective_from"].as_str(), v[1]["effective_from"].as_str()),
        (Some("0001-01-01"), Some("2026-11-15"))
    );
    assert_eq!(v[1]["definition"]["schemes"][0]["name"], "Renamed");
    assert_ne!(v[0]["definition"]["schemes"][0]["name"], "Renamed");
    assert_eq!(get(&s, &designer, "/api/programs/nothing/versions").await.0, 404);
}

#[tokio::test]
async fn the_preview_data_is_sent_compressed_and_follows_every_change() {
    use std::io::Read;
    let s = start().await;
    let designer = sign_in(&s, demo::DESIGNER).await;
    let url = format!("{}/api/programs/nusantara-2026/data", s.url);
    let fetch = |coding: &'static str| {
        let (url, designer) = (url.clone(), designer.clone());
        async move {
            let resp = reqwest::Client::new()
                .get(&url)
                .bearer_auth(&designer)
                .header("Accept-Encoding", coding)
                .send()
                .await
                .unwrap();
            let sent = resp.headers().get("content-encoding").map(|v| v.to_str().unwrap().to_string());
            (sent, resp.bytes().await.unwrap().to_vec())
        }
    };
    let (none, plain) = fetch("identity").await;
    assert_eq!(none, None);
    let (gz, gzipped) = fetch("gzip").await;
    assert_eq!(gz.as_deref(), Some("gzip"));
    let mut unzipped = Vec::new();
    flate2::read::GzDecoder::new(&gzipped[..]).read_to_end(&mut unzipped).unwrap();
    assert_eq!(unzipped, plain);
    let (br, brotlied) = fetch("gzip, br").await;
    assert_eq!(br.as_deref(), Some("br"));
    let mut unbrotlied = Vec::new();
    brotli::BrotliDecompress(&mut &brotlied[..], &mut unbrotlied).unwrap();
    assert_eq!(unbrotlied, plain);
    assert!(brotlied.len() < plain.len() / 2, "{} of {}", brotlied.len(), plain.len());
    // A write that adds a fact is in the next answer (the encoded copy is not served stale).
    let count = |bytes: &[u8]| serde_json::from_slice::<mitra_api::ProgramData>(bytes).unwrap().facts.len();
    let before = count(&plain);
    let csv = "partner,invoice,line,date,sku,category,units,value\nsinar-jaya,INV-DATA-1,1,2026-11-10,WS-20L,exterior,1,1500000\n";
    assert_eq!(common::import_sales(&s, &designer, csv).await.0, 200);
    assert_eq!(count(&fetch("identity").await.1), before + 1);
}
