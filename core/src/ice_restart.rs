//! When to restart ICE: at once on `failed`, or after `disconnected` has
//! lasted [`DISCONNECTED_GRACE`]; only the impolite side restarts, so the two
//! sides never restart against each other. Calling `restartIce()` is
//! `src/rtc/peer.rs`'s job.

use std::time::Duration;

use crate::{IceConnectionState, Instant, Role};

/// How long `iceConnectionState` may stay `disconnected` before a restart.
pub const DISCONNECTED_GRACE: Duration = Duration::from_secs(5);

#[derive(Debug, Clone)]
pub struct IceRestart {
    role: Role,
    state: IceConnectionState,
    /// Set while `disconnected`: restart then unless ICE recovers first.
    deadline: Option<Instant>,
}

impl IceRestart {
    pub fn new(role: Role) -> IceRestart {
        IceRestart {
            role,
            state: IceConnectionState::New,
            deadline: None,
        }
    }

    pub fn state(&self) -> IceConnectionState {
        self.state
    }

    /// The ICE state changed; true means "restart ICE now".
    pub fn ice_state(&mut self, state: IceConnectionState, now: Instant) -> bool {
        self.state = state;
        self.deadline = None;
        match state {
            IceConnectionState::Failed => self.role == Role::Impolite,
            IceConnectionState::Disconnected => {
                self.deadline = Some(now + DISCONNECTED_GRACE);
                false
            }
            _ => false,
        }
    }

    /// When [`IceRestart::timeout`] wants to be called.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.deadline
    }

    /// Time passed; true means "restart ICE now".
    pub fn timeout(&mut self, now: Instant) -> bool {
        match self.deadline {
            Some(deadline) if now >= deadline => {
                self.deadline = None;
                self.state == IceConnectionState::Disconnected && self.role == Role::Impolite
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(ms: u64) -> Instant {
        Instant::from_millis(ms)
    }

    #[test]
    fn impolite_restarts_on_failed_at_once() {
        let mut ice = IceRestart::new(Role::Impolite);
        assert!(ice.ice_state(IceConnectionState::Failed, at(0)));
        let mut polite = IceRestart::new(Role::Polite);
        assert!(!polite.ice_state(IceConnectionState::Failed, at(0)));
    }

    #[test]
    fn disconnected_restarts_after_the_grace_only() {
        let mut ice = IceRestart::new(Role::Impolite);
        assert!(!ice.ice_state(IceConnectionState::Disconnected, at(1_000)));
        assert_eq!(ice.poll_timeout(), Some(at(6_000)));
        assert!(!ice.timeout(at(5_999)));
        assert!(ice.timeout(at(6_000)));
        assert_eq!(ice.poll_timeout(), None);
    }

    #[test]
    fn recovery_within_the_grace_cancels_the_restart() {
        let mut ice = IceRestart::new(Role::Impolite);
        ice.ice_state(IceConnectionState::Disconnected, at(0));
        ice.ice_state(IceConnectionState::Connected, at(2_000));
        assert_eq!(ice.poll_timeout(), None);
        assert!(!ice.timeout(at(10_000)));
    }

    #[test]
    fn polite_side_never_restarts_on_its_own() {
        let mut ice = IceRestart::new(Role::Polite);
        ice.ice_state(IceConnectionState::Disconnected, at(0));
        assert!(!ice.timeout(at(60_000)));
    }
}
