//! Private rooms end to end: a *New room* link joins a second browser, both
//! sides verify each other by key confirmation, and everything the relay
//! carried for the room was sealed: no SDP, candidate, name or room in clear.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::StreamExt;
use peerlink_core::{RoomKeys, RoomRef};
use peerlink_e2e::page::{self, wait_connected};
use peerlink_e2e::thirtyfour::prelude::*;
use peerlink_e2e::{eventually, Harness};
use peerlink_protocol::PeerId;

use crate::call::{forge, forgeries};
use tokio_tungstenite::tungstenite::Message;

/// The secret of a private room link (`…#s%2F<base64url>`).
fn secret_of(link: &str) -> Vec<u8> {
    let fragment = link.split_once('#').map(|(_, f)| f).expect("a fragment");
    let fragment = fragment.replace("%2F", "/");
    match RoomRef::parse(&fragment) {
        Ok(Some(RoomRef::Private { secret })) => secret,
        other => panic!("not a private room link: {link} ({other:?})"),
    }
}

/// Opens the lobby in `browser` as `name`, presses *New private room* and
/// *Join*; returns the room link the call shows.
async fn new_private_room(
    harness: &Harness,
    browser: &WebDriver,
    name: &str,
) -> WebDriverResult<String> {
    browser
        .goto(&harness.room_url("", &format!("name={name}&media=none")))
        .await?;
    browser
        .find(By::Css("[data-testid=new-room]"))
        .await?
        .click()
        .await?;
    browser
        .find(By::Css("[data-testid=join]"))
        .await?
        .click()
        .await?;
    Ok(page::room_link(browser).await)
}

/// Subscribes to `topic` like any relay client and keeps every frame the
/// relay fans out: the relay's own view of the room.
async fn listen(relay: std::net::SocketAddr, topic: String) -> Arc<Mutex<Vec<String>>> {
    let mut ws = peerlink_e2e::subscribed_socket(relay, &topic).await;
    let frames = Arc::new(Mutex::new(Vec::new()));
    let sink = frames.clone();
    tokio::spawn(async move {
        while let Some(Ok(message)) = ws.next().await {
            if let Message::Text(text) = message {
                if let Ok(mut frames) = sink.lock() {
                    frames.push(text.to_string());
                }
            }
        }
    });
    frames
}

#[tokio::test]
async fn a_new_private_room_verifies_both_sides_and_the_relay_sees_only_sealed_frames() {
    let harness = Harness::start().await;
    let alice = harness.browser().await;
    let bob = harness.browser().await;
    let relay = harness.relay_addr;
    let outcome = async {
        let link = new_private_room(&harness, &alice, "alicewonder").await?;
        assert!(
            !link.contains("alicewonder"),
            "the link carries no personal name: {link}"
        );
        let keys = RoomKeys::new(&secret_of(&link));
        let frames = listen(relay, keys.topic()).await;

        page::open_room(&bob, &link).await?;
        wait_connected(&alice, 1, "alice sees bob connected").await;
        wait_connected(&bob, 1, "bob sees alice connected").await;
        for (who, browser) in [("alice", &alice), ("bob", &bob)] {
            eventually(
                &format!("{who} shows the other verified"),
                Duration::from_secs(20),
                || async { (page::verified(browser).await == ["true"]).then_some(()) },
            )
            .await;
        }
        // Let hellos repeat once more through the relay, then read its view.
        tokio::time::sleep(Duration::from_secs(6)).await;
        let frames = frames.lock().map(|f| f.clone()).unwrap_or_default();
        assert!(
            frames.len() >= 4,
            "the relay carried the signaling: {} frames",
            frames.len()
        );
        for frame in &frames {
            assert!(
                frame.contains("\"sealed\""),
                "every envelope is sealed: {frame}"
            );
            for secret in [
                "v=0",
                "a=fingerprint",
                "candidate",
                "alicewonder",
                "hello",
                "offer",
            ] {
                assert!(!frame.contains(secret), "{secret:?} in clear: {frame}");
            }
        }
        println!("relay saw {} frames for the room, all sealed", frames.len());
        WebDriverResult::Ok(())
    }
    .await;
    let _ = alice.quit().await;
    let _ = bob.quit().await;
    outcome.expect("browser steps");
}

/// Opens a new private room in `alice`, joins `bob` through its room link
/// and waits until both are connected and verified; returns the link.
async fn private_pair(
    harness: &Harness,
    alice: &WebDriver,
    bob: &WebDriver,
) -> WebDriverResult<String> {
    let link = new_private_room(harness, alice, "alice").await?;
    page::open_room(bob, &link).await?;
    for (who, browser) in [("alice", alice), ("bob", bob)] {
        wait_connected(browser, 1, &format!("{who} connected")).await;
        eventually(
            &format!("{who} verified"),
            Duration::from_secs(20),
            || async { (page::verified(browser).await == ["true"]).then_some(()) },
        )
        .await;
    }
    Ok(link)
}

#[tokio::test]
async fn forged_signaling_in_a_private_room_changes_nothing() {
    let harness = Harness::start().await;
    let alice = harness.browser().await;
    let bob = harness.browser().await;
    let relay = harness.relay_addr;
    let outcome = async {
        let link = private_pair(&harness, &alice, &bob).await?;
        let ids = |peers: Vec<(String, String)>| peers.into_iter().map(|(id, _)| id).collect::<Vec<_>>();
        let bob_id = ids(page::peers(&alice).await).remove(0);
        let alice_id = ids(page::peers(&bob).await).remove(0);
        // The forger even knows the link (so the topic), but not how to seal
        // as alice or bob: everything it sends is open or garbage.
        let topic = RoomKeys::new(&secret_of(&link)).topic();
        let (a, b) = (PeerId::parse(&alice_id).expect("id"), PeerId::parse(&bob_id).expect("id"));
        let mut frames = forgeries(a, b);
        frames.push(format!(r#"{{"v":1,"from":"{alice_id}","to":null,"seq":9999999,"sealed":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}}"#));
        forge(relay, &topic, frames).await;
        tokio::time::sleep(Duration::from_secs(3)).await;
        for (browser, other) in [(&alice, &bob_id), (&bob, &alice_id)] {
            let peers = page::peers(browser).await;
            assert_eq!(peers, vec![(other.clone(), "connected".to_string())], "only the real peer, connected");
            assert_eq!(page::verified(browser).await, ["true"]);
        }
        page::send_chat(&alice, "still sealed?").await?;
        page::wait_chat(&bob, "still sealed?", "chat after the forgeries").await;
        WebDriverResult::Ok(())
    }
    .await;
    let _ = alice.quit().await;
    let _ = bob.quit().await;
    outcome.expect("browser steps");
}
