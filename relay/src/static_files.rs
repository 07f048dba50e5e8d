//! Serving the built app (`--serve DIR`) with the security headers a static
//! host should send. The CSP allows the app's own scripts (its inline loader
//! by hash), WebAssembly, media from the camera, and any ws:/wss: relay,
//! since `?relay=` may name any relay. The headers are recomputed whenever
//! `index.html` changes (cached by its modification time), so rebuilding
//! `dist/` under a running relay needs no restart. It must not serve
//! anything outside the directory (ServeDir's job) or touch other routes.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
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

type Headers = Vec<(HeaderName, HeaderValue)>;
/// The headers and the index.html modification time they were computed for.
type Cached = Option<(SystemTime, Arc<Headers>)>;

/// The security headers for `dir`, recomputed when its index.html changes.
#[derive(Clone)]
pub struct SecurityHeaders {
    dir: PathBuf,
    cache: Arc<Mutex<Cached>>,
}

impl SecurityHeaders {
    pub fn new(dir: &Path) -> Result<Self, RelayError> {
        let headers = SecurityHeaders {
            dir: dir.to_path_buf(),
            cache: Arc::default(),
        };
        // Fail at startup, not on the first request, if index.html is unusable.
        security_headers(dir)?;
        Ok(headers)
    }

    fn current(&self) -> Option<Arc<Headers>> {
        let modified = std::fs::metadata(self.dir.join("index.html"))
            .and_then(|meta| meta.modified())
            .ok()?;
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((at, headers)) = cache.as_ref() {
            if *at == modified {
                return Some(headers.clone());
            }
        }
        let headers = Arc::new(security_headers(&self.dir).ok()?);
        *cache = Some((modified, headers.clone()));
        Some(headers)
    }
}

/// Middleware: adds the current security headers to every response that
/// does not set them itself.
pub async fn add_headers(
    State(headers): State<SecurityHeaders>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    if let Some(current) = headers.current() {
        let map = response.headers_mut();
        for (name, value) in current.iter() {
            if !map.contains_key(name) {
                map.insert(name.clone(), value.clone());
            }
        }
    }
    response
}

/// Headers for every response when serving the app from `dir`.
fn security_headers(dir: &Path) -> Result<Headers, RelayError> {
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
