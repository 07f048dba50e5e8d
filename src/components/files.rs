//! The files panel: pick files or a whole folder, drop them (folders too)
//! anywhere on the window or paste an image, to send to everyone connected;
//! batches of received offers answered once and saved into a chosen folder
//! where the browser allows it; one row per transfer (transfer_row.rs).
//! It renders the transfers hook; it must not read files or open channels.

#[path = "transfer_row.rs"]
mod transfer_row;

use leptos::prelude::*;
use peerlink_protocol::limits::MAX_CHAT_BYTES;
use peerlink_protocol::PeerId;
use web_sys::{File, FileList, HtmlInputElement};

use crate::hooks::{use_drop, use_paste, FolderSave, Pasted, UseRoomReturn, UseTransfersReturn};
use crate::i18n::{I18n, Msg};
use crate::rtc::transfer::{
    can_save_to_folder, picked_from_list, Direction, Picked, TransferState,
};
use transfer_row::TransferRow;

pub fn files_of(list: Option<FileList>) -> Vec<File> {
    let Some(list) = list else { return Vec::new() };
    (0..list.length()).filter_map(|i| list.item(i)).collect()
}

/// A received batch as the panel shows it.
#[derive(Clone, PartialEq)]
struct BatchView {
    peer: PeerId,
    batch: String,
    count: usize,
    waiting: usize,
    verified: usize,
}

fn batches(transfers: UseTransfersReturn) -> Vec<BatchView> {
    transfers.list.with(|list| {
        let mut out: Vec<BatchView> = Vec::new();
        let received = list
            .iter()
            .filter(|t| t.direction == Direction::Receive && !t.batch.is_empty());
        for t in received {
            let i = match out
                .iter()
                .position(|b| b.peer == t.peer && b.batch == t.batch)
            {
                Some(i) => i,
                None => {
                    out.push(BatchView {
                        peer: t.peer,
                        batch: t.batch.clone(),
                        count: 0,
                        waiting: 0,
                        verified: 0,
                    });
                    out.len() - 1
                }
            };
            out[i].count += 1;
            out[i].waiting += usize::from(t.state == TransferState::Offered);
            out[i].verified += usize::from(t.state == TransferState::Verified);
        }
        out
    })
}

/// Pasted text goes to the chat; text too long for a chat message goes
/// as a text file instead.
fn send_pasted(what: Pasted, transfers: UseTransfersReturn, room: UseRoomReturn) -> usize {
    match what {
        Pasted::Files(files) => transfers.send_files(files),
        Pasted::Text(text) if text.len() <= MAX_CHAT_BYTES => usize::from(room.send_chat(&text)),
        Pasted::Text(text) => {
            let parts = js_sys::Array::of1(&text.into());
            match File::new_with_str_sequence(&parts, "pasted.txt") {
                Ok(file) => transfers.send_files(vec![file]),
                Err(_) => 0,
            }
        }
    }
}

#[component]
pub fn FilesPanel(transfers: UseTransfersReturn, room: UseRoomReturn) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let nobody = RwSignal::new(false);
    let send = move |picked: Vec<Picked>| {
        if !picked.is_empty() {
            nobody.set(transfers.send_picked(picked) == 0);
        }
    };
    use_drop(send);
    use_paste(move |what| {
        nobody.set(send_pasted(what, transfers, room) == 0);
    });
    let on_pick = move |ev: leptos::ev::Event| {
        let input: HtmlInputElement = event_target(&ev);
        send(picked_from_list(input.files()));
        input.set_value("");
    };
    view! {
        <section class="files card" aria-label=i18n.t(Msg::Files)>
            <h3>{i18n.t(Msg::Files)}</h3>
            <div class="drop">
                <span>{i18n.t(Msg::DropAnywhere)}</span>
                <div class="file-pickers">
                    <label class="button">
                        {i18n.t(Msg::ChooseFiles)}
                        <input type="file" multiple=true data-testid="file-input" on:change=on_pick/>
                    </label>
                    <label class="button">
                        {i18n.t(Msg::ChooseFolder)}
                        <input type="file" multiple=true prop:webkitdirectory=true data-testid="folder-input" on:change=on_pick/>
                    </label>
                </div>
            </div>
            <Show when=move || nobody.get()>
                <p class="hint" role="status">{i18n.t(Msg::NoPeersForFiles)}</p>
            </Show>
            <For each=move || batches(transfers) key=|b| format!("{}:{}:{}:{}", b.peer, b.batch, b.waiting, b.verified) let:batch>
                <BatchBar batch=batch transfers=transfers/>
            </For>
            <FolderSaveStatus transfers=transfers/>
            <ul class="transfers">
                <For each=move || transfers.list.get() key=|t| format!("{}:{}", t.id, t.peer) let:item>
                    <TransferRow id=item.id.clone() peer=item.peer transfers=transfers room=room/>
                </For>
            </ul>
        </section>
    }
}

/// A received batch: accept or decline it once, then save it into a folder.
#[component]
fn BatchBar(batch: BatchView, transfers: UseTransfersReturn) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let BatchView {
        peer,
        batch,
        count,
        waiting,
        verified,
    } = batch;
    let (accept_batch, decline_batch, save_batch) = (batch.clone(), batch.clone(), batch.clone());
    let all_here = verified == count && can_save_to_folder();
    view! {
        <div class="batch" data-testid="batch" data-batch=batch data-count=count.to_string()
            data-waiting=waiting.to_string() data-verified=verified.to_string()>
            <span>{count} " " {i18n.t(Msg::BatchFiles)}</span>
            <Show when=move || { waiting > 0 }>
                <button type="button" class="primary" data-testid="batch-accept"
                    on:click={ let b = accept_batch.clone(); move |_| transfers.accept_batch(peer, &b) }>
                    {i18n.t(Msg::AcceptAll)}
                </button>
                <button type="button" data-testid="batch-decline"
                    on:click={ let b = decline_batch.clone(); move |_| transfers.decline_batch(peer, &b) }>
                    {i18n.t(Msg::DeclineAll)}
                </button>
            </Show>
            <Show when=move || all_here>
                <button type="button" data-testid="batch-save"
                    on:click={ let b = save_batch.clone(); move |_| transfers.save_batch(peer, b.clone()) }>
                    {i18n.t(Msg::SaveToFolder)}
                </button>
            </Show>
        </div>
    }
}

#[component]
fn FolderSaveStatus(transfers: UseTransfersReturn) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    move || {
        match transfers.folder_save.get() {
        FolderSave::Saved(_) => {
            Some(view! { <p class="hint" role="status">{i18n.t(Msg::SavedToFolder)}</p> }.into_any())
        }
        FolderSave::Failed(err) => Some(
            view! { <p class="error-text" role="alert">{i18n.t(Msg::ErrSaveToFolder)} " " {err.to_string()}</p> }
                .into_any(),
        ),
        FolderSave::Idle | FolderSave::Saving => None,
    }
    }
}
