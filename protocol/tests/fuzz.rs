//! Property tests: no input makes a decoder panic, and every frame the
//! encoders produce decodes back to itself.

use peerlink_protocol::{
    CandidateBody, ChannelMessage, ChatMessage, ClientFrame, DescriptionBody, Envelope, FileOffer,
    HelloBody, Payload, PeerId, RelayFrame, SdpKind, Signal,
};
use proptest::prelude::*;

fn any_peer() -> impl Strategy<Value = PeerId> {
    any::<[u8; 16]>().prop_map(PeerId::from_bytes)
}

fn any_signal() -> impl Strategy<Value = Signal> {
    prop_oneof![
        ("[^\u{0}]{0,64}", prop::collection::vec("[a-z]{1,8}", 0..4))
            .prop_map(|(name, caps)| Signal::Hello(HelloBody { name, caps })),
        Just(Signal::Bye),
        (any::<bool>(), ".{0,200}").prop_map(|(offer, sdp)| Signal::Description(DescriptionBody {
            kind: if offer {
                SdpKind::Offer
            } else {
                SdpKind::Answer
            },
            sdp
        })),
        (
            prop::option::of(".{0,100}"),
            prop::option::of("[0-9]{1,2}"),
            prop::option::of(0u16..8)
        )
            .prop_map(|(candidate, sdp_mid, sdp_m_line_index)| Signal::Candidate(
                CandidateBody {
                    candidate,
                    sdp_mid,
                    sdp_m_line_index,
                    username_fragment: None
                }
            )),
    ]
}

fn any_channel_message() -> impl Strategy<Value = ChannelMessage> {
    let id = "[a-z0-9-]{1,36}";
    prop_oneof![
        (id, ".{0,200}", any::<i32>()).prop_map(|(id, text, ts)| ChannelMessage::Chat(
            ChatMessage {
                id,
                text,
                ts: f64::from(ts) / 8.0
            }
        )),
        (id, ".{0,80}", any::<u64>(), "[a-z/+.-]{0,20}").prop_map(|(id, name, size, mime)| {
            ChannelMessage::FileOffer(FileOffer {
                id,
                name,
                size,
                mime,
                ..FileOffer::default()
            })
        }),
        (id, any::<u64>()).prop_map(|(id, offset)| ChannelMessage::FileAccept { id, offset }),
        id.prop_map(|id| ChannelMessage::FileReject { id }),
        (id, "[0-9a-f]{64}").prop_map(|(id, sha256)| ChannelMessage::FileDone { id, sha256 }),
        id.prop_map(|id| ChannelMessage::FileOk { id }),
        id.prop_map(|id| ChannelMessage::FileCorrupt { id }),
        id.prop_map(|id| ChannelMessage::FileCancel { id }),
        Just(ChannelMessage::Bye),
        "[0-9a-f]{64}".prop_map(|proof| ChannelMessage::Confirm { proof }),
        "[0-9a-f]{64}".prop_map(|hash| ChannelMessage::SasCommit { hash }),
        "[0-9a-f]{64}".prop_map(|nonce| ChannelMessage::SasReveal { nonce }),
        ".{0,64}".prop_map(|name| ChannelMessage::Name { name }),
        (any::<bool>(), any::<bool>()).prop_map(|(mic, cam)| ChannelMessage::Media { mic, cam }),
        any_signal().prop_map(|signal| ChannelMessage::Negotiate {
            data: signal.encode_sealable()
        }),
    ]
}

proptest! {
    #[test]
    fn channel_messages_round_trip(message in any_channel_message()) {
        prop_assert_eq!(ChannelMessage::decode(&message.encode()).unwrap(), message);
    }

    #[test]
    fn sealable_signals_round_trip(signal in any_signal()) {
        prop_assert_eq!(Signal::decode_sealable(&signal.encode_sealable()).unwrap(), signal);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = ClientFrame::decode(&text);
        let _ = RelayFrame::decode(&text);
        let _ = Envelope::decode(&text);
        let _ = ChannelMessage::decode(&text);
        let _ = Signal::decode_sealable(&text);
    }

    #[test]
    fn json_shaped_input_never_panics(
        kind in "(subscribe|unsubscribe|publish|ping|pong|x)",
        topic in ".{0,300}",
        extra in "[\\[\\]{}\",:0-9a-z ]{0,64}",
    ) {
        let text = format!(r#"{{"type":"{kind}","topic":{topic:?},"topics":[{topic:?}],"data":{extra}}}"#);
        let _ = ClientFrame::decode(&text);
        let _ = RelayFrame::decode(&text);
    }

    #[test]
    fn envelopes_round_trip(from in any_peer(), to in prop::option::of(any_peer()), seq in any::<u64>(), signal in any_signal()) {
        let env = Envelope { from, to, seq, payload: Payload::Open(signal) };
        prop_assert_eq!(Envelope::decode(&env.encode()).unwrap(), env);
    }

    #[test]
    fn sealed_envelopes_round_trip(from in any_peer(), seq in any::<u64>(), sealed in "[A-Za-z0-9+/=]{0,200}") {
        let env = Envelope { from, to: None, seq, payload: Payload::Sealed(sealed) };
        prop_assert_eq!(Envelope::decode(&env.encode()).unwrap(), env);
    }

    #[test]
    fn client_frames_round_trip(topics in prop::collection::vec("[0-9a-f]{1,64}", 1..8), seq in any::<u64>(), from in any_peer()) {
        let sub = ClientFrame::Subscribe { topics: topics.clone() };
        let decoded = matches!(ClientFrame::decode(&sub.encode()), Ok(ClientFrame::Subscribe { topics: t }) if t == topics);
        prop_assert!(decoded);
        let data = serde_json::value::RawValue::from_string(
            Envelope { from, to: None, seq, payload: Payload::Open(Signal::Bye) }.encode()
        ).unwrap();
        let publish = ClientFrame::Publish { topic: topics[0].clone(), data };
        match ClientFrame::decode(&publish.encode()) {
            Ok(ClientFrame::Publish { topic, data: back }) => {
                prop_assert_eq!(topic, topics[0].clone());
                prop_assert_eq!(Envelope::decode(back.get()).unwrap().seq, seq);
            }
            other => prop_assert!(false, "unexpected {:?}", other),
        }
    }

    #[test]
    fn unknown_versions_are_rejected(v in 2u64..u64::MAX, from in any_peer()) {
        let text = format!(r#"{{"v":{v},"from":"{from}","to":null,"seq":1,"kind":"bye","body":{{}}}}"#);
        prop_assert_eq!(Envelope::decode(&text).unwrap_err(), peerlink_protocol::DecodeError::UnsupportedVersion(v));
    }
}
