//! A single-threaded async notification, so async code can await browser
//! events (a channel opening, `bufferedamountlow`) without callbacks. It
//! only wakes one waiter; it must not carry values or queue notifications.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

#[derive(Default)]
struct State {
    notified: bool,
    waker: Option<Waker>,
}

#[derive(Clone, Default)]
pub struct Notify {
    state: Rc<RefCell<State>>,
}

impl Notify {
    pub fn new() -> Notify {
        Notify::default()
    }

    pub fn notify(&self) {
        let waker = {
            let mut state = self.state.borrow_mut();
            state.notified = true;
            state.waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// Resolves after the next `notify()` (or at once if one is pending).
    pub fn notified(&self) -> Notified {
        Notified {
            state: self.state.clone(),
        }
    }
}

pub struct Notified {
    state: Rc<RefCell<State>>,
}

impl Future for Notified {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut state = self.state.borrow_mut();
        if state.notified {
            state.notified = false;
            Poll::Ready(())
        } else {
            state.waker = Some(cx.waker().clone());
            Poll::Pending
        }
    }
}
