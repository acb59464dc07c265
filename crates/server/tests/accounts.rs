//! Invitations, password resets through the outbox, and rate-limited sign-ins.

mod common;

use common::{get, post, sign_in, start, Server};
use mitra_server::demo;
use serde_json::{json, Value};

async fn try_sign_in(s: &Server, email: &str, password: &str) -> (u16, Value) {
    let resp = reqwest::Client::new()
        .post(format!("{}/api/sessions", s.url))
        .json(&json!({ "email": email, "password": password }))
        .send()
        .await
        .unwrap();
    (resp.status().as_u16(), resp.json().await.unwrap())
}

fn token_of(link: &str) -> String {
    link.split("token=").nth(1).unwrap().split_whitespace().next().unwrap().to_string()
}

#[tokio::test]
async fn an_invited_user_sets_a_password_once_and_signs_in() {
    let s = start().await;
    let designer = sign_in(&s, demo::DESIGNER).await;
    let body =
        json!({ "email": "rep@sinar-jaya.demo", "name": "Sales rep", "role": "partner", "partner": "sinar-jaya" });
    let (status, invited) = post(&s, &designer, "/api/invitations", None, &body).await;
    assert_eq!(status, 201, "{invited}");
    let token = token_of(invited["link"].as_str().unwrap());
    // No password works before one is set.
    assert_eq!(try_sign_in(&s, "rep@sinar-jaya.demo", "!invited").await.0, 401);
    let (status, e) = post(&s, "", "/api/password", None, &json!({ "token": token, "password": "short" })).await;
    assert_eq!((status, e["error"]["code"].as_str()), (400, Some("weak_password")));
    let (status, _) =
        post(&s, "", "/api/password", None, &json!({ "token": token, "password": "a long enough secret" })).await;
    assert_eq!(status, 204);
    let (status, session) = try_sign_in(&s, "rep@sinar-jaya.demo", "a long enough secret").await;
    assert_eq!(status, 200);
    // The rep sees the organisation's data, and only it.
    let rep = session["token"].as_str().unwrap();
    assert_eq!(get(&s, rep, "/api/partners/sinar-jaya").await.0, 200);
    assert_eq!(get(&s, rep, "/api/partners/bangun-warna").await.0, 403);
    // The link works once.
    let (status, e) =
        post(&s, "", "/api/password", None, &json!({ "token": token, "password": "another long secret" })).await;
    assert_eq!((status, e["error"]["code"].as_str()), (400, Some("invalid_token")));
    // Partners cannot invite; an email is used once.
    let partner = sign_in(&s, &demo::owner_email("sinar-jaya")).await;
    assert_eq!(post(&s, &partner, "/api/invitations", None, &body).await.0, 403);
    let (status, e) = post(&s, &designer, "/api/invitations", None, &body).await;
    assert_eq!((status, e["error"]["code"].as_str()), (409, Some("email_taken")));
}

#[tokio::test]
async fn a_reset_link_goes_to_the_outbox_and_ends_old_sessions() {
    let s = start().await;
    let old_session = sign_in(&s, &demo::owner_email("bali-paint")).await;
    let (status, _) = post(&s, "", "/api/password-resets", None, &json!({ "email": "owner@bali-paint.demo" })).await;
    assert_eq!(status, 202);
    // Unknown addresses get the same answer and no mail.
    let (status, _) = post(&s, "", "/api/password-resets", None, &json!({ "email": "nobody@example.com" })).await;
    assert_eq!(status, 202);
    let conn = s.state.db.blocking().unwrap();
    let mails: Vec<(String, String)> = conn
        .prepare("SELECT to_email, body FROM outbox")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].0, "owner@bali-paint.demo");
    let token = token_of(&mails[0].1);
    let (status, _) =
        post(&s, "", "/api/password", None, &json!({ "token": token, "password": "a brand new secret" })).await;
    assert_eq!(status, 204);
    assert_eq!(get(&s, &old_session, "/api/me").await.0, 401);
    assert_eq!(try_sign_in(&s, "owner@bali-paint.demo", demo::PASSWORD).await.0, 401);
    assert_eq!(try_sign_in(&s, "owner@bali-paint.demo", "a brand new secret").await.0, 200);
}

#[tokio::test]
async fn repeated_failures_are_rate_limited_per_account_and_per_address() {
    let s = start().await;
    for _ in 0..5 {
        assert_eq!(try_sign_in(&s, "owner@depo-medan.demo", "guess").await.0, 401);
    }
    // The account is locked for a while, even with the right password.
    let (status, e) = try_sign_in(&s, "owner@depo-medan.demo", demo::PASSWORD).await;
    assert_eq!((status, e["error"]["code"].as_str()), (429, Some("too_many_attempts")));
    // The address made five failures too: other accounts from it are refused as well.
    let (status, _) = try_sign_in(&s, demo::DESIGNER, demo::PASSWORD).await;
    assert_eq!(status, 429);
    // Failures age out of the window.
    s.state.db.blocking().unwrap().execute("UPDATE sign_in_failures SET at = '2000-01-01T00:00:00.000Z'", []).unwrap();
    assert_eq!(try_sign_in(&s, "owner@depo-medan.demo", demo::PASSWORD).await.0, 200);
}

#[tokio::test]
async fn an_expired_session_is_refused() {
    let s = start().await;
    let token = sign_in(&s, &demo::owner_email("sinar-jaya")).await;
    assert_eq!(get(&s, &token, "/api/me").await.0, 200);
    s.state.db.blocking().unwrap().execute("UPDATE sessions SET expires_at = '2000-01-01T00:00:00.000Z'", []).unwrap();
    let (status, body) = get(&s, &token, "/api/me").await;
    assert_eq!((status, body["error"]["code"].as_str()), (401, Some("unauthorized")));
}
