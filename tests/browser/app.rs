//! The whole app in the page: opened from a link it shows the pre-join
//! screen filled in; after *Join* it connects to a second participant (a
//! plain `Room` in the same page) and shows their chat as text, never as HTML.

use peerlink::launch::percent_encode;
use peerlink::room::{Room, RoomOptions};
use peerlink::rtc::IceConfig;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::signaling::{relay_url, unique_room};
use crate::support::{fresh_root, press_join, query, query_all, wait_until};

/// Replaces the page's address (query and fragment) as if it was opened so.
fn set_url(url: &str) {
    web_sys::window()
        .expect("window")
        .history()
        .expect("history")
        .replace_state_with_url(&JsValue::NULL, "", Some(url))
        .expect("replaceState");
}

#[wasm_bindgen_test]
async fn a_joined_app_shows_a_hostile_chat_message_as_literal_text() {
    let window = web_sys::window().expect("window");
    let original = window.location().href().expect("href");
    let room = unique_room("app");
    let link = format!(
        "?relay={}&ice=%5B%5D&media=none&name=viewer#{}",
        percent_encode(relay_url()),
        room
    );
    set_url(&link);

    let root = fresh_root();
    let handle = leptos::mount::mount_to(root.clone(), peerlink::App);
    let field = |selector: &str| {
        query(&root, selector)
            .map(|e| wasm_bindgen::JsCast::unchecked_into::<web_sys::HtmlInputElement>(e).value())
            .unwrap_or_default()
    };
    wait_until("the pre-join screen filled in from the link", 5_000, || {
        field("[data-testid=room-input]") == room && field("[data-testid=name-input]") == "viewer"
    })
    .await;
    assert!(
        query(&root, "[data-testid=peer]").is_none(),
        "nothing joins before the click"
    );
    press_join(&root).await;
    let mallory = Room::join(
        RoomOptions::new(relay_url(), &room, "mallory", IceConfig::host_only()),
        Vec::new(),
        |_| {},
    )
    .expect("mallory joins");

    wait_until("the app shows mallory connected", 20_000, || {
        query(&root, "[data-testid=peer]")
            .is_some_and(|p| p.get_attribute("data-state").as_deref() == Some("connected"))
    })
    .await;
    assert_eq!(
        query(&root, "[data-testid=relay-state]")
            .and_then(|e| e.get_attribute("data-state"))
            .as_deref(),
        Some("open")
    );
    // `send_chat` succeeds with nobody to send to, so wait for the channel.
    wait_until("mallory's chat channel is open", 10_000, || {
        mallory.peers().iter().any(|id| {
            mallory
                .session(*id)
                .is_some_and(|s| s.is_channel_open(peerlink::rtc::ChannelKind::Chat))
        })
    })
    .await;
    let hostile = "<img src=x onerror=alert(1)>";
    wait_until("mallory's message goes out", 10_000, || {
        mallory.send_chat(hostile).is_ok()
    })
    .await;
    wait_until("the message is shown", 10_000, || {
        !query_all(&root, "[data-testid=chat-message]").is_empty()
    })
    .await;
    let message = &query_all(&root, "[data-testid=chat-message]")[0];
    assert_eq!(
        message.get_attribute("data-from"),
        Some(mallory.me().to_string())
    );
    assert!(
        message.text_content().unwrap_or_default().contains(hostile),
        "shown as literal text"
    );
    assert!(query(message, "img").is_none(), "never parsed as HTML");

    drop(handle);
    drop(mallory);
    set_url(&original);
}

/// The button in the call view whose text is one of `labels`.
/// The call header's button labelled with one of `labels` (the invite card
/// in the People panel has a *Copy link* of its own).
fn control_button(root: &web_sys::Element, labels: &[&str]) -> Option<web_sys::HtmlElement> {
    use wasm_bindgen::JsCast;
    query_all(root, ".call-header button")
        .into_iter()
        .find(|b| labels.contains(&b.text_content().unwrap_or_default().as_str()))
        .and_then(|b| b.dyn_into().ok())
}

#[wasm_bindgen_test]
async fn copy_link_says_copied_only_when_the_clipboard_took_it() {
    let window = web_sys::window().expect("window");
    let original = window.location().href().expect("href");
    // No relay needed: the control bar renders while the relay is unreachable.
    let link = format!(
        "?relay=ws%3A%2F%2F127.0.0.1%3A9%2Fws&ice=%5B%5D&media=none#{}",
        unique_room("copy")
    );
    set_url(&link);
    let root = fresh_root();
    let handle = leptos::mount::mount_to(root.clone(), peerlink::App);
    press_join(&root).await;
    wait_until("the control bar", 5_000, || {
        control_button(&root, &["Copy link", "复制链接"]).is_some()
    })
    .await;
    // What this browser does with a clipboard write right now (headless
    // browsers often refuse one without focus or a user gesture).
    let direct = peerlink::browser::clipboard::write_text("probe").await;
    control_button(&root, &["Copy link", "复制链接"])
        .expect("copy button")
        .click();
    wait_until("the copy outcome", 5_000, || {
        control_button(&root, &["Copy link", "复制链接"]).is_none()
    })
    .await;
    let expected: &[&str] = if direct.is_ok() {
        &["Link copied", "链接已复制"]
    } else {
        &["Copy failed", "复制失败"]
    };
    assert!(
        control_button(&root, expected).is_some(),
        "clipboard said {direct:?}; the button says {:?}",
        query(&root, ".call-header").and_then(|c| c.text_content())
    );
    drop(handle);
    set_url(&original);
}
