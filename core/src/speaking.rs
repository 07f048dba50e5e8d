//! Who is speaking, from audio levels sampled a few times a second: a
//! detector with hysteresis (a louder level to start than to keep going)
//! and a hold time, so the indicator neither flickers between words nor
//! lights up on a click. It takes levels and times; sampling is the UI's.

use std::time::Duration;

use crate::Instant;

/// RMS level (0.0–1.0 full scale) at which speech starts to count.
pub const SPEAK_ON: f32 = 0.03;
/// RMS level below which speech may end (below `SPEAK_ON`: hysteresis).
pub const SPEAK_OFF: f32 = 0.015;
/// How long a level must stay above `SPEAK_ON` to start speaking.
pub const ATTACK: Duration = Duration::from_millis(100);
/// How long a level must stay below `SPEAK_OFF` to stop speaking.
pub const RELEASE: Duration = Duration::from_millis(700);

/// The speaking state of one audio stream.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct SpeakingDetector {
    speaking: bool,
    /// When the level first crossed towards the other state, if it has
    /// stayed across since.
    crossing_since: Option<Instant>,
}

impl SpeakingDetector {
    pub fn is_speaking(&self) -> bool {
        self.speaking
    }

    /// Feeds one level sampled at `now`; returns whether the stream is
    /// speaking now. A level that is not a number counts as silence.
    pub fn update(&mut self, level: f32, now: Instant) -> bool {
        let level = if level.is_finite() { level } else { 0.0 };
        let crossing = if self.speaking {
            level < SPEAK_OFF
        } else {
            level >= SPEAK_ON
        };
        if !crossing {
            self.crossing_since = None;
            return self.speaking;
        }
        let since = *self.crossing_since.get_or_insert(now);
        let needed = if self.speaking { RELEASE } else { ATTACK };
        if now.since(since) >= needed {
            self.speaking = !self.speaking;
            self.crossing_since = None;
        }
        self.speaking
    }
}

/// The RMS level of audio samples in -1.0..=1.0 (an AnalyserNode's time
/// domain data); 0.0 for no samples.
pub fn rms(samples: &[f32]) -> f32 {
    if samples.is_empty() {
        return 0.0;
    }
    let sum: f32 = samples.iter().map(|s| s * s).sum();
    (sum / samples.len() as f32).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(ms: u64) -> Instant {
        Instant::from_millis(ms)
    }

    /// Feeds `level` every 50 ms from `from` to `to`; the last answer.
    fn feed(d: &mut SpeakingDetector, level: f32, from: u64, to: u64) -> bool {
        let mut out = d.is_speaking();
        let mut t = from;
        while t <= to {
            out = d.update(level, at(t));
            t += 50;
        }
        out
    }

    #[test]
    fn a_click_is_not_speech() {
        let mut d = SpeakingDetector::default();
        assert!(!d.update(0.5, at(0)));
        assert!(!d.update(0.0, at(50)), "one loud sample alone");
        assert!(!d.update(0.5, at(100)));
        assert!(!d.update(0.0, at(150)));
    }

    #[test]
    fn sustained_sound_starts_speaking_after_the_attack() {
        let mut d = SpeakingDetector::default();
        assert!(!d.update(0.1, at(0)));
        assert!(!d.update(0.1, at(50)));
        assert!(d.update(0.1, at(100)));
    }

    #[test]
    fn pauses_between_words_keep_speaking() {
        let mut d = SpeakingDetector::default();
        assert!(feed(&mut d, 0.1, 0, 500));
        assert!(feed(&mut d, 0.0, 550, 1_100), "a 550 ms pause");
        assert!(feed(&mut d, 0.1, 1_150, 1_300));
        assert!(feed(&mut d, 0.0, 1_350, 1_900));
        assert!(!d.update(0.0, at(2_050)), "silence past the release");
    }

    #[test]
    fn levels_between_the_thresholds_keep_the_state() {
        let mid = (SPEAK_ON + SPEAK_OFF) / 2.0;
        let mut quiet = SpeakingDetector::default();
        assert!(!feed(&mut quiet, mid, 0, 3_000), "never starts");
        let mut talking = SpeakingDetector::default();
        assert!(feed(&mut talking, 0.1, 0, 200));
        assert!(feed(&mut talking, mid, 250, 3_000), "never stops");
    }

    #[test]
    fn bad_levels_count_as_silence() {
        let mut d = SpeakingDetector::default();
        assert!(!feed(&mut d, f32::NAN, 0, 1_000));
        assert!(!feed(&mut d, f32::INFINITY, 0, 1_000));
    }

    #[test]
    fn rms_of_samples() {
        assert_eq!(rms(&[]), 0.0);
        assert_eq!(rms(&[0.0; 8]), 0.0);
        assert!((rms(&[0.5, -0.5, 0.5, -0.5]) - 0.5).abs() < 1e-6);
    }
}
