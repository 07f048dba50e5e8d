//! `use_stats`: polls one peer connection's `getStats()` every 2 s while the
//! component lives, and derives bitrates from successive reports;
//! `use_data_path` does the same for the path alone (direct or relayed)
//! while the peer is connected. Timers are dropped on cleanup; reading the
//! report is `rtc/stats.rs`'s job.

use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use peerlink_core::{ConnectionState, DataPath};
use peerlink_protocol::PeerId;

use super::UseRoomReturn;
use crate::browser::Interval;
use crate::rtc::{collect_stats, PeerSession, PeerStats};

/// Latest stats and the send/receive bitrates in kbit/s.
pub fn use_stats(session: Option<Rc<PeerSession>>) -> RwSignal<Option<(PeerStats, f64, f64)>> {
    let latest: RwSignal<Option<(PeerStats, f64, f64)>> = RwSignal::new(None);
    let Some(session) = session else {
        return latest;
    };
    let poll = move || {
        let session = session.clone();
        spawn_local(async move {
            let Some(now) = collect_stats(session.connection()).await else {
                return;
            };
            let (up, down) = match latest.try_get_untracked().flatten() {
                Some((prev, _, _)) if now.timestamp > prev.timestamp => {
                    let secs = (now.timestamp - prev.timestamp) / 1000.0;
                    (
                        (now.bytes_sent - prev.bytes_sent).max(0.0) * 8.0 / 1000.0 / secs,
                        (now.bytes_received - prev.bytes_received).max(0.0) * 8.0 / 1000.0 / secs,
                    )
                }
                _ => (0.0, 0.0),
            };
            latest.try_set(Some((now, up, down)));
        });
    };
    poll();
    let timer = StoredValue::new_local(Some(Interval::new(2_000, poll)));
    on_cleanup(move || {
        timer.try_set_value(None);
    });
    latest
}

/// The path of the connection to `id`: `None` until it is connected and a
/// candidate pair is selected (and again whenever it is not connected).
pub fn use_data_path(room: UseRoomReturn, id: PeerId) -> RwSignal<Option<DataPath>> {
    let path = RwSignal::new(None);
    let connected = Memo::new(move |_| {
        room.peers.with(|list| {
            list.iter()
                .any(|p| p.id == id && p.state == ConnectionState::Connected)
        })
    });
    let poll = move || {
        let session = room
            .session(id)
            .filter(|_| connected.try_get_untracked() == Some(true));
        let Some(session) = session else {
            path.try_set(None);
            return;
        };
        spawn_local(async move {
            let now = collect_stats(session.connection())
                .await
                .and_then(|s| s.path());
            if connected.try_get_untracked() == Some(true) {
                path.try_set(now);
            }
        });
    };
    // At once on every change of `connected`, then every 2 s.
    Effect::new(move |_| {
        connected.track();
        poll();
    });
    let timer = StoredValue::new_local(Some(Interval::new(2_000, poll)));
    on_cleanup(move || {
        timer.try_set_value(None);
    });
    path
}
