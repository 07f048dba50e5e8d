//! The seam between the hub and whatever shares topics beyond this process:
//! `Backend` is what the hub calls (memory: nothing; Redis: the bridge), and
//! `LocalDelivery` is what a backend calls back into. Owns only these two
//! traits and the in-memory backend; must not import the hub or the bridge.

use serde_json::value::RawValue;

/// Where the hub sends topic changes and publishes, after delivering them locally.
pub trait Backend: Send + Sync {
    /// The first local subscriber of `topic` arrived.
    fn subscribe(&self, topic: &str);
    /// The last local subscriber of `topic` left.
    fn unsubscribe(&self, topic: &str);
    /// A local client published; local subscribers already have it.
    fn publish(&self, topic: &str, data: &RawValue);
}

/// What a backend may ask of the hub.
pub trait LocalDelivery: Send + Sync {
    /// Delivers a publish that came from another relay process.
    fn deliver_remote(&self, topic: &str, data: &RawValue);
    /// Topics with local subscribers (to resubscribe after a reconnect).
    fn local_topics(&self) -> Vec<String>;
}

/// One process, no sharing: every topic is already complete locally.
pub struct Memory;

impl Backend for Memory {
    fn subscribe(&self, _topic: &str) {}
    fn unsubscribe(&self, _topic: &str) {}
    fn publish(&self, _topic: &str, _data: &RawValue) {}
}
