//! The share panel of the call view: *Copy link*, *Share…* where the
//! browser has a share sheet, the room link as a QR code (inline SVG), the
//! *Notify me* control, and the files shared to the installed app waiting
//! to be sent. It renders `use_share`, `use_attention` and
//! `use_shared_files`; it must not do I/O itself.

use leptos::prelude::*;
use peerlink_core::{NotifyPermission, RoomRef};

use crate::hooks::{
    use_attention, use_share, use_shared_files, CopyState, RoomAccess, UseAttentionReturn,
    UseRoomReturn, UseShareReturn, UseTransfersReturn,
};
use crate::i18n::{I18n, Msg};

/// Props: `room_name` is the room's fragment form (what the lobby chose);
/// `access` tells a private room (the link then carries the secret).
#[component]
pub fn SharePanel(
    room_name: String,
    access: RwSignal<Option<RoomAccess>>,
    room: UseRoomReturn,
    transfers: UseTransfersReturn,
) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let label = match RoomRef::parse(&room_name) {
        Ok(Some(room_ref)) => room_ref.label(),
        _ => room_name.clone(),
    };
    let share = use_share(room_name, access);
    let attention = use_attention(room, transfers, format!("peerlink · {label}"));
    view! {
        <section class="share card" data-testid="share" aria-label=i18n.t(Msg::Invite)>
            <h3>{i18n.t(Msg::Invite)}</h3>
            <ShareButtons share=share/>
            <QrFigure share=share/>
            <NotifyControl attention=attention/>
        </section>
    }
}

#[component]
fn ShareButtons(share: UseShareReturn) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let copy_label = move || match share.clipboard.state.get() {
        CopyState::Idle => i18n.t(Msg::CopyLink)(),
        CopyState::Copied => i18n.t(Msg::LinkCopied)(),
        CopyState::Failed(_) => i18n.t(Msg::CopyFailed)(),
    };
    view! {
        <div class="share-actions">
            <button type="button" data-testid="share-copy" aria-live="polite"
                on:click=move |_| share.clipboard.copy.run(share.link.get_untracked())>
                {copy_label}
            </button>
            <Show when=move || share.can_share>
                <button type="button" data-testid="share-native" on:click=move |_| share.share.run(())>
                    {i18n.t(Msg::ShareLink)}
                </button>
            </Show>
            <Show when=move || share.share_failed.get()>
                <span class="hint" role="status">{i18n.t(Msg::ShareFailed)}</span>
            </Show>
        </div>
    }
}

/// The room link as a QR code; black on white whatever the theme, since
/// phone cameras read dark-on-light best.
#[component]
fn QrFigure(share: UseShareReturn) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    move || {
        share.qr.get().map(|qr| {
            let side = qr.side.to_string();
            let view_box = format!("0 0 {side} {side}");
            view! {
                <figure class="qr">
                    <svg data-testid="share-qr" role="img" aria-label=i18n.t(Msg::QrCaption)
                        viewBox=view_box width="176" height="176" shape-rendering="crispEdges">
                        <rect width=side.clone() height=side fill="#fff"/>
                        <path d=qr.path fill="#000"/>
                    </svg>
                    <figcaption class="hint">{i18n.t(Msg::QrCaption)}</figcaption>
                </figure>
            }
        })
    }
}

/// *Notify me* while the browser has not been asked; then what it said.
#[component]
fn NotifyControl(attention: UseAttentionReturn) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    move || match attention.permission.get() {
        NotifyPermission::Default => view! {
            <button type="button" data-testid="notify-me" on:click=move |_| attention.ask.run(())>
                {i18n.t(Msg::NotifyMe)}
            </button>
        }
        .into_any(),
        NotifyPermission::Granted => {
            view! { <p class="hint" data-testid="notify-state">{i18n.t(Msg::NotifyOn)}</p> }
                .into_any()
        }
        NotifyPermission::Denied => view! {
            <p class="hint" data-testid="notify-state">{i18n.t(Msg::NotifyBlocked)}</p>
        }
        .into_any(),
        NotifyPermission::Unsupported => ().into_any(),
    }
}

/// Files another app shared to peerlink (the share target), with *Send to
/// everyone*; they stay while nobody is connected to take them. Mounted at
/// the top of the files panel.
#[component]
pub fn SharedFiles(transfers: UseTransfersReturn) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let files = use_shared_files();
    let names = move || files.with(|f| f.iter().map(|f| f.name()).collect::<Vec<_>>().join(", "));
    let send = move |_| {
        let list = files.get_untracked();
        if transfers.send_files(list) > 0 {
            files.set(Vec::new());
        }
    };
    view! {
        <Show when=move || files.with(|f| !f.is_empty())>
            <div class="shared-files" data-testid="shared-files">
                <p>{i18n.t(Msg::SharedFiles)} " " <span class="names">{names}</span></p>
                <button type="button" data-testid="send-shared" on:click=send>{i18n.t(Msg::SendShared)}</button>
                <button type="button" on:click=move |_| files.set(Vec::new())>{i18n.t(Msg::DiscardShared)}</button>
            </div>
        </Show>
    }
}
