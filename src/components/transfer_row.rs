//! One transfer in the files panel: name (with its folder), progress,
//! speed, ETA, state, the reason in words (typed `Reason` → src/i18n/messages.rs),
//! accept/resume, cancel and the download link. It renders the transfers
//! hook; it must not read files or open channels itself.

use leptos::prelude::*;
use peerlink_protocol::PeerId;

use crate::hooks::{UseRoomReturn, UseTransfersReturn};
use crate::i18n::{I18n, Msg};
use crate::rtc::transfer::{
    can_save_as, Cancellation, Direction, Failure, Interruption, Reason, TransferState,
    TransferView,
};

pub fn human_bytes(bytes: f64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{} {}", value.round() as u64, UNITS[unit])
    } else {
        // One decimal without float formatting (house rule).
        let tenths = (value * 10.0).round() as u64;
        format!("{}.{} {}", tenths / 10, tenths % 10, UNITS[unit])
    }
}

fn state_label(state: TransferState) -> Msg {
    match state {
        TransferState::Offered => Msg::TransferOffered,
        TransferState::Sending => Msg::TransferSending,
        TransferState::Receiving => Msg::TransferReceiving,
        TransferState::Done => Msg::TransferDone,
        TransferState::Verified => Msg::Verified,
        TransferState::Failed => Msg::TransferFailed,
        TransferState::Cancelled => Msg::TransferCancelled,
    }
}

/// The message for a reason, and the browser's own detail when it has one;
/// `None` when we cancelled it ourselves.
pub fn reason_msg(reason: &Reason) -> Option<(Msg, Option<String>)> {
    let plain = |msg| Some((msg, None));
    let detailed = |msg, detail: &String| Some((msg, Some(detail.clone())));
    match reason {
        Reason::Interrupted(why) => match why {
            Interruption::LinkLost => plain(Msg::ReasonLinkLost),
            Interruption::PeerLeft => plain(Msg::ReasonPeerLeft),
            Interruption::ReceiverLost => plain(Msg::ReasonReceiverLost),
            Interruption::SenderLost => plain(Msg::ReasonSenderLost),
            Interruption::SendFailed(e) => detailed(Msg::ReasonSendFailed, e),
            Interruption::CannotReachSender(e) => detailed(Msg::ReasonCannotReachSender, e),
        },
        Reason::Failed(why) => match why {
            Failure::NoConnection => plain(Msg::ReasonNoConnection),
            Failure::ReadFile(e) => detailed(Msg::ReasonReadFile, e),
            Failure::FileChanged => plain(Msg::ReasonFileChanged),
            Failure::ReceiverFoundCorrupt => plain(Msg::ReasonReceiverFoundCorrupt),
            Failure::TooManyResumes => plain(Msg::ReasonTooManyResumes),
            Failure::UnexpectedText => plain(Msg::ReasonUnexpectedText),
            Failure::ChunkTooLarge => plain(Msg::ReasonChunkTooLarge),
            Failure::Oversize => plain(Msg::ReasonOversize),
            Failure::StoreRefused(e) => detailed(Msg::ReasonStoreRefused, e),
            Failure::Corrupt => plain(Msg::ReasonCorrupt),
            Failure::StoreFinish(e) => detailed(Msg::ReasonStoreFinish, e),
        },
        Reason::Cancelled(Cancellation::ByUs) => None,
        Reason::Cancelled(Cancellation::ByPeer) => plain(Msg::ReasonCancelledByPeer),
        Reason::Cancelled(Cancellation::Declined) => plain(Msg::ReasonDeclined),
        Reason::Cancelled(Cancellation::Continued) => plain(Msg::ReasonContinued),
    }
}

/// A text field of the row's view (empty while there is none).
fn field(
    view: Memo<Option<TransferView>>,
    f: fn(&TransferView) -> String,
) -> impl Fn() -> String + Copy {
    move || view.get().map(|t| f(&t)).unwrap_or_default()
}

/// The row's state (cancelled once the view is gone).
fn state_of(view: Memo<Option<TransferView>>) -> impl Fn() -> TransferState + Copy {
    move || {
        view.get()
            .map(|t| t.state)
            .unwrap_or(TransferState::Cancelled)
    }
}

#[component]
pub fn TransferRow(
    id: String,
    peer: PeerId,
    transfers: UseTransfersReturn,
    room: UseRoomReturn,
) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let key = id.clone();
    let view = Memo::new(move |_| {
        transfers
            .list
            .with(|l| l.iter().find(|t| t.id == key && t.peer == peer).cloned())
    });
    let get = move |f| field(view, f);
    let state = state_of(view);
    let receiving = move || {
        view.get()
            .is_some_and(|t| t.direction == Direction::Receive)
    };
    let peer_name = move || {
        let name = room.name_of(peer);
        if name.is_empty() {
            peer.short()
        } else {
            name
        }
    };
    let reason = move || {
        view.get()
            .and_then(|t| t.reason)
            .and_then(|r| reason_msg(&r))
    };
    let reason_text = move || {
        reason()
            .map(|(msg, detail)| match detail {
                Some(detail) => format!("{} {detail}", i18n.t(msg)()),
                None => i18n.t(msg)().to_string(),
            })
            .unwrap_or_default()
    };
    view! {
        <li class="transfer" data-testid="transfer" data-state=move || state().as_str()
            data-direction=move || if receiving() { "receive" } else { "send" }
            data-resumable=move || view.get().is_some_and(|t| t.resumable).to_string()
            data-sha256=move || view.get().filter(|t| t.state == TransferState::Verified).and_then(|t| t.sha256)
            data-storage=move || view.get().and_then(|t| t.storage)
            data-hash=move || view.get().and_then(|t| t.hashed_in)
            data-resumed-at=move || view.get().and_then(|t| t.resumed_at).map(|b| b.to_string())
            data-resumes-at=move || view.get().and_then(|t| t.resumes_at).map(|b| b.to_string())
            data-path=get(|t| t.relative_path())
            data-batch=get(|t| t.batch.clone())
            data-started-ms=get(|t| format!("{}", t.started_ms.round() as u64))
            data-updated-ms=get(|t| format!("{}", t.updated_ms.round() as u64))>
            <div class="transfer-head">
                <span class="file-name" title=get(|t| t.relative_path())>
                    <Show when=move || view.get().is_some_and(|t| !t.path.is_empty())>
                        <span class="file-folder">{get(|t| format!("{}/", t.path))}</span>
                    </Show>
                    {get(|t| t.name.clone())}
                </span>
                <span class="file-size">{get(|t| human_bytes(t.size as f64))}</span>
            </div>
            <div class="transfer-meta">
                <span>{move || if receiving() { i18n.t(Msg::FromPeer)() } else { i18n.t(Msg::ToPeer)() }} " " {peer_name}</span>
                <span class=move || format!("transfer-state state-{}", state().as_str())>
                    {move || if state() == TransferState::Verified { format!("✔ {}", i18n.t(Msg::Verified)()) } else { i18n.t(state_label(state()))().to_string() }}
                </span>
            </div>
            <TransferProgress view=view/>
            <Show when=move || reason().is_some()>
                <p class="error-text" data-testid="transfer-error">{reason_text}</p>
            </Show>
            <Resumed view=view/>
            <NoRoom view=view/>
            <TransferActions id=id view=view transfers=transfers/>
        </li>
    }
}

/// Kept bytes from before a reload: where the transfer continues (or did).
#[component]
fn Resumed(view: Memo<Option<TransferView>>) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let text = move || {
        let t = view.get()?;
        let (msg, at) = match (t.resumes_at, t.resumed_at) {
            (Some(at), _) => (Msg::ResumesAt, at),
            (None, Some(at)) => (Msg::ResumedAt, at),
            (None, None) => return None,
        };
        Some(format!("{} {}", i18n.t(msg)(), human_bytes(at as f64)))
    };
    view! {
        <Show when=move || text().is_some()>
            <p class="transfer-resumed" data-testid="transfer-resumed">{move || text().unwrap_or_default()}</p>
        </Show>
    }
}

/// Why an accept did not happen: not enough free storage.
#[component]
fn NoRoom(view: Memo<Option<TransferView>>) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    view! {
        <Show when=move || view.get().is_some_and(|t| t.no_room.is_some())>
            <p class="error-text" role="alert" data-testid="no-room">{move || {
                let (needed, free) = view.get().and_then(|t| t.no_room).unwrap_or_default();
                format!("{} {}, {} {}", i18n.t(Msg::NoRoomNeeded)(), human_bytes(needed as f64),
                    i18n.t(Msg::NoRoomFree)(), human_bytes(free as f64))
            }}</p>
        </Show>
    }
}

/// The progress bar, bytes so far, speed and ETA.
#[component]
fn TransferProgress(view: Memo<Option<TransferView>>) -> impl IntoView {
    let get = move |f| field(view, f);
    view! {
        <progress max=get(|t| t.size.max(1).to_string()) value=get(|t| t.transferred.to_string())></progress>
        <div class="transfer-meta">
            <span>{get(|t| format!("{} / {}", human_bytes(t.transferred as f64), human_bytes(t.size as f64)))}</span>
            <span>{get(|t| {
                let rate = t.bytes_per_second();
                let eta = t.eta_seconds().map(|s| format!(" · {} s", s.round() as u64)).unwrap_or_default();
                if rate > 0.0 && !t.state.is_final() { format!("{}/s{eta}", human_bytes(rate)) } else { String::new() }
            })}</span>
        </div>
    }
}

/// Accept (or resume), cancel and download, as the transfer's state allows.
#[component]
fn TransferActions(
    id: String,
    view: Memo<Option<TransferView>>,
    transfers: UseTransfersReturn,
) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let get = move |f| field(view, f);
    let state = state_of(view);
    let can_accept = move || {
        view.get().is_some_and(|t| {
            t.direction == Direction::Receive
                && (t.state == TransferState::Offered
                    || (t.state == TransferState::Failed && t.resumable))
        })
    };
    let can_cancel = move || !state().is_final();
    // A send whose receiver went away: offer the same file again (to a
    // receiver that reloaded, it continues from what it kept).
    let can_send_again = move || {
        view.get().is_some_and(|t| {
            t.direction == Direction::Send && t.state == TransferState::Failed && t.resumable
        })
    };
    let again_id = id.clone();
    let (accept_id, save_id, cancel_id) = (id.clone(), id.clone(), id);
    view! {
        <div class="transfer-actions">
            <Show when=can_accept>
                <button type="button" class="primary" data-testid="transfer-accept" on:click={
                    let id = accept_id.clone();
                    move |_| transfers.accept(&id)
                }>
                    {move || if state() == TransferState::Failed { i18n.t(Msg::Resume)() } else { i18n.t(Msg::Accept)() }}
                </button>
            </Show>
            <Show when=move || state() == TransferState::Offered && can_accept() && can_save_as()>
                <button type="button" data-testid="transfer-save-as" on:click={
                    let id = save_id.clone();
                    move |_| transfers.accept_save_as(&id)
                }>{i18n.t(Msg::AcceptSaveAs)}</button>
            </Show>
            <Show when=can_send_again>
                <button type="button" data-testid="transfer-send-again" on:click={
                    let id = again_id.clone();
                    move |_| { transfers.send_again(&id); }
                }>{i18n.t(Msg::SendAgain)}</button>
            </Show>
            <Show when=can_cancel>
                <button type="button" data-testid="transfer-cancel" on:click={
                    let id = cancel_id.clone();
                    move |_| transfers.cancel(&id)
                }>{i18n.t(Msg::Cancel)}</button>
            </Show>
            <Show when=move || view.get().is_some_and(|t| t.url.is_some())>
                <a data-testid="download" href=get(|t| t.url.clone().unwrap_or_default())
                    type="application/octet-stream" download=get(|t| t.name.clone())>
                    {i18n.t(Msg::Download)}
                </a>
            </Show>
        </div>
    }
}
