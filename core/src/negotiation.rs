//! W3C "perfect negotiation" for one remote peer, without I/O: which offer to
//! make, ignore or roll back for, the early-candidate queue, and the strict
//! one-at-a-time order of description and candidate operations. It never
//! touches an `RTCPeerConnection`: `src/rtc/peer.rs` carries out each
//! [`NegotiationAction`] and reports the result back.

use std::collections::VecDeque;

use peerlink_protocol::{CandidateBody, DescriptionBody, SdpKind, Signal};

use crate::sdp::SdpOrigin;

/// Early candidates kept per peer before its description arrives; beyond
/// this they are dropped (and counted), so a flood cannot grow memory.
pub const MAX_EARLY_CANDIDATES: usize = 256;
/// Remote signals waiting for their turn; beyond this they are dropped.
pub const MAX_QUEUED_SIGNALS: usize = 512;

/// `RTCPeerConnection.signalingState`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SignalingState {
    #[default]
    Stable,
    HaveLocalOffer,
    HaveRemoteOffer,
    HaveLocalPranswer,
    HaveRemotePranswer,
    Closed,
}

/// Who yields on an offer collision: the polite side (the smaller peer id)
/// rolls back its own offer; the impolite side ignores the incoming one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Polite,
    Impolite,
}

/// What the browser layer must do next, in this order.
#[derive(Debug, Clone, PartialEq)]
pub enum NegotiationAction {
    /// Attach the local tracks and the negotiated channels (happens once:
    /// at once on the impolite side, between the first remote offer and the
    /// answer on the polite side, so the answer carries our media).
    Start,
    /// Argument-less `setLocalDescription()` (an offer in `stable`, an
    /// answer in `have-remote-offer`); report with
    /// [`Negotiation::local_description_set`].
    SetLocalDescription,
    /// Report with [`Negotiation::remote_description_set`].
    SetRemoteDescription(DescriptionBody),
    /// Report with [`Negotiation::candidate_added`].
    AddCandidate(CandidateBody),
    /// Deliver this to the remote peer.
    Send(Signal),
    /// A failure worth showing; negotiation goes on.
    Report(NegotiationError),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NegotiationError {
    SetLocalDescription(String),
    SetRemoteDescription(String),
    AddCandidate(String),
}

/// Signals the machine dropped on purpose, by reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NegotiationDrops {
    /// Offers ignored by the impolite side on a collision.
    pub colliding_offers: u32,
    /// Answers that arrived with no offer of ours outstanding.
    pub stale_answers: u32,
    /// Descriptions older than (or the same as) one already applied.
    pub stale_descriptions: u32,
    /// Early candidates or queued signals over their caps.
    pub overflow: u32,
}

#[derive(Debug, Clone, PartialEq)]
enum Pending {
    OfferNeeded,
    Remote(DescriptionBody),
    Candidate(CandidateBody),
}

/// The operation in flight, so its result lands in the right place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    SetLocal,
    SetRemote(SdpKind),
    AddCandidate,
}

/// Perfect negotiation for one peer connection.
#[derive(Debug)]
pub struct Negotiation {
    role: Role,
    signaling: SignalingState,
    started: bool,
    has_remote_description: bool,
    /// The last offer was ignored as impolite: its candidates will fail.
    ignoring_offer: bool,
    last_remote: Option<(SdpOrigin, String)>,
    inbox: VecDeque<Pending>,
    /// Work that must run before the inbox: candidates that waited for the
    /// description just applied, then the answer to it.
    urgent: VecDeque<Pending>,
    early: Vec<CandidateBody>,
    in_flight: Option<Op>,
    out: VecDeque<NegotiationAction>,
    drops: NegotiationDrops,
}

impl Negotiation {
    pub fn new(role: Role) -> Negotiation {
        let mut negotiation = Negotiation {
            role,
            signaling: SignalingState::Stable,
            started: false,
            has_remote_description: false,
            ignoring_offer: false,
            last_remote: None,
            inbox: VecDeque::new(),
            urgent: VecDeque::new(),
            early: Vec::new(),
            in_flight: None,
            out: VecDeque::new(),
            drops: NegotiationDrops::default(),
        };
        if role == Role::Impolite {
            // The opener attaches at once; that fires negotiationneeded.
            negotiation.start();
        }
        negotiation
    }

    pub fn role(&self) -> Role {
        self.role
    }

    pub fn signaling_state(&self) -> SignalingState {
        self.signaling
    }

    pub fn drops(&self) -> NegotiationDrops {
        self.drops
    }

    /// True once local tracks and channels are attached.
    pub fn started(&self) -> bool {
        self.started
    }

    /// The browser fired `negotiationneeded`.
    pub fn negotiation_needed(&mut self) {
        if !self.inbox.contains(&Pending::OfferNeeded) {
            self.inbox.push_back(Pending::OfferNeeded);
        }
    }

    /// A description or candidate from the remote peer (other signals are
    /// not negotiation's business and are ignored).
    pub fn remote_signal(&mut self, signal: Signal) {
        let pending = match signal {
            Signal::Description(description) => Pending::Remote(description),
            Signal::Candidate(candidate) => Pending::Candidate(candidate),
            Signal::Hello(_) | Signal::Bye => return,
        };
        if self.inbox.len() >= MAX_QUEUED_SIGNALS {
            self.drops.overflow += 1;
            return;
        }
        self.inbox.push_back(pending);
    }

    /// The next thing to do. Operations on the connection come one at a
    /// time: after an operation action, the next one comes only once its
    /// result was reported.
    pub fn poll_action(&mut self) -> Option<NegotiationAction> {
        if let Some(action) = self.out.pop_front() {
            return Some(action);
        }
        while self.in_flight.is_none() {
            let next = self.urgent.pop_front().or_else(|| self.inbox.pop_front())?;
            self.begin(next);
            if let Some(action) = self.out.pop_front() {
                return Some(action);
            }
        }
        None
    }

    /// Result of [`NegotiationAction::SetLocalDescription`]: the description
    /// the browser now has (sent to the peer) and the new signaling state.
    pub fn local_description_set(
        &mut self,
        result: Result<Option<DescriptionBody>, String>,
        signaling: SignalingState,
    ) {
        self.finish(Op::SetLocal, signaling);
        match result {
            Ok(Some(description)) => self
                .out
                .push_back(NegotiationAction::Send(Signal::Description(description))),
            Ok(None) => {}
            Err(name) => self.report(NegotiationError::SetLocalDescription(name)),
        }
    }

    /// Result of [`NegotiationAction::SetRemoteDescription`].
    pub fn remote_description_set(
        &mut self,
        result: Result<(), String>,
        signaling: SignalingState,
    ) {
        let Some(Op::SetRemote(kind)) = self.in_flight else {
            return;
        };
        self.finish(Op::SetRemote(kind), signaling);
        if let Err(name) = result {
            return self.report(NegotiationError::SetRemoteDescription(name));
        }
        self.has_remote_description = true;
        // The tutorial pitfall: candidates that came before their
        // description are applied now, in arrival order.
        self.urgent
            .extend(self.early.drain(..).map(Pending::Candidate));
        if kind == SdpKind::Offer {
            self.start();
            self.urgent.push_back(Pending::OfferNeeded);
        }
    }

    /// Result of [`NegotiationAction::AddCandidate`].
    pub fn candidate_added(&mut self, result: Result<(), String>) {
        if self.in_flight == Some(Op::AddCandidate) {
            self.in_flight = None;
        }
        match result {
            Ok(()) => {}
            // Candidates of an offer we ignored are expected to fail.
            Err(_) if self.ignoring_offer => {}
            Err(name) => self.report(NegotiationError::AddCandidate(name)),
        }
    }

    fn start(&mut self) {
        if !self.started {
            self.started = true;
            self.out.push_back(NegotiationAction::Start);
        }
    }

    fn finish(&mut self, op: Op, signaling: SignalingState) {
        if self.in_flight == Some(op) {
            self.in_flight = None;
        }
        self.signaling = signaling;
    }

    fn report(&mut self, error: NegotiationError) {
        self.out.push_back(NegotiationAction::Report(error));
    }

    fn begin(&mut self, pending: Pending) {
        match pending {
            Pending::OfferNeeded => self.begin_local(),
            Pending::Remote(description) => self.begin_remote(description),
            Pending::Candidate(candidate) => self.begin_candidate(candidate),
        }
    }

    fn begin_local(&mut self) {
        // An offer only from `stable` (the browser fires negotiationneeded
        // again once it is back there); an answer only to a remote offer.
        let answering = self.signaling == SignalingState::HaveRemoteOffer;
        if self.signaling == SignalingState::Stable || answering {
            self.in_flight = Some(Op::SetLocal);
            self.out.push_back(NegotiationAction::SetLocalDescription);
        }
    }

    fn begin_remote(&mut self, description: DescriptionBody) {
        let origin = SdpOrigin::parse(&description.sdp);
        if self.is_stale(origin.as_ref(), &description.sdp) {
            self.drops.stale_descriptions += 1;
            return;
        }
        match description.kind {
            SdpKind::Offer => {
                let collision = self.signaling != SignalingState::Stable;
                self.ignoring_offer = self.role == Role::Impolite && collision;
                if self.ignoring_offer {
                    self.drops.colliding_offers += 1;
                    return;
                }
            }
            SdpKind::Answer => {
                if self.signaling != SignalingState::HaveLocalOffer {
                    self.drops.stale_answers += 1;
                    return;
                }
            }
        }
        if let Some(origin) = origin {
            self.last_remote = Some((origin, description.sdp.clone()));
        }
        self.in_flight = Some(Op::SetRemote(description.kind));
        self.out
            .push_back(NegotiationAction::SetRemoteDescription(description));
    }

    /// A description from an older session version than one applied, or the
    /// very same one again (a replayed or duplicated signal).
    fn is_stale(&self, origin: Option<&SdpOrigin>, sdp: &str) -> bool {
        let (Some(origin), Some((last, last_sdp))) = (origin, &self.last_remote) else {
            return false;
        };
        origin.session_id == last.session_id
            && (origin.version < last.version
                || (origin.version == last.version && sdp == last_sdp))
    }

    fn begin_candidate(&mut self, candidate: CandidateBody) {
        if !self.has_remote_description {
            if self.early.len() >= MAX_EARLY_CANDIDATES {
                self.drops.overflow += 1;
            } else {
                self.early.push(candidate);
            }
            return;
        }
        self.in_flight = Some(Op::AddCandidate);
        self.out
            .push_back(NegotiationAction::AddCandidate(candidate));
    }
}

#[cfg(test)]
#[path = "negotiation_tests.rs"]
mod tests;
