//! ICE servers: the default list (one public STUN server, as in the classic
//! tutorials), overrides from settings or `?ice=` (JSON), TURN credentials,
//! and the RTCConfiguration they make with the transport policy. It parses,
//! checks and fetches server lists; it must not choose between them (that
//! is `hooks/use_ice.rs`).

use peerlink_core::IcePolicy;
use serde::{Deserialize, Serialize};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::RtcConfiguration;

use super::js::set_string_prop;
use super::IceError;

/// The STUN server used when nothing else is configured.
pub const DEFAULT_STUN: &str = "stun:stun.l.google.com:19302";

/// One RTCIceServer dictionary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IceServer {
    /// One URL or several (`stun:…`, `turn:…`, `turns:…`).
    pub urls: IceUrls,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum IceUrls {
    One(String),
    Many(Vec<String>),
}

impl IceUrls {
    pub fn all(&self) -> Vec<&str> {
        match self {
            IceUrls::One(url) => vec![url.as_str()],
            IceUrls::Many(urls) => urls.iter().map(String::as_str).collect(),
        }
    }
}

/// The ICE servers a session uses, and which candidates it may use.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct IceConfig {
    pub servers: Vec<IceServer>,
    /// `iceTransportPolicy` (`relay`: TURN candidates only).
    pub policy: IcePolicy,
}

impl IceConfig {
    /// The default: one public STUN server.
    pub fn default_public() -> IceConfig {
        IceConfig {
            servers: vec![IceServer {
                urls: IceUrls::One(DEFAULT_STUN.into()),
                username: None,
                credential: None,
            }],
            policy: IcePolicy::All,
        }
    }

    /// No servers at all: host candidates only (tests, same-LAN use).
    pub fn host_only() -> IceConfig {
        IceConfig {
            servers: Vec::new(),
            policy: IcePolicy::All,
        }
    }

    /// Parses a JSON array of RTCIceServer dictionaries (`?ice=`, settings).
    pub fn parse(json: &str) -> Result<IceConfig, IceError> {
        let servers: Vec<IceServer> =
            serde_json::from_str(json).map_err(|e| IceError::Json(e.to_string()))?;
        for server in &servers {
            let urls = server.urls.all();
            if urls.is_empty() {
                return Err(IceError::NoUrls);
            }
            for url in urls {
                let scheme_ok = ["stun:", "stuns:", "turn:", "turns:"]
                    .iter()
                    .any(|s| url.starts_with(s));
                if !scheme_ok {
                    return Err(IceError::BadScheme(url.to_string()));
                }
                if url.starts_with("turn")
                    && (server.username.is_none() || server.credential.is_none())
                {
                    return Err(IceError::MissingCredential(url.to_string()));
                }
            }
        }
        Ok(IceConfig {
            servers,
            policy: IcePolicy::All,
        })
    }

    /// True when at least one `turn:`/`turns:` server is configured.
    pub fn has_turn(&self) -> bool {
        self.servers
            .iter()
            .flat_map(|s| s.urls.all())
            .any(|url| url.starts_with("turn:") || url.starts_with("turns:"))
    }

    /// The RTCConfiguration of a peer connection: the servers and the policy.
    pub fn rtc_configuration(&self) -> Result<RtcConfiguration, IceError> {
        let config = RtcConfiguration::new();
        config.set_ice_servers(&self.to_js()?);
        set_string_prop(&config, "iceTransportPolicy", self.policy.as_str())
            .map_err(|_| IceError::Encode("iceTransportPolicy".into()))?;
        Ok(config)
    }

    /// The `iceServers` value for an RTCConfiguration.
    pub fn to_js(&self) -> Result<JsValue, IceError> {
        let serializer = serde_wasm_bindgen::Serializer::json_compatible();
        self.servers
            .serialize(&serializer)
            .map_err(|e| IceError::Encode(e.to_string()))
    }
}

/// The relay's `/turn` URL for a relay WebSocket URL (`wss://h/ws` → `https://h/turn`).
pub fn turn_url(relay_ws_url: &str) -> Option<String> {
    let url = web_sys::Url::new(relay_ws_url).ok()?;
    let scheme = match url.protocol().as_str() {
        "wss:" => "https:",
        "ws:" => "http:",
        _ => return None,
    };
    url.set_protocol(scheme);
    let path = url.pathname();
    let base = path
        .strip_suffix("/ws")
        .unwrap_or(path.trim_end_matches('/'));
    url.set_pathname(&format!("{base}/turn"));
    url.set_search("");
    url.set_hash("");
    Some(url.href())
}

#[derive(Deserialize)]
struct TurnAnswer {
    #[serde(rename = "iceServers")]
    ice_servers: Vec<IceServer>,
}

/// Short-lived TURN credentials from the relay, if it hands them out
/// (`GET /turn`, coturn's shared-secret scheme); `None` when it does not.
pub async fn fetch_turn(relay_ws_url: &str) -> Option<IceConfig> {
    let url = turn_url(relay_ws_url)?;
    let response = JsFuture::from(web_sys::window()?.fetch_with_str(&url))
        .await
        .ok()?;
    let response: web_sys::Response = response.dyn_into().ok()?;
    if !response.ok() {
        return None;
    }
    let text = JsFuture::from(response.text().ok()?)
        .await
        .ok()?
        .as_string()?;
    let answer: TurnAnswer = serde_json::from_str(&text).ok()?;
    let json = serde_json::to_string(&answer.ice_servers).ok()?;
    IceConfig::parse(&json)
        .ok()
        .filter(|config| !config.servers.is_empty())
}
