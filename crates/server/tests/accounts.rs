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

async fn sign_in_from(s: &Server, email: &str, password: &str, from: &str) -> (u16, Value) {
    let resp = reqwest::Client::new()
        .post(format!("{}/api/sessions", s.url))
        .header("x-forwarded-for", from)
        .json(&json!({ "email": email, "password": password }))
        .send()
        .await
        .unwrap();
    (resp.status().as_u16(), resp.json().await.unwrap())
}

/// Behind a trusted proxy (the tests' loopback), each `X-Forwarded-For` is its own client.
async fn behind_proxy(adjust: impl FnOnce(&mut mitra_server::Limits)) -> Server {
    common::start_with(|c| {
        c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
        adjust(&mut c.limits);
    })
    .await
}

#[tokio::test]
async fn failures_lock_the_account_and_address_pair_not_the_owner() {
    let s = behind_proxy(|_| {}).await;
    let owner = "owner@depo-medan.demo";
    for _ in 0..5 {
        assert_eq!(sign_in_from(&s, owner, "guess", "203.0.113.9").await.0, 401);
    }
    // That address may not try this account again for a while, even with the right password.
    let (status, e) = sign_in_from(&s, owner, demo::PASSWORD, "203.0.113.9").await;
    assert_eq!((status, e["error"]["code"].as_str()), (429, Some("too_many_attempts")));
    assert_eq!(e["error"]["details"]["minutes"], 15);
    // The owner, elsewhere, is not locked out by a stranger; nor are other accounts from the
    // stranger's address (an office behind one address stays usable).
    assert_eq!(sign_in_from(&s, owner, demo::PASSWORD, "198.51.100.7").await.0, 200);
    assert_eq!(sign_in_from(&s, demo::DESIGNER, demo::PASSWORD, "203.0.113.9").await.0, 200);
    // An address the client claims to the left of the proxy's entry is not believed.
    let (status, _) = sign_in_from(&s, owner, demo::PASSWORD, "198.51.100.7, 203.0.113.9").await;
    assert_eq!(status, 429);
    // Failures age out of the window.
    s.state.db.blocking().unwrap().execute("UPDATE sign_in_failures SET at = '2000-01-01T00:00:00.000Z'", []).unwrap();
    assert_eq!(sign_in_from(&s, owner, demo::PASSWORD, "203.0.113.9").await.0, 200);
}

#[tokio::test]
async fn an_untrusted_forwarded_header_is_ignored() {
    // No trusted proxy: the header is the client's own claim, so every guess comes from loopback.
    let s = start().await;
    for i in 0..5 {
        assert_eq!(sign_in_from(&s, "owner@depo-medan.demo", "guess", &format!("203.0.113.{i}")).await.0, 401);
    }
    assert_eq!(sign_in_from(&s, "owner@depo-medan.demo", demo::PASSWORD, "203.0.113.99").await.0, 429);
}

#[tokio::test]
async fn many_failures_from_everywhere_slow_the_account_down_without_locking_it() {
    let slowdown = std::time::Duration::from_millis(400);
    let s = behind_proxy(|l| {
        l.account_failures = 8;
        l.slowdown = slowdown;
    })
    .await;
    let owner = "owner@depo-medan.demo";
    for i in 0..8 {
        let (status, e) = sign_in_from(&s, owner, "guess", &format!("203.0.113.{i}")).await;
        assert_eq!((status, e["error"]["details"]["reset_suggested"].as_bool()), (401, Some(false)));
    }
    // Past eight failures in the hour each attempt waits, and a reset is suggested.
    let started = std::time::Instant::now();
    let (status, e) = sign_in_from(&s, owner, "guess", "203.0.113.50").await;
    assert!(started.elapsed() >= slowdown, "{:?}", started.elapsed());
    assert_eq!((status, e["error"]["details"]["reset_suggested"].as_bool()), (401, Some(true)));
    // The owner still gets in, slowly.
    let started = std::time::Instant::now();
    assert_eq!(sign_in_from(&s, owner, demo::PASSWORD, "198.51.100.7").await.0, 200);
    assert!(started.elapsed() >= slowdown);
}

/// The race: concurrent guesses all passed a check made before any of them was recorded. Now
/// each attempt is counted before its password is checked: of 60 concurrent attempts for one
/// account from one address (the 25th with the right password), at most five are checked.
#[tokio::test]
async fn concurrent_guesses_cannot_outrun_the_limit() {
    let s = start().await;
    let attempts = (0..60).map(|i| {
        let url = format!("{}/api/sessions", s.url);
        let password = if i == 24 { demo::PASSWORD.to_string() } else { format!("guess-{i}") };
        tokio::spawn(async move {
            reqwest::Client::new()
                .post(url)
                .json(&json!({ "email": "owner@depo-medan.demo", "password": password }))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        })
    });
    let before = s.state.hashes.load(std::sync::atomic::Ordering::SeqCst);
    let statuses: Vec<u16> = futures_join(attempts).await;
    let checked = statuses.iter().filter(|s| **s != 429).count();
    assert!(checked <= 5, "{checked} passwords were checked: {statuses:?}");
    let hashed = s.state.hashes.load(std::sync::atomic::Ordering::SeqCst) - before;
    assert!(hashed <= 5, "{hashed} passwords were verified");
}

async fn futures_join<T>(handles: impl Iterator<Item = tokio::task::JoinHandle<T>>) -> Vec<T> {
    let mut out = Vec::new();
    for h in handles.collect::<Vec<_>>() {
        out.push(h.await.unwrap());
    }
    out
}

/// Unknown emails are checked against a dummy hash, so they take as long as a wrong password.
#[tokio::test]
async fn sign_in_time_does_not_tell_which_emails_have_accounts() {
    let s = common::start_with(|c| c.limits.pair_failures = 1_000).await;
    let (mut known, mut unknown) = (Vec::new(), Vec::new());
    for i in 0..12 {
        let started = std::time::Instant::now();
        assert_eq!(try_sign_in(&s, "owner@depo-medan.demo", "wrong password").await.0, 401);
        known.push(started.elapsed());
        let started = std::time::Instant::now();
        assert_eq!(try_sign_in(&s, &format!("nobody-{i}@example.com"), "wrong password").await.0, 401);
        unknown.push(started.elapsed());
    }
    known.sort();
    unknown.sort();
    let (k, u) = (known[6].as_secs_f64(), unknown[6].as_secs_f64());
    // Without the dummy check the unknown email answered about 25 times faster.
    assert!(u > k * 0.5 && u < k * 2.0, "median known {k:.4}s, unknown {u:.4}s");
}

#[tokio::test]
async fn made_up_tokens_never_reach_the_password_hasher() {
    let s = start().await;
    let attempts = (0..200).map(|i| {
        let url = format!("{}/api/password", s.url);
        tokio::spawn(async move {
            let resp = reqwest::Client::new()
                .post(url)
                .json(&json!({ "token": format!("{i:064x}"), "password": "a long enough secret" }))
                .send()
                .await
                .unwrap();
            (resp.status().as_u16(), resp.json::<Value>().await.unwrap()["error"]["code"].clone())
        })
    });
    for (status, code) in futures_join(attempts).await {
        assert_eq!((status, code.as_str()), (400, Some("invalid_token")));
    }
    assert_eq!(s.state.hashes.load(std::sync::atomic::Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_password_change_voids_every_older_link() {
    let s = start().await;
    for _ in 0..2 {
        let (status, _) =
            post(&s, "", "/api/password-resets", None, &json!({ "email": "owner@bali-paint.demo" })).await;
        assert_eq!(status, 202);
    }
    let conn = s.state.db.blocking().unwrap();
    let links: Vec<String> = conn
        .prepare("SELECT body FROM outbox ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    drop(conn);
    let (first, second) = (token_of(&links[0]), token_of(&links[1]));
    let (status, _) =
        post(&s, "", "/api/password", None, &json!({ "token": second, "password": "the newest secret" })).await;
    assert_eq!(status, 204);
    let (status, e) =
        post(&s, "", "/api/password", None, &json!({ "token": first, "password": "an older link" })).await;
    assert_eq!((status, e["error"]["code"].as_str()), (400, Some("invalid_token")));
    assert_eq!(try_sign_in(&s, "owner@bali-paint.demo", "the newest secret").await.0, 200);
}

#[tokio::test]
async fn reset_requests_are_throttled() {
    let s = start().await;
    // Three mails per email an hour, answered alike whether or not the account exists.
    for email in ["owner@bali-paint.demo", "nobody@example.com"] {
        for _ in 0..3 {
            assert_eq!(post(&s, "", "/api/password-resets", None, &json!({ "email": email })).await.0, 202);
        }
        let (status, e) = post(&s, "", "/api/password-resets", None, &json!({ "email": email })).await;
        assert_eq!((status, e["error"]["code"].as_str()), (429, Some("too_many_resets")));
    }
    // Ten requests an hour from one address, whatever the emails.
    for i in 0..4 {
        let email = format!("someone-{i}@example.com");
        assert_eq!(post(&s, "", "/api/password-resets", None, &json!({ "email": email })).await.0, 202);
    }
    let (status, _) = post(&s, "", "/api/password-resets", None, &json!({ "email": "one-more@example.com" })).await;
    assert_eq!(status, 429);
    let mails: i64 = s.state.db.blocking().unwrap().query_row("SELECT COUNT(*) FROM outbox", [], |r| r.get(0)).unwrap();
    assert_eq!(mails, 3);
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

#[tokio::test]
async fn links_are_whole_when_the_public_url_is_set() {
    let s = common::start_with(|c| c.public_url = Some("https://portal.example.com/".into())).await;
    let designer = sign_in(&s, demo::DESIGNER).await;
    let body = json!({ "email": "new@sinar-jaya.demo", "name": "New rep", "role": "partner", "partner": "sinar-jaya" });
    let (_, invited) = post(&s, &designer, "/api/invitations", None, &body).await;
    assert!(
        invited["link"].as_str().unwrap().starts_with("https://portal.example.com/set-password?token="),
        "{invited}"
    );
    post(&s, "", "/api/password-resets", None, &json!({ "email": "owner@bali-paint.demo" })).await;
    let mail: String = s.state.db.blocking().unwrap().query_row("SELECT body FROM outbox", [], |r| r.get(0)).unwrap();
    assert!(mail.contains("https://portal.example.com/set-password?token="), "{mail}");
}
