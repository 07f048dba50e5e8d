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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "kebab-case")]
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

impl ChannelMessage {
    /// Decodes one text message, enforcing the size limits of DESIGN §3.
    pub fn decode(text: &str) -> Result<Self, DecodeError> {
        check_size(text.len(), MAX_CHANNEL_MESSAGE_BYTES)?;
        let message: ChannelMessage = serde_json::from_str(text).map_err(DecodeError::json)?;
        if let ChannelMessage::Chat(chat) = &message {
            check_size(chat.text.len(), MAX_CHAT_BYTES)?;
        }
        Ok(message)
    }

    pub fn encode(&self) -> String {
        // Plain strings and numbers: serialising cannot fail.
        serde_json::to_string(self).unwrap_or_default()
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
