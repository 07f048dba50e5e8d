//! System notifications (`Notification`): the permission, asking for it
//! (from a click) and showing one that focuses the tab when clicked (made
//! by the page, or by the service worker where pages cannot, as on
//! Android). The
//! constructor and statics are reached only after checking that
//! `Notification` exists, since calling a missing one would throw. It must
//! not decide when to notify (`peerlink_core::Attention` does).

use gloo_events::EventListener;
use peerlink_core::NotifyPermission;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{NotificationOptions, NotificationPermission};

fn supported() -> bool {
    web_sys::window()
        .map(|w| js_sys::Reflect::has(&w, &JsValue::from_str("Notification")).unwrap_or(false))
        .unwrap_or(false)
}

fn map(permission: NotificationPermission) -> NotifyPermission {
    match permission {
        NotificationPermission::Granted => NotifyPermission::Granted,
        NotificationPermission::Denied => NotifyPermission::Denied,
        _ => NotifyPermission::Default,
    }
}

/// What the browser currently allows.
pub fn permission() -> NotifyPermission {
    if supported() {
        map(web_sys::Notification::permission())
    } else {
        NotifyPermission::Unsupported
    }
}

/// Asks the user; must run from a click. Resolves to the new permission.
pub async fn request_permission() -> NotifyPermission {
    if !supported() {
        return NotifyPermission::Unsupported;
    }
    let Ok(promise) = web_sys::Notification::request_permission() else {
        return permission();
    };
    match JsFuture::from(promise).await {
        Ok(_) => permission(),
        Err(err) => {
            web_sys::console::warn_1(&err);
            permission()
        }
    }
}

/// A shown notification; clicking it focuses the tab. Dropping it removes
/// the click listener but leaves the notification up; `close` takes it down.
pub struct ShownNotification {
    notification: web_sys::Notification,
    _on_click: EventListener,
}

impl ShownNotification {
    /// Shows `title`/`body` (replacing an earlier one with the same `tag`);
    /// `None` if the browser refused.
    pub fn show(title: &str, body: &str, tag: &str, icon: &str) -> Option<ShownNotification> {
        if !supported() {
            return None;
        }
        let options = NotificationOptions::new();
        options.set_body(body);
        options.set_tag(tag);
        options.set_icon(icon);
        let notification = match web_sys::Notification::new_with_options(title, &options) {
            Ok(notification) => notification,
            Err(_) => {
                // Chrome on Android has no page-made notifications ("Illegal
                // constructor"): the service worker shows it instead (its
                // notificationclick focuses the app; static/sw.js).
                show_from_worker(title, options);
                return None;
            }
        };
        let on_click = EventListener::new(&notification, "click", |_| {
            if let Some(window) = web_sys::window() {
                let _ = window.focus();
            }
        });
        Some(ShownNotification {
            notification,
            _on_click: on_click,
        })
    }

    pub fn close(&self) {
        self.notification.close();
    }
}

/// Shows a notification through the service worker's registration, once
/// it is ready; a refusal is logged (the unread count in the title stays).
fn show_from_worker(title: &str, options: NotificationOptions) {
    let Some(container) = web_sys::window().map(|w| w.navigator().service_worker()) else {
        return;
    };
    let title = title.to_string();
    wasm_bindgen_futures::spawn_local(async move {
        let shown = async {
            let ready = JsFuture::from(container.ready()?).await?;
            let registration: web_sys::ServiceWorkerRegistration = ready.unchecked_into();
            JsFuture::from(registration.show_notification_with_options(&title, &options)?).await
        };
        if let Err(err) = shown.await {
            web_sys::console::warn_1(&err);
        }
    });
}
