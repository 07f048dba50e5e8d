//! `use_media`: the local camera/microphone stream for a media mode, mute and
//! camera toggles, the device list (kept fresh on `devicechange`) and the
//! screen capture, all stopped on cleanup. It owns local capture only; it
//! must not touch peer connections (the room does).

use gloo_events::EventListener;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use web_sys::{MediaStream, MediaStreamTrack};

use crate::launch::MediaMode;
use crate::rtc::{
    enumerate_devices, get_display_media, get_user_media, DeviceInfo, DeviceKind, MediaError,
    MediaRequest,
};

#[derive(Clone, Copy)]
pub struct UseMediaReturn {
    /// The local camera/microphone stream, once granted.
    pub stream: RwSignal<Option<MediaStream>, LocalStorage>,
    /// True once capture finished, granted or not (the room waits for it).
    pub settled: RwSignal<bool>,
    pub error: RwSignal<Option<MediaError>>,
    pub mic_on: RwSignal<bool>,
    pub cam_on: RwSignal<bool>,
    pub devices: RwSignal<Vec<DeviceInfo>>,
    /// The screen being shared, if any.
    pub screen: RwSignal<Option<MediaStream>, LocalStorage>,
    listener: StoredValue<Option<EventListener>, LocalStorage>,
}

pub fn tracks_of(stream: &MediaStream) -> Vec<MediaStreamTrack> {
    stream
        .get_tracks()
        .iter()
        .map(|t| t.unchecked_into::<MediaStreamTrack>())
        .collect()
}

fn stop_all(stream: &MediaStream) {
    for track in tracks_of(stream) {
        track.stop();
    }
}

impl UseMediaReturn {
    fn set_enabled(&self, kind: DeviceKind, on: bool) {
        if let Some(stream) = self.stream.get_untracked() {
            for track in tracks_of(&stream).into_iter().filter(|t| kind.matches(t)) {
                track.set_enabled(on);
            }
        }
    }

    /// Mutes or unmutes the microphone (the track keeps running, sends silence).
    pub fn toggle_mic(&self) {
        let on = !self.mic_on.get_untracked();
        self.set_enabled(DeviceKind::Microphone, on);
        self.mic_on.set(on);
    }

    /// Turns the camera picture off or on (black frames while off).
    pub fn toggle_cam(&self) {
        let on = !self.cam_on.get_untracked();
        self.set_enabled(DeviceKind::Camera, on);
        self.cam_on.set(on);
    }

    /// Asks for a screen; resolves to the stream, or the error to show.
    pub async fn start_screen(&self) -> Result<MediaStream, MediaError> {
        let stream = get_display_media().await?;
        self.screen.set(Some(Clone::clone(&stream)));
        Ok(stream)
    }

    pub fn stop_screen(&self) {
        if let Some(stream) = self.screen.get_untracked() {
            stop_all(&stream);
        }
        self.screen.set(None);
    }

    /// Opens `device_id` (a camera or a microphone); returns the new track
    /// and the id of the one it replaces, after swapping it into the stream.
    pub async fn switch_device(
        &self,
        kind: DeviceKind,
        device_id: String,
    ) -> Result<(String, MediaStreamTrack), MediaError> {
        let fresh = get_user_media(&MediaRequest::one_device(kind, device_id)).await?;
        let Some(track) = tracks_of(&fresh).into_iter().find(|t| kind.matches(t)) else {
            return Err(MediaError::NotFound);
        };
        let Some(stream) = self.stream.get_untracked() else {
            return Err(MediaError::NotFound);
        };
        let old = tracks_of(&stream).into_iter().find(|t| kind.matches(t));
        let old_id = old.as_ref().map(|t| t.id()).unwrap_or_default();
        if let Some(old) = old {
            stream.remove_track(&old);
            old.stop();
        }
        track.set_enabled(match kind {
            DeviceKind::Camera => self.cam_on.get_untracked(),
            DeviceKind::Microphone | DeviceKind::Speaker => self.mic_on.get_untracked(),
        });
        stream.add_track(&track);
        Ok((old_id, track))
    }

    pub fn refresh_devices(&self) {
        let devices = self.devices;
        spawn_local(async move {
            match enumerate_devices().await {
                Ok(list) => {
                    devices.try_set(list);
                }
                Err(err) => web_sys::console::warn_1(&format!("peerlink: {err}").into()),
            }
        });
    }
}

/// Starts capture for `mode` (nothing for `MediaMode::None`) from the
/// browser's default devices.
pub fn use_media(mode: MediaMode) -> UseMediaReturn {
    use_media_with(mode, None, None)
}

/// Starts capture for `mode` from the given camera and microphone.
pub fn use_media_with(
    mode: MediaMode,
    camera: Option<String>,
    microphone: Option<String>,
) -> UseMediaReturn {
    let media = UseMediaReturn {
        stream: RwSignal::new_local(None),
        settled: RwSignal::new(false),
        error: RwSignal::new(None),
        mic_on: RwSignal::new(true),
        cam_on: RwSignal::new(mode == MediaMode::Video),
        devices: RwSignal::new(Vec::new()),
        screen: RwSignal::new_local(None),
        listener: StoredValue::new_local(None),
    };
    if mode == MediaMode::None {
        media.settled.set(true);
    } else {
        let request = MediaRequest {
            audio: true,
            video: mode == MediaMode::Video,
            audio_device: microphone,
            video_device: camera,
        };
        spawn_local(async move {
            match get_user_media(&request).await {
                Ok(stream) => media.stream.set(Some(stream)),
                Err(err) => media.error.set(Some(err)),
            }
            media.settled.set(true);
            media.refresh_devices();
        });
    }
    if let Ok(devices) = web_sys::window()
        .ok_or(())
        .and_then(|w| w.navigator().media_devices().map_err(|_| ()))
    {
        let listener =
            EventListener::new(&devices, "devicechange", move |_| media.refresh_devices());
        media.listener.set_value(Some(listener));
    }
    on_cleanup(move || {
        if let Some(stream) = media.stream.try_get_untracked().flatten() {
            stop_all(&stream);
        }
        if let Some(stream) = media.screen.try_get_untracked().flatten() {
            stop_all(&stream);
        }
        media.listener.try_set_value(None);
    });
    media
}
