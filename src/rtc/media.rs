//! Local media: camera and microphone (`getUserMedia`), screen
//! (`getDisplayMedia`) and the device list, every rejection a typed
//! `MediaError` (an insecure context is caught before the browser is asked).
//! It captures and lists; it must not keep streams alive or decide what to
//! do with them (that is `hooks/use_media.rs`).

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    ConstrainDomStringParameters, DisplayMediaStreamConstraints, MediaDeviceInfo, MediaDeviceKind,
    MediaDevices, MediaStream, MediaStreamConstraints, MediaTrackConstraints,
};

use super::MediaError;
use crate::browser::js_error_name;
use crate::browser::location::is_secure_context;

/// What to capture, and from which devices (`None` = the browser's default).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MediaRequest {
    pub audio: bool,
    pub video: bool,
    pub audio_device: Option<String>,
    pub video_device: Option<String>,
}

/// A kind of media device, as `enumerateDevices` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceKind {
    Camera,
    Microphone,
    Speaker,
}

impl DeviceKind {
    /// The `MediaStreamTrack.kind` of this device's tracks (`"video"`/`"audio"`).
    pub fn track_kind(self) -> &'static str {
        match self {
            DeviceKind::Camera => "video",
            DeviceKind::Microphone | DeviceKind::Speaker => "audio",
        }
    }

    /// True for a track of this kind of device.
    pub fn matches(self, track: &web_sys::MediaStreamTrack) -> bool {
        track.kind() == self.track_kind()
    }
}

impl MediaRequest {
    /// Exactly one device: `device_id` of `kind` (a camera or a microphone).
    pub fn one_device(kind: DeviceKind, device_id: String) -> MediaRequest {
        let camera = kind == DeviceKind::Camera;
        MediaRequest {
            audio: !camera,
            video: camera,
            audio_device: (!camera).then(|| device_id.clone()),
            video_device: camera.then_some(device_id),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct DeviceInfo {
    pub id: String,
    pub kind: DeviceKind,
    pub label: String,
}

fn media_devices() -> Result<MediaDevices, MediaError> {
    if !is_secure_context() {
        return Err(MediaError::InsecureContext);
    }
    let navigator = web_sys::window()
        .ok_or(MediaError::Unsupported)?
        .navigator();
    // `navigator.mediaDevices` is undefined in insecure contexts and old browsers.
    navigator
        .media_devices()
        .ok()
        .filter(|devices| !devices.is_undefined())
        .ok_or(MediaError::Unsupported)
}

/// `true` (any device), or `{deviceId: {exact: id}}`.
fn track_constraint(device: &Option<String>) -> JsValue {
    match device {
        Some(id) => {
            let exact = ConstrainDomStringParameters::new();
            exact.set_exact_str(id);
            let constraint = MediaTrackConstraints::new();
            constraint.set_device_id_constrain_dom_string_parameters(&exact);
            constraint.into()
        }
        None => JsValue::TRUE,
    }
}

fn media_error(value: &JsValue) -> MediaError {
    let name = value
        .dyn_ref::<web_sys::DomException>()
        .map(|e| e.name())
        .unwrap_or_else(|| js_error_name(value));
    MediaError::from_dom_name(&name)
}

/// Captures camera and/or microphone.
pub async fn get_user_media(request: &MediaRequest) -> Result<MediaStream, MediaError> {
    if !request.audio && !request.video {
        return Err(MediaError::Other("nothing to capture".into()));
    }
    let devices = media_devices()?;
    let constraints = MediaStreamConstraints::new();
    constraints.set_audio(&if request.audio {
        track_constraint(&request.audio_device)
    } else {
        JsValue::FALSE
    });
    constraints.set_video(&if request.video {
        track_constraint(&request.video_device)
    } else {
        JsValue::FALSE
    });
    let promise = devices
        .get_user_media_with_constraints(&constraints)
        .map_err(|e| media_error(&e))?;
    let stream = JsFuture::from(promise).await.map_err(|e| media_error(&e))?;
    stream
        .dyn_into::<MediaStream>()
        .map_err(|_| MediaError::Other("not a MediaStream".into()))
}

/// Captures a screen, window or tab.
pub async fn get_display_media() -> Result<MediaStream, MediaError> {
    let devices = media_devices()?;
    let constraints = DisplayMediaStreamConstraints::new();
    constraints.set_video(&JsValue::TRUE);
    constraints.set_audio(&JsValue::FALSE);
    let promise = devices
        .get_display_media_with_constraints(&constraints)
        .map_err(|e| media_error(&e))?;
    let stream = JsFuture::from(promise).await.map_err(|e| media_error(&e))?;
    stream
        .dyn_into::<MediaStream>()
        .map_err(|_| MediaError::Other("not a MediaStream".into()))
}

/// Lists cameras, microphones and speakers (labels appear once permission is granted).
pub async fn enumerate_devices() -> Result<Vec<DeviceInfo>, MediaError> {
    let devices = media_devices()?;
    let promise = devices.enumerate_devices().map_err(|e| media_error(&e))?;
    let list = JsFuture::from(promise).await.map_err(|e| media_error(&e))?;
    let list: js_sys::Array = list.dyn_into().map_err(|_| MediaError::Unsupported)?;
    Ok(list
        .iter()
        .filter_map(|d| d.dyn_into::<MediaDeviceInfo>().ok())
        .filter_map(|d| {
            let kind = match d.kind() {
                MediaDeviceKind::Videoinput => DeviceKind::Camera,
                MediaDeviceKind::Audioinput => DeviceKind::Microphone,
                MediaDeviceKind::Audiooutput => DeviceKind::Speaker,
                _ => return None,
            };
            Some(DeviceInfo {
                id: d.device_id(),
                kind,
                label: d.label(),
            })
        })
        .collect())
}
