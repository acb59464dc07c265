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
async fn after_a_claim_is_approved_other_partners_are_answered_at_once_and_the_claimant_sees_it() {
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
    // The claimant waits for a run with the claim: 40.5 M + 3 M in Q4.
    let (_, own) = get(&s, &sinar, &statement("sinar-jaya")).await;
    assert_eq!(own["schemes"][0]["periods"][3]["measure"], "43500000");
    // One evaluation between the background refresh and the claimant's request.
    assert_eq!(evaluations(&s), warm + 1);
}
