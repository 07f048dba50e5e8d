//! Which chat messages to show: one per `(sender, message id)`, however
//! often a peer repeats an id, remembered over a bounded window.

use std::collections::{HashSet, VecDeque};

use peerlink_protocol::PeerId;

/// How many recent `(sender, id)` pairs are remembered.
pub const CHAT_WINDOW: usize = 1024;

#[derive(Debug, Default)]
pub struct ChatFilter {
    seen: HashSet<(PeerId, String)>,
    order: VecDeque<(PeerId, String)>,
    duplicates: u32,
}

impl ChatFilter {
    /// True the first time `(from, id)` arrives; repeats are counted.
    pub fn first_time(&mut self, from: PeerId, id: &str) -> bool {
        let key = (from, id.to_string());
        if self.seen.contains(&key) {
            self.duplicates = self.duplicates.saturating_add(1);
            return false;
        }
        self.seen.insert(key.clone());
        self.order.push_back(key);
        if self.order.len() > CHAT_WINDOW {
            if let Some(old) = self.order.pop_front() {
                self.seen.remove(&old);
            }
        }
        true
    }

    pub fn duplicates(&self) -> u32 {
        self.duplicates
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeated_id_from_the_same_peer_is_shown_once() {
        let (a, b) = (PeerId::from_bytes([1; 16]), PeerId::from_bytes([2; 16]));
        let mut filter = ChatFilter::default();
        assert!(filter.first_time(a, "m1"));
        assert!(!filter.first_time(a, "m1"));
        assert!(
            filter.first_time(b, "m1"),
            "another sender may use the same id"
        );
        assert_eq!(filter.duplicates(), 1);
    }

    #[test]
    fn the_window_is_bounded() {
        let a = PeerId::from_bytes([1; 16]);
        let mut filter = ChatFilter::default();
        for i in 0..(CHAT_WINDOW + 10) {
            assert!(filter.first_time(a, &i.to_string()));
        }
        assert!(filter.seen.len() <= CHAT_WINDOW);
        assert!(filter.first_time(a, "0"), "forgotten after the window");
    }
}
