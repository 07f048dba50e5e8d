//! A model of two `RTCPeerConnection`s negotiating through
//! `Negotiation`: JSEP signaling states, sent and received tracks,
//! `negotiationneeded`, and a scripted network that can delay, interleave and
//! replay signals. Used by the property tests in negotiation_tests.rs.

use std::collections::{BTreeSet, VecDeque};

use peerlink_protocol::{CandidateBody, DescriptionBody, SdpKind, Signal};

use crate::{Negotiation, NegotiationAction, NegotiationError, Role, SignalingState};

pub(super) fn description(
    kind: SdpKind,
    session: &str,
    version: u64,
    tracks: &BTreeSet<u32>,
) -> DescriptionBody {
    let list: Vec<String> = tracks.iter().map(u32::to_string).collect();
    DescriptionBody {
        kind,
        sdp: format!(
            "v=0\r\no=- {session} {version} IN IP4 127.0.0.1\r\na=tracks:{}\r\n",
            list.join(",")
        ),
    }
}

pub(super) fn candidate(n: u32) -> Signal {
    Signal::Candidate(CandidateBody {
        candidate: Some(format!("candidate:{n} 1 udp 1 127.0.0.1 {n} typ host")),
        sdp_mid: Some("0".into()),
        sdp_m_line_index: Some(0),
        username_fragment: None,
    })
}

/// A model of one `RTCPeerConnection`: JSEP signaling states, the tracks it
/// sends (attached) and those it receives, `negotiationneeded`.
struct FakePc {
    session: &'static str,
    version: u64,
    signaling: SignalingState,
    attached: BTreeSet<u32>,
    /// Local tracks the other side has learned of.
    negotiated: BTreeSet<u32>,
    offered: Option<BTreeSet<u32>>,
    remote_offer: Option<BTreeSet<u32>>,
    receiving: BTreeSet<u32>,
    has_remote: bool,
}

fn tracks_of(sdp: &str) -> BTreeSet<u32> {
    sdp.lines()
        .find_map(|l| l.strip_prefix("a=tracks:"))
        .map(|list| list.split(',').filter_map(|t| t.parse().ok()).collect())
        .unwrap_or_default()
}

impl FakePc {
    fn new(session: &'static str) -> FakePc {
        FakePc {
            session,
            version: 0,
            signaling: SignalingState::Stable,
            attached: BTreeSet::new(),
            negotiated: BTreeSet::new(),
            offered: None,
            remote_offer: None,
            receiving: BTreeSet::new(),
            has_remote: false,
        }
    }

    fn set_local(&mut self) -> Result<DescriptionBody, String> {
        self.version += 1;
        match self.signaling {
            SignalingState::Stable => {
                self.offered = Some(self.attached.clone());
                self.signaling = SignalingState::HaveLocalOffer;
                let d = description(SdpKind::Offer, self.session, self.version, &self.attached);
                Ok(d)
            }
            SignalingState::HaveRemoteOffer => {
                self.receiving = self.remote_offer.take().unwrap_or_default();
                self.negotiated = self.attached.clone();
                self.signaling = SignalingState::Stable;
                let d = description(SdpKind::Answer, self.session, self.version, &self.attached);
                Ok(d)
            }
            _ => Err("InvalidStateError".into()),
        }
    }

    fn set_remote(&mut self, d: &DescriptionBody) -> Result<(), String> {
        match (d.kind, self.signaling) {
            (SdpKind::Offer, SignalingState::Stable | SignalingState::HaveRemoteOffer) => {}
            (SdpKind::Offer, SignalingState::HaveLocalOffer) => self.offered = None, // rollback
            (SdpKind::Answer, SignalingState::HaveLocalOffer) => {
                self.receiving = tracks_of(&d.sdp);
                self.negotiated = self.offered.take().unwrap_or_default();
                self.signaling = SignalingState::Stable;
                self.has_remote = true;
                return Ok(());
            }
            _ => return Err("InvalidStateError".into()),
        }
        self.remote_offer = Some(tracks_of(&d.sdp));
        self.signaling = SignalingState::HaveRemoteOffer;
        self.has_remote = true;
        Ok(())
    }

    fn needs_negotiation(&self) -> bool {
        self.signaling == SignalingState::Stable && self.attached != self.negotiated
    }
}

pub(super) struct Side {
    core: Negotiation,
    pc: FakePc,
    wanted: BTreeSet<u32>,
    reports: Vec<NegotiationError>,
    sent: Vec<Signal>,
}

impl Side {
    fn new(role: Role, session: &'static str, first_track: u32) -> Side {
        Side {
            core: Negotiation::new(role),
            pc: FakePc::new(session),
            wanted: BTreeSet::from([first_track]),
            reports: Vec::new(),
            sent: Vec::new(),
        }
    }

    fn add_track(&mut self, track: u32) {
        self.wanted.insert(track);
        if self.core.started() {
            self.pc.attached.insert(track);
        }
        self.check_negotiation_needed();
    }

    fn check_negotiation_needed(&mut self) {
        if self.pc.needs_negotiation() {
            self.core.negotiation_needed();
        }
    }

    /// Carries out one action; what it sends goes to `wire`.
    fn act(&mut self, wire: &mut VecDeque<Signal>) -> bool {
        let Some(action) = self.core.poll_action() else {
            return false;
        };
        match action {
            NegotiationAction::Start => self.pc.attached = self.wanted.clone(),
            NegotiationAction::SetLocalDescription => {
                let result = self.pc.set_local();
                if result.is_ok() {
                    // Trickled at once: it may overtake its description.
                    wire.push_back(candidate(self.pc.version as u32));
                }
                self.core
                    .local_description_set(result.map(Some), self.pc.signaling);
            }
            NegotiationAction::SetRemoteDescription(d) => {
                let result = self.pc.set_remote(&d);
                self.core.remote_description_set(result, self.pc.signaling);
            }
            NegotiationAction::AddCandidate(_) => {
                let result = if self.pc.has_remote {
                    Ok(())
                } else {
                    Err("InvalidStateError".into())
                };
                self.core.candidate_added(result);
            }
            other => self.act_send(other, wire),
        }
        self.check_negotiation_needed();
        true
    }

    fn act_send(&mut self, action: NegotiationAction, wire: &mut VecDeque<Signal>) {
        match action {
            NegotiationAction::Send(signal) => {
                self.sent.push(signal.clone());
                wire.push_back(signal);
            }
            NegotiationAction::Report(error) => self.reports.push(error),
            other => panic!("unexpected {other:?}"),
        }
    }
}

/// Runs a script of steps over two negotiating sides, then lets everything
/// settle; returns the sides for inspection.
pub(super) fn run(script: &[(u8, u8)]) -> (Side, Side) {
    let mut a = Side::new(Role::Impolite, "a", 1);
    let mut b = Side::new(Role::Polite, "b", 2);
    let (mut to_a, mut to_b) = (VecDeque::new(), VecDeque::new());
    let mut next_track = 10;
    for &(step, pick) in script {
        match step % 8 {
            0 | 1 => {
                a.act(&mut to_b);
            }
            2 | 3 => {
                b.act(&mut to_a);
            }
            4 => {
                if let Some(s) = to_a.pop_front() {
                    a.core.remote_signal(s);
                }
            }
            5 => {
                if let Some(s) = to_b.pop_front() {
                    b.core.remote_signal(s);
                }
            }
            6 if next_track < 16 => {
                next_track += 1;
                if pick % 2 == 0 {
                    a.add_track(next_track)
                } else {
                    b.add_track(next_track)
                }
            }
            _ => {
                // Replay something already sent (a duplicated or delayed signal).
                let (from, to) = if pick % 2 == 0 {
                    (&a, &mut b)
                } else {
                    (&b, &mut a)
                };
                if !from.sent.is_empty() {
                    let old = from.sent[usize::from(pick) % from.sent.len()].clone();
                    to.core.remote_signal(old);
                }
            }
        }
    }
    for _ in 0..10_000 {
        let mut moved = a.act(&mut to_b) | b.act(&mut to_a);
        if let Some(s) = to_a.pop_front() {
            a.core.remote_signal(s);
            moved = true;
        }
        if let Some(s) = to_b.pop_front() {
            b.core.remote_signal(s);
            moved = true;
        }
        if !moved {
            break;
        }
    }
    (a, b)
}

pub(super) fn assert_converged(a: &Side, b: &Side) {
    assert_eq!(a.pc.signaling, SignalingState::Stable);
    assert_eq!(b.pc.signaling, SignalingState::Stable);
    assert_eq!(a.pc.attached, a.wanted, "a sends every track it wants");
    assert_eq!(b.pc.attached, b.wanted, "b sends every track it wants");
    assert_eq!(
        a.pc.receiving, b.pc.attached,
        "a receives all of b's tracks"
    );
    assert_eq!(
        b.pc.receiving, a.pc.attached,
        "b receives all of a's tracks"
    );
    assert!(
        a.reports.is_empty() && b.reports.is_empty(),
        "{:?} {:?}",
        a.reports,
        b.reports
    );
}
