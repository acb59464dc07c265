//! What every response carries besides its body: one JSON error shape for every rejection
//! (axum's own included), security headers with a Content-Security-Policy the app works under,
//! and caching that suits each kind of file.
//!
//! Sessions are bearer tokens kept by the app (in `localStorage`), not cookies, so the app can
//! be hosted on another origin than the API. What protects a token is that no script but the
//! app's own runs on the page: the policy allows scripts from the app's origin and the one inline
//! loader the build writes (by its hash), nothing inline or injected, and no framing.

use std::path::Path;

use axum::body::Body;
use axum::http::{header, HeaderValue, Response, StatusCode};
use base64::Engine;
use sha2::{Digest, Sha256};

use crate::error::ApiError;

/// Largest non-JSON error body read to reword it as JSON.
const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// Reword any error response that is not JSON (axum's rejections of paths, queries and bodies,
/// 405s, oversized bodies) as the API's `{"error": {...}}`, with a code from its status.
pub async fn json_errors(res: Response<Body>) -> Response<Body> {
    let status = res.status();
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return res;
    }
    let allow = res.headers().get(header::ALLOW).cloned();
    let text = axum::body::to_bytes(res.into_body(), ERROR_BODY_LIMIT).await.unwrap_or_default();
    let text = String::from_utf8_lossy(&text).trim().to_string();
    let (code, fallback) = match status {
        StatusCode::BAD_REQUEST => ("invalid_request", "the request is not valid"),
        StatusCode::NOT_FOUND => ("not_found", "this was not found"),
        StatusCode::METHOD_NOT_ALLOWED => ("method_not_allowed", "this method is not allowed here"),
        StatusCode::PAYLOAD_TOO_LARGE => ("body_too_large", "the request body is too large"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ("unsupported_media_type", "send the body as JSON"),
        StatusCode::UNPROCESSABLE_ENTITY => ("invalid_request", "the request is not valid"),
        s if s.is_server_error() => ("internal", "something went wrong on the server; try again"),
        _ => ("invalid_request", "the request was refused"),
    };
    // axum's own rejections say which part of the request was wrong.
    let code = match () {
        _ if text.starts_with("Failed to deserialize query string") => "invalid_query",
        _ if text.starts_with("Invalid URL") || text.contains("path param") => "invalid_path",
        _ => code,
    };
    let message = if text.is_empty() || status.is_server_error() { fallback.to_string() } else { text };
    let mut out = axum::response::IntoResponse::into_response(ApiError::new(status, code, message));
    if let Some(allow) = allow {
        out.headers_mut().insert(header::ALLOW, allow);
    }
    out
}

/// The Content-Security-Policy for the app's pages: scripts from the app's origin and the
/// inline scripts of `index.html` by hash; wasm compiled from them; API calls to the app's
/// origin and to `api_origins` (where the app is told the API lives); no frames, no plugins.
pub fn content_security_policy(index_html: Option<&str>, api_origins: &[String]) -> String {
    let hashes: String =
        index_html.map(inline_script_hashes).unwrap_or_default().iter().map(|h| format!(" '{h}'")).collect();
    let connect: String = api_origins.iter().map(|o| format!(" {o}")).collect();
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data:; font-src 'self'; connect-src 'self'{connect}; manifest-src 'self'; worker-src 'self'; \
         object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// `sha256-…` of each inline `<script>` of a page (the build's loader), as a CSP source.
pub fn inline_script_hashes(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(open) = rest.find("<script") {
        let after = &rest[open..];
        let Some(tag_end) = after.find('>') else { break };
        let tag = &after[..tag_end];
        let body = &after[tag_end + 1..];
        let Some(close) = body.find("</script>") else { break };
        if !tag.contains(" src=") {
            let digest = Sha256::digest(&body.as_bytes()[..close]);
            out.push(format!("sha256-{}", base64::engine::general_purpose::STANDARD.encode(digest)));
        }
        rest = &body[close..];
    }
    out
}

/// The policy for a built app in `dist` (its `index.html` read once, at start).
/// The portal's and the designer's pages (`designer/index.html`) are both allowed their loaders.
pub fn policy_for(dist: Option<&Path>, api_origins: &[String]) -> String {
    let pages: String = dist
        .map(|d| {
            [d.join("index.html"), d.join("designer").join("index.html")]
                .iter()
                .filter_map(|p| std::fs::read_to_string(p).ok())
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default();
    content_security_policy(dist.map(|_| pages.as_str()), api_origins)
}

/// A file name the build gave a content hash (`mitra-1a2b3c4d5e6f7a8b_bg.wasm`): it never changes.
fn is_hashed_asset(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.split(['-', '_', '.']).any(|part| part.len() == 16 && part.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Headers for every response: security headers everywhere, the policy on pages, and caching:
/// API answers are never stored, the page is revalidated every time, hashed assets kept a year.
pub fn secure(path: &str, policy: &str, res: &mut Response<Body>) {
    let h = res.headers_mut();
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if let Ok(v) = HeaderValue::from_str(policy) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    let cache = if path.starts_with("/api/") || path == "/api" {
        "no-store"
    } else if is_hashed_asset(path) && res.status().is_success() {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_are_hashed_and_linked_ones_are_not() {
        let html =
            r#"<head><script type="module">import init from '/a.js';</script><script src="/b.js"></script></head>"#;
        let hashes = inline_script_hashes(html);
        assert_eq!(hashes.len(), 1);
        let want = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(b"import init from '/a.js';"));
        assert_eq!(hashes[0], format!("sha256-{want}"));
        let csp = content_security_policy(Some(html), &["https://api.example.com".into()]);
        assert!(csp.contains(&format!("script-src 'self' 'wasm-unsafe-eval' 'sha256-{want}';")), "{csp}");
        assert!(csp.contains("connect-src 'self' https://api.example.com;"), "{csp}");
        assert!(csp.contains("frame-ancestors 'none'"));
    }

    #[test]
    fn hashed_asset_names_are_recognised() {
        assert!(is_hashed_asset("/mitra-1a2b3c4d5e6f7a8b_bg.wasm"));
        assert!(is_hashed_asset("/main-0123456789abcdef.css"));
        assert!(!is_hashed_asset("/index.html"));
        assert!(!is_hashed_asset("/img/pulsa.svg"));
    }
}
