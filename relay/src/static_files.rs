//! Serving the built app (`--serve DIR`) with the security headers a static
//! host should send. The CSP allows the app's own scripts (its inline loader
//! by hash), WebAssembly, media from the camera, and any ws:/wss: relay,
//! since `?relay=` may name any relay.

use std::path::Path;

use axum::http::{HeaderName, HeaderValue};
use base64::Engine;
use sha2::{Digest, Sha256};
use tower_http::services::ServeDir;

use crate::server::RelayError;

pub fn service(dir: &Path) -> Result<ServeDir, RelayError> {
    if !dir.join("index.html").is_file() {
        return Err(RelayError::Serve {
            path: dir.display().to_string(),
            reason: "no index.html there (build the app with `trunk build --release` first)".into(),
        });
    }
    Ok(ServeDir::new(dir))
}

/// Headers for every response when serving the app from `dir`.
pub fn security_headers(dir: &Path) -> Result<Vec<(HeaderName, HeaderValue)>, RelayError> {
    let index =
        std::fs::read_to_string(dir.join("index.html")).map_err(|err| RelayError::Serve {
            path: dir.display().to_string(),
            reason: err.to_string(),
        })?;
    let hashes: String = inline_scripts(&index)
        .map(|script| format!(" 'sha256-{}'", sha256_base64(script)))
        .collect();
    let csp = format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; connect-src 'self' ws: wss:; \
         img-src 'self' data: blob:; media-src 'self' blob: mediastream:; style-src 'self' 'unsafe-inline'; \
         object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'"
    );
    let pairs = [
        ("content-security-policy", csp.as_str()),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "no-referrer"),
        ("x-frame-options", "DENY"),
        (
            "permissions-policy",
            "camera=(self), microphone=(self), display-capture=(self)",
        ),
        ("cross-origin-opener-policy", "same-origin"),
    ];
    pairs
        .into_iter()
        .map(|(name, value)| {
            let value = HeaderValue::from_str(value).map_err(|err| RelayError::Serve {
                path: dir.display().to_string(),
                reason: err.to_string(),
            })?;
            Ok((HeaderName::from_static(name), value))
        })
        .collect()
}

fn sha256_base64(text: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(Sha256::digest(text.as_bytes()))
}

/// The bodies of `<script>` elements that have no `src` attribute.
fn inline_scripts(html: &str) -> impl Iterator<Item = &str> {
    html.split("<script").skip(1).filter_map(|rest| {
        let tag_end = rest.find('>')?;
        let attributes = &rest[..tag_end];
        if attributes.contains("src=") {
            return None;
        }
        let body = &rest[tag_end + 1..];
        body.find("</script>").map(|end| &body[..end])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_only_inline_scripts() {
        let html = r#"<script src="/a.js"></script><script type="module">init()</script>"#;
        assert_eq!(inline_scripts(html).collect::<Vec<_>>(), vec!["init()"]);
    }
}
