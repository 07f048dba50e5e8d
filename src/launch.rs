//! What the page was opened with: the room from the URL fragment and the
//! `?relay=`, `?ice=`, `?policy=`, `?name=`, `?media=` overrides, and what the lobby
//! hands over on join. Pure parsing: it must not touch the DOM.

use peerlink_core::IcePolicy;

/// Which local media to capture on join.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaMode {
    None,
    Audio,
    Video,
}

impl MediaMode {
    pub fn parse(text: &str) -> Option<MediaMode> {
        match text {
            "none" => Some(MediaMode::None),
            "audio" => Some(MediaMode::Audio),
            "video" => Some(MediaMode::Video),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            MediaMode::None => "none",
            MediaMode::Audio => "audio",
            MediaMode::Video => "video",
        }
    }
}

/// What the lobby hands over when the user joins.
#[derive(Debug, Clone, PartialEq)]
pub struct JoinRequest {
    /// The fragment form: `s/<secret>` for a private room, else a name.
    pub room: String,
    /// With a typed name: makes the room private (PBKDF2); empty otherwise.
    pub password: String,
    /// Devices picked on the pre-join screen (`None`: the browser's default).
    pub camera: Option<String>,
    pub microphone: Option<String>,
    pub name: String,
    pub media: MediaMode,
}

/// Options read from the page URL.
#[derive(Debug, Clone, PartialEq)]
pub struct LaunchOptions {
    /// The room named in the fragment (`/#room`), if any: joining is then automatic.
    pub room: Option<String>,
    /// `?relay=`; `None` means same origin `/ws`.
    pub relay: Option<String>,
    /// `?ice=` as raw JSON (an array of RTCIceServer dictionaries).
    pub ice: Option<String>,
    /// `?policy=relay` (TURN only) or `?policy=all`; `None`: the setting decides.
    pub policy: Option<IcePolicy>,
    pub name: Option<String>,
    pub media: MediaMode,
}

impl LaunchOptions {
    /// Parses `location.search` (with or without `?`) and `location.hash`.
    pub fn parse(search: &str, hash: &str) -> LaunchOptions {
        let mut options = LaunchOptions {
            room: None,
            relay: None,
            ice: None,
            policy: None,
            name: None,
            media: MediaMode::Video,
        };
        for pair in search
            .trim_start_matches('?')
            .split('&')
            .filter(|p| !p.is_empty())
        {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = percent_decode(value);
            match key {
                "relay" if !value.is_empty() => options.relay = Some(value),
                "ice" if !value.is_empty() => options.ice = Some(value),
                "policy" => options.policy = IcePolicy::parse(&value),
                "name" if !value.is_empty() => options.name = Some(value),
                "media" => options.media = MediaMode::parse(&value).unwrap_or(MediaMode::Video),
                _ => {}
            }
        }
        let room = percent_decode(hash.trim_start_matches('#'));
        let room = room.trim();
        if !room.is_empty() {
            options.room = Some(room.to_string());
        }
        options
    }
}

/// The WebSocket URL of the same-origin relay for a page at `protocol//host`.
pub fn same_origin_relay(protocol: &str, host: &str) -> String {
    let scheme = if protocol == "https:" { "wss" } else { "ws" };
    format!("{scheme}://{host}/ws")
}

/// Decodes `%XX` escapes and `+` (as space); invalid escapes stay as they are.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(byte) => {
                        out.push(byte);
                        i += 3;
                    }
                    None => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            byte => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Encodes a room name for the URL fragment.
pub fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The link to share for a room: the page address with only the query
/// parameters another person needs (`relay`, `ice`) and the room's fragment
/// (for a private room, its secret). Personal ones (`name`, `media`) stay out.
pub fn share_link(href: &str, fragment: &str) -> String {
    let base = href.split(['?', '#']).next().unwrap_or(href);
    let query = href
        .split_once('?')
        .map(|(_, rest)| rest.split('#').next().unwrap_or(rest))
        .unwrap_or("");
    let kept: Vec<&str> = query
        .split('&')
        .filter(|pair| matches!(pair.split('=').next(), Some("relay" | "ice")))
        .collect();
    let query = if kept.is_empty() {
        String::new()
    } else {
        format!("?{}", kept.join("&"))
    };
    format!("{base}{query}#{}", percent_encode(fragment))
}

/// The hosts other than the page's own (`page_host`) that a link sends the
/// app to: a `?relay=` elsewhere and the servers of `?ice=`, so the
/// pre-join screen can name them.
pub fn foreign_hosts(options: &LaunchOptions, page_host: &str) -> Vec<String> {
    let host_of = |rest: &str| {
        let rest = rest.trim_start_matches('/');
        rest.split(['/', '?', '#'])
            .next()
            .unwrap_or(rest)
            .to_string()
    };
    let relay = options
        .relay
        .as_deref()
        .map(|url| host_of(url.split_once("://").map_or(url, |(_, rest)| rest)));
    let ice = options
        .ice
        .as_deref()
        .and_then(|json| crate::rtc::IceConfig::parse(json).ok())
        .map(|config| {
            config
                .servers
                .iter()
                .flat_map(|s| s.urls.all())
                .map(|url| host_of(url.split_once(':').map_or(url, |(_, rest)| rest)))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    let mut hosts: Vec<String> = Vec::new();
    for host in relay.into_iter().chain(ice) {
        if !host.is_empty() && host != page_host && !hosts.contains(&host) {
            hosts.push(host);
        }
    }
    hosts
}
