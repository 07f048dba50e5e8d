//! Transport frames of the y-webrtc pub/sub protocol: what clients send to a
//! relay and what a relay sends back. The `data` of a publish is carried as
//! raw JSON, so a relay forwards it without parsing or re-encoding it.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::error::check_size;
use crate::limits::{MAX_FRAME_BYTES, MAX_TOPICS_PER_FRAME, MAX_TOPIC_BYTES};
use crate::{DecodeError, Topic};

/// A frame a client sends to the relay.
#[derive(Debug, Clone)]
pub enum ClientFrame {
    Subscribe { topics: Vec<Topic> },
    Unsubscribe { topics: Vec<Topic> },
    Publish { topic: Topic, data: Box<RawValue> },
    Ping,
}

/// A frame a relay sends to a client. `Ignored` is what a plain broadcast
/// relay echoes back of other clients' subscribe/unsubscribe/ping frames.
#[derive(Debug, Clone)]
pub enum RelayFrame {
    Publish {
        topic: Topic,
        data: Box<RawValue>,
        clients: Option<u64>,
    },
    Pong,
    Ignored,
}

/// Every field any frame may carry; unknown fields are ignored (y-webrtc
/// servers and clients add their own).
#[derive(Deserialize)]
struct WireFrame<'a> {
    #[serde(rename = "type", borrow)]
    kind: Option<Cow<'a, str>>,
    topics: Option<Vec<String>>,
    topic: Option<String>,
    data: Option<Box<RawValue>>,
    clients: Option<u64>,
}

#[derive(Serialize)]
struct TopicsOut<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    topics: &'a [Topic],
}

#[derive(Serialize)]
struct PublishOut<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    topic: &'a str,
    data: &'a RawValue,
    #[serde(skip_serializing_if = "Option::is_none")]
    clients: Option<u64>,
}

fn parse(text: &str) -> Result<WireFrame<'_>, DecodeError> {
    check_size(text.len(), MAX_FRAME_BYTES)?;
    serde_json::from_str(text).map_err(DecodeError::json)
}

fn check_topic(topic: &str) -> Result<(), DecodeError> {
    if topic.is_empty() || topic.len() > MAX_TOPIC_BYTES {
        return Err(DecodeError::invalid(
            "topic",
            format!("must be 1 to {MAX_TOPIC_BYTES} bytes"),
        ));
    }
    Ok(())
}

fn check_topics(topics: Option<Vec<String>>) -> Result<Vec<Topic>, DecodeError> {
    let topics = topics.ok_or(DecodeError::MissingField("topics"))?;
    if topics.len() > MAX_TOPICS_PER_FRAME {
        return Err(DecodeError::invalid(
            "topics",
            format!("more than {MAX_TOPICS_PER_FRAME} in one frame"),
        ));
    }
    topics.iter().try_for_each(|t| check_topic(t))?;
    Ok(topics)
}

fn publish_parts(frame: WireFrame<'_>) -> Result<(Topic, Box<RawValue>), DecodeError> {
    let topic = frame.topic.ok_or(DecodeError::MissingField("topic"))?;
    check_topic(&topic)?;
    let data = frame.data.ok_or(DecodeError::MissingField("data"))?;
    Ok((topic, data))
}

fn to_json(value: &impl Serialize) -> String {
    // Serialising these plain structs of strings and raw JSON cannot fail.
    serde_json::to_string(value).unwrap_or_default()
}

impl ClientFrame {
    /// Decodes one text frame from a client.
    pub fn decode(text: &str) -> Result<Self, DecodeError> {
        let frame = parse(text)?;
        match frame.kind.as_deref() {
            Some("subscribe") => Ok(ClientFrame::Subscribe {
                topics: check_topics(frame.topics)?,
            }),
            Some("unsubscribe") => Ok(ClientFrame::Unsubscribe {
                topics: check_topics(frame.topics)?,
            }),
            Some("publish") => {
                let (topic, data) = publish_parts(frame)?;
                Ok(ClientFrame::Publish { topic, data })
            }
            Some("ping") => Ok(ClientFrame::Ping),
            Some(other) => Err(DecodeError::UnknownType(other.to_string())),
            None => Err(DecodeError::MissingField("type")),
        }
    }

    /// Encodes the frame as the JSON text a relay expects.
    pub fn encode(&self) -> String {
        match self {
            ClientFrame::Subscribe { topics } => to_json(&TopicsOut {
                kind: "subscribe",
                topics,
            }),
            ClientFrame::Unsubscribe { topics } => to_json(&TopicsOut {
                kind: "unsubscribe",
                topics,
            }),
            ClientFrame::Publish { topic, data } => to_json(&PublishOut {
                kind: "publish",
                topic,
                data,
                clients: None,
            }),
            ClientFrame::Ping => r#"{"type":"ping"}"#.to_string(),
        }
    }
}

impl RelayFrame {
    /// Decodes one text frame from a relay.
    pub fn decode(text: &str) -> Result<Self, DecodeError> {
        let frame = parse(text)?;
        match frame.kind.as_deref() {
            Some("publish") => {
                let clients = frame.clients;
                let (topic, data) = publish_parts(frame)?;
                Ok(RelayFrame::Publish {
                    topic,
                    data,
                    clients,
                })
            }
            Some("pong") => Ok(RelayFrame::Pong),
            Some("subscribe" | "unsubscribe" | "ping") => Ok(RelayFrame::Ignored),
            Some(other) => Err(DecodeError::UnknownType(other.to_string())),
            None => Err(DecodeError::MissingField("type")),
        }
    }

    /// Encodes the frame as the JSON text a client expects.
    pub fn encode(&self) -> String {
        match self {
            RelayFrame::Publish {
                topic,
                data,
                clients,
            } => Self::publish_text(topic, data, *clients),
            RelayFrame::Pong => Self::PONG.to_string(),
            RelayFrame::Ignored => String::new(),
        }
    }

    /// The pong frame's text.
    pub const PONG: &'static str = r#"{"type":"pong"}"#;

    /// Encodes a publish frame without building a `RelayFrame` first: the
    /// relay's fan-out path encodes once per topic and shares the text.
    pub fn publish_text(topic: &str, data: &RawValue, clients: Option<u64>) -> String {
        to_json(&PublishOut {
            kind: "publish",
            topic,
            data,
            clients,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_each_client_frame() {
        let sub = ClientFrame::decode(r#"{"type":"subscribe","topics":["a","b"]}"#).unwrap();
        assert!(matches!(sub, ClientFrame::Subscribe { ref topics } if topics == &["a", "b"]));
        let publish =
            ClientFrame::decode(r#"{"type":"publish","topic":"a","data":{"x":[1,2]}}"#).unwrap();
        match publish {
            ClientFrame::Publish { topic, data } => {
                assert_eq!(topic, "a");
                assert_eq!(data.get(), r#"{"x":[1,2]}"#);
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(matches!(
            ClientFrame::decode(r#"{"type":"ping"}"#),
            Ok(ClientFrame::Ping)
        ));
    }

    #[test]
    fn rejects_bad_frames_with_typed_errors() {
        assert_eq!(
            ClientFrame::decode(r#"{"type":"nope"}"#).unwrap_err(),
            DecodeError::UnknownType("nope".into())
        );
        assert_eq!(
            ClientFrame::decode(r#"{"topics":[]}"#).unwrap_err(),
            DecodeError::MissingField("type")
        );
        assert_eq!(
            ClientFrame::decode(r#"{"type":"publish","topic":"a"}"#).unwrap_err(),
            DecodeError::MissingField("data")
        );
        assert!(matches!(
            ClientFrame::decode("{"),
            Err(DecodeError::Json(_))
        ));
        assert!(matches!(
            ClientFrame::decode(r#"{"type":"subscribe","topics":[""]}"#),
            Err(DecodeError::InvalidField { .. })
        ));
        let huge = format!(
            r#"{{"type":"publish","topic":"a","data":"{}"}}"#,
            "x".repeat(MAX_FRAME_BYTES)
        );
        assert!(matches!(
            ClientFrame::decode(&huge),
            Err(DecodeError::TooLarge { .. })
        ));
    }

    #[test]
    fn relay_publish_carries_clients_and_ignores_echoed_client_frames() {
        let data = RawValue::from_string(r#"{"k":1}"#.to_string()).unwrap();
        let text = RelayFrame::publish_text("t", &data, Some(3));
        assert_eq!(
            text,
            r#"{"type":"publish","topic":"t","data":{"k":1},"clients":3}"#
        );
        assert!(matches!(
            RelayFrame::decode(&text),
            Ok(RelayFrame::Publish {
                clients: Some(3),
                ..
            })
        ));
        assert!(matches!(
            RelayFrame::decode(r#"{"type":"subscribe","topics":["t"]}"#),
            Ok(RelayFrame::Ignored)
        ));
        assert!(matches!(
            RelayFrame::decode(RelayFrame::PONG),
            Ok(RelayFrame::Pong)
        ));
    }
}
