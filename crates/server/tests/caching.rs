//! The population cache as operators need it: a write stales only the programs it changes, and
//! after one, concurrent requests evaluate the program once between them.

mod common;

use std::sync::atomic::Ordering;

use common::{get, post, sign_in, start};
use mitra_server::demo;
use serde_json::json;

const NUSANTARA: &str = "nusantara-2026";
const WEATHERSHIELD: &str = "weathershield-2026";

fn evaluations(s: &common::Server) -> u64 {
    s.state.evaluations.load(Ordering::SeqCst)
}

/// Enough partners and facts in the first program that evaluating it takes a while, so that
/// concurrent requests overlap it.
fn grow(s: &common::Server) {
    use mitra_server::storage::queries;
    let partners = mitra_scheme::synthetic::partners(1_500);
    let facts = mitra_scheme::synthetic::facts(&partners, 40, 5);
    let mut conn = s.state.db.blocking().unwrap();
    let tx = conn.transaction().unwrap();
    for p in &partners {
        queries::insert_partner(&tx, p).unwrap();
        queries::enrol(&tx, NUSANTARA, &p.id).unwrap();
    }
    for f in &facts {
        queries::insert_fact(&tx, f).unwrap();
    }
    tx.commit().unwrap();
}

#[tokio::test]
async fn concurrent_requests_after_a_write_evaluate_the_program_once() {
    let s = start().await;
    grow(&s);
    let designer = sign_in(&s, demo::DESIGNER).await;
    let statement = |partner: &str| format!("/api/partners/{partner}/statement?program={NUSANTARA}");
    assert_eq!(get(&s, &designer, &statement("sinar-jaya")).await.0, 200);
    let warm = evaluations(&s);
    // Cached: no evaluation for another partner's statement.
    assert_eq!(get(&s, &designer, &statement("bangun-warna")).await.0, 200);
    assert_eq!(evaluations(&s), warm);

    // A new partner in the program: its run is stale. Sixteen statements at once: one evaluation.
    let partner = json!({ "id": "toko-baru", "name": "Toko Baru", "type": "retailer", "region": "Bali", "enrolled": "2026-11-01" });
    assert_eq!(post(&s, &designer, &format!("/api/programs/{NUSANTARA}/partners"), None, &partner).await.0, 201);
    let calls = ["sinar-jaya", "bangun-warna", "depo-medan", "bali-paint"].iter().cycle().take(16).map(|p| {
        let (url, token) = (format!("{}{}", s.url, statement(p)), designer.clone());
        tokio::spawn(async move {
            reqwest::Client::new().get(url).bearer_auth(token).send().await.unwrap().status().as_u16()
        })
    });
    for call in calls.collect::<Vec<_>>() {
        assert_eq!(call.await.unwrap(), 200);
    }
    assert_eq!(evaluations(&s), warm + 1, "one evaluation for sixteen requests");
    // And the new partner is in it.
    assert_eq!(get(&s, &designer, &statement("toko-baru")).await.0, 200);
}

#[tokio::test]
async fn a_write_stales_only_the_programs_it_changes() {
    let s = start().await;
    let designer = sign_in(&s, demo::DESIGNER).await;
    let statement = |program: &str| format!("/api/partners/sinar-jaya/statement?program={program}");
    for p in [NUSANTARA, WEATHERSHIELD] {
        assert_eq!(get(&s, &designer, &statement(p)).await.0, 200);
    }
    let warm = evaluations(&s);
    // A partner added to the first program leaves the second program's run as it was.
    let partner = json!({ "id": "toko-lain", "name": "Toko Lain", "type": "retailer", "region": "Bali", "enrolled": "2026-11-01" });
    assert_eq!(post(&s, &designer, &format!("/api/programs/{NUSANTARA}/partners"), None, &partner).await.0, 201);
    assert_eq!(get(&s, &designer, &statement(WEATHERSHIELD)).await.0, 200);
    assert_eq!(evaluations(&s), warm, "the other program's run is kept");
    assert_eq!(get(&s, &designer, &statement(NUSANTARA)).await.0, 200);
    assert_eq!(evaluations(&s), warm + 1);

    // Sales of partners in both programs: both are evaluated again, and the new sale counts.
    let csv = "partner,invoice,line,date,sku,category,units,value\nsinar-jaya,CACHE-1,1,2026-11-12,WS-20L,exterior,2,3000000\n";
    assert_eq!(common::import_sales(&s, &designer, csv).await.0, 200);
    let (_, st) = get(&s, &designer, &statement(WEATHERSHIELD)).await;
    assert_eq!(evaluations(&s), warm + 2);
    let (_, again) = get(&s, &designer, &statement(NUSANTARA)).await;
    assert_eq!(evaluations(&s), warm + 3);
    // 40.5 M + 3 M in Q4 of the first program's quarterly scheme.
    assert_eq!(again["schemes"][0]["periods"][3]["measure"], "43500000");
    assert!(st["schemes"].as_array().is_some_and(|a| !a.is_empty()));
}

#[tokio::test]
async fn after_a_claim_is_approved_everyone_is_answered_at_once_and_the_claimant_sees_it() {
    let s = start().await;
    grow(&s);
    let designer = sign_in(&s, demo::DESIGNER).await;
    let sinar = sign_in(&s, &demo::owner_email("sinar-jaya")).await;
    let statement = |partner: &str| format!("/api/partners/{partner}/statement?program={NUSANTARA}");
    let claim = json!({ "kind": "sale", "program": NUSANTARA, "invoice": "CACHE-C-1", "date": "2026-11-14",
        "lines": [{ "sku": "WS-20L", "category": "exterior", "units": "2", "value": "3000000", "serials": [] }] });
    let (status, c) = post(&s, &sinar, "/api/partners/sinar-jaya/claims", None, &claim).await;
    assert_eq!(status, 201, "{c}");
    // How long evaluating the program takes.
    s.state.invalidate_program(NUSANTARA);
    let t = std::time::Instant::now();
    s.state.population(NUSANTARA).await.unwrap();
    let evaluating = t.elapsed();
    assert_eq!(get(&s, &designer, &statement("bangun-warna")).await.0, 200);
    let warm = evaluations(&s);

    let approve = format!("/api/claims/{}/approve", c["id"]);
    assert_eq!(post(&s, &designer, &approve, None, &json!({})).await.0, 200);
    // Another partner is answered from the last run at once (their own facts did not change),
    // not after an evaluation; a refresh starts in the background.
    let t = std::time::Instant::now();
    let (status, _) = get(&s, &designer, &statement("bangun-warna")).await;
    let answered = t.elapsed();
    assert_eq!(status, 200);
    assert!(answered * 3 < evaluating, "answered in {answered:?}; an evaluation takes {evaluating:?}");
    // The claimant too, with the claim counted (their own figures come from their facts, read
    // now): 40.5 M + 3 M in Q4.
    let t = std::time::Instant::now();
    let (_, own) = get(&s, &sinar, &statement("sinar-jaya")).await;
    let answered = t.elapsed();
    assert_eq!(own["schemes"][0]["periods"][3]["measure"], "43500000");
    assert!(answered * 3 < evaluating, "answered in {answered:?}; an evaluation takes {evaluating:?}");
    // One evaluation for both, in the background; the claimant's figures are the same after it.
    s.state.population(NUSANTARA).await.unwrap();
    assert_eq!(evaluations(&s), warm + 1);
    assert_eq!(get(&s, &sinar, &statement("sinar-jaya")).await.1, own);
}

/// A partner whose own measure fell (a return imported) is answered at once from the last run,
/// ranked against the others alone: the rank and payout a new run gives, not one below their
/// own earlier entry on the board.
#[tokio::test]
async fn a_partner_whose_measure_fell_is_ranked_against_the_others_at_once() {
    let s = start().await;
    let designer = sign_in(&s, demo::DESIGNER).await;
    let statement = |partner: &str| format!("/api/partners/{partner}/statement?program={WEATHERSHIELD}");
    // The race's Q4 as the last run has it: each partner's measure and rank.
    let mut q4 = Vec::new();
    for p in ["sinar-jaya", "bangun-warna", "depo-medan", "bali-paint"] {
        let (status, st) = get(&s, &designer, &statement(p)).await;
        assert_eq!(status, 200, "{p}: {st}");
        let line = &st["schemes"][0]["periods"][1];
        assert_eq!(line["label"], "2026-Q4");
        let measure: rust_decimal::Decimal = line["measure"].as_str().unwrap().parse().unwrap();
        q4.push((line["rank"].as_u64(), measure, p));
    }
    q4.sort_by_key(|l| std::cmp::Reverse(l.1));
    let ((first_rank, first, leader), (_, second, _)) = (q4[0], q4[1]);
    assert_eq!(first_rank, Some(1), "{q4:?}");
    assert!(first > second, "{q4:?}");
    // A return takes the leader just below the second.
    let drop = first - second + rust_decimal::Decimal::ONE;
    let csv = format!(
        "partner,invoice,line,date,sku,category,units,value\n{leader},RET-Q4,1,2026-11-14,WS-20L,exterior,-1,-{drop}\n"
    );
    let (status, report) = common::import_sales(&s, &designer, &csv).await;
    assert_eq!((status, &report["imported"]), (200, &serde_json::json!(1)), "{report}");
    // Answered from the last run (whose board still has the leader's old measure): second place.
    let (_, at_once) = get(&s, &designer, &statement(leader)).await;
    let line = &at_once["schemes"][0]["periods"][1];
    assert_eq!(line["measure"], (second - rust_decimal::Decimal::ONE).to_string());
    assert_eq!((line["rank"].as_u64(), line["payout"].as_str()), (Some(2), Some("30000")), "{line}");
    // A new run agrees.
    s.state.population(WEATHERSHIELD).await.unwrap();
    let (_, settled) = get(&s, &designer, &statement(leader)).await;
    assert_eq!(settled["schemes"][0], at_once["schemes"][0]);
}
