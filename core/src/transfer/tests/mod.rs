//! Table tests, one per rule of the transfer machine, with a fake clock;
//! this file holds the shared fixtures, the modules below hold the tables.

mod batch;
mod both;
mod receive;
mod resume;
mod send;

pub(super) use peerlink_protocol::{ChannelMessage, FileOffer, PeerId};

pub(super) use super::*;
pub(super) use crate::{ConnectionState, Instant};

pub(super) const SIZE: u64 = 1_000;
pub(super) const GOOD: Digest = Digest([7; 32]);
pub(super) const BAD: Digest = Digest([9; 32]);

pub(super) fn alice() -> PeerId {
    PeerId::from_bytes([1; 16])
}

pub(super) fn mallory() -> PeerId {
    PeerId::from_bytes([2; 16])
}

pub(super) fn at(ms: u64) -> Instant {
    Instant::from_millis(ms)
}

pub(super) fn file_offer(id: &str, name: &str) -> FileOffer {
    FileOffer {
        id: id.into(),
        name: name.into(),
        size: SIZE,
        mime: "text/plain".into(),
        ..FileOffer::default()
    }
}

pub(super) fn drain(t: &mut Transfers) -> Vec<Action> {
    std::iter::from_fn(|| t.poll_action()).collect()
}

pub(super) fn control(peer: PeerId, message: ChannelMessage) -> Action {
    Action::Control { peer, message }
}

pub(super) fn view(id: &str) -> Action {
    Action::View { id: id.into() }
}

pub(super) fn state(t: &Transfers, id: &str) -> TransferState {
    t.get(id).expect("transfer").state()
}

/// A receive of `SIZE` bytes from alice, accepted, nothing arrived yet.
pub(super) fn receiving(id: &str) -> Transfers {
    let mut t = Transfers::default();
    let offer = ChannelMessage::FileOffer(file_offer(id, "a.txt"));
    t.handle_control(alice(), offer, at(0)).expect("offer");
    t.accept(id, at(0)).expect("accept");
    drain(&mut t);
    t
}

/// A send of `SIZE` bytes to alice, accepted from offset 0.
pub(super) fn sending(id: &str) -> Transfers {
    let mut t = Transfers::default();
    t.offer(alice(), file_offer(id, "a.txt"), at(0))
        .expect("offer");
    let accept = ChannelMessage::FileAccept {
        id: id.into(),
        offset: 0,
    };
    t.handle_control(alice(), accept, at(0)).expect("accept");
    drain(&mut t);
    t
}

pub(super) fn done(id: &str, digest: Digest) -> ChannelMessage {
    ChannelMessage::FileDone {
        id: id.into(),
        sha256: digest.to_hex(),
    }
}
