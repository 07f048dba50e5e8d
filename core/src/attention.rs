//! Whether something that arrived needs the user's attention: while the
//! page is hidden, chat messages and incoming files from others are counted
//! (the title reads "(3) peerlink · room") and, if the user allowed it,
//! announced by a notification — at most one per quiet period, so a burst
//! of messages makes one notification, not twenty. Becoming visible again
//! clears the count and the notifications. It decides; the browser side
//! (`src/hooks/use_attention.rs`) sets the title and shows notifications.

use std::time::Duration;

use crate::time::Instant;

/// After a notification, others within this period only bump the count.
pub const NOTIFY_QUIET: Duration = Duration::from_secs(4);

/// Longest notification body, in characters.
pub const NOTIFY_BODY_CHARS: usize = 120;

/// What the browser says about notifications on this page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotifyPermission {
    /// No Notification API here.
    Unsupported,
    /// Not asked yet: a button may ask (from a click).
    Default,
    Granted,
    Denied,
}

/// Something that arrived from another person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arrival {
    Chat { from: String, text: String },
    File { from: String, name: String },
}

/// A notification to show; the app words it in the user's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub arrival: Arrival,
    /// How many arrivals are unread, this one included.
    pub unread: u32,
}

/// What to do after an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttentionAction {
    /// Set `document.title` to this.
    Title(String),
    Notify(Notification),
    /// Close the notifications shown so far.
    CloseNotifications,
}

#[derive(Debug)]
pub struct Attention {
    base_title: String,
    visible: bool,
    unread: u32,
    permission: NotifyPermission,
    last_notified: Option<Instant>,
}

impl Attention {
    pub fn new(base_title: &str, visible: bool, permission: NotifyPermission) -> Attention {
        Attention {
            base_title: base_title.to_string(),
            visible,
            unread: 0,
            permission,
            last_notified: None,
        }
    }

    pub fn unread(&self) -> u32 {
        self.unread
    }

    /// The title for the current count: the base, or "(n) base".
    pub fn title(&self) -> String {
        match self.unread {
            0 => self.base_title.clone(),
            n if n > 99 => format!("(99+) {}", self.base_title),
            n => format!("({n}) {}", self.base_title),
        }
    }

    /// Whether a *Notify me* control should be offered.
    pub fn can_ask(&self) -> bool {
        self.permission == NotifyPermission::Default
    }

    pub fn set_permission(&mut self, permission: NotifyPermission) {
        self.permission = permission;
    }

    pub fn set_base_title(&mut self, base: &str) -> Vec<AttentionAction> {
        self.base_title = base.to_string();
        vec![AttentionAction::Title(self.title())]
    }

    /// The page became visible (`true`) or hidden.
    pub fn set_visible(&mut self, visible: bool) -> Vec<AttentionAction> {
        self.visible = visible;
        if !visible || self.unread == 0 {
            return Vec::new();
        }
        self.unread = 0;
        self.last_notified = None;
        vec![
            AttentionAction::Title(self.title()),
            AttentionAction::CloseNotifications,
        ]
    }

    /// Something arrived from someone else at `now`.
    pub fn arrived(&mut self, arrival: Arrival, now: Instant) -> Vec<AttentionAction> {
        if self.visible {
            return Vec::new();
        }
        self.unread = self.unread.saturating_add(1);
        let mut actions = vec![AttentionAction::Title(self.title())];
        let quiet = self
            .last_notified
            .is_some_and(|at| now.since(at) < NOTIFY_QUIET);
        if self.permission == NotifyPermission::Granted && !quiet {
            self.last_notified = Some(now);
            actions.push(AttentionAction::Notify(Notification {
                arrival: shorten(arrival),
                unread: self.unread,
            }));
        }
        actions
    }
}

fn shorten(arrival: Arrival) -> Arrival {
    let cut = |text: String| {
        if text.chars().count() <= NOTIFY_BODY_CHARS {
            text
        } else {
            let mut short: String = text.chars().take(NOTIFY_BODY_CHARS - 1).collect();
            short.push('…');
            short
        }
    };
    match arrival {
        Arrival::Chat { from, text } => Arrival::Chat {
            from,
            text: cut(text),
        },
        Arrival::File { from, name } => Arrival::File {
            from,
            name: cut(name),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chat(text: &str) -> Arrival {
        Arrival::Chat {
            from: "bob".into(),
            text: text.into(),
        }
    }

    fn at(ms: u64) -> Instant {
        Instant::from_millis(ms)
    }

    fn notifications(actions: &[AttentionAction]) -> usize {
        actions
            .iter()
            .filter(|a| matches!(a, AttentionAction::Notify(_)))
            .count()
    }

    #[test]
    fn nothing_happens_while_visible() {
        let mut a = Attention::new("peerlink", true, NotifyPermission::Granted);
        assert!(a.arrived(chat("hi"), at(0)).is_empty());
        assert_eq!(a.unread(), 0);
        assert_eq!(a.title(), "peerlink");
    }

    #[test]
    fn hidden_arrivals_count_in_the_title_and_visibility_clears_them() {
        let mut a = Attention::new("peerlink · room", false, NotifyPermission::Denied);
        a.arrived(chat("one"), at(0));
        a.arrived(
            Arrival::File {
                from: "bob".into(),
                name: "a.pdf".into(),
            },
            at(10),
        );
        let actions = a.arrived(chat("three"), at(20));
        assert_eq!(
            actions,
            vec![AttentionAction::Title("(3) peerlink · room".into())]
        );
        assert_eq!(
            a.set_visible(true),
            vec![
                AttentionAction::Title("peerlink · room".into()),
                AttentionAction::CloseNotifications
            ]
        );
        assert_eq!(a.unread(), 0);
        assert!(a.set_visible(true).is_empty(), "nothing to clear twice");
    }

    #[test]
    fn notifications_only_when_granted_and_one_per_quiet_period() {
        let mut a = Attention::new("p", false, NotifyPermission::Default);
        assert_eq!(notifications(&a.arrived(chat("asked?"), at(0))), 0);
        assert!(a.can_ask());
        a.set_permission(NotifyPermission::Granted);
        assert!(!a.can_ask());
        let first = a.arrived(chat("1"), at(1_000));
        assert_eq!(
            first[1],
            AttentionAction::Notify(Notification {
                arrival: chat("1"),
                unread: 2
            })
        );
        assert_eq!(notifications(&a.arrived(chat("2"), at(2_000))), 0, "burst");
        assert_eq!(
            notifications(&a.arrived(chat("3"), at(4_999))),
            0,
            "still quiet"
        );
        assert_eq!(
            notifications(&a.arrived(chat("4"), at(5_000))),
            1,
            "quiet over"
        );
        a.set_visible(true);
        a.set_visible(false);
        assert_eq!(
            notifications(&a.arrived(chat("5"), at(5_001))),
            1,
            "a new hidden spell"
        );
    }

    #[test]
    fn long_bodies_are_cut_on_a_character_boundary_and_big_counts_capped() {
        let mut a = Attention::new("p", false, NotifyPermission::Granted);
        let long = "字".repeat(500);
        let actions = a.arrived(chat(&long), at(0));
        let AttentionAction::Notify(n) = &actions[1] else {
            panic!("a notification")
        };
        let Arrival::Chat { text, .. } = &n.arrival else {
            panic!("chat")
        };
        assert_eq!(text.chars().count(), NOTIFY_BODY_CHARS);
        assert!(text.ends_with('…'));
        for i in 0..120 {
            a.arrived(chat("x"), at(i));
        }
        assert_eq!(a.title(), "(99+) p");
    }

    #[test]
    fn the_base_title_can_change_while_counting() {
        let mut a = Attention::new("peerlink", false, NotifyPermission::Unsupported);
        a.arrived(chat("x"), at(0));
        assert_eq!(
            a.set_base_title("peerlink · team"),
            vec![AttentionAction::Title("(1) peerlink · team".into())]
        );
    }
}
