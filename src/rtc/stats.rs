//! A per-peer summary of `getStats()`: round-trip time, bitrates, packet
//! loss and the candidate pair type (direct host/srflx, or relayed by TURN).
//! It reads and sums numbers; it must not word them for the user.

use wasm_bindgen::JsCast;
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
    /// Milliseconds timestamp of the report.
    pub timestamp: f64,
}

impl PeerStats {
    /// True when the selected pair goes through a TURN relay.
    pub fn is_relayed(&self) -> bool {
        self.local_candidate_type.as_deref() == Some("relay")
            || self.remote_candidate_type.as_deref() == Some("relay")
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

/// Reads and summarises the connection's statistics.
pub async fn collect_stats(pc: &RtcPeerConnection) -> Option<PeerStats> {
    let report = JsFuture::from(pc.get_stats()).await.ok()?;
    let report: web_sys::RtcStatsReport = report.dyn_into().ok()?;
    let mut stats = PeerStats {
        timestamp: js_sys::Date::now(),
        ..PeerStats::default()
    };
    let mut pair = None;
    let mut candidates = std::collections::HashMap::new();
    let values = js_sys::try_iter(&report.values()).ok().flatten()?;
    for entry in values.flatten() {
        match string_prop(&entry, "type").as_str() {
            "candidate-pair" => {
                let nominated = js_sys::Reflect::get(&entry, &"nominated".into())
                    .ok()
                    .and_then(|v| v.as_bool());
                if string_prop(&entry, "state") == "succeeded" && nominated != Some(false) {
                    stats.rtt_ms = number(&entry, "currentRoundTripTime")
                        .map(|s| s * 1000.0)
                        .or(stats.rtt_ms);
                    pair = Some((
                        string_prop(&entry, "localCandidateId"),
                        string_prop(&entry, "remoteCandidateId"),
                    ));
                }
            }
            "local-candidate" | "remote-candidate" => {
                candidates.insert(
                    string_prop(&entry, "id"),
                    string_prop(&entry, "candidateType"),
                );
            }
            "outbound-rtp" => stats.bytes_sent += number(&entry, "bytesSent").unwrap_or(0.0),
            "inbound-rtp" => {
                stats.bytes_received += number(&entry, "bytesReceived").unwrap_or(0.0);
                stats.packets_lost += number(&entry, "packetsLost").unwrap_or(0.0).max(0.0);
                stats.packets_received += number(&entry, "packetsReceived").unwrap_or(0.0);
            }
            "data-channel" => {
                stats.bytes_sent += number(&entry, "bytesSent").unwrap_or(0.0);
                stats.bytes_received += number(&entry, "bytesReceived").unwrap_or(0.0);
            }
            _ => {}
        }
    }
    if let Some((local, remote)) = pair {
        stats.local_candidate_type = candidates.get(&local).cloned();
        stats.remote_candidate_type = candidates.get(&remote).cloned();
    }
    Some(stats)
}
