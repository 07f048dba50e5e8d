//! `use_transfers`: file transfers for a joined room. Connects `Transfers`
//! to the room (control messages, channels, departures) and mirrors every
//! transfer into a signal; revokes download URLs on cleanup. It decides
//! nothing about transfers: that is core/src/transfer/.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use peerlink_core::ConnectionState;
use peerlink_protocol::{ChannelMessage, PeerId};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{File, RtcDataChannel};

use super::use_room::{TransferInput, UseRoomReturn};
use crate::rtc::transfer::{
    pick_folder, remove_page_folder, save_to_folder, sweep_leftovers, FolderError, LinkError,
    Picked, ReceiveOptions, SaveItem, SendOptions, TransferLink, TransferState, TransferView,
    Transfers,
};

/// How saving a batch into a folder went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FolderSave {
    Idle,
    Saving,
    /// This many files were written.
    Saved(usize),
    Failed(FolderError),
}

struct RoomLink {
    room: UseRoomReturn,
}

impl TransferLink for RoomLink {
    fn send_control(&self, peer: PeerId, message: &ChannelMessage) -> Result<(), LinkError> {
        self.room
            .with_room(|room| room.send_control(peer, message))
            .unwrap_or(Ok(()))
            .map_err(|e| LinkError::Send(e.to_string()))
    }

    fn open_channel(&self, peer: PeerId, label: &str) -> Option<RtcDataChannel> {
        self.room
            .session(peer)
            .map(|session| session.create_channel(label))
    }

    fn max_message_size(&self, peer: PeerId) -> Option<f64> {
        self.room
            .session(peer)
            .and_then(|session| session.max_message_size())
    }
}

#[derive(Clone, Copy)]
pub struct UseTransfersReturn {
    /// Every transfer, newest last.
    pub list: RwSignal<Vec<TransferView>>,
    /// The last save into a folder.
    pub folder_save: RwSignal<FolderSave>,
    transfers: StoredValue<Option<Rc<Transfers>>, LocalStorage>,
    room: UseRoomReturn,
}

impl UseTransfersReturn {
    /// Offers each file to every connected peer; returns how many offers went out.
    pub fn send_files(&self, files: Vec<File>) -> usize {
        let picked = files
            .into_iter()
            .map(|file| Picked {
                file,
                path: String::new(),
            })
            .collect();
        self.send_picked(picked)
    }

    /// Offers picked files (with their folders) to every connected peer,
    /// several at once as one batch; returns how many offers went out.
    pub fn send_picked(&self, picked: Vec<Picked>) -> usize {
        let Some(transfers) = self.transfers.get_value() else {
            return 0;
        };
        let peers: Vec<PeerId> = self.room.peers.with_untracked(|list| {
            list.iter()
                .filter(|p| p.state == ConnectionState::Connected)
                .map(|p| p.id)
                .collect()
        });
        let lone = picked.len() == 1 && picked[0].path.is_empty();
        let batch = if lone {
            String::new()
        } else {
            Transfers::new_id()
        };
        peers
            .iter()
            .map(|peer| transfers.offer_batch(*peer, &picked, &batch))
            .sum()
    }

    /// Asks where to save the offer, then accepts it (call from a click).
    pub fn accept_save_as(&self, id: &str) {
        if let Some(transfers) = self.transfers.get_value() {
            transfers.accept_save_as(id);
        }
    }

    pub fn accept_batch(&self, peer: PeerId, batch: &str) {
        if let Some(transfers) = self.transfers.get_value() {
            transfers.accept_batch(peer, batch);
        }
    }

    pub fn decline_batch(&self, peer: PeerId, batch: &str) {
        if let Some(transfers) = self.transfers.get_value() {
            transfers.decline_batch(peer, batch);
        }
    }

    /// Asks for a folder and writes every verified file of `peer`'s batch
    /// into it, with its relative folders (call from a click).
    pub fn save_batch(&self, peer: PeerId, batch: String) {
        let Some(transfers) = self.transfers.get_value() else {
            return;
        };
        let items: Vec<SaveItem> = self.list.with_untracked(|list| {
            list.iter()
                .filter(|t| t.peer == peer && t.batch == batch)
                .filter(|t| t.state == TransferState::Verified)
                .filter_map(|t| {
                    Some(SaveItem {
                        path: t.path.clone(),
                        name: t.name.clone(),
                        blob: transfers.blob(&t.id)?,
                    })
                })
                .collect()
        });
        let outcome = self.folder_save;
        outcome.set(FolderSave::Saving);
        spawn_local(async move {
            let result = match pick_folder().await {
                Ok(root) => save_to_folder(&root, &items).await,
                // The person closed the picker: nothing failed.
                Err(FolderError::Browser(name)) if name == "AbortError" => {
                    outcome.try_set(FolderSave::Idle);
                    return;
                }
                Err(err) => Err(err),
            };
            outcome.try_set(match result {
                Ok(n) => FolderSave::Saved(n),
                Err(err) => FolderSave::Failed(err),
            });
        });
    }

    /// Offers each file to one peer.
    pub fn send_files_to(&self, peer: PeerId, files: Vec<File>) -> usize {
        let Some(transfers) = self.transfers.get_value() else {
            return 0;
        };
        files
            .into_iter()
            .filter(|file| transfers.offer(peer, Clone::clone(file)).is_ok())
            .count()
    }

    /// Offers the file of send `id` again to every connected peer (its
    /// receiver reloaded); returns how many offers went out.
    pub fn send_again(&self, id: &str) -> usize {
        let Some(transfers) = self.transfers.get_value() else {
            return 0;
        };
        let peers: Vec<PeerId> = self.room.peers.with_untracked(|list| {
            list.iter()
                .filter(|p| p.state == ConnectionState::Connected)
                .map(|p| p.id)
                .collect()
        });
        transfers.send_again(id, &peers)
    }

    pub fn accept(&self, id: &str) {
        if let Some(transfers) = self.transfers.get_value() {
            transfers.accept(id);
        }
    }

    pub fn cancel(&self, id: &str) {
        if let Some(transfers) = self.transfers.get_value() {
            transfers.cancel(id);
        }
    }
}

/// Puts `view` into the list (replacing the transfer's previous view).
fn apply(list: RwSignal<Vec<TransferView>>, view: TransferView) {
    list.try_update(|items| {
        match items
            .iter_mut()
            .find(|t| t.id == view.id && t.peer == view.peer)
        {
            Some(item) => *item = view,
            None => items.push(view),
        }
    });
}

/// Progress views wait for the next animation frame, and only the latest
/// per transfer is kept: the list (and the DOM) changes at most once a
/// frame however fast chunks arrive. Any other change is shown at once.
fn throttled(list: RwSignal<Vec<TransferView>>) -> impl Fn(&TransferView) + 'static {
    let pending: Rc<RefCell<Vec<TransferView>>> = Rc::default();
    move |view: &TransferView| {
        let moving = matches!(
            view.state,
            TransferState::Sending | TransferState::Receiving
        );
        let mut queue = pending.borrow_mut();
        queue.retain(|t| !(t.id == view.id && t.peer == view.peer));
        if !moving {
            drop(queue);
            apply(list, view.clone());
            return;
        }
        queue.push(view.clone());
        if queue.len() > 1 {
            return; // a frame is already asked for
        }
        let pending = pending.clone();
        let flush = Closure::once_into_js(move || {
            for view in pending.borrow_mut().drain(..) {
                apply(list, view);
            }
        });
        let asked = web_sys::window()
            .map(|w| w.request_animation_frame(flush.unchecked_ref()).is_ok())
            .unwrap_or(false);
        if !asked {
            for view in queue.drain(..) {
                apply(list, view);
            }
        }
    }
}

pub fn use_transfers(room: UseRoomReturn) -> UseTransfersReturn {
    let list: RwSignal<Vec<TransferView>> = RwSignal::new(Vec::new());
    let transfers = Rc::new(Transfers::new(
        RoomLink { room },
        SendOptions::default(),
        ReceiveOptions::default(),
        throttled(list),
    ));
    // Partial files of tabs that are gone (closed, crashed) leave OPFS;
    // those kept for resuming after a reload are handed to the transfers.
    let restoring = transfers.clone();
    spawn_local(async move {
        sweep_leftovers().await;
        restoring.restore().await;
    });
    let weak = Rc::downgrade(&transfers);
    room.set_transfer_hook(Rc::new(move |peer, input| {
        let Some(transfers) = weak.upgrade() else {
            return;
        };
        match input {
            TransferInput::Control(message) => transfers.on_control(peer, message),
            TransferInput::Channel(channel) => transfers.on_channel(peer, channel),
            TransferInput::State(connection) => transfers.on_peer_state(peer, connection),
            TransferInput::PeerLeft => transfers.on_peer_left(peer),
        }
    }));
    let state = UseTransfersReturn {
        list,
        folder_save: RwSignal::new(FolderSave::Idle),
        transfers: StoredValue::new_local(Some(transfers)),
        room,
    };
    on_cleanup(move || {
        if let Some(items) = list.try_get_untracked() {
            for url in items.iter().filter_map(|t| t.url.as_deref()) {
                let _ = web_sys::Url::revoke_object_url(url);
            }
        }
        state.transfers.try_set_value(None);
        // This page's own partial and finished files leave OPFS with it.
        spawn_local(async {
            remove_page_folder().await;
        });
    });
    state
}
