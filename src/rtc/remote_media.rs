//! Groups a peer's incoming tracks into streams we own: the first live audio
//! and video track form the camera stream; any further video track is a
//! screen share with a stream of its own. Not trusting msid keeps this the
//! same across browsers and renegotiations. It owns no connection.

use wasm_bindgen::JsCast;
use web_sys::{MediaStream, MediaStreamTrack, MediaStreamTrackState};

#[derive(Default)]
pub struct RemoteMedia {
    camera: Option<MediaStream>,
}

impl RemoteMedia {
    /// Places `track`; returns the stream to show if one appeared or grew.
    pub fn add(&mut self, track: &MediaStreamTrack) -> Option<MediaStream> {
        let camera = match &self.camera {
            Some(stream) => Clone::clone(stream),
            None => {
                let stream = MediaStream::new().ok()?;
                self.camera = Some(Clone::clone(&stream));
                stream
            }
        };
        let audio = track.kind() == "audio";
        if !has_live(&camera, audio) {
            camera.add_track(track);
            return Some(camera);
        }
        if audio {
            return None;
        }
        let screen = MediaStream::new().ok()?;
        screen.add_track(track);
        Some(screen)
    }
}

fn has_live(stream: &MediaStream, audio: bool) -> bool {
    let tracks = if audio {
        stream.get_audio_tracks()
    } else {
        stream.get_video_tracks()
    };
    tracks.iter().any(|t| {
        t.unchecked_into::<MediaStreamTrack>().ready_state() == MediaStreamTrackState::Live
    })
}
