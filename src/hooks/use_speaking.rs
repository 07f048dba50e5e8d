//! `use_speaking`: whether a stream's audio is speech right now, for the
//! speaking ring on a tile. One `AudioContext` per call (`provide_audio_meter`,
//! closed on cleanup) and one `AnalyserNode` per stream, sampled every
//! 100 ms; the decision is `peerlink_core::SpeakingDetector`'s.

use leptos::prelude::*;
use leptos::task::spawn_local;
use peerlink_core::{rms, SpeakingDetector};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AnalyserNode, AudioContext, MediaStream, MediaStreamAudioSourceNode};

use crate::browser::{now, Interval};

/// How often levels are sampled (ms).
const SAMPLE_EVERY_MS: u32 = 100;

/// The call's one `AudioContext`, created on first use; closed on cleanup.
#[derive(Clone, Copy)]
pub struct AudioMeter(StoredValue<Option<AudioContext>, LocalStorage>);

impl AudioMeter {
    fn context(&self) -> Option<AudioContext> {
        if let Some(context) = self.0.try_get_value().flatten() {
            return Some(context);
        }
        let context = AudioContext::new().ok()?;
        // Suspended when created before a gesture; *Join* was one.
        settle(context.resume());
        self.0.try_set_value(Some(context.clone()));
        Some(context)
    }
}

/// Waits for an audio context promise so a refusal is logged, never left
/// as an unhandled rejection.
fn settle(promise: Result<js_sys::Promise, wasm_bindgen::JsValue>) {
    let Ok(promise) = promise else { return };
    spawn_local(async move {
        if let Err(err) = JsFuture::from(promise).await {
            web_sys::console::warn_1(&err);
        }
    });
}

/// Provides the call's `AudioMeter` to the tiles below; closes it on cleanup.
pub fn provide_audio_meter() {
    let meter = AudioMeter(StoredValue::new_local(None));
    provide_context(meter);
    on_cleanup(move || {
        if let Some(context) = meter.0.try_get_value().flatten() {
            settle(context.close());
        }
    });
}

/// A stream's audio feeding an analyser; disconnected when dropped.
struct Tap {
    source: MediaStreamAudioSourceNode,
    analyser: AnalyserNode,
    samples: Vec<f32>,
}

impl Tap {
    fn new(context: &AudioContext, stream: &MediaStream) -> Option<Tap> {
        if stream.get_audio_tracks().length() == 0 {
            return None;
        }
        let source = context.create_media_stream_source(stream).ok()?;
        let analyser = context.create_analyser().ok()?;
        analyser.set_fft_size(512);
        source.connect_with_audio_node(&analyser).ok()?;
        let samples = vec![0.0; analyser.fft_size() as usize];
        Some(Tap {
            source,
            analyser,
            samples,
        })
    }

    fn level(&mut self) -> f32 {
        self.analyser.get_float_time_domain_data(&mut self.samples);
        rms(&self.samples)
    }
}

impl Drop for Tap {
    fn drop(&mut self) {
        let _ = self.source.disconnect();
    }
}

/// True while `stream` carries speech (false without an `AudioMeter`).
pub fn use_speaking(stream: Signal<Option<MediaStream>, LocalStorage>) -> ReadSignal<bool> {
    let (speaking, set_speaking) = signal(false);
    let Some(meter) = use_context::<AudioMeter>() else {
        return speaking;
    };
    let tap = StoredValue::new_local(None::<Tap>);
    let detector = StoredValue::new_local(SpeakingDetector::default());
    Effect::new(move |_| {
        let fresh = stream
            .get()
            .and_then(|s| meter.context().and_then(|c| Tap::new(&c, &s)));
        tap.set_value(fresh);
        detector.set_value(SpeakingDetector::default());
        set_speaking.set(false);
    });
    let sample = move || {
        let Some(level) = tap
            .try_update_value(|t| t.as_mut().map(Tap::level))
            .flatten()
        else {
            return;
        };
        let now_speaking = detector
            .try_update_value(|d| d.update(level, now()))
            .unwrap_or(false);
        if speaking.try_get_untracked() != Some(now_speaking) {
            set_speaking.try_set(now_speaking);
        }
    };
    let timer = StoredValue::new_local(Some(Interval::new(SAMPLE_EVERY_MS, sample)));
    on_cleanup(move || {
        timer.try_set_value(None);
        tap.try_set_value(None);
    });
    speaking
}
