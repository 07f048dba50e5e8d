//! The files panel: pick or drop files to send to everyone connected, and
//! one row per transfer with progress, speed, ETA, accept/resume, cancel, a
//! verified badge and the download link. It renders the transfers hook; it
//! must not read files or open channels itself.

use leptos::prelude::*;
use web_sys::{DragEvent, File, FileList, HtmlInputElement};

use crate::hooks::{UseRoomReturn, UseTransfersReturn};
use crate::i18n::{I18n, Msg};
use crate::rtc::transfer::{Direction, TransferState, TransferView};

pub fn files_of(list: Option<FileList>) -> Vec<File> {
    let Some(list) = list else { return Vec::new() };
    (0..list.length()).filter_map(|i| list.item(i)).collect()
}

pub fn human_bytes(bytes: f64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{value:.0} {}", UNITS[unit])
    } else {
        format!("{value:.1} {}", UNITS[unit])
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

#[component]
pub fn FilesPanel(transfers: UseTransfersReturn, room: UseRoomReturn) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let nobody = RwSignal::new(false);
    let send = move |files: Vec<File>| {
        if !files.is_empty() {
            nobody.set(transfers.send_files(files) == 0);
        }
    };
    let on_drop = move |ev: DragEvent| {
        ev.prevent_default();
        send(files_of(ev.data_transfer().and_then(|d| d.files())));
    };
    view! {
        <section class="files card" aria-label=i18n.t(Msg::Files)>
            <h3>{i18n.t(Msg::Files)}</h3>
            <label class="drop" on:dragover=move |ev: DragEvent| ev.prevent_default() on:drop=on_drop>
                <span>{i18n.t(Msg::DropHint)}</span>
                <input type="file" multiple=true data-testid="file-input"
                    on:change=move |ev| {
                        let input: HtmlInputElement = event_target(&ev);
                        send(files_of(input.files()));
                        input.set_value("");
                    }/>
            </label>
            <Show when=move || nobody.get()>
                <p class="hint" role="status">{i18n.t(Msg::NoPeersForFiles)}</p>
            </Show>
            <ul class="transfers">
                <For each=move || transfers.list.get() key=|t| format!("{}:{}", t.id, t.peer) let:item>
                    <TransferRow id=item.id.clone() peer=item.peer transfers=transfers room=room/>
                </For>
            </ul>
        </section>
    }
}

#[component]
fn TransferRow(
    id: String,
    peer: peerlink_protocol::PeerId,
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
    let get =
        move |f: fn(&TransferView) -> String| move || view.get().map(|t| f(&t)).unwrap_or_default();
    let state = move || {
        view.get()
            .map(|t| t.state)
            .unwrap_or(TransferState::Cancelled)
    };
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
    view! {
        <li class="transfer" data-testid="transfer" data-state=move || state().as_str()
            data-direction=move || if receiving() { "receive" } else { "send" }
            data-resumable=move || view.get().is_some_and(|t| t.resumable).to_string()
            data-sha256=move || view.get().filter(|t| t.state == TransferState::Verified).and_then(|t| t.sha256)
            data-storage=move || view.get().and_then(|t| t.storage)
            data-started-ms=get(|t| format!("{:.0}", t.started_ms))
            data-updated-ms=get(|t| format!("{:.0}", t.updated_ms))>
            <div class="transfer-head">
                <span class="file-name">{get(|t| t.name.clone())}</span>
                <span class="file-size">{get(|t| human_bytes(t.size as f64))}</span>
            </div>
            <div class="transfer-meta">
                <span>{move || if receiving() { i18n.t(Msg::FromPeer)() } else { i18n.t(Msg::ToPeer)() }} " " {peer_name}</span>
                <span class=move || format!("transfer-state state-{}", state().as_str())>
                    {move || if state() == TransferState::Verified { format!("✔ {}", i18n.t(Msg::Verified)()) } else { i18n.t(state_label(state()))().to_string() }}
                </span>
            </div>
            <progress max=get(|t| t.size.max(1).to_string()) value=get(|t| t.transferred.to_string())></progress>
            <div class="transfer-meta">
                <span>{get(|t| format!("{} / {}", human_bytes(t.transferred as f64), human_bytes(t.size as f64)))}</span>
                <span>{get(|t| {
                    let rate = t.bytes_per_second();
                    let eta = t.eta_seconds().map(|s| format!(" · {s:.0} s")).unwrap_or_default();
                    if rate > 0.0 && !t.state.is_final() { format!("{}/s{eta}", human_bytes(rate)) } else { String::new() }
                })}</span>
            </div>
            <Show when=move || view.get().is_some_and(|t| t.error.is_some())>
                <p class="error-text">{get(|t| t.error.clone().unwrap_or_default())}</p>
            </Show>
            <TransferActions id=id view=view transfers=transfers/>
        </li>
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
    let get =
        move |f: fn(&TransferView) -> String| move || view.get().map(|t| f(&t)).unwrap_or_default();
    let state = move || {
        view.get()
            .map(|t| t.state)
            .unwrap_or(TransferState::Cancelled)
    };
    let can_accept = move || {
        view.get().is_some_and(|t| {
            t.direction == Direction::Receive
                && (t.state == TransferState::Offered
                    || (t.state == TransferState::Failed && t.resumable))
        })
    };
    let can_cancel = move || !state().is_final();
    let (accept_id, cancel_id) = (id.clone(), id);
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
            <Show when=can_cancel>
                <button type="button" data-testid="transfer-cancel" on:click={
                    let id = cancel_id.clone();
                    move |_| transfers.cancel(&id)
                }>{i18n.t(Msg::Cancel)}</button>
            </Show>
            <Show when=move || view.get().is_some_and(|t| t.url.is_some())>
                <a data-testid="download" href=get(|t| t.url.clone().unwrap_or_default()) download=get(|t| t.name.clone())>
                    {i18n.t(Msg::Download)}
                </a>
            </Show>
        </div>
    }
}
