//! The API over real HTTP against a temporary database seeded with the demo data.

mod common;

use common::{get, sign_in, start};
use mitra_scheme::model::{Fact, Partner};
use mitra_scheme::{Context, Program, Statement};
use mitra_server::demo;
use serde_json::{json, Value};

#[tokio::test]
async fn browser_computation_agrees_with_the_server_statement_on_the_demo_data() {
    let s = start().await;
    let token = sign_in(&s, demo::DESIGNER).await;
    let partners: Vec<Partner> = serde_json::from_str(demo::PARTNERS).unwrap();
    for p in &partners {
        let (status, server) =
            get(&s, &token, &format!("/api/partners/{}/statement?program=nusantara-2026", p.id)).await;
        assert_eq!(status, 200);
        // Exactly what the app receives and computes from.
        let (_, dash) = get(&s, &token, &format!("/api/partners/{}/dashboard?program=nusantara-2026", p.id)).await;
        let program: Program = serde_json::from_value(dash["program"].clone()).unwrap();
        let partner: Partner = serde_json::from_value(dash["partner"].clone()).unwrap();
        let facts: Vec<Fact> = serde_json::from_value(dash["facts"].clone()).unwrap();
        let context: Context = serde_json::from_value(dash["context"].clone()).unwrap();
        let today = dash["today"].as_str().unwrap().parse().unwrap();
        let browser = mitra_scheme::statement(&program, &partner, &facts, today, Some(&context));
        assert_eq!(serde_json::to_value(&browser).unwrap(), server, "partner {}", p.id);
        assert!(!browser.provisional);
    }
    // The figures themselves, worked out by hand in crates/scheme/tests/golden.rs.
    let (_, st) = get(&s, &token, "/api/partners/bangun-warna/statement?program=nusantara-2026").await;
    let st: Statement = serde_json::from_value(st).unwrap();
    assert_eq!(st.schemes[0].periods[3].payout.to_string(), "156717");
}

#[tokio::test]
async fn demo_points_for_the_previous_quarter_are_posted_once() {
    let s = start().await;
    let token = sign_in(&s, &demo::owner_email("sinar-jaya")).await;
    let (status, ledger) = get(&s, &token, "/api/partners/sinar-jaya/ledger?program=nusantara-2026").await;
    assert_eq!(status, 200);
    // Q3: 80 M × 0.15 % = 120,000 poin.
    assert_eq!(ledger["points"], "120000");
    assert_eq!(ledger["postings"].as_array().unwrap().len(), 1);
    // Closing again with unchanged data posts nothing.
    let run = s.state.population("nusantara-2026").await.unwrap();
    let conn = s.state.db.blocking().unwrap();
    let mut outcome = mitra_server::storage::ledger::CloseOutcome::default();
    mitra_server::storage::ledger::close(&conn, &run.program, &run.population, |_| true, "now", &mut outcome).unwrap();
    assert_eq!((outcome.posted, outcome.skipped.len()), (0, 0));
}

#[tokio::test]
async fn a_wrong_password_is_refused_with_a_clear_error() {
    let s = start().await;
    let resp = reqwest::Client::new()
        .post(format!("{}/api/sessions", s.url))
        .json(&json!({ "email": demo::DESIGNER, "password": "nope" }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["code"], "invalid_credentials");
    assert_eq!(body["error"]["message"], "wrong email or password");
}

#[tokio::test]
async fn a_partner_sees_only_its_own_organisation() {
    let s = start().await;
    let token = sign_in(&s, &demo::owner_email("sinar-jaya")).await;
    for path in [
        "",
        "/facts",
        "/statement?program=nusantara-2026",
        "/ledger?program=nusantara-2026",
        "/dashboard?program=nusantara-2026",
    ] {
        let (status, body) = get(&s, &token, &format!("/api/partners/bangun-warna{path}")).await;
        assert_eq!(status, 403, "{path}");
        assert_eq!(body["error"]["code"], "forbidden");
        let (status, _) = get(&s, &token, &format!("/api/partners/sinar-jaya{path}")).await;
        assert_eq!(status, 200, "{path}");
    }
}

#[tokio::test]
async fn requests_without_a_valid_session_are_refused() {
    let s = start().await;
    let (status, body) = get(&s, "not-a-token", "/api/me").await;
    assert_eq!(status, 401);
    assert_eq!(body["error"]["code"], "unauthorized");
}

#[tokio::test]
async fn malformed_bodies_get_a_4xx_json_error() {
    let s = start().await;
    let client = reqwest::Client::new();
    let cases = ["{not json", r#"{"email": 5, "password": "x"}"#, r#"{"email": "a@b", "password": "x", "extra": 1}"#];
    for body in cases {
        let resp = client
            .post(format!("{}/api/sessions", s.url))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status().as_u16(), 400, "{body}");
        let v: Value = resp.json().await.unwrap();
        assert_eq!(v["error"]["code"], "invalid_json", "{body}");
    }
    let huge = format!(r#"{{"email": "{}", "password": "x"}}"#, "a".repeat(3 * 1024 * 1024));
    let resp = client
        .post(format!("{}/api/sessions", s.url))
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 413);
    let v: Value = resp.json().await.unwrap();
    assert_eq!(v["error"]["code"], "body_too_large");
}

#[tokio::test]
async fn leaderboards_show_rank_name_and_measure_only() {
    let s = start().await;
    let token = sign_in(&s, &demo::owner_email("sinar-jaya")).await;
    let (status, boards) = get(&s, &token, "/api/programs/nusantara-2026/leaderboards?scheme=q-sales&top=2").await;
    assert_eq!(status, 200);
    let board = &boards[0];
    assert_eq!((board["period"].as_str(), board["size"].as_i64()), (Some("2026-Q4"), Some(5)));
    // Q4 so far: Bangun Warna 94.98 M, Bali Paint 55 M, Sinar Jaya 40.5 M (the viewer).
    let rows: Vec<(i64, &str, &str, bool)> = board["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["rank"].as_i64().unwrap(),
                r["name"].as_str().unwrap(),
                r["measure"].as_str().unwrap(),
                r["you"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (1, "Bangun Warna Distributor", "94980000", false),
            (2, "Bali Paint Centre", "55000000", false),
            (3, "Toko Cat Sinar Jaya", "40500000", true),
        ]
    );
    assert!(board["rows"][0].get("partner").is_none(), "no partner ids are shown");
}

/// The demo's second program: the exterior race's closed Q3 paid its podium (exterior sales
/// Jul–Sep: Bangun Warna Rp 100 M, Bali Paint Rp 60 M, Sinar Jaya Rp 50 M, Depo Medan none), and
/// Makassar Warna Jaya is not in it.
#[tokio::test]
async fn the_demo_second_program_paid_its_q3_podium() {
    let s = start().await;
    for (partner, points) in
        [("bangun-warna", "50000"), ("bali-paint", "30000"), ("sinar-jaya", "15000"), ("depo-medan", "0")]
    {
        let token = sign_in(&s, &demo::owner_email(partner)).await;
        let (_, ledger) = get(&s, &token, &format!("/api/partners/{partner}/ledger?program=weathershield-2026")).await;
        assert_eq!(ledger["points"].as_str(), Some(points), "{partner}");
        let (_, me) = get(&s, &token, "/api/me").await;
        assert_eq!(me["programs"][1]["id"], "weathershield-2026");
        assert_eq!(me["programs"][1]["names"]["nl"], "WeatherShield-kampioenen 2026");
    }
    let token = sign_in(&s, &demo::owner_email("makassar-jaya")).await;
    let (_, me) = get(&s, &token, "/api/me").await;
    let ids: Vec<&str> = me["programs"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["nusantara-2026"]);
}
