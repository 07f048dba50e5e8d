//! The signaling envelope carried in a publish frame's `data`: who sent it, to
//! whom, its sequence number, and either a signal in the clear or a sealed
//! (encrypted) one. Sealing itself happens in the browser; this module only
//! shapes the bytes.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::error::check_size;
use crate::limits::{MAX_FRAME_BYTES, MAX_NAME_CHARS};
use crate::{DecodeError, PeerId};

/// The envelope version this crate speaks; other versions are rejected.
pub const PROTOCOL_VERSION: u64 = 1;

/// Most capability strings a hello may list.
const MAX_CAPS: usize = 16;

/// One signaling message between two peers (or from one peer to the room
/// when `to` is `None`).
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope {
    pub from: PeerId,
    pub to: Option<PeerId>,
    pub seq: u64,
    pub payload: Payload,
}

/// The body of an envelope: readable, or sealed with the room password.
#[derive(Debug, Clone, PartialEq)]
pub enum Payload {
    Open(Signal),
    /// base64 of AES-GCM(key, signal JSON), the header as associated data.
    Sealed(String),
}

/// What a peer says through signaling.
#[derive(Debug, Clone, PartialEq)]
pub enum Signal {
    Hello(HelloBody),
    Bye,
    Description(DescriptionBody),
    Candidate(CandidateBody),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HelloBody {
    pub name: String,
    #[serde(default)]
    pub caps: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SdpKind {
    Offer,
    Answer,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DescriptionBody {
    #[serde(rename = "type")]
    pub kind: SdpKind,
    pub sdp: String,
}

/// An ICE candidate, or the end-of-candidates marker when `candidate` is `None`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CandidateBody {
    pub candidate: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sdp_mid: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        rename = "sdpMLineIndex"
    )]
    pub sdp_m_line_index: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username_fragment: Option<String>,
}

#[derive(Deserialize)]
struct WireEnvelope {
    v: Option<u64>,
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
    seq: Option<u64>,
    kind: Option<String>,
    body: Option<Box<RawValue>>,
    sealed: Option<String>,
}

/// An envelope as written: the header fields, then either `kind` and `body`
/// or `sealed`. One flat struct, not `#[serde(flatten)]`, which would route
/// every field through serde's generic map serializer.
#[derive(Serialize)]
struct WireOut<'a> {
    v: u64,
    from: &'a PeerId,
    to: &'a Option<PeerId>,
    seq: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    body: Option<BodyOut<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sealed: Option<&'a str>,
}

/// A signal's body, serialised straight from the typed struct (no
/// intermediate `serde_json::Value`).
#[derive(Serialize)]
#[serde(untagged)]
enum BodyOut<'a> {
    Hello(&'a HelloBody),
    Empty {},
    Description(&'a DescriptionBody),
    Candidate(&'a CandidateBody),
}

#[derive(Deserialize)]
struct SignalParts {
    kind: String,
    body: Box<RawValue>,
}

#[derive(Serialize)]
struct SignalPartsOut<'a> {
    kind: &'static str,
    body: BodyOut<'a>,
}

/// Every field any signal body may carry; unknown fields are ignored. One
/// flat struct read in one pass, then checked per kind in `from_parts`: one
/// deserializer instead of one per body type keeps the app's wasm smaller.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireBody {
    name: Option<String>,
    caps: Option<Vec<String>>,
    #[serde(rename = "type")]
    sdp_type: Option<String>,
    sdp: Option<String>,
    candidate: Option<String>,
    sdp_mid: Option<String>,
    #[serde(rename = "sdpMLineIndex")]
    sdp_m_line_index: Option<u16>,
    username_fragment: Option<String>,
}

fn field<T>(value: Option<T>, name: &'static str) -> Result<T, DecodeError> {
    value.ok_or(DecodeError::MissingField(name))
}

fn sdp_kind(text: &str) -> Result<SdpKind, DecodeError> {
    match text {
        "offer" => Ok(SdpKind::Offer),
        "answer" => Ok(SdpKind::Answer),
        _ => Err(DecodeError::invalid("type", "expected offer or answer")),
    }
}

impl Signal {
    /// The `kind` string on the wire.
    pub fn kind(&self) -> &'static str {
        match self {
            Signal::Hello(_) => "hello",
            Signal::Bye => "bye",
            Signal::Description(_) => "description",
            Signal::Candidate(_) => "candidate",
        }
    }

    fn body(&self) -> BodyOut<'_> {
        match self {
            Signal::Hello(b) => BodyOut::Hello(b),
            Signal::Bye => BodyOut::Empty {},
            Signal::Description(b) => BodyOut::Description(b),
            Signal::Candidate(b) => BodyOut::Candidate(b),
        }
    }

    fn from_parts(kind: &str, raw_body: Option<&RawValue>) -> Result<Self, DecodeError> {
        if !matches!(kind, "hello" | "description" | "candidate") {
            return match kind {
                "bye" => Ok(Signal::Bye),
                other => Err(DecodeError::UnknownType(other.to_string())),
            };
        }
        let raw = field(raw_body, "body")?;
        let body: WireBody = serde_json::from_str(raw.get()).map_err(DecodeError::json)?;
        let signal = match kind {
            "hello" => Signal::Hello(HelloBody {
                name: field(body.name, "name")?,
                caps: body.caps.unwrap_or_default(),
            }),
            "description" => Signal::Description(DescriptionBody {
                kind: sdp_kind(&field(body.sdp_type, "type")?)?,
                sdp: field(body.sdp, "sdp")?,
            }),
            _ => Signal::Candidate(CandidateBody {
                candidate: body.candidate,
                sdp_mid: body.sdp_mid,
                sdp_m_line_index: body.sdp_m_line_index,
                username_fragment: body.username_fragment,
            }),
        };
        signal.validate()?;
        Ok(signal)
    }

    fn validate(&self) -> Result<(), DecodeError> {
        if let Signal::Hello(hello) = self {
            if hello.name.chars().count() > MAX_NAME_CHARS {
                return Err(DecodeError::invalid(
                    "name",
                    format!("longer than {MAX_NAME_CHARS} characters"),
                ));
            }
            if hello.caps.len() > MAX_CAPS {
                return Err(DecodeError::invalid(
                    "caps",
                    format!("more than {MAX_CAPS}"),
                ));
            }
        }
        Ok(())
    }

    /// `{"kind":…,"body":…}`: the plaintext that a sealed envelope encrypts.
    pub fn encode_sealable(&self) -> String {
        let parts = SignalPartsOut {
            kind: self.kind(),
            body: self.body(),
        };
        // These bodies are plain strings and numbers: serialising cannot fail.
        serde_json::to_string(&parts).unwrap_or_default()
    }

    /// Reads the plaintext of a sealed envelope back into a signal.
    pub fn decode_sealable(text: &str) -> Result<Self, DecodeError> {
        check_size(text.len(), MAX_FRAME_BYTES)?;
        let parts: SignalParts = serde_json::from_str(text).map_err(DecodeError::json)?;
        Signal::from_parts(&parts.kind, Some(&parts.body))
    }
}

impl Envelope {
    /// Decodes the `data` of a publish frame.
    pub fn decode(text: &str) -> Result<Self, DecodeError> {
        check_size(text.len(), MAX_FRAME_BYTES)?;
        let wire: WireEnvelope = serde_json::from_str(text).map_err(DecodeError::json)?;
        let version = wire.v.ok_or(DecodeError::MissingField("v"))?;
        if version != PROTOCOL_VERSION {
            return Err(DecodeError::UnsupportedVersion(version));
        }
        let from = PeerId::parse(
            wire.from
                .as_deref()
                .ok_or(DecodeError::MissingField("from"))?,
        )?;
        let to = wire.to.as_deref().map(PeerId::parse).transpose()?;
        let seq = wire.seq.ok_or(DecodeError::MissingField("seq"))?;
        let payload = match (wire.sealed, wire.kind) {
            (Some(sealed), None) => Payload::Sealed(sealed),
            (None, Some(kind)) => Payload::Open(Signal::from_parts(&kind, wire.body.as_deref())?),
            (Some(_), Some(_)) => {
                return Err(DecodeError::invalid(
                    "sealed",
                    "sealed envelope also has a kind",
                ))
            }
            (None, None) => return Err(DecodeError::MissingField("kind")),
        };
        Ok(Envelope {
            from,
            to,
            seq,
            payload,
        })
    }

    /// Encodes the envelope as the JSON value a publish frame carries.
    pub fn encode(&self) -> String {
        let (kind, body, sealed) = match &self.payload {
            Payload::Open(signal) => (Some(signal.kind()), Some(signal.body()), None),
            Payload::Sealed(sealed) => (None, None, Some(sealed.as_str())),
        };
        let wire = WireOut {
            v: PROTOCOL_VERSION,
            from: &self.from,
            to: &self.to,
            seq: self.seq,
            kind,
            body,
            sealed,
        };
        // Plain strings and numbers: serialising cannot fail.
        serde_json::to_string(&wire).unwrap_or_default()
    }

    /// The header bytes a sealed envelope authenticates: `v|from|to|seq`.
    pub fn associated_data(&self) -> String {
        let to = self.to.map(|id| id.to_string()).unwrap_or_default();
        format!("{}|{}|{}|{}", PROTOCOL_VERSION, self.from, to, self.seq)
    }
}

#[cfg(test)]
#[path = "envelope_tests.rs"]
mod tests;
