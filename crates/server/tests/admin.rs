//! What designers keep up besides schemes: partner organisations (created into a program) and
//! the catalog (details edited, stock added or taken away without undoing redemptions).

mod common;

use common::{get, post, put, sign_in, start};
use mitra_server::demo;
use serde_json::{json, Value};

const PROGRAM: &str = "nusantara-2026";

fn new_partner(id: &str) -> Value {
    json!({ "id": id, "name": "Toko Cat Sentosa", "type": "retailer", "region": "Jawa Barat", "segment": "retail", "enrolled": "2026-11-01" })
}

#[tokio::test]
async fn a_designer_creates_a_partner_into_the_program_and_bad_ones_are_refused_by_code() {
    let s = start().await;
    let designer = sign_in(&s, demo::DESIGNER).await;
    let path = format!("/api/programs/{PROGRAM}/partners");
    let (status, created) = post(&s, &designer, &path, None, &new_partner("sentosa")).await;
    assert_eq!(status, 201, "{created}");
    let (_, list) = get(&s, &designer, &path).await;
    let found = list.as_array().unwrap().iter().find(|p| p["id"] == "sentosa").cloned();
    assert_eq!(
        found.map(|p| (p["name"].clone(), p["enrolled"].clone())),
        Some((json!("Toko Cat Sentosa"), json!("2026-11-01")))
    );
    // The new partner has a statement in the program (no sales yet: nothing earned).
    let (status, st) = get(&s, &designer, &format!("/api/partners/sentosa/statement?program={PROGRAM}")).await;
    assert_eq!((status, st["schemes"][0]["total"].as_str()), (200, Some("0")), "{st}");

    let refused = |body: Value| {
        let (s, designer, path) = (&s, designer.clone(), path.clone());
        async move {
            let (status, e) = post(s, &designer, &path, None, &body).await;
            (
                status,
                e["error"]["code"].as_str().unwrap_or_default().to_string(),
                e["error"]["details"]["field"].clone(),
            )
        }
    };
    assert_eq!(refused(new_partner("sentosa")).await, (409, "duplicate_partner".into(), json!("id")));
    assert_eq!(refused(new_partner("Toko Baru!")).await, (400, "invalid_id".into(), json!("id")));
    let mut no_region = new_partner("nowhere");
    no_region["region"] = json!(" ");
    assert_eq!(refused(no_region).await, (400, "missing_field".into(), json!("region")));
    let mut orphan = new_partner("branch");
    orphan["parent"] = json!("no-such-partner");
    assert_eq!(refused(orphan).await, (400, "unknown_parent".into(), json!("parent")));
    // Partners cannot create partners.
    let partner = sign_in(&s, &demo::owner_email("sinar-jaya")).await;
    assert_eq!(post(&s, &partner, &path, None, &new_partner("mine")).await.0, 403);
}

async fn item(s: &common::Server, token: &str, id: &str) -> Value {
    let (_, page) = get(s, token, &format!("/api/catalog?program={PROGRAM}&id={id}")).await;
    page.as_array().unwrap()[0].clone()
}

#[tokio::test]
async fn a_designer_edits_an_item_and_its_stock_never_below_zero_nor_undoing_a_redemption() {
    let s = start().await;
    let designer = sign_in(&s, demo::DESIGNER).await;
    // The demo's spray gun: 450,000 poin, 20 in stock; made affordable (Sinar Jaya holds 120,000).
    let mut gun = item(&s, &designer, "spray-gun").await;
    assert_eq!((gun["price"].as_i64(), gun["stock"].as_i64()), (Some(450_000), Some(20)));
    gun["name"] = json!("Spray gun pro");
    gun["price"] = json!(100_000);
    gun["stock"] = json!(999); // not changed by an edit
    let (status, saved) = put(&s, &designer, "/api/catalog/spray-gun", &gun).await;
    assert_eq!(status, 200, "{saved}");
    let now = item(&s, &designer, "spray-gun").await;
    assert_eq!(
        (now["name"].as_str(), now["price"].as_i64(), now["stock"].as_i64()),
        (Some("Spray gun pro"), Some(100_000), Some(20))
    );

    // Refusals, by code.
    let mut other = gun.clone();
    other["id"] = json!("pulsa-50k");
    assert_eq!(put(&s, &designer, "/api/catalog/spray-gun", &other).await.1["error"]["code"], "invalid_item");
    let mut tiered = gun.clone();
    tiered["min_tier"] = json!("platinum");
    assert_eq!(put(&s, &designer, "/api/catalog/spray-gun", &tiered).await.1["error"]["code"], "invalid_item");
    let mut ghost = gun.clone();
    ghost["id"] = json!("no-such-item");
    assert_eq!(put(&s, &designer, "/api/catalog/no-such-item", &ghost).await.0, 404);

    // A partner redeems one (stock 19), then the designer adds 5: 24, not 25.
    let partner = sign_in(&s, &demo::owner_email("sinar-jaya")).await;
    let order = json!({ "program": PROGRAM, "lines": [{ "item": "spray-gun", "quantity": 1 }] });
    let (status, r) = post(&s, &partner, "/api/partners/sinar-jaya/redemptions", Some("admin-test-1"), &order).await;
    assert_eq!(status, 201, "{r}");
    let (status, after) = post(&s, &designer, "/api/catalog/spray-gun/stock", None, &json!({ "add": 5 })).await;
    assert_eq!((status, after["stock"].as_i64()), (200, Some(24)), "{after}");
    let (status, e) = post(&s, &designer, "/api/catalog/spray-gun/stock", None, &json!({ "add": -25 })).await;
    assert_eq!(
        (status, e["error"]["code"].as_str(), e["error"]["details"]["stock"].as_i64()),
        (409, Some("stock_below_zero"), Some(24))
    );
    let (_, after) = post(&s, &designer, "/api/catalog/spray-gun/stock", None, &json!({ "add": -24 })).await;
    assert_eq!(after["stock"].as_i64(), Some(0));
    // Vouchers without a stock limit have no stock to change; nothing is no change.
    let (status, e) = post(&s, &designer, "/api/catalog/pulsa-50k/stock", None, &json!({ "add": 5 })).await;
    assert_eq!((status, e["error"]["code"].as_str()), (409, Some("stock_unlimited")));
    let (status, e) = post(&s, &designer, "/api/catalog/spray-gun/stock", None, &json!({ "add": 0 })).await;
    assert_eq!((status, e["error"]["code"].as_str()), (400, Some("invalid_stock_change")));
    // The most negative number there is: refused as too large a change, not a crash.
    let (status, e) = post(&s, &designer, "/api/catalog/spray-gun/stock", None, &json!({ "add": i64::MIN })).await;
    assert_eq!((status, e["error"]["code"].as_str()), (400, Some("invalid_stock_change")));
    // Partners keep their hands off.
    assert_eq!(post(&s, &partner, "/api/catalog/spray-gun/stock", None, &json!({ "add": 5 })).await.0, 403);
    assert_eq!(put(&s, &partner, "/api/catalog/spray-gun", &gun).await.0, 403);
}
