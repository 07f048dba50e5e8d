//! Short-lived TURN credentials in coturn's shared-secret REST scheme:
//! username = "<expiry unix time>:peerlink", credential = base64(HMAC-SHA1(secret, username)).

use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use hmac::{Hmac, Mac};
use sha1::Sha1;

use crate::server::AppState;

pub async fn credentials(State(state): State<AppState>) -> Response {
    let config = &state.config;
    let Some(secret) = config.turn_secret.as_deref() else {
        return (
            StatusCode::NOT_FOUND,
            "TURN is not configured on this relay\n",
        )
            .into_response();
    };
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let username = format!("{}:peerlink", now + config.turn_ttl_secs);
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(secret.as_bytes()) else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "bad TURN secret\n").into_response();
    };
    mac.update(username.as_bytes());
    let credential = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    let body = serde_json::json!({
        "iceServers": [{ "urls": config.turn_urls, "username": username, "credential": credential }],
        "ttl": config.turn_ttl_secs,
    });
    // Any page may name this relay (`?relay=`), so any origin may ask.
    (
        [
            (axum::http::header::CACHE_CONTROL, "no-store"),
            (axum::http::header::CONTENT_TYPE, "application/json"),
            (axum::http::header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
        ],
        body.to_string(),
    )
        .into_response()
}
