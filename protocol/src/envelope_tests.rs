//! Tests of envelope.rs: documented shapes, round trips and typed errors.
use super::*;

fn id(n: u8) -> PeerId {
    PeerId::from_bytes([n; 16])
}

#[test]
fn open_envelope_has_the_documented_shape() {
    let env = Envelope {
        from: id(1),
        to: None,
        seq: 7,
        payload: Payload::Open(Signal::Hello(HelloBody {
            name: "alice".into(),
            caps: vec!["chat".into()],
        })),
    };
    let text = env.encode();
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(value["v"], 1);
    assert_eq!(value["to"], serde_json::Value::Null);
    assert_eq!(value["kind"], "hello");
    assert_eq!(value["body"]["name"], "alice");
    assert_eq!(Envelope::decode(&text).unwrap(), env);
}

#[test]
fn candidate_end_marker_round_trips() {
    let env = Envelope {
        from: id(1),
        to: Some(id(2)),
        seq: 1,
        payload: Payload::Open(Signal::Candidate(CandidateBody {
            candidate: None,
            sdp_mid: None,
            sdp_m_line_index: None,
            username_fragment: None,
        })),
    };
    assert_eq!(Envelope::decode(&env.encode()).unwrap(), env);
}

#[test]
fn rejects_other_versions_and_bad_ids() {
    let other = format!(
        r#"{{"v":2,"from":"{}","to":null,"seq":1,"kind":"bye","body":{{}}}}"#,
        id(1)
    );
    assert_eq!(
        Envelope::decode(&other).unwrap_err(),
        DecodeError::UnsupportedVersion(2)
    );
    let bad = r#"{"v":1,"from":"zz","to":null,"seq":1,"kind":"bye","body":{}}"#;
    assert!(matches!(
        Envelope::decode(bad),
        Err(DecodeError::InvalidField { .. })
    ));
}

#[test]
fn bye_and_sealed_envelopes_have_the_documented_shape() {
    let bye = Envelope {
        from: id(1),
        to: Some(id(2)),
        seq: 3,
        payload: Payload::Open(Signal::Bye),
    };
    assert_eq!(
        bye.encode(),
        format!(
            r#"{{"v":1,"from":"{}","to":"{}","seq":3,"kind":"bye","body":{{}}}}"#,
            id(1),
            id(2)
        )
    );
    let sealed = Envelope {
        payload: Payload::Sealed("c2VhbGVk".into()),
        ..bye
    };
    assert_eq!(
        sealed.encode(),
        format!(
            r#"{{"v":1,"from":"{}","to":"{}","seq":3,"sealed":"c2VhbGVk"}}"#,
            id(1),
            id(2)
        )
    );
    assert_eq!(Signal::Bye.encode_sealable(), r#"{"kind":"bye","body":{}}"#);
}

#[test]
fn bodies_missing_their_fields_are_rejected_with_typed_errors() {
    let cases = [
        (
            r#"{"kind":"hello","body":{"caps":[]}}"#,
            DecodeError::MissingField("name"),
        ),
        (
            r#"{"kind":"description","body":{"sdp":"v=0"}}"#,
            DecodeError::MissingField("type"),
        ),
        (
            r#"{"kind":"description","body":{"type":"offer"}}"#,
            DecodeError::MissingField("sdp"),
        ),
    ];
    for (text, error) in cases {
        assert_eq!(Signal::decode_sealable(text).unwrap_err(), error, "{text}");
    }
    assert!(matches!(
        Signal::decode_sealable(r#"{"kind":"description","body":{"type":"pranswer","sdp":""}}"#),
        Err(DecodeError::InvalidField { field: "type", .. })
    ));
    let end = Signal::decode_sealable(r#"{"kind":"candidate","body":{"x":1}}"#).unwrap();
    assert_eq!(
        end,
        Signal::Candidate(CandidateBody {
            candidate: None,
            sdp_mid: None,
            sdp_m_line_index: None,
            username_fragment: None,
        })
    );
}

#[test]
fn sealed_plaintext_round_trips() {
    let signal = Signal::Description(DescriptionBody {
        kind: SdpKind::Offer,
        sdp: "v=0".into(),
    });
    assert_eq!(
        Signal::decode_sealable(&signal.encode_sealable()).unwrap(),
        signal
    );
}
