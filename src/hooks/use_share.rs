//! `use_share`: the room's link and the ways to hand it on — copy it
//! (`use_clipboard`), the system share sheet where `navigator.share`
//! exists, and a QR code of it made in Rust (`peerlink_core::qr`) as an
//! SVG path. It owns nothing that needs releasing besides the clipboard
//! hook's timer.

use leptos::prelude::*;
use leptos::task::spawn_local;
use peerlink_core::qr::{QrCode, QrEcc};
use peerlink_core::RoomRef;

use super::{use_clipboard, RoomAccess, UseClipboardReturn};
use crate::browser::location;
use crate::browser::share::{self, ShareError};
use crate::launch::share_link;

/// Quiet zone around the code, in modules (the standard asks for 4).
const QR_BORDER: usize = 4;

/// A QR code ready to draw: `side` units square, dark modules in `path`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrSvg {
    pub side: usize,
    pub path: String,
}

#[derive(Clone, Copy)]
pub struct UseShareReturn {
    pub link: Memo<String>,
    pub clipboard: UseClipboardReturn,
    /// Whether the browser has a share sheet (`navigator.share`).
    pub can_share: bool,
    /// Opens the share sheet; run it from a click.
    pub share: Callback<()>,
    pub share_failed: RwSignal<bool>,
    pub qr: Memo<Option<QrSvg>>,
}

/// The QR code of `link`, or `None` if it is too long for one.
pub fn qr_svg(link: &str) -> Option<QrSvg> {
    let code = QrCode::encode(link.as_bytes(), QrEcc::Medium).ok()?;
    Some(QrSvg {
        side: code.size() + 2 * QR_BORDER,
        path: code.svg_path(QR_BORDER),
    })
}

/// `room_name` is the lobby's fragment form; `access` says whether the
/// room is private (then the link carries its secret).
pub fn use_share(room_name: String, access: RwSignal<Option<RoomAccess>>) -> UseShareReturn {
    let link = Memo::new(move |_| {
        let fragment = match access.get() {
            Some(RoomAccess::Private(secret)) => RoomRef::Private { secret }.fragment(),
            _ => room_name.clone(),
        };
        share_link(&location::href(), &fragment)
    });
    let share_failed = RwSignal::new(false);
    let share = Callback::new(move |()| {
        let url = link.get_untracked();
        spawn_local(async move {
            let failed = match share::share("peerlink", &url).await {
                Ok(()) | Err(ShareError::Cancelled) => false,
                Err(err) => {
                    web_sys::console::warn_1(&format!("peerlink: {err}").into());
                    true
                }
            };
            share_failed.try_set(failed);
        });
    });
    UseShareReturn {
        link,
        clipboard: use_clipboard(),
        can_share: share::can_share(),
        share,
        share_failed,
        qr: Memo::new(move |_| link.with(|l| qr_svg(l))),
    }
}
