//! `use_peer_stats`: the call's one `getStats()` poll per peer connection,
//! every 2 s, and at once when a peer connects. The peer tile's data path
//! and quality bars and the people panel's connection details all read
//! these samples through `use_peer_sample`; the call view provides the
//! board as context. The timer stops on cleanup; reading a report is
//! `rtc/stats.rs`'s job, judging quality `peerlink_core::Quality`'s.

use std::collections::HashMap;

use leptos::prelude::*;
use leptos::task::spawn_local;
use peerlink_core::{ConnectionState, DataPath, Quality};
use peerlink_protocol::PeerId;

use super::UseRoomReturn;
use crate::browser::Interval;
use crate::rtc::{collect_stats, PeerStats};

const POLL_EVERY_MS: u32 = 2_000;

/// One peer's latest report and the one before it.
#[derive(Debug, Clone, PartialEq)]
pub struct StatsSample {
    pub now: PeerStats,
    pub previous: Option<PeerStats>,
    /// The peer was connected when `now` was read, and still is.
    pub connected: bool,
}

impl StatsSample {
    /// Direct or relayed: `None` unless connected with a selected pair.
    pub fn path(&self) -> Option<DataPath> {
        self.now.path().filter(|_| self.connected)
    }

    /// Send and receive bitrates in kbit/s since the previous report.
    pub fn kbps(&self) -> (f64, f64) {
        self.now.kbps_since(self.previous.as_ref())
    }

    /// The quality by round-trip time and the packets lost since the
    /// previous report; `None` while there is nothing to judge by.
    pub fn quality(&self) -> Option<Quality> {
        let (lost, received) = self.now.packets_since(self.previous.as_ref());
        Quality::judge(self.now.rtt_ms, lost, received)
    }
}

/// Every peer's latest sample, from [`use_peer_stats`].
#[derive(Clone, Copy)]
pub struct PeerStatsBoard {
    samples: RwSignal<HashMap<PeerId, StatsSample>>,
}

fn connected_ids(room: UseRoomReturn) -> Vec<PeerId> {
    room.peers.with(|list| {
        list.iter()
            .filter(|p| p.state == ConnectionState::Connected)
            .map(|p| p.id)
            .collect()
    })
}

/// Polls every peer of `room` for the life of the calling component.
pub fn use_peer_stats(room: UseRoomReturn) -> PeerStatsBoard {
    let samples = RwSignal::new(HashMap::<PeerId, StatsSample>::new());
    let connected = Memo::new(move |_| connected_ids(room));
    let poll = move |id: PeerId| {
        let Some(session) = room.session(id) else {
            return;
        };
        spawn_local(async move {
            let Some(now) = collect_stats(session.connection()).await else {
                return;
            };
            let connected = connected
                .try_with_untracked(|ids| ids.contains(&id))
                .unwrap_or(false);
            samples.try_update(|all| {
                let previous = all.remove(&id).map(|s| s.now);
                all.insert(
                    id,
                    StatsSample {
                        now,
                        previous,
                        connected,
                    },
                );
            });
        });
    };
    let poll_all = move || {
        let Some(ids) = room
            .peers
            .try_with_untracked(|list| list.iter().map(|p| p.id).collect::<Vec<_>>())
        else {
            return;
        };
        samples.try_update(|all| all.retain(|id, _| ids.contains(id)));
        ids.into_iter().for_each(poll);
    };
    // A peer that connects is read at once; one that is no longer connected
    // has no path until it is read connected again.
    Effect::new(move |before: Option<Vec<PeerId>>| {
        let now = connected.get();
        let before = before.unwrap_or_default();
        samples.update(|all| {
            for (id, sample) in all.iter_mut() {
                sample.connected &= now.contains(id);
            }
        });
        for id in now.iter().filter(|id| !before.contains(id)) {
            poll(*id);
        }
        now
    });
    let timer = StoredValue::new_local(Some(Interval::new(POLL_EVERY_MS, poll_all)));
    on_cleanup(move || {
        timer.try_set_value(None);
    });
    PeerStatsBoard { samples }
}

/// The latest sample of the connection to `id` (`None` until first read),
/// from the board the call view provides.
pub fn use_peer_sample(room: UseRoomReturn, id: PeerId) -> Memo<Option<StatsSample>> {
    let board = expect_context::<PeerStatsBoard>();
    Memo::new(move |_| {
        let connected = room.peers.with(|list| {
            list.iter()
                .any(|p| p.id == id && p.state == ConnectionState::Connected)
        });
        board.samples.with(|all| {
            all.get(&id).cloned().map(|mut sample| {
                sample.connected &= connected;
                sample
            })
        })
    })
}
