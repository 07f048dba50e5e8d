//! The relay's pings over real sockets on 127.0.0.1: only a client that has
//! been silent for a third of the heartbeat timeout is pinged. A pong costs
//! the client a write, and a client that leaves Nagle's algorithm on then
//! holds its next publish until the relay's delayed ACK (~40 ms): pinging
//! busy clients was the relay's latency tail in relay/examples/relay_load.rs.

mod support;

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use support::TestRelay;
use tokio_tungstenite::tungstenite::Message;

/// Reads `ws` for `span`, sending a ping frame of the protocol every `every`
/// when given; returns how many WebSocket pings the relay sent.
async fn count_pings(url: String, span: Duration, every: Option<Duration>) -> usize {
    let (mut ws, _) = tokio_tungstenite::connect_async(url)
        .await
        .expect("websocket connects");
    let deadline = tokio::time::Instant::now() + span;
    let mut ticker = tokio::time::interval(every.unwrap_or(span));
    let mut pings = 0;
    loop {
        tokio::select! {
            () = tokio::time::sleep_until(deadline) => return pings,
            _ = ticker.tick(), if every.is_some() => {
                ws.send(Message::Text(r#"{"type":"ping"}"#.into())).await.expect("send");
            }
            message = ws.next() => match message {
                Some(Ok(Message::Ping(_))) => pings += 1,
                Some(Ok(_)) => {}
                other => panic!("connection ended: {other:?}"),
            },
        }
    }
}

#[tokio::test]
async fn only_silent_clients_are_pinged() {
    // Heartbeat 3 s: a client silent for 1 s is pinged.
    let relay = TestRelay::start(|c| c.heartbeat_secs = 3).await;
    let span = Duration::from_millis(3_500);
    let busy = count_pings(relay.ws_url(), span, Some(Duration::from_millis(100)));
    let silent = count_pings(relay.ws_url(), span, None);
    let (busy, silent) = tokio::join!(busy, silent);
    assert_eq!(busy, 0, "a client heard from every 100 ms was pinged");
    // Pings at ~1, 2 and 3 s; its automatic pongs keep it connected.
    assert!(silent >= 1, "a silent client was never pinged");
}
