//! The dumbest relay that peerlink must still work with: every text frame
//! from any client goes to every client (subscribe frames included), with no
//! topics, no limits and no `clients` count. The browser tests run the
//! signaling client against it (`make test` starts it).
//!
//! Usage: broadcast_relay 127.0.0.1:PORT

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::routing::get;
use axum::Router;
use futures_util::{SinkExt, StreamExt};
use tokio::sync::broadcast;

#[tokio::main]
async fn main() {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:0".into());
    let (tx, _) = broadcast::channel::<String>(1024);
    let app = Router::new().route("/ws", get(upgrade)).with_state(tx);
    let listener = match tokio::net::TcpListener::bind(&addr).await {
        Ok(listener) => listener,
        Err(err) => {
            eprintln!("broadcast_relay: cannot listen on {addr}: {err}");
            std::process::exit(1);
        }
    };
    if let Ok(local) = listener.local_addr() {
        println!("broadcast relay on ws://{local}/ws");
    }
    let _ = axum::serve(listener, app).await;
}

async fn upgrade(
    ws: WebSocketUpgrade,
    State(tx): State<broadcast::Sender<String>>,
) -> axum::response::Response {
    ws.on_upgrade(move |socket| echo_to_all(socket, tx))
}

async fn echo_to_all(socket: WebSocket, tx: broadcast::Sender<String>) {
    let (mut sink, mut stream) = socket.split();
    let mut rx = tx.subscribe();
    let forward = tokio::spawn(async move {
        while let Ok(text) = rx.recv().await {
            if sink.send(Message::Text(text.into())).await.is_err() {
                break;
            }
        }
    });
    while let Some(Ok(message)) = stream.next().await {
        if let Message::Text(text) = message {
            let _ = tx.send(text.to_string());
        }
    }
    forward.abort();
}
