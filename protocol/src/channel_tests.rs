//! Tests of channel.rs: documented shapes, round trips and typed errors.
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
                ..FileOffer::default()
            }),
            r#"{"t":"file-offer","id":"f","name":"a.txt","size":3,"mime":""}"#,
        ),
        (
            ChannelMessage::FileReject { id: "f".into() },
            r#"{"t":"file-reject","id":"f"}"#,
        ),
        (
            ChannelMessage::Confirm { proof: "ab".into() },
            r#"{"t":"confirm","proof":"ab"}"#,
        ),
        (
            ChannelMessage::SasCommit { hash: "cd".into() },
            r#"{"t":"sas-commit","hash":"cd"}"#,
        ),
        (
            ChannelMessage::SasReveal { nonce: "ef".into() },
            r#"{"t":"sas-reveal","nonce":"ef"}"#,
        ),
        (
            ChannelMessage::Name { name: "Ann".into() },
            r#"{"t":"name","name":"Ann"}"#,
        ),
        (
            ChannelMessage::Media {
                mic: false,
                cam: true,
            },
            r#"{"t":"media","mic":false,"cam":true}"#,
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
            ..FileOffer::default()
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
    assert_eq!(
        ChannelMessage::decode(r#"{"t":"media","mic":true}"#).unwrap_err(),
        DecodeError::MissingField("cam")
    );
    for bad in [
        r#"{"t":"file-accept","id":"f","offset":-1}"#,
        r#"{"t":"chat","id":"m","text":5,"ts":1}"#,
        r#"{"t":"media","mic":"yes","cam":true}"#,
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

#[test]
fn in_band_names_are_capped() {
    let long = format!(r#"{{"t":"name","name":"{}"}}"#, "x".repeat(65));
    assert!(ChannelMessage::decode(&long).is_err());
    assert!(
        ChannelMessage::decode(r#"{"t":"confirm"}"#).is_err(),
        "a proof is required"
    );
}

#[test]
fn a_folder_offer_carries_its_path_batch_and_time() {
    let offer = ChannelMessage::FileOffer(FileOffer {
        id: "f".into(),
        name: "a.txt".into(),
        size: 3,
        mime: "text/plain".into(),
        path: "docs/2024".into(),
        batch: "b1".into(),
        modified: Some(1_700_000_000_000),
    });
    let text = offer.encode();
    assert_eq!(
        text,
        r#"{"t":"file-offer","id":"f","name":"a.txt","size":3,"mime":"text/plain","path":"docs/2024","batch":"b1","modified":1700000000000}"#
    );
    assert_eq!(ChannelMessage::decode(&text).unwrap(), offer);
    let long_path = format!(
        r#"{{"t":"file-offer","id":"f","name":"n","size":1,"path":"{}"}}"#,
        "a/".repeat(MAX_OFFER_PATH_BYTES)
    );
    assert!(matches!(
        ChannelMessage::decode(&long_path),
        Err(DecodeError::TooLarge { .. })
    ));
    let long_batch = format!(
        r#"{{"t":"file-offer","id":"f","name":"n","size":1,"batch":"{}"}}"#,
        "b".repeat(MAX_BATCH_ID_BYTES + 1)
    );
    assert!(matches!(
        ChannelMessage::decode(&long_batch),
        Err(DecodeError::TooLarge { .. })
    ));
}

#[test]
fn a_resume_is_a_file_accept_with_the_prefix_hash() {
    let resume = ChannelMessage::FileResume {
        id: "f".into(),
        offset: 16,
        prefix: "ab".repeat(32),
    };
    let text = resume.encode();
    assert_eq!(
        text,
        format!(
            r#"{{"t":"file-accept","id":"f","offset":16,"prefix":"{}"}}"#,
            "ab".repeat(32)
        )
    );
    assert_eq!(ChannelMessage::decode(&text).unwrap(), resume);
    // Without `prefix` it stays the plain accept old peers send.
    let plain = ChannelMessage::decode(r#"{"t":"file-accept","id":"f","offset":16}"#).unwrap();
    assert_eq!(
        plain,
        ChannelMessage::FileAccept {
            id: "f".into(),
            offset: 16
        }
    );
    let restart = ChannelMessage::FileRestart { id: "f".into() };
    assert_eq!(restart.encode(), r#"{"t":"file-restart","id":"f"}"#);
    assert_eq!(ChannelMessage::decode(&restart.encode()).unwrap(), restart);
}
