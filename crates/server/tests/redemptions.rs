//! Catalog and redemptions over real HTTP: balance, stock, limits and tier checked and debited
//! exactly once, even under concurrency and retries.

mod common;

use common::{get, post, sign_in, start, Server};
use mitra_server::demo;
use mitra_server::storage::rewards::{self, CatalogItem};
use serde_json::{json, Value};

const PROGRAM: &str = "nusantara-2026";

fn add_item(s: &Server, id: &str, price: i64, stock: Option<i64>, limit: Option<i64>) {
    let conn = s.state.db.blocking().unwrap();
    let item = CatalogItem {
        id: id.into(),
        name: format!("Item {id}"),
        kind: "merchandise".into(),
        category: "test".into(),
        price,
        stock,
        per_partner_limit: limit,
        min_tier: None,
        image: String::new(),
        description: String::new(),
        names: Default::default(),
    };
    rewards::insert_item(&conn, PROGRAM, &item).unwrap();
}

async fn balance(s: &Server, token: &str, partner: &str) -> i64 {
    let (_, l) = get(s, token, &format!("/api/partners/{partner}/ledger?program={PROGRAM}")).await;
    l["points"].as_str().unwrap().parse().unwrap()
}

fn stock(s: &Server, id: &str) -> i64 {
    let conn = s.state.db.blocking().unwrap();
    conn.query_row("SELECT stock FROM catalog_items WHERE id = ?1", [id], |r| r.get(0)).unwrap()
}

fn redeem_body(item: &str, quantity: i64) -> Value {
    json!({ "program": PROGRAM, "lines": [{ "item": item, "quantity": quantity }] })
}

#[tokio::test]
async fn two_hundred_parallel_redemptions_never_overdraw() {
    let s = start().await;
    // Sinar Jaya holds 120,000 poin (Q3 posted): enough for 120 of 200 items at 1,000.
    add_item(&s, "mug", 1_000, Some(150), None);
    let token = sign_in(&s, &demo::owner_email("sinar-jaya")).await;
    assert_eq!(balance(&s, &token, "sinar-jaya").await, 120_000);
    let mut tasks = Vec::new();
    for i in 0..200 {
        let (url, token) = (s.url.clone(), token.clone());
        tasks.push(tokio::spawn(async move {
            let resp = reqwest::Client::new()
                .post(format!("{url}/api/partners/sinar-jaya/redemptions"))
                .bearer_auth(token)
                .header("idempotency-key", format!("parallel-{i}"))
                .json(&redeem_body("mug", 1))
                .send()
                .await
                .unwrap();
            let status = resp.status().as_u16();
            (status, resp.json::<Value>().await.unwrap())
        }));
    }
    let mut ok = 0;
    let mut debited = 0;
    for t in tasks {
        let (status, body) = t.await.unwrap();
        match status {
            201 => {
                ok += 1;
                debited += body["total"].as_i64().unwrap();
                assert!(body["balance_after"].as_i64().unwrap() >= 0);
            }
            409 => assert_eq!(body["error"]["code"], "insufficient_points"),
            other => panic!("unexpected status {other}: {body}"),
        }
    }
    assert_eq!(ok, 120);
    assert_eq!(debited, 120_000);
    assert_eq!(balance(&s, &token, "sinar-jaya").await, 0);
    assert_eq!(stock(&s, "mug"), 30);
    // The ledger balances: every journal sums to zero.
    let conn = s.state.db.blocking().unwrap();
    let sum: i64 = conn.query_row("SELECT SUM(amount) FROM entries", [], |r| r.get(0)).unwrap();
    assert_eq!(sum, 0);
}

#[tokio::test]
async fn a_retried_request_debits_once_even_when_sent_at_the_same_moment() {
    let s = start().await;
    add_item(&s, "cap", 7_000, Some(5), None);
    let token = sign_in(&s, &demo::owner_email("sinar-jaya")).await;
    let mut tasks = Vec::new();
    for _ in 0..10 {
        let (url, token) = (s.url.clone(), token.clone());
        tasks.push(tokio::spawn(async move {
            let resp = reqwest::Client::new()
                .post(format!("{url}/api/partners/sinar-jaya/redemptions"))
                .bearer_auth(token)
                .header("idempotency-key", "order-42")
                .json(&redeem_body("cap", 2))
                .send()
                .await
                .unwrap();
            (resp.status().as_u16(), resp.json::<Value>().await.unwrap())
        }));
    }
    let mut statuses = Vec::new();
    let mut ids = std::collections::BTreeSet::new();
    for t in tasks {
        let (status, body) = t.await.unwrap();
        statuses.push(status);
        ids.insert(body["id"].as_i64().unwrap());
    }
    statuses.sort();
    assert_eq!(statuses, [vec![200; 9], vec![201]].concat());
    assert_eq!(ids.len(), 1);
    assert_eq!(balance(&s, &token, "sinar-jaya").await, 120_000 - 14_000);
    assert_eq!(stock(&s, "cap"), 3);
    // The same key with another body is refused and changes nothing.
    let (status, body) =
        post(&s, &token, "/api/partners/sinar-jaya/redemptions", Some("order-42"), &redeem_body("cap", 1)).await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["code"], "idempotency_key_reused");
    assert_eq!(balance(&s, &token, "sinar-jaya").await, 106_000);
    // No key at all is refused.
    let (status, body) = post(&s, &token, "/api/partners/sinar-jaya/redemptions", None, &redeem_body("cap", 1)).await;
    assert_eq!((status, body["error"]["code"].as_str()), (400, Some("idempotency_key_required")));
}

#[tokio::test]
async fn stock_limits_and_tier_are_checked_and_nothing_is_half_written() {
    let s = start().await;
    add_item(&s, "lamp", 1_000, Some(2), Some(3));
    let token = sign_in(&s, &demo::owner_email("sinar-jaya")).await;
    let path = "/api/partners/sinar-jaya/redemptions";
    let (status, body) = post(&s, &token, path, Some("a"), &redeem_body("lamp", 3)).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("out_of_stock")));
    // Two lines: the second fails, so the first is not debited either.
    let two = json!({ "program": PROGRAM, "lines": [{ "item": "lamp", "quantity": 1 }, { "item": "bali-trip", "quantity": 1 }] });
    let (status, body) = post(&s, &token, path, Some("b"), &two).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("tier_too_low")));
    assert_eq!(stock(&s, "lamp"), 2);
    assert_eq!(balance(&s, &token, "sinar-jaya").await, 120_000);
    let (status, _) = post(&s, &token, path, Some("c"), &redeem_body("lamp", 2)).await;
    assert_eq!(status, 201);
    // Per-partner limit of 3: two redeemed, stock refilled, two more is one too many.
    s.state.db.blocking().unwrap().execute("UPDATE catalog_items SET stock = 10 WHERE id = 'lamp'", []).unwrap();
    let (status, body) = post(&s, &token, path, Some("d"), &redeem_body("lamp", 2)).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("limit_reached")));
    let (status, body) = post(&s, &token, path, Some("e"), &redeem_body("pulsa-50k", 3)).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("insufficient_points")));
    let (status, body) = post(&s, &token, path, Some("f"), &redeem_body("nothing", 1)).await;
    assert_eq!((status, body["error"]["code"].as_str()), (404, Some("not_found")));
    assert_eq!(balance(&s, &token, "sinar-jaya").await, 118_000);
}

#[tokio::test]
async fn vouchers_get_codes_and_only_a_designer_can_void_one() {
    let s = start().await;
    let token = sign_in(&s, &demo::owner_email("sinar-jaya")).await;
    let (status, r) =
        post(&s, &token, "/api/partners/sinar-jaya/redemptions", Some("v"), &redeem_body("grab-100k", 1)).await;
    assert_eq!(status, 201);
    let code = r["lines"][0]["voucher_code"].as_str().unwrap();
    assert_eq!(code.len(), 14, "{code}");
    assert_eq!(r["cancellable"], false, "a shown code is handed out");
    assert_eq!(balance(&s, &token, "sinar-jaya").await, 25_000);
    assert_eq!(stock(&s, "grab-100k"), 499);
    let id = r["id"].as_i64().unwrap();
    let cancel = format!("/api/partners/sinar-jaya/redemptions/{id}/cancel");
    // The partner has seen the code: no refund.
    let (status, c) = post(&s, &token, &cancel, None, &json!({})).await;
    assert_eq!((status, c["error"]["code"].as_str()), (409, Some("not_cancellable")));
    assert_eq!(balance(&s, &token, "sinar-jaya").await, 25_000);
    // Another organisation can neither see nor cancel it.
    let other = sign_in(&s, &demo::owner_email("bangun-warna")).await;
    let (status, _) = get(&s, &other, &format!("/api/partners/sinar-jaya/redemptions?program={PROGRAM}")).await;
    assert_eq!(status, 403);
    assert_eq!(post(&s, &other, &cancel, None, &json!({})).await.0, 403);
    // A designer voids it: points back, stock back, the code kept but void.
    let designer = sign_in(&s, demo::DESIGNER).await;
    let (status, c) = post(&s, &designer, &cancel, None, &json!({})).await;
    assert_eq!((status, c["status"].as_str()), (200, Some("cancelled")));
    assert_eq!(balance(&s, &token, "sinar-jaya").await, 120_000);
    assert_eq!(stock(&s, "grab-100k"), 500);
    let void: Option<String> = s
        .state
        .db
        .blocking()
        .unwrap()
        .query_row("SELECT voucher_void_at FROM redemption_lines WHERE voucher_code = ?1", [code], |r| r.get(0))
        .unwrap();
    assert!(void.is_some());
    let (status, c) = post(&s, &designer, &cancel, None, &json!({})).await;
    assert_eq!((status, c["error"]["code"].as_str()), (409, Some("already_cancelled")));
    let (_, history) = get(&s, &token, &format!("/api/partners/sinar-jaya/redemptions?program={PROGRAM}")).await;
    assert_eq!(history.as_array().unwrap().len(), 1);
}

/// The attack: redeem a voucher, cancel, repeat, collecting codes for nothing. Cancelling is
/// refused once a code is shown, and the per-partner limit counts codes handed out even when a
/// designer voided them.
#[tokio::test]
async fn vouchers_cannot_be_farmed_by_cancelling() {
    let s = start().await;
    let token = sign_in(&s, &demo::owner_email("sinar-jaya")).await;
    let designer = sign_in(&s, demo::DESIGNER).await;
    let path = "/api/partners/sinar-jaya/redemptions";
    let mut codes = std::collections::HashSet::new();
    // grab-100k: 95,000 points, 5 per partner. Sinar Jaya holds 120,000.
    for round in 0..5 {
        let (status, r) = post(&s, &token, path, Some(&format!("farm-{round}")), &redeem_body("grab-100k", 1)).await;
        assert_eq!(status, 201, "round {round}: {r}");
        codes.insert(r["lines"][0]["voucher_code"].as_str().unwrap().to_string());
        let cancel = format!("{path}/{}/cancel", r["id"]);
        assert_eq!(post(&s, &token, &cancel, None, &json!({})).await.0, 409);
        // Only a designer gives the points back (voiding the code).
        assert_eq!(post(&s, &designer, &cancel, None, &json!({})).await.0, 200);
    }
    assert_eq!(codes.len(), 5);
    // Five codes were handed out: the limit of 5 is reached, voided or not.
    let (status, e) = post(&s, &token, path, Some("farm-5"), &redeem_body("grab-100k", 1)).await;
    assert_eq!((status, e["error"]["code"].as_str()), (409, Some("limit_reached")));
    assert_eq!(balance(&s, &token, "sinar-jaya").await, 120_000);
}

#[tokio::test]
async fn merchandise_not_yet_fulfilled_can_be_cancelled_by_the_partner() {
    let s = start().await;
    add_item(&s, "cap", 10_000, Some(3), Some(1));
    let token = sign_in(&s, &demo::owner_email("sinar-jaya")).await;
    let path = "/api/partners/sinar-jaya/redemptions";
    let (status, r) = post(&s, &token, path, Some("cap-1"), &redeem_body("cap", 1)).await;
    assert_eq!((status, r["cancellable"].as_bool()), (201, Some(true)));
    let (status, c) = post(&s, &token, &format!("{path}/{}/cancel", r["id"]), None, &json!({})).await;
    assert_eq!((status, c["status"].as_str(), c["cancellable"].as_bool()), (200, Some("cancelled"), Some(false)));
    assert_eq!((balance(&s, &token, "sinar-jaya").await, stock(&s, "cap")), (120_000, 3));
    // Nothing was handed out, so the limit of one is free again.
    assert_eq!(post(&s, &token, path, Some("cap-2"), &redeem_body("cap", 1)).await.0, 201);
}

#[tokio::test]
async fn the_catalog_has_search_and_filters() {
    let s = start().await;
    let token = sign_in(&s, &demo::owner_email("sinar-jaya")).await;
    let ids =
        |v: &Value| v.as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    let (_, all) = get(&s, &token, &format!("/api/catalog?program={PROGRAM}")).await;
    assert_eq!(ids(&all), ["school-paint", "pulsa-50k", "grab-100k", "spray-gun", "bali-trip"]);
    let (_, v) = get(&s, &token, &format!("/api/catalog?program={PROGRAM}&kind=voucher")).await;
    assert_eq!(ids(&v), ["pulsa-50k", "grab-100k"]);
    let (_, v) = get(&s, &token, &format!("/api/catalog?program={PROGRAM}&q=spray%20gun")).await;
    assert_eq!(ids(&v), ["spray-gun"]);
    let (_, v) = get(&s, &token, &format!("/api/catalog?program={PROGRAM}&max_price=60000")).await;
    assert_eq!(ids(&v), ["school-paint", "pulsa-50k"]);
    let (_, v) = get(&s, &token, &format!("/api/catalog?program={PROGRAM}&q=100%25")).await;
    assert_eq!(ids(&v), Vec::<String>::new());
    // Sorted and paged; the total over every page in X-Total-Count.
    let (_, v) = get(&s, &token, &format!("/api/catalog?program={PROGRAM}&sort=-price&limit=2&offset=1")).await;
    assert_eq!(ids(&v), ["spray-gun", "grab-100k"]);
    let resp = reqwest::Client::new()
        .get(format!("{}/api/catalog?program={PROGRAM}&sort=name&limit=2", s.url))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()["x-total-count"], "5");
    let names: Vec<String> = resp
        .json::<Value>()
        .await
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap().to_lowercase())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    let (status, e) = get(&s, &token, &format!("/api/catalog?program={PROGRAM}&limit=501")).await;
    assert_eq!((status, e["error"]["code"].as_str()), (400, Some("invalid_page")));
    let (status, e) = get(&s, &token, &format!("/api/catalog?program={PROGRAM}&sort=random")).await;
    assert_eq!((status, e["error"]["code"].as_str()), (400, Some("invalid_sort")));
    // Names in other languages are served and searched.
    let (_, v) = get(&s, &token, &format!("/api/catalog?program={PROGRAM}&q=verfspuit")).await;
    assert_eq!(ids(&v), ["spray-gun"]);
    assert_eq!(v[0]["names"]["id"], "Pistol semprot HVLP");
    let (_, cats) = get(&s, &token, &format!("/api/catalog/categories?program={PROGRAM}")).await;
    let cats: Vec<String> = serde_json::from_value(cats).unwrap();
    let mut from_items: Vec<String> =
        all.as_array().unwrap().iter().map(|i| i["category"].as_str().unwrap().to_string()).collect();
    from_items.sort();
    from_items.dedup();
    assert_eq!(cats, from_items);
}

#[tokio::test]
async fn designers_add_catalog_items() {
    let s = start().await;
    let designer = sign_in(&s, demo::DESIGNER).await;
    let item = json!({ "program": PROGRAM, "id": "umbrella", "name": "Branded umbrella", "kind": "merchandise", "category": "merch",
                       "price": 15000, "stock": 100, "per_partner_limit": 2, "min_tier": null });
    let (status, body) = post(&s, &designer, "/api/catalog", None, &item).await;
    assert_eq!(status, 201, "{body}");
    let token = sign_in(&s, &demo::owner_email("sinar-jaya")).await;
    let (_, found) = get(&s, &token, &format!("/api/catalog?program={PROGRAM}&q=umbrella")).await;
    assert_eq!(found[0]["id"], "umbrella");
    let (status, e) = post(&s, &designer, "/api/catalog", None, &item).await;
    assert_eq!((status, e["error"]["code"].as_str()), (409, Some("duplicate_item")));
    let mut bad = item.clone();
    bad["id"] = json!("x");
    bad["min_tier"] = json!("diamond");
    let (status, e) = post(&s, &designer, "/api/catalog", None, &bad).await;
    assert_eq!((status, e["error"]["code"].as_str()), (400, Some("invalid_item")));
    assert_eq!(post(&s, &token, "/api/catalog", None, &item).await.0, 403);
    let mut unknown = item.clone();
    unknown["id"] = json!("y");
    unknown["colour"] = json!("red");
    let (status, e) = post(&s, &designer, "/api/catalog", None, &unknown).await;
    assert_eq!((status, e["error"]["code"].as_str()), (400, Some("invalid_json")));
}

#[tokio::test]
async fn a_user_keeps_one_goal_per_program_from_its_catalog() {
    let s = start().await;
    let partner = sign_in(&s, &demo::owner_email("sinar-jaya")).await;
    let (status, none) = get(&s, &partner, "/api/me/goal?program=nusantara-2026").await;
    assert_eq!((status, none), (200, serde_json::Value::Null));
    let put = |item: &str| serde_json::json!({ "program": "nusantara-2026", "item": item });
    let client = reqwest::Client::new();
    let send =
        |body: serde_json::Value| client.put(format!("{}/api/me/goal", s.url)).bearer_auth(&partner).json(&body).send();
    let r = send(put("spray-gun")).await.unwrap();
    assert_eq!(r.status(), 200);
    let r = send(put("grab-100k")).await.unwrap();
    assert_eq!(r.status(), 200);
    let (_, g) = get(&s, &partner, "/api/me/goal?program=nusantara-2026").await;
    assert_eq!((g["item"]["id"].as_str(), g["item"]["price"].as_i64()), (Some("grab-100k"), Some(95_000)));
    // Not an item of this catalog; a program the partner is not in.
    let r = send(put("no-such-item")).await.unwrap();
    assert_eq!(r.status(), 404);
    let (status, _) = get(&s, &partner, "/api/me/goal?program=no-such-program").await;
    assert_eq!(status, 403);
    // Another user's goal is their own.
    let other = sign_in(&s, &demo::owner_email("bangun-warna")).await;
    let (_, g) = get(&s, &other, "/api/me/goal?program=nusantara-2026").await;
    assert_eq!(g, serde_json::Value::Null);
    let r = client
        .delete(format!("{}/api/me/goal?program=nusantara-2026", s.url))
        .bearer_auth(&partner)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let (_, g) = get(&s, &partner, "/api/me/goal?program=nusantara-2026").await;
    assert_eq!(g, serde_json::Value::Null);
}

/// A partner who has just reached a tier (their sales imported) may redeem what the tier opens at
/// once: the tier comes from their facts read now, not from the evaluation kept from before.
#[tokio::test]
async fn a_tier_just_reached_opens_its_rewards_at_once() {
    let s = start().await;
    let token = sign_in(&s, &demo::owner_email("sinar-jaya")).await;
    let designer = sign_in(&s, demo::DESIGNER).await;
    let path = "/api/partners/sinar-jaya/redemptions";
    // Below gold (the program's evaluation is now kept): the Bali trip is refused for the tier.
    let (status, body) = post(&s, &token, path, Some("t1"), &redeem_body("bali-trip", 1)).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("tier_too_low")), "{body}");
    // 300 M of sales in the last twelve months reach gold (threshold 300 M), whatever came before.
    let csv = "partner,invoice,line,date,sku,category,units,value\nsinar-jaya,GOLD-1,1,2026-11-10,WS-20L,exterior,100,300000000\n";
    let (status, report) = common::import_sales(&s, &designer, csv).await;
    assert_eq!((status, &report["imported"]), (200, &json!(1)), "{report}");
    // The tier no longer stands in the way; the points do (2,500,000 for the trip).
    let (status, body) = post(&s, &token, path, Some("t2"), &redeem_body("bali-trip", 1)).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("insufficient_points")), "{body}");
}
