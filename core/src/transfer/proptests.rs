//! Property tests: random interleavings of peer messages, user input, chunks,
//! link changes, time and the wrapper's (delayed) reports, against a model of
//! the bytes the wrapper really holds.

use std::collections::BTreeMap;

use peerlink_protocol::{ChannelMessage, FileOffer, PeerId};
use proptest::prelude::*;

use super::*;
use crate::{ConnectionState, Instant};

const IDS: [&str; 3] = ["a", "b", "o"];

fn peer(n: u8) -> PeerId {
    // Peer 0 is the one we deal with; peer 1 tries to interfere.
    PeerId::from_bytes([n + 1; 16])
}

/// The file each id stands for: its true digest.
fn truth(id: &str) -> Digest {
    Digest([id.as_bytes()[0]; 32])
}

#[derive(Debug, Clone)]
enum Event {
    Offer {
        from: u8,
        id: usize,
        size: u64,
    },
    OfferOut {
        id: usize,
        size: u64,
    },
    Accept(usize),
    Cancel(usize),
    Chunk {
        id: usize,
        len: usize,
        corrupt: bool,
    },
    /// What an honest sender sends: the rest of the file.
    Rest(usize),
    Done {
        from: u8,
        id: usize,
        good: bool,
    },
    PeerAccept {
        from: u8,
        id: usize,
        offset: u64,
    },
    PeerCancel {
        from: u8,
        id: usize,
    },
    PeerReject {
        from: u8,
        id: usize,
    },
    Verdict {
        from: u8,
        id: usize,
        ok: bool,
    },
    Closed(usize),
    State {
        of: u8,
        state: u8,
    },
    Left(u8),
    Advance(u64),
    Progress {
        id: usize,
        sent: u64,
    },
    Finish(usize),
    StoreFails(usize),
}

fn event() -> impl Strategy<Value = Event> {
    let id = || 0..IDS.len();
    let from = || 0u8..2;
    prop_oneof![
        2 => (from(), id(), 0u64..40).prop_map(|(from, id, size)| Event::Offer { from, id, size }),
        3 => (id(), 0u64..40).prop_map(|(id, size)| Event::Offer { from: 0, id, size }),
        1 => (id(), 0u64..40).prop_map(|(id, size)| Event::OfferOut { id, size }),
        4 => id().prop_map(Event::Accept),
        1 => id().prop_map(Event::Cancel),
        2 => (id(), 0usize..25, proptest::bool::weighted(0.1))
            .prop_map(|(id, len, corrupt)| Event::Chunk { id, len, corrupt }),
        3 => id().prop_map(Event::Rest),
        3 => (from(), id(), proptest::bool::weighted(0.7))
            .prop_map(|(from, id, good)| Event::Done { from, id, good }),
        2 => (from(), id(), 0u64..50)
            .prop_map(|(from, id, offset)| Event::PeerAccept { from, id, offset }),
        1 => (from(), id()).prop_map(|(from, id)| Event::PeerCancel { from, id }),
        1 => (from(), id()).prop_map(|(from, id)| Event::PeerReject { from, id }),
        2 => (from(), id(), any::<bool>()).prop_map(|(from, id, ok)| Event::Verdict { from, id, ok }),
        1 => id().prop_map(Event::Closed),
        1 => (from(), 0u8..6).prop_map(|(of, state)| Event::State { of, state }),
        1 => from().prop_map(Event::Left),
        1 => (0u64..7_000).prop_map(Event::Advance),
        1 => (id(), 0u64..50).prop_map(|(id, sent)| Event::Progress { id, sent }),
        4 => (0usize..8).prop_map(Event::Finish),
        1 => (0usize..8).prop_map(Event::StoreFails),
    ]
}

/// What the wrapper holds: bytes kept per receive, and its pending work.
#[derive(Default)]
struct Wrapper {
    kept: BTreeMap<String, u64>,
    corrupted: BTreeMap<String, bool>,
    /// `FinishHash` / `FinishStore` / `StartSending` not yet reported.
    pending: Vec<Action>,
    starts: BTreeMap<String, u32>,
    /// The digest each receive's sender claimed (`file-done` taken).
    claims: BTreeMap<String, Digest>,
}

impl Wrapper {
    /// The invariants that must hold after every event.
    fn check(&self, t: &Transfers) -> Result<(), TestCaseError> {
        for transfer in t.iter() {
            let id = &transfer.id;
            prop_assert!(transfer.transferred <= transfer.size, "{transfer:?}");
            if transfer.state() != TransferState::Verified {
                continue;
            }
            prop_assert_eq!(transfer.sha256(), Some(truth(id)));
            prop_assert_eq!(transfer.transferred, transfer.size);
            if transfer.direction() == Direction::Receive {
                prop_assert_eq!(self.claims.get(id), Some(&truth(id)), "claimed");
                prop_assert_eq!(self.kept.get(id), Some(&transfer.size), "kept");
                prop_assert!(self.corrupted.get(id) != Some(&true), "corrupt bytes");
            }
        }
        Ok(())
    }

    fn take_actions(&mut self, t: &mut Transfers) -> Result<(), TestCaseError> {
        while let Some(action) = t.poll_action() {
            match &action {
                Action::Control {
                    message: ChannelMessage::FileAccept { id, offset },
                    ..
                } => {
                    let kept = self.kept.get(id).copied().unwrap_or(0);
                    prop_assert!(*offset <= kept, "resume from {offset} > {kept} kept");
                }
                Action::StartSending { id, offset, .. } => {
                    let size = t.get(id).map_or(0, |f| f.size);
                    prop_assert!(*offset <= size);
                    *self.starts.entry(id.clone()).or_default() += 1;
                    prop_assert!(self.starts[id] <= Limits::default().max_accepts_per_transfer);
                    self.pending.push(action.clone());
                }
                Action::Discard { id } | Action::PrepareStore { id, .. } => {
                    self.kept.insert(id.clone(), 0);
                    self.corrupted.insert(id.clone(), false);
                }
                Action::FinishHash { .. } | Action::FinishStore { .. } => {
                    self.pending.push(action.clone());
                }
                _ => {}
            }
        }
        self.check(t)
    }

    /// Reports one pending piece of work back, as the browser would.
    fn finish(&mut self, t: &mut Transfers, k: usize, ok: bool, now: Instant) {
        if self.pending.is_empty() {
            return;
        }
        let action = self.pending.remove(k % self.pending.len());
        let _ = match action {
            Action::FinishHash { id } => {
                let size = t.get(&id).map_or(0, |f| f.size);
                let whole = self.kept.get(&id) == Some(&size);
                let clean = self.corrupted.get(&id) != Some(&true);
                let digest = if whole && clean {
                    truth(&id)
                } else {
                    Digest([0xEE; 32])
                };
                t.handle_local_hash(&id, digest, now)
            }
            Action::FinishStore { id } if ok => t.handle_stored(&id, now),
            Action::FinishStore { id } => {
                t.handle_io_error(&id, IoError::StoreFinish("x".into()), now)
            }
            Action::StartSending { id, .. } if ok => t.handle_local_hash(&id, truth(&id), now),
            Action::StartSending { id, .. } => {
                t.handle_io_error(&id, IoError::ChannelSend("x".into()), now)
            }
            _ => Ok(()),
        };
    }
}

fn snapshot(t: &Transfers, id: &str) -> Option<Transfer> {
    t.get(id).cloned()
}

fn connection(n: u8) -> ConnectionState {
    [
        ConnectionState::New,
        ConnectionState::Connecting,
        ConnectionState::Connected,
        ConnectionState::Disconnected,
        ConnectionState::Failed,
        ConnectionState::Closed,
    ][usize::from(n) % 6]
}

/// A message from a peer; peer 1 tries to cancel or reject peer 0's.
fn from_peer(
    t: &mut Transfers,
    w: &mut Wrapper,
    event: Event,
    now: Instant,
) -> Result<Result<(), TransferError>, TestCaseError> {
    let name = |id: usize| IDS[id].to_string();
    let interfering = |from: u8, id: usize, t: &Transfers| {
        from == 1 && t.get(IDS[id]).is_some_and(|f| f.peer != peer(1))
    };
    Ok(match event {
        Event::Offer { from, id, size } => t.handle_control(
            peer(from),
            ChannelMessage::FileOffer(FileOffer {
                id: name(id),
                name: "f".into(),
                size,
                mime: String::new(),
                ..FileOffer::default()
            }),
            now,
        ),
        Event::Done { from, id, good } => {
            let digest = if good {
                truth(IDS[id])
            } else {
                Digest([0xBB; 32])
            };
            let message = ChannelMessage::FileDone {
                id: name(id),
                sha256: digest.to_hex(),
            };
            let got = t.handle_control(peer(from), message, now);
            if got.is_ok() {
                w.claims.insert(name(id), digest);
            }
            got
        }
        Event::PeerAccept { from, id, offset } => {
            let message = ChannelMessage::FileAccept {
                id: name(id),
                offset,
            };
            t.handle_control(peer(from), message, now)
        }
        Event::PeerCancel { from, id } | Event::PeerReject { from, id } => {
            let cancel = matches!(event, Event::PeerCancel { .. });
            let message = if cancel {
                ChannelMessage::FileCancel { id: name(id) }
            } else {
                ChannelMessage::FileReject { id: name(id) }
            };
            let hostile = interfering(from, id, t);
            let before = snapshot(t, IDS[id]);
            let got = t.handle_control(peer(from), message, now);
            if hostile {
                prop_assert_eq!(&got, &Err(TransferError::NotOwner));
                prop_assert_eq!(snapshot(t, IDS[id]), before);
            }
            got
        }
        Event::Verdict { from, id, ok } => {
            let message = if ok {
                ChannelMessage::FileOk { id: name(id) }
            } else {
                ChannelMessage::FileCorrupt { id: name(id) }
            };
            t.handle_control(peer(from), message, now)
        }
        _ => Ok(()),
    })
}

fn apply(
    t: &mut Transfers,
    w: &mut Wrapper,
    event: Event,
    now: Instant,
) -> Result<(), TestCaseError> {
    let name = |id: usize| IDS[id].to_string();
    let offer = |id: usize, size| FileOffer {
        id: name(id),
        name: "f".into(),
        size,
        mime: String::new(),
        ..FileOffer::default()
    };
    let _ = match event {
        Event::OfferOut { id, size } => t.offer(peer(0), offer(id, size), now),
        Event::Accept(id) => t.accept(IDS[id], now),
        Event::Cancel(id) => t.cancel(IDS[id], now),
        Event::Rest(id) => {
            let size = t.get(IDS[id]).map_or(0, |f| f.size);
            let len = size.saturating_sub(w.kept.get(IDS[id]).copied().unwrap_or(0));
            apply(
                t,
                w,
                Event::Chunk {
                    id,
                    len: len as usize,
                    corrupt: false,
                },
                now,
            )?;
            Ok(())
        }
        Event::Chunk { id, len, corrupt } => {
            let got = t.handle_chunk(IDS[id], len, now);
            if got == Ok(Chunk::Keep) {
                *w.kept.entry(name(id)).or_default() += len as u64;
                if corrupt && len > 0 {
                    w.corrupted.insert(name(id), true);
                }
            }
            got.map(drop)
        }
        Event::Offer { .. }
        | Event::Done { .. }
        | Event::PeerAccept { .. }
        | Event::PeerCancel { .. }
        | Event::PeerReject { .. }
        | Event::Verdict { .. } => from_peer(t, w, event, now)?,
        Event::Closed(id) => t.handle_channel_closed(IDS[id], now),
        Event::State { of, state } => {
            t.handle_peer_state(peer(of), connection(state), now);
            Ok(())
        }
        Event::Left(of) => {
            t.handle_peer_left(peer(of), now);
            Ok(())
        }
        Event::Advance(_) => {
            t.handle_timeout(now);
            Ok(())
        }
        Event::Progress { id, sent } => t.handle_progress(IDS[id], sent, now),
        Event::Finish(k) => {
            w.finish(t, k, true, now);
            Ok(())
        }
        Event::StoreFails(k) => {
            w.finish(t, k, false, now);
            Ok(())
        }
    };
    w.take_actions(t)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    /// A transfer never reports verified with a wrong hash or with more bytes
    /// than announced; a non-owner's cancel or reject never changes a
    /// transfer; resume offsets never exceed the bytes kept; accepts are
    /// bounded.
    #[test]
    fn no_interleaving_breaks_the_transfer_rules(
        events in proptest::collection::vec(event(), 1..80)
    ) {
        let mut t = Transfers::default();
        let mut w = Wrapper::default();
        let mut now = 0u64;
        for event in events {
            if let Event::Advance(ms) = event {
                now += ms;
            }
            apply(&mut t, &mut w, event, Instant::from_millis(now))?;
        }
    }
}
