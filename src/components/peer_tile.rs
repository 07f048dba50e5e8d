//! One remote peer's tile: camera video (or an initial when there is no
//! picture), name, speaking ring, connection-quality bars, marks for no
//! microphone and verified, the state while not connected, a public room's
//! code check and a send-a-file picker; and the diagnostics the people
//! panel shows. It renders the room and stats hooks; it must not reach the
//! connection itself.

use leptos::prelude::*;
use peerlink_core::{ConnectionState, Quality};
use peerlink_protocol::PeerId;
use web_sys::MediaStream;

use super::icons::{Icon, IconSvg};
use super::VideoTile;
use crate::errors::peer_state_label;
use crate::hooks::{use_peer_sample, use_speaking, PeerView, StatsSample, UseRoomReturn};
use crate::i18n::{text, I18n, Lang, Msg};
use peerlink_core::DataPath;

pub(super) fn display_name(lang: Lang, name: &str, id: PeerId) -> String {
    if name.trim().is_empty() {
        format!("{} {}", text(lang, Msg::PeerFallbackName), id.short())
    } else {
        name.to_string()
    }
}

/// The first letter of a name, for a tile without a picture.
pub(super) fn initial(name: &str) -> String {
    name.chars()
        .find(|c| c.is_alphanumeric())
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_else(|| "?".into())
}

fn tracks(stream: &Option<MediaStream>, video: bool) -> bool {
    stream.as_ref().is_some_and(|s| {
        let list = if video {
            s.get_video_tracks()
        } else {
            s.get_audio_tracks()
        };
        list.length() > 0
    })
}

/// Props: `id` of the remote peer; `room` the call's room hook.
#[component]
pub fn PeerTile(id: PeerId, room: UseRoomReturn) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let peer = move || {
        room.peers
            .with(|list| list.iter().find(|p| p.id == id).cloned())
    };
    let state = move || peer().map(|p| p.state).unwrap_or_default();
    let state_name = move || state().as_str();
    let camera: Signal<Option<MediaStream>, LocalStorage> =
        Signal::derive_local(move || peer().and_then(|p| p.camera));
    let speaking = use_speaking(camera);
    // One poll of the connection feeds the quality bars and the path.
    let sample = use_peer_sample(room, id);
    let quality = Memo::new(move |_| sample.with(|s| s.as_ref().and_then(StatsSample::quality)));
    let has_video = move || camera.with(|s| tracks(s, true));
    let no_audio = move || camera.with(|s| s.is_some() && !tracks(s, false));
    let verified = move || peer().is_some_and(|p| p.verified);
    // What the peer told us of its switches (None: not told yet).
    let mic_on = move || peer().and_then(|p| p.mic_on);
    let cam_on = move || peer().and_then(|p| p.cam_on);
    let mic_off = move || !no_audio() && mic_on() == Some(false);
    let path = Memo::new(move |_| sample.with(|s| s.as_ref().and_then(StatsSample::path)));
    let name = move || {
        peer()
            .map(|p: PeerView| display_name(i18n.0.get(), &p.name, id))
            .unwrap_or_default()
    };
    view! {
        <article class="tile peer" data-testid="peer" data-peer-id=id.to_string() data-state=state_name
            data-verified=move || verified().to_string() data-speaking=move || speaking.get().to_string()
            data-quality=move || quality.get().map(Quality::as_str) aria-label=name
            data-path=move || path.get().map(|p| p.as_str()).unwrap_or_default()
            data-mic=move || switch_name(mic_on()) data-cam=move || switch_name(cam_on())>
            <VideoTile stream=camera muted=false testid="remote-video"/>
            <Show when=move || !has_video() || cam_on() == Some(false)>
                <div class="avatar" aria-hidden="true"><span>{move || initial(&name())}</span></div>
            </Show>
            <Show when=move || state() != ConnectionState::Connected>
                <p class="tile-state" role="status">{move || peer_state_label(i18n.0.get(), state())}</p>
            </Show>
            <CodeCheck id=id room=room/>
            <div class="tile-tools"><SendFileTo id=id/></div>
            <footer class="tile-label">
                <Show when=no_audio>
                    <span class="mark" title=i18n.t(Msg::NoMicrophone)>
                        <IconSvg icon=Icon::MicOff/><span class="visually-hidden">{i18n.t(Msg::NoMicrophone)}</span>
                    </span>
                </Show>
                <Show when=mic_off>
                    <span class="mark" title=i18n.t(Msg::MicIsOff)>
                        <IconSvg icon=Icon::MicOff/><span class="visually-hidden">{i18n.t(Msg::MicIsOff)}</span>
                    </span>
                </Show>
                <Show when=move || cam_on() == Some(false)>
                    <span class="mark" title=i18n.t(Msg::CameraIsOff)>
                        <IconSvg icon=Icon::CameraOff/><span class="visually-hidden">{i18n.t(Msg::CameraIsOff)}</span>
                    </span>
                </Show>
                <span class="name">{name}</span>
                <Show when=verified>
                    <span class="mark verified" title=i18n.t(Msg::PeerVerified)>
                        <IconSvg icon=Icon::Check/><span class="visually-hidden">{i18n.t(Msg::PeerVerified)}</span>
                    </span>
                </Show>
                <Show when=move || path.get() == Some(DataPath::Relayed)>
                    <span class="badge relayed">{i18n.t(Msg::RelayedMark)}</span>
                </Show>
                <QualityBars quality=quality/>
            </footer>
        </article>
    }
}

/// Three bars lit by connection quality, with its name for screen readers.
#[component]
pub(super) fn QualityBars(#[prop(into)] quality: Signal<Option<Quality>>) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let label = move || {
        quality.get().map(|q| match q {
            Quality::Good => i18n.t(Msg::QualityGood)(),
            Quality::Fair => i18n.t(Msg::QualityFair)(),
            Quality::Poor => i18n.t(Msg::QualityPoor)(),
        })
    };
    view! {
        <Show when=move || quality.get().is_some()>
            <span class="quality" role="img" aria-label=label title=label
                data-quality=move || quality.get().map(Quality::as_str)
                data-bars=move || quality.get().map(|q| q.bars().to_string())>
                <i></i><i></i><i></i>
            </span>
        </Show>
    }
}

/// A public room's code to compare by voice, until the person confirms it.
#[component]
fn CodeCheck(id: PeerId, room: UseRoomReturn) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let pending = move || {
        room.peers.with(|list| {
            list.iter()
                .find(|p| p.id == id && !p.verified)
                .and_then(|p| p.code.clone())
        })
    };
    view! {
        {move || pending().map(|code| view! {
            <p class="code-check">
                {i18n.t(Msg::CompareCode)} " "
                <strong class="sas" data-testid="sas">{code}</strong> " "
                <button type="button" class="secondary" on:click=move |_| room.codes_match(id)>
                    {i18n.t(Msg::TheyMatch)}
                </button>
            </p>
        })}
    }
}

/// Connection details for one peer, shown only while open.
#[component]
pub(super) fn Diagnostics(id: PeerId, room: UseRoomReturn) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let open = RwSignal::new(false);
    view! {
        <details class="diagnostics" on:toggle=move |_| open.update(|o| *o = !*o)>
            <summary>{i18n.t(Msg::Diagnostics)}</summary>
            <Show when=move || open.get()>
                <StatsTable id=id room=room/>
            </Show>
        </details>
    }
}

#[component]
fn StatsTable(id: PeerId, room: UseRoomReturn) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let sample = use_peer_sample(room, id);
    let row = move |f: fn(&crate::rtc::PeerStats, f64, f64) -> String| {
        move || {
            sample
                .with(|s| {
                    s.as_ref().map(|s| {
                        let (up, down) = s.kbps();
                        f(&s.now, up, down)
                    })
                })
                .unwrap_or_else(|| "…".into())
        }
    };
    view! {
        <dl class="stats">
            <dt>{i18n.t(Msg::StatsRtt)}</dt><dd>{row(|s, _, _| s.rtt_ms.map(|r| format!("{} ms", whole(r))).unwrap_or_else(|| "–".into()))}</dd>
            <dt>"↑"</dt><dd>{row(|_, up, _| format!("{} kbit/s", whole(up)))}</dd>
            <dt>"↓"</dt><dd>{row(|_, _, down| format!("{} kbit/s", whole(down)))}</dd>
            <dt>{i18n.t(Msg::StatsLoss)}</dt><dd>{row(|s, _, _| tenths(s.loss_percent()))}</dd>
            <dt>{i18n.t(Msg::StatsPath)}</dt>
            <dd>{move || sample.get().map(|StatsSample { now: s, .. }| {
                let kind = if s.is_relayed() { i18n.t(Msg::Relayed)() } else { i18n.t(Msg::Direct)() };
                format!("{kind} ({} ↔ {})", s.local_candidate_type.unwrap_or_default(), s.remote_candidate_type.unwrap_or_default())
            }).unwrap_or_else(|| "…".into())}</dd>
        </dl>
    }
}

/// A file picker that sends only to this peer: an icon button over a
/// hidden `<input type=file>`.
#[component]
fn SendFileTo(id: PeerId) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let transfers = use_context::<crate::hooks::UseTransfersReturn>();
    view! {
        <Show when=move || transfers.is_some()>
            <label class="icon-button send-to" title=i18n.t(Msg::SendFileTo)>
                <IconSvg icon=Icon::Upload/>
                <span class="visually-hidden">{i18n.t(Msg::SendFileTo)}</span>
                <input type="file" multiple=true on:change=move |ev| {
                    let input: web_sys::HtmlInputElement = event_target(&ev);
                    if let Some(transfers) = transfers {
                        transfers.send_files_to(id, super::files::files_of(input.files()));
                    }
                    input.set_value("");
                }/>
            </label>
        </Show>
    }
}

/// `x` rounded to a whole number, formatted without the float formatter
/// (which costs the bundle about 10 KB).
fn whole(x: f64) -> u64 {
    x.max(0.0).round() as u64
}

/// A percentage with one decimal ("2.5 %"), from integers only.
fn tenths(percent: f64) -> String {
    let t = whole(percent * 10.0);
    format!("{}.{} %", t / 10, t % 10)
}

/// `data-mic`/`data-cam`: "on", "off", or "" before the peer told us.
fn switch_name(on: Option<bool>) -> &'static str {
    match on {
        Some(true) => "on",
        Some(false) => "off",
        None => "",
    }
}
