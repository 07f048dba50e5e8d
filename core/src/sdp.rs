//! The little the core reads from an SDP blob: the origin line (`o=`), whose
//! session id and version order the descriptions of one session, and the
//! DTLS fingerprints. It does not parse or rewrite anything else.

/// `o=<username> <sess-id> <sess-version> …`: a new local description of
/// the same session carries a higher version (RFC 8866 §5.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SdpOrigin {
    pub session_id: String,
    pub version: u64,
}

impl SdpOrigin {
    /// The origin of `sdp`, or `None` if it has no well-formed `o=` line.
    pub fn parse(sdp: &str) -> Option<SdpOrigin> {
        let line = sdp.lines().find_map(|l| l.trim_end().strip_prefix("o="))?;
        let mut fields = line.split_ascii_whitespace();
        let _username = fields.next()?;
        let session_id = fields.next()?.to_string();
        let version = fields.next()?.parse().ok()?;
        Some(SdpOrigin {
            session_id,
            version,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_origin_line() {
        let sdp = "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\n";
        assert_eq!(
            SdpOrigin::parse(sdp),
            Some(SdpOrigin {
                session_id: "4611731400430051336".into(),
                version: 2
            })
        );
    }

    #[test]
    fn malformed_origins_are_none() {
        for sdp in [
            "",
            "v=0\r\n",
            "o=-\r\n",
            "o=- 1\r\n",
            "o=- 1 x IN IP4 1.2.3.4",
        ] {
            assert_eq!(SdpOrigin::parse(sdp), None, "{sdp:?}");
        }
    }
}
