//! `use_quality`: a peer's connection quality for its tile mark, from its
//! connection's `getStats()` every 3 s (round-trip time and packets lost
//! since the last poll). The judgement is `peerlink_core::Quality`'s; the
//! timer stops on cleanup.

use leptos::prelude::*;
use leptos::task::spawn_local;
use peerlink_core::Quality;
use peerlink_protocol::PeerId;

use super::UseRoomReturn;
use crate::browser::Interval;
use crate::rtc::{collect_stats, PeerStats};

const POLL_EVERY_MS: u32 = 3_000;

/// The latest quality of the connection to `id`; `None` until measured.
pub fn use_quality(room: UseRoomReturn, id: PeerId) -> ReadSignal<Option<Quality>> {
    let (quality, set_quality) = signal(None);
    let previous = StoredValue::new_local(None::<PeerStats>);
    let poll = move || {
        let Some(session) = room.session(id) else {
            return;
        };
        spawn_local(async move {
            let Some(stats) = collect_stats(session.connection()).await else {
                return;
            };
            let (lost, received) = match previous.try_get_value().flatten() {
                Some(prev) => (
                    stats.packets_lost - prev.packets_lost,
                    stats.packets_received - prev.packets_received,
                ),
                None => (stats.packets_lost, stats.packets_received),
            };
            let judged = Quality::judge(stats.rtt_ms, lost, received);
            previous.try_set_value(Some(stats));
            if quality.try_get_untracked() != Some(judged) {
                set_quality.try_set(judged);
            }
        });
    };
    let timer = StoredValue::new_local(Some(Interval::new(POLL_EVERY_MS, poll)));
    on_cleanup(move || {
        timer.try_set_value(None);
    });
    quality
}
