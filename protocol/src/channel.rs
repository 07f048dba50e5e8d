//! Messages on the chat and control data channels (JSON text). File chunks
//! are binary and travel on their own `file:<id>` channel, not through here.

use serde::{Deserialize, Serialize};

use crate::error::check_size;
use crate::limits::{MAX_CHANNEL_MESSAGE_BYTES, MAX_CHAT_BYTES};
use crate::DecodeError;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatMessage {
    pub id: String,
    pub text: String,
    pub ts: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileOffer {
    pub id: String,
    pub name: String,
    pub size: u64,
    #[serde(default)]
    pub mime: String,
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
        if t == "negotiate" {
            let data = field(self.data, "data")?;
            return Ok(ChannelMessage::Negotiate { data });
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
            }),
            "file-accept" => ChannelMessage::FileAccept {
                id: id()?,
                offset: field(self.offset, "offset")?,
            },
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
                ..WireOut::tagged("file-offer", &offer.id)
            },
            ChannelMessage::FileAccept { id, offset } => WireOut {
                offset: Some(*offset),
                ..WireOut::tagged("file-accept", id)
            },
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
        };
        // Plain strings and numbers: serialising cannot fail.
        serde_json::to_string(&wire).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chat_has_the_documented_shape() {
        let msg = ChannelMessage::Chat(ChatMessage {
            id: "m1".into(),
            text: "hi".into(),
            ts: 5.0,
        });
        assert_eq!(
            msg.encode(),
            r#"{"t":"chat","id":"m1","text":"hi","ts":5.0}"#
        );
        assert_eq!(ChannelMessage::decode(&msg.encode()).unwrap(), msg);
        let accept = ChannelMessage::decode(r#"{"t":"file-accept","id":"f","offset":9}"#).unwrap();
        assert_eq!(
            accept,
            ChannelMessage::FileAccept {
                id: "f".into(),
                offset: 9
            }
        );
    }

    #[test]
    fn every_message_round_trips_in_its_documented_shape() {
        let cases = [
            (
                ChannelMessage::FileOffer(FileOffer {
                    id: "f".into(),
                    name: "a.txt".into(),
                    size: 3,
                    mime: String::new(),
                }),
                r#"{"t":"file-offer","id":"f","name":"a.txt","size":3,"mime":""}"#,
            ),
            (
                ChannelMessage::FileReject { id: "f".into() },
                r#"{"t":"file-reject","id":"f"}"#,
            ),
            (
                ChannelMessage::FileDone {
                    id: "f".into(),
                    sha256: "ab".into(),
                },
                r#"{"t":"file-done","id":"f","sha256":"ab"}"#,
            ),
            (
                ChannelMessage::FileOk { id: "f".into() },
                r#"{"t":"file-ok","id":"f"}"#,
            ),
            (
                ChannelMessage::FileCorrupt { id: "f".into() },
                r#"{"t":"file-corrupt","id":"f"}"#,
            ),
            (
                ChannelMessage::FileCancel { id: "f".into() },
                r#"{"t":"file-cancel","id":"f"}"#,
            ),
            (ChannelMessage::Bye, r#"{"t":"bye"}"#),
            (
                ChannelMessage::Negotiate {
                    data: r#"{"kind":"bye"}"#.into(),
                },
                r#"{"t":"negotiate","data":"{\"kind\":\"bye\"}"}"#,
            ),
        ];
        for (message, text) in cases {
            assert_eq!(message.encode(), text);
            assert_eq!(ChannelMessage::decode(text).unwrap(), message);
        }
    }

    #[test]
    fn tolerates_extra_fields_and_a_missing_mime() {
        let offer =
            ChannelMessage::decode(r#"{"size":1,"t":"file-offer","x":[1],"name":"n","id":"f"}"#);
        assert_eq!(
            offer.unwrap(),
            ChannelMessage::FileOffer(FileOffer {
                id: "f".into(),
                name: "n".into(),
                size: 1,
                mime: String::new(),
            })
        );
    }

    #[test]
    fn rejects_bad_messages_with_typed_errors() {
        assert_eq!(
            ChannelMessage::decode(r#"{"t":"nope","id":"f"}"#).unwrap_err(),
            DecodeError::UnknownType("nope".into())
        );
        assert_eq!(
            ChannelMessage::decode(r#"{"id":"f"}"#).unwrap_err(),
            DecodeError::MissingField("t")
        );
        assert_eq!(
            ChannelMessage::decode(r#"{"t":"file-accept","id":"f"}"#).unwrap_err(),
            DecodeError::MissingField("offset")
        );
        assert_eq!(
            ChannelMessage::decode(r#"{"t":"chat","text":"x","ts":1}"#).unwrap_err(),
            DecodeError::MissingField("id")
        );
        for bad in [
            r#"{"t":"file-accept","id":"f","offset":-1}"#,
            r#"{"t":"chat","id":"m","text":5,"ts":1}"#,
            r#"{"t":"bye","t":"bye"}"#,
            "[]",
            "{",
        ] {
            assert!(
                matches!(ChannelMessage::decode(bad), Err(DecodeError::Json(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn oversized_chat_is_rejected() {
        let msg = ChannelMessage::Chat(ChatMessage {
            id: "m".into(),
            text: "x".repeat(MAX_CHAT_BYTES + 1),
            ts: 0.0,
        });
        assert!(matches!(
            ChannelMessage::decode(&msg.encode()),
            Err(DecodeError::TooLarge { .. })
        ));
    }
}
