//! Helpers shared by the browser tests: sleeping, polling, DOM queries.

#![allow(dead_code)]

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Resolves after `ms` milliseconds.
pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// Polls `condition` every 20 ms until it holds; panics with `what` after `timeout_ms`.
pub async fn wait_until(what: &str, timeout_ms: i32, mut condition: impl FnMut() -> bool) {
    let mut waited = 0;
    while !condition() {
        if waited >= timeout_ms {
            panic!("timed out after {timeout_ms} ms waiting for: {what}");
        }
        sleep(20).await;
        waited += 20;
    }
}

pub fn document() -> web_sys::Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("a document")
}

/// A fresh, attached `<div>` to mount a component into.
pub fn fresh_root() -> web_sys::HtmlElement {
    let div = document().create_element("div").expect("create div");
    document()
        .body()
        .expect("body")
        .append_child(&div)
        .expect("append");
    div.unchecked_into()
}

pub fn query(root: &web_sys::Element, selector: &str) -> Option<web_sys::Element> {
    root.query_selector(selector).ok().flatten()
}

pub fn query_all(root: &web_sys::Element, selector: &str) -> Vec<web_sys::Element> {
    let list = root.query_selector_all(selector).expect("valid selector");
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into().ok())
        .collect()
}

/// A raw WebSocket to the test relay, subscribed to `topic` (the relay
/// refuses publishes into topics the socket has not subscribed to), for
/// publishing frames as a hostile client would.
pub async fn raw_publisher(topic: &str) -> web_sys::WebSocket {
    let url = crate::signaling::relay_url();
    let socket = web_sys::WebSocket::new(url).expect("raw socket");
    wait_until("raw socket open", 5_000, || {
        socket.ready_state() == web_sys::WebSocket::OPEN
    })
    .await;
    let subscribe = format!(r#"{{"type":"subscribe","topics":["{topic}"]}}"#);
    socket.send_with_str(&subscribe).expect("raw subscribe");
    socket
}

/// Publishes `data` (JSON) into `topic` through a raw socket.
pub fn publish_raw(socket: &web_sys::WebSocket, topic: &str, data: &str) {
    let frame = format!(r#"{{"type":"publish","topic":"{topic}","data":{data}}}"#);
    socket.send_with_str(&frame).expect("raw publish");
}

/// Presses *Join* on the pre-join screen that a link opens.
pub async fn press_join(root: &web_sys::Element) {
    use wasm_bindgen::JsCast;
    wait_until("the pre-join screen", 5_000, || {
        query(root, "[data-testid=join]").is_some()
    })
    .await;
    query(root, "[data-testid=join]")
        .expect("join button")
        .unchecked_into::<web_sys::HtmlElement>()
        .click();
}
