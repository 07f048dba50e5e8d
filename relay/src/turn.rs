//! Short-lived TURN credentials in coturn's shared-secret REST scheme:
//! username = "<expiry unix time>:<random user part>:peerlink", credential =
//! base64(HMAC-SHA1(secret, username)); a fresh user part per credential lets
//! coturn's per-user quotas apply. Owns only this handler; it must not hand
//! credentials to pages from origins that are not allowed, nor faster than
//! the per-address rate.

use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use hmac::{Hmac, Mac};
use sha1::Sha1;

use crate::client::{client_ip, limit_key, origin_allowed};
use crate::state::AppState;

pub async fn credentials(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    let config = &state.config;
    let Some(secret) = state.turn_secret.as_deref() else {
        return (
            StatusCode::NOT_FOUND,
            "TURN is not configured on this relay\n",
        )
            .into_response();
    };
    if !origin_allowed(&headers, &config.allowed_origins) {
        state.metrics.turn_refused.fetch_add(1, Ordering::Relaxed);
        return (StatusCode::FORBIDDEN, "origin not allowed\n").into_response();
    }
    let client = limit_key(client_ip(peer.ip(), &headers, &config.trusted_proxies));
    if !state.turn_rate.take(&client, 1.0) {
        state.metrics.turn_refused.fetch_add(1, Ordering::Relaxed);
        return (
            StatusCode::TOO_MANY_REQUESTS,
            "too many TURN credential requests\n",
        )
            .into_response();
    }
    let Some(user) = random_user() else {
        return (StatusCode::SERVICE_UNAVAILABLE, "no randomness available\n").into_response();
    };
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    // coturn reads the expiry from the leading number; the rest (random, so
    // one coturn user per credential) names the user its quotas count.
    let username = format!("{}:{user}:peerlink", now + config.turn_ttl_secs);
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(secret.as_bytes()) else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "bad TURN secret\n").into_response();
    };
    mac.update(username.as_bytes());
    let credential = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    let body = serde_json::json!({
        "iceServers": [{ "urls": config.turn_urls, "username": username, "credential": credential }],
        "ttl": config.turn_ttl_secs,
    });
    let mut response = (
        [
            (header::CACHE_CONTROL, "no-store"),
            (header::CONTENT_TYPE, "application/json"),
            (header::VARY, "Origin"),
        ],
        body.to_string(),
    )
        .into_response();
    // Only an allowed origin reaches here: echo it for CORS, never `*`.
    if let Some(origin) = headers
        .get(header::ORIGIN)
        .and_then(|o| HeaderValue::from_bytes(o.as_bytes()).ok())
    {
        response
            .headers_mut()
            .insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    }
    response
}

/// 12 random bytes, URL-safe base64 (16 characters).
fn random_user() -> Option<String> {
    let mut bytes = [0u8; 12];
    getrandom::fill(&mut bytes).ok()?;
    Some(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}
