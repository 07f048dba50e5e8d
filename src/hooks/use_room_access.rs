//! Decides how a room is protected before joining: a private link's secret,
//! a secret derived from a typed name and password (PBKDF2 in WebCrypto), or
//! none for a public room. It only derives; joining is `use_room`'s.

use leptos::prelude::*;
use peerlink_core::RoomRef;

use crate::errors::Notice;
use crate::signaling::password_secret;

/// How the room is protected, once decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoomAccess {
    Public,
    /// The secret the topic, sealing key and key confirmation come from.
    Private(Vec<u8>),
}

#[derive(Clone, Copy)]
pub struct UseRoomAccessReturn {
    /// `None` while a password is being stretched.
    pub access: RwSignal<Option<RoomAccess>>,
    pub error: RwSignal<Option<Notice>>,
}

/// `room`: the fragment form (`s/<secret>` or a name); `password`: typed
/// with a name, empty otherwise.
pub fn use_room_access(room: &str, password: &str) -> UseRoomAccessReturn {
    let state = UseRoomAccessReturn {
        access: RwSignal::new(None),
        error: RwSignal::new(None),
    };
    match RoomRef::parse(room) {
        Ok(Some(RoomRef::Private { secret })) => {
            state.access.set(Some(RoomAccess::Private(secret)))
        }
        Ok(_) if password.is_empty() => state.access.set(Some(RoomAccess::Public)),
        Ok(_) => {
            let (name, password) = (room.to_string(), password.to_string());
            leptos::task::spawn_local(async move {
                match password_secret(&name, &password).await {
                    Ok(secret) => state.access.set(Some(RoomAccess::Private(secret))),
                    Err(_) => state.error.set(Some(Notice::NoCrypto)),
                }
            });
        }
        Err(_) => state.error.set(Some(Notice::BadRoomLink)),
    }
    state
}
