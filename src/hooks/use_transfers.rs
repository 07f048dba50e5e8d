//! `use_transfers`: file transfers for a joined room. Connects `Transfers`
//! to the room (control messages, channels, departures) and mirrors every
//! transfer into a signal; revokes download URLs on cleanup. It decides
//! nothing about transfers: that is core/src/transfer/.

use std::rc::Rc;

use leptos::prelude::*;
use peerlink_core::ConnectionState;
use peerlink_protocol::{ChannelMessage, PeerId};
use web_sys::{File, RtcDataChannel};

use super::use_room::{TransferInput, UseRoomReturn};
use crate::rtc::transfer::{
    LinkError, ReceiveOptions, SendOptions, TransferLink, TransferView, Transfers,
};

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
    transfers: StoredValue<Option<Rc<Transfers>>, LocalStorage>,
    room: UseRoomReturn,
}

impl UseTransfersReturn {
    /// Offers each file to every connected peer; returns how many offers went out.
    pub fn send_files(&self, files: Vec<File>) -> usize {
        let Some(transfers) = self.transfers.get_value() else {
            return 0;
        };
        let peers: Vec<PeerId> = self.room.peers.with_untracked(|list| {
            list.iter()
                .filter(|p| p.state == ConnectionState::Connected)
                .map(|p| p.id)
                .collect()
        });
        let mut offered = 0;
        for file in &files {
            for peer in &peers {
                if transfers.offer(*peer, Clone::clone(file)).is_ok() {
                    offered += 1;
                }
            }
        }
        offered
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

pub fn use_transfers(room: UseRoomReturn) -> UseTransfersReturn {
    let list: RwSignal<Vec<TransferView>> = RwSignal::new(Vec::new());
    let transfers = Rc::new(Transfers::new(
        RoomLink { room },
        SendOptions::default(),
        ReceiveOptions::default(),
        move |view| {
            list.try_update(|items| {
                match items
                    .iter_mut()
                    .find(|t| t.id == view.id && t.peer == view.peer)
                {
                    Some(item) => *item = view.clone(),
                    None => items.push(view.clone()),
                }
            });
        },
    ));
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
    });
    state
}
