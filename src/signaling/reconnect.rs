//! Carries out `peerlink_core::Reconnect` for the relay client: one timer at
//! the policy's next deadline, the probe (a no-cors `fetch` of the relay
//! host's `/healthz`: any answer means the host is back) and the browser's
//! `online` event. It decides nothing; the policy is core/src/reconnect.rs.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use gloo_events::EventListener;
use peerlink_core::{Reconnect, ReconnectAction};
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{RequestInit, RequestMode, Url};

use crate::browser::{now, random_unit, Deadline};

struct Inner {
    policy: RefCell<Reconnect>,
    probe_url: Option<String>,
    connect: Box<dyn Fn()>,
    timer: Deadline,
    _online: Option<EventListener>,
}

/// Owns the retry timer and listeners; dropping it stops retrying.
pub struct Reconnector {
    inner: Rc<Inner>,
}

/// `ws://host:port/ws` → `http://host:port/healthz` (wss → https).
pub fn probe_url(relay_url: &str) -> Option<String> {
    let url = Url::new(relay_url).ok()?;
    let scheme = match url.protocol().as_str() {
        "ws:" => "http:",
        "wss:" => "https:",
        _ => return None,
    };
    url.set_protocol(scheme);
    url.set_pathname("/healthz");
    url.set_search("");
    Some(url.href())
}

impl Reconnector {
    /// `connect` opens a new socket when the policy says so.
    pub fn new(relay_url: &str, connect: impl Fn() + 'static) -> Reconnector {
        let inner = Rc::new_cyclic(|weak: &Weak<Inner>| {
            let weak = weak.clone();
            let online = web_sys::window().map(|window| {
                EventListener::new(&window, "online", move |_| {
                    if let Some(inner) = weak.upgrade() {
                        let action = inner.policy.borrow_mut().relay_back();
                        run(&inner, action);
                    }
                })
            });
            Inner {
                policy: RefCell::new(Reconnect::default()),
                probe_url: probe_url(relay_url),
                connect: Box::new(connect),
                timer: Deadline::default(),
                _online: online,
            }
        });
        Reconnector { inner }
    }

    pub fn opened(&self) {
        self.inner.policy.borrow_mut().opened();
        arm(&self.inner);
    }

    pub fn closed(&self) {
        self.inner.policy.borrow_mut().closed(now(), random_unit());
        arm(&self.inner);
    }
}

fn run(inner: &Rc<Inner>, action: Option<ReconnectAction>) {
    match action {
        Some(ReconnectAction::Connect) => (inner.connect)(),
        Some(ReconnectAction::Probe) => probe(inner),
        None => {}
    }
    arm(inner);
}

fn arm(inner: &Rc<Inner>) {
    let at = inner.policy.borrow().poll_timeout();
    inner.timer.arm(at, inner, |inner| {
        let action = inner
            .policy
            .borrow_mut()
            .handle_timeout(now(), random_unit());
        run(inner, action);
    });
}

fn probe(inner: &Rc<Inner>) {
    let (Some(url), Some(window)) = (inner.probe_url.clone(), web_sys::window()) else {
        return;
    };
    let init = RequestInit::new();
    init.set_mode(RequestMode::NoCors);
    let weak = Rc::downgrade(inner);
    let request = window.fetch_with_str_and_init(&url, &init);
    spawn_local(async move {
        // Any response, even an opaque or 404 one, means the host answers;
        // a rejection means it is still away and the policy keeps waiting.
        if JsFuture::from(request).await.is_ok() {
            if let Some(inner) = weak.upgrade() {
                let action = inner.policy.borrow_mut().relay_back();
                run(&inner, action);
            }
        }
    });
}
