//! Messages on the chat and control data channels (JSON text). File chunks
//! are binary and travel on their own `file:<id>` channel, not through here.

use serde::{Deserialize, Serialize};

use crate::error::check_size;
use crate::limits::{MAX_CHANNEL_MESSAGE_BYTES, MAX_CHAT_BYTES, MAX_NAME_CHARS};
use crate::DecodeError;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatMessage {
    pub id: String,
    pub text: String,
    pub ts: f64,
}

/// Longest relative folder path of an offered file, in bytes.
pub const MAX_OFFER_PATH_BYTES: usize = 4096;
/// Longest batch id, in bytes.
pub const MAX_BATCH_ID_BYTES: usize = 64;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FileOffer {
    pub id: String,
    pub name: String,
    pub size: u64,
    #[serde(default)]
    pub mime: String,
    /// The folder the file sits in, relative to what was picked or dropped
    /// (`photos/2024`), `/`-separated; empty for a single file. Untrusted:
    /// the receiver sanitises it segment by segment.
    #[serde(default)]
    pub path: String,
    /// Offers sent together (a folder, several files) share a batch id, so
    /// the receiver answers them once; empty for a lone file.
    #[serde(default)]
    pub batch: String,
    /// The file's last-modified time (ms since the epoch), when known: part
    /// of what makes an offer "the same file" for resuming after a reload.
    #[serde(default)]
    pub modified: Option<u64>,
}

/// One message on the chat (id 0) or control (id 1) channel.
///
/// On the wire it is one flat JSON object whose `t` names the variant
/// (`{"t":"file-accept","id":…,"offset":…}`). The codec reads every field
/// into one flat struct and then picks the variant by `t`, the way the
/// envelope codec reads `kind`: serde's derive for an internally tagged enum
/// buffers the whole message into a generic tree first, and that one
/// deserializer used to be the largest function in the app's wasm.
#[derive(Debug, Clone, PartialEq)]
pub enum ChannelMessage {
    Chat(ChatMessage),
    FileOffer(FileOffer),
    FileAccept {
        id: String,
        offset: u64,
    },
    /// An accept from `offset` of bytes this receiver kept from before a
    /// reload: `prefix` is the SHA-256 (hex) of its first `offset` bytes,
    /// for the sender to compare with its own file. On the wire it is a
    /// `file-accept` with a `prefix` field, so an old sender simply resumes
    /// (and the final digest still catches a mismatch).
    FileResume {
        id: String,
        offset: u64,
        prefix: String,
    },
    /// Sender to receiver: the bytes a `FileResume` claimed are not this
    /// file's; drop them and accept again from 0.
    FileRestart {
        id: String,
    },
    FileReject {
        id: String,
    },
    FileDone {
        id: String,
        sha256: String,
    },
    FileOk {
        id: String,
    },
    FileCorrupt {
        id: String,
    },
    FileCancel {
        id: String,
    },
    /// Sent on the control channel when a peer leaves on purpose.
    Bye,
    /// A description or candidate sent in-band once the control channel is
    /// up, so the (untrusted) relay cannot renegotiate a live connection.
    /// `data` is `Signal::encode_sealable()` text.
    Negotiate {
        data: String,
    },
    /// Key confirmation in a private room: the HMAC proof, lowercase hex.
    Confirm {
        proof: String,
    },
    /// SAS in a public room: the commitment to our nonce, hex…
    SasCommit {
        hash: String,
    },
    /// …and the nonce itself, once the peer's commitment has arrived.
    SasReveal {
        nonce: String,
    },
    /// Our display name, told in-band once connected.
    Name {
        name: String,
    },
    /// Whether our microphone and camera are on, told when the control
    /// channel opens and on every change (the tiles' muted marks).
    Media {
        mic: bool,
        cam: bool,
    },
}

/// Every field any channel message may carry; unknown fields are ignored.
#[derive(Deserialize)]
struct WireIn {
    t: Option<String>,
    id: Option<String>,
    text: Option<String>,
    ts: Option<f64>,
    name: Option<String>,
    size: Option<u64>,
    mime: Option<String>,
    offset: Option<u64>,
    sha256: Option<String>,
    data: Option<String>,
    proof: Option<String>,
    hash: Option<String>,
    nonce: Option<String>,
    path: Option<String>,
    batch: Option<String>,
    modified: Option<u64>,
    prefix: Option<String>,
    mic: Option<bool>,
    cam: Option<bool>,
}

/// The same flat shape for encoding; absent fields are left out.
#[derive(Default, Serialize)]
struct WireOut<'a> {
    t: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ts: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    size: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mime: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    offset: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sha256: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    proof: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    hash: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    nonce: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    batch: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    modified: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    prefix: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mic: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cam: Option<bool>,
}

fn field<T>(value: Option<T>, name: &'static str) -> Result<T, DecodeError> {
    value.ok_or(DecodeError::MissingField(name))
}

impl WireIn {
    fn into_message(self) -> Result<ChannelMessage, DecodeError> {
        let t = field(self.t, "t")?;
        if t == "bye" {
            return Ok(ChannelMessage::Bye);
        }
        match t.as_str() {
            "negotiate" => {
                let data = field(self.data, "data")?;
                return Ok(ChannelMessage::Negotiate { data });
            }
            "confirm" => {
                let proof = field(self.proof, "proof")?;
                return Ok(ChannelMessage::Confirm { proof });
            }
            "sas-commit" => {
                let hash = field(self.hash, "hash")?;
                return Ok(ChannelMessage::SasCommit { hash });
            }
            "sas-reveal" => {
                let nonce = field(self.nonce, "nonce")?;
                return Ok(ChannelMessage::SasReveal { nonce });
            }
            "name" => {
                let name = field(self.name, "name")?;
                return Ok(ChannelMessage::Name { name });
            }
            "media" => {
                let mic = field(self.mic, "mic")?;
                let cam = field(self.cam, "cam")?;
                return Ok(ChannelMessage::Media { mic, cam });
            }
            _ => {}
        }
        // Every other message is about one chat message or file transfer.
        let id = self.id;
        let id = || field(id, "id");
        let message = match t.as_str() {
            "chat" => ChannelMessage::Chat(ChatMessage {
                id: id()?,
                text: field(self.text, "text")?,
                ts: field(self.ts, "ts")?,
            }),
            "file-offer" => ChannelMessage::FileOffer(FileOffer {
                id: id()?,
                name: field(self.name, "name")?,
                size: field(self.size, "size")?,
                mime: self.mime.unwrap_or_default(),
                path: self.path.unwrap_or_default(),
                batch: self.batch.unwrap_or_default(),
                modified: self.modified,
            }),
            "file-accept" => {
                let (id, offset) = (id()?, field(self.offset, "offset")?);
                match self.prefix {
                    Some(prefix) => ChannelMessage::FileResume { id, offset, prefix },
                    None => ChannelMessage::FileAccept { id, offset },
                }
            }
            "file-restart" => ChannelMessage::FileRestart { id: id()? },
            "file-reject" => ChannelMessage::FileReject { id: id()? },
            "file-done" => ChannelMessage::FileDone {
                id: id()?,
                sha256: field(self.sha256, "sha256")?,
            },
            "file-ok" => ChannelMessage::FileOk { id: id()? },
            "file-corrupt" => ChannelMessage::FileCorrupt { id: id()? },
            "file-cancel" => ChannelMessage::FileCancel { id: id()? },
            _ => return Err(DecodeError::UnknownType(t)),
        };
        Ok(message)
    }
}

impl<'a> WireOut<'a> {
    fn tagged(t: &'a str, id: &'a str) -> Self {
        WireOut {
            t,
            id: Some(id),
            ..WireOut::default()
        }
    }
}

impl ChannelMessage {
    /// Decodes one text message, enforcing the size limits of DESIGN §3.
    pub fn decode(text: &str) -> Result<Self, DecodeError> {
        check_size(text.len(), MAX_CHANNEL_MESSAGE_BYTES)?;
        let wire: WireIn = serde_json::from_str(text).map_err(DecodeError::json)?;
        let message = wire.into_message()?;
        if let ChannelMessage::Chat(chat) = &message {
            check_size(chat.text.len(), MAX_CHAT_BYTES)?;
        }
        if let ChannelMessage::FileOffer(offer) = &message {
            check_size(offer.path.len(), MAX_OFFER_PATH_BYTES)?;
            check_size(offer.batch.len(), MAX_BATCH_ID_BYTES)?;
        }
        if let ChannelMessage::Name { name } = &message {
            if name.chars().count() > MAX_NAME_CHARS {
                return Err(DecodeError::invalid(
                    "name",
                    format!("longer than {MAX_NAME_CHARS} characters"),
                ));
            }
        }
        Ok(message)
    }

    pub fn encode(&self) -> String {
        let wire = match self {
            ChannelMessage::Chat(chat) => WireOut {
                text: Some(&chat.text),
                ts: Some(chat.ts),
                ..WireOut::tagged("chat", &chat.id)
            },
            ChannelMessage::FileOffer(offer) => WireOut {
                name: Some(&offer.name),
                size: Some(offer.size),
                mime: Some(&offer.mime),
                path: Some(offer.path.as_str()).filter(|p| !p.is_empty()),
                batch: Some(offer.batch.as_str()).filter(|b| !b.is_empty()),
                modified: offer.modified,
                ..WireOut::tagged("file-offer", &offer.id)
            },
            ChannelMessage::FileAccept { id, offset } => WireOut {
                offset: Some(*offset),
                ..WireOut::tagged("file-accept", id)
            },
            ChannelMessage::FileResume { id, offset, prefix } => WireOut {
                offset: Some(*offset),
                prefix: Some(prefix),
                ..WireOut::tagged("file-accept", id)
            },
            ChannelMessage::FileRestart { id } => WireOut::tagged("file-restart", id),
            ChannelMessage::FileReject { id } => WireOut::tagged("file-reject", id),
            ChannelMessage::FileDone { id, sha256 } => WireOut {
                sha256: Some(sha256),
                ..WireOut::tagged("file-done", id)
            },
            ChannelMessage::FileOk { id } => WireOut::tagged("file-ok", id),
            ChannelMessage::FileCorrupt { id } => WireOut::tagged("file-corrupt", id),
            ChannelMessage::FileCancel { id } => WireOut::tagged("file-cancel", id),
            ChannelMessage::Bye => WireOut {
                t: "bye",
                ..WireOut::default()
            },
            ChannelMessage::Negotiate { data } => WireOut {
                t: "negotiate",
                data: Some(data),
                ..WireOut::default()
            },
            ChannelMessage::Confirm { proof } => WireOut {
                t: "confirm",
                proof: Some(proof),
                ..WireOut::default()
            },
            ChannelMessage::SasCommit { hash } => WireOut {
                t: "sas-commit",
                hash: Some(hash),
                ..WireOut::default()
            },
            ChannelMessage::SasReveal { nonce } => WireOut {
                t: "sas-reveal",
                nonce: Some(nonce),
                ..WireOut::default()
            },
            ChannelMessage::Name { name } => WireOut {
                t: "name",
                name: Some(name),
                ..WireOut::default()
            },
            ChannelMessage::Media { mic, cam } => WireOut {
                t: "media",
                mic: Some(*mic),
                cam: Some(*cam),
                ..WireOut::default()
            },
        };
        // Plain strings and numbers: serialising cannot fail.
        serde_json::to_string(&wire).unwrap_or_default()
    }
}

#[cfg(test)]
#[path = "channel_tests.rs"]
mod tests;
