//! Accepting with room to spare: before an accept (or a batch accept) goes
//! to the core, storage is asked how much is free, and the core decides
//! (core/src/transfer/receive.rs `accept_within`). A refusal is kept per
//! transfer so the view can say how much is needed and how much is free.

use std::rc::Rc;

use peerlink_core::transfer::{Phase, ReceivePhase, TransferError};
use peerlink_protocol::PeerId;
use wasm_bindgen_futures::spawn_local;

use super::folder::pick_save_file;
use super::receive::use_picked;
use super::space::free_bytes;
use super::{drive, now, view_of, Inner};

/// Notes (or clears) "no room" for `ids` and shows them again.
fn note(inner: &Rc<Inner>, ids: &[String], result: &Result<(), TransferError>) {
    {
        let mut no_room = inner.no_room.borrow_mut();
        for id in ids {
            match result {
                Err(TransferError::NoRoom { needed, free }) => {
                    no_room.insert(id.clone(), (*needed, *free));
                }
                _ => {
                    no_room.remove(id);
                }
            }
        }
    }
    for id in ids {
        if let Some(view) = view_of(inner, id) {
            (inner.on_update)(&view);
        }
    }
}

/// Accepts (or resumes) `id` if storage has room for the rest of it.
pub(crate) fn accept(inner: &Rc<Inner>, id: &str) {
    let (inner, id) = (inner.clone(), id.to_string());
    spawn_local(async move {
        let free = free_bytes().await;
        let result = inner.core.borrow_mut().accept_within(&id, free, now());
        note(&inner, std::slice::from_ref(&id), &result);
        drive(&inner);
    });
}

/// Accepts `peer`'s batch if storage has room for every offer waiting.
pub(crate) fn accept_batch(inner: &Rc<Inner>, peer: PeerId, batch: &str) {
    let (inner, batch) = (inner.clone(), batch.to_string());
    spawn_local(async move {
        let free = free_bytes().await;
        let waiting: Vec<String> = inner
            .core
            .borrow()
            .iter()
            .filter(|t| t.peer == peer && t.batch == batch)
            .filter(|t| t.phase == Phase::Receive(ReceivePhase::Offered))
            .map(|t| t.id.clone())
            .collect();
        let result = inner
            .core
            .borrow_mut()
            .accept_batch(peer, &batch, free, now())
            .map(drop);
        note(&inner, &waiting, &result);
        drive(&inner);
    });
}

/// Asks where to save offer `id`, then accepts it with its bytes written
/// there as they arrive (the disk the person chose, so no quota check).
/// Nothing happens if they cancel the picker.
pub(crate) fn accept_save_as(inner: &Rc<Inner>, id: &str) {
    let (inner, id) = (inner.clone(), id.to_string());
    let offered = inner
        .core
        .borrow()
        .get(&id)
        .is_some_and(|t| t.phase == Phase::Receive(ReceivePhase::Offered));
    let name = inner.core.borrow().get(&id).map(|t| t.name.clone());
    let (true, Some(name)) = (offered, name) else {
        return;
    };
    spawn_local(async move {
        let Ok(handle) = pick_save_file(&name).await else {
            return;
        };
        use_picked(&inner, &id, handle);
        let result = inner.core.borrow_mut().accept_within(&id, None, now());
        note(&inner, std::slice::from_ref(&id), &result);
        drive(&inner);
    });
}
