//! A per-peer summary of `getStats()`: round-trip time, bitrates, packet
//! loss and the selected candidate pair (direct host/srflx, or relayed by
//! TURN, and over which protocol the TURN server is reached). It reads and
//! sums numbers; it must not word them for the user.

use peerlink_core::DataPath;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::RtcPeerConnection;

use super::js::string_prop;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct PeerStats {
    pub rtt_ms: Option<f64>,
    pub bytes_sent: f64,
    pub bytes_received: f64,
    pub packets_lost: f64,
    pub packets_received: f64,
    /// `host`, `srflx`, `prflx` or `relay` for the local side of the selected pair.
    pub local_candidate_type: Option<String>,
    pub remote_candidate_type: Option<String>,
    /// `relayProtocol` of a local relay candidate: how this browser reaches
    /// the TURN server (`udp`, `tcp` or `tls`).
    pub relay_protocol: Option<String>,
    /// Milliseconds timestamp of the report.
    pub timestamp: f64,
}

impl PeerStats {
    /// True when the selected pair goes through a TURN relay.
    pub fn is_relayed(&self) -> bool {
        self.path() == Some(DataPath::Relayed)
    }

    /// Direct or relayed; `None` while no pair is selected.
    pub fn path(&self) -> Option<DataPath> {
        DataPath::of_pair(
            self.local_candidate_type.as_deref()?,
            self.remote_candidate_type.as_deref()?,
        )
    }

    /// Send and receive bitrates in kbit/s since `previous` (an earlier
    /// report of the same connection); zero without one.
    pub fn kbps_since(&self, previous: Option<&PeerStats>) -> (f64, f64) {
        match previous {
            Some(prev) if self.timestamp > prev.timestamp => {
                let secs = (self.timestamp - prev.timestamp) / 1000.0;
                let kbps = |now: f64, then: f64| (now - then).max(0.0) * 8.0 / 1000.0 / secs;
                (
                    kbps(self.bytes_sent, prev.bytes_sent),
                    kbps(self.bytes_received, prev.bytes_received),
                )
            }
            _ => (0.0, 0.0),
        }
    }

    /// Packets lost and received since `previous`; all so far without it.
    pub fn packets_since(&self, previous: Option<&PeerStats>) -> (f64, f64) {
        match previous {
            Some(prev) => (
                self.packets_lost - prev.packets_lost,
                self.packets_received - prev.packets_received,
            ),
            None => (self.packets_lost, self.packets_received),
        }
    }

    /// Packet loss in percent of packets expected.
    pub fn loss_percent(&self) -> f64 {
        let expected = self.packets_received + self.packets_lost;
        if expected > 0.0 {
            100.0 * self.packets_lost / expected
        } else {
            0.0
        }
    }
}

fn number(report: &wasm_bindgen::JsValue, name: &str) -> Option<f64> {
    js_sys::Reflect::get(report, &name.into()).ok()?.as_f64()
}

/// The selected pair's id: the transport's `selectedCandidatePairId`
/// (Chromium), else the pair marked `selected` (Firefox), else a succeeded
/// nominated pair.
fn selected_pair(entries: &[JsValue]) -> Option<String> {
    let flag = |entry: &JsValue, name: &str| {
        js_sys::Reflect::get(entry, &name.into())
            .ok()
            .and_then(|v| v.as_bool())
    };
    let of_type = |kind: &'static str| {
        entries
            .iter()
            .filter(move |e| string_prop(e, "type") == kind)
    };
    of_type("transport")
        .map(|t| string_prop(t, "selectedCandidatePairId"))
        .find(|id| !id.is_empty())
        .or_else(|| {
            of_type("candidate-pair")
                .find(|p| flag(p, "selected") == Some(true))
                .map(|p| string_prop(p, "id"))
        })
        .or_else(|| {
            of_type("candidate-pair")
                .find(|p| {
                    string_prop(p, "state") == "succeeded" && flag(p, "nominated") != Some(false)
                })
                .map(|p| string_prop(p, "id"))
        })
}

/// Adds one report entry's byte and packet counts.
fn add_counts(stats: &mut PeerStats, entry: &JsValue) {
    match string_prop(entry, "type").as_str() {
        "outbound-rtp" => stats.bytes_sent += number(entry, "bytesSent").unwrap_or(0.0),
        "inbound-rtp" => {
            stats.bytes_received += number(entry, "bytesReceived").unwrap_or(0.0);
            stats.packets_lost += number(entry, "packetsLost").unwrap_or(0.0).max(0.0);
            stats.packets_received += number(entry, "packetsReceived").unwrap_or(0.0);
        }
        "data-channel" => {
            stats.bytes_sent += number(entry, "bytesSent").unwrap_or(0.0);
            stats.bytes_received += number(entry, "bytesReceived").unwrap_or(0.0);
        }
        _ => {}
    }
}

/// Reads and summarises the connection's statistics.
pub async fn collect_stats(pc: &RtcPeerConnection) -> Option<PeerStats> {
    let report = JsFuture::from(pc.get_stats()).await.ok()?;
    let report: web_sys::RtcStatsReport = report.dyn_into().ok()?;
    let mut stats = PeerStats {
        timestamp: js_sys::Date::now(),
        ..PeerStats::default()
    };
    let entries: Vec<JsValue> = js_sys::try_iter(&report.values())
        .ok()
        .flatten()?
        .flatten()
        .collect();
    for entry in &entries {
        add_counts(&mut stats, entry);
    }
    let by_id = |id: &str| {
        entries
            .iter()
            .find(|e| !id.is_empty() && string_prop(e, "id") == id)
    };
    let Some(pair) = selected_pair(&entries).and_then(|id| by_id(&id)) else {
        return Some(stats);
    };
    stats.rtt_ms = number(pair, "currentRoundTripTime").map(|s| s * 1000.0);
    let local = by_id(&string_prop(pair, "localCandidateId"));
    let remote = by_id(&string_prop(pair, "remoteCandidateId"));
    let kind = |c: Option<&JsValue>| {
        c.map(|c| string_prop(c, "candidateType"))
            .filter(|t| !t.is_empty())
    };
    stats.local_candidate_type = kind(local);
    stats.remote_candidate_type = kind(remote);
    stats.relay_protocol = local
        .map(|c| string_prop(c, "relayProtocol"))
        .filter(|p| !p.is_empty());
    Some(stats)
}
