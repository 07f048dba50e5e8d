//! A routine relay restart: a connected pair stays connected, and a newcomer
//! who opens the link once the relay is back sees everyone within seconds
//! (measured and printed; the figure goes in the notes, not in an assert).

use std::time::{Duration, Instant};

use peerlink_e2e::page::{self, wait_connected};
use peerlink_e2e::thirtyfour::prelude::*;
use peerlink_e2e::{eventually, Harness};

#[tokio::test]
async fn after_a_relay_restart_a_newcomer_meets_everyone_fast() {
    let mut harness = Harness::start().await;
    let alice = harness.browser().await;
    let bob = harness.browser().await;
    let carol = harness.browser().await;
    let alice_url = harness.room_url("rejoin", "name=alice&media=none");
    let bob_url = harness.room_url("rejoin", "name=bob&media=none");
    let carol_url = harness.room_url("rejoin", "name=carol&media=none");
    let outcome = async {
        page::open_room(&alice, &alice_url).await?;
        page::open_room(&bob, &bob_url).await?;
        wait_connected(&alice, 1, "alice sees bob").await;
        wait_connected(&bob, 1, "bob sees alice").await;

        harness.restart_relay(Duration::from_secs(3)).await;
        let back = Instant::now();
        page::open_room(&carol, &carol_url).await?;
        eventually("carol sees alice and bob", Duration::from_secs(45), || async {
            (page::peers(&carol).await.len() == 2).then_some(())
        })
        .await;
        let seen = back.elapsed();
        wait_connected(&carol, 2, "carol connected to both").await;
        let connected = back.elapsed();
        println!(
            "relay back → newcomer sees everyone: {:.1} s, connected to everyone: {:.1} s (page load included)",
            seen.as_secs_f64(),
            connected.as_secs_f64()
        );
        for browser in [&alice, &bob] {
            wait_connected(browser, 2, "the pair still connected, and carol too").await;
        }
        WebDriverResult::Ok(())
    }
    .await;
    for browser in [alice, bob, carol] {
        let _ = browser.quit().await;
    }
    outcome.expect("browser steps");
}
