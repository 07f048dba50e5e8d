//! The page address: reading the query and fragment, and putting the room in
//! the fragment. It must not interpret what it reads (that is `launch.rs`).

fn location() -> Option<web_sys::Location> {
    web_sys::window().map(|w| w.location())
}

/// `location.search` and `location.hash` (empty when unreadable).
pub fn search_and_hash() -> (String, String) {
    let location = location();
    let read = |f: fn(&web_sys::Location) -> Result<String, wasm_bindgen::JsValue>| {
        location
            .as_ref()
            .and_then(|l| f(l).ok())
            .unwrap_or_default()
    };
    (
        read(web_sys::Location::search),
        read(web_sys::Location::hash),
    )
}

/// `location.protocol` and `location.host`, with `http:`/`localhost` fallbacks.
pub fn protocol_and_host() -> (String, String) {
    let location = location();
    let protocol = location
        .as_ref()
        .and_then(|l| l.protocol().ok())
        .unwrap_or_else(|| "http:".into());
    let host = location
        .as_ref()
        .and_then(|l| l.host().ok())
        .unwrap_or_else(|| "localhost".into());
    (protocol, host)
}

/// The whole address of the page, the link to this room.
pub fn href() -> String {
    location().and_then(|l| l.href().ok()).unwrap_or_default()
}

/// Sets the fragment (already percent-encoded); failures leave the address as it was.
pub fn set_hash(fragment: &str) {
    if let Some(location) = location() {
        if let Err(err) = location.set_hash(fragment) {
            web_sys::console::warn_1(&err);
        }
    }
}

/// True in a secure context (HTTPS or localhost), where media and WebRTC work.
pub fn is_secure_context() -> bool {
    web_sys::window()
        .map(|w| w.is_secure_context())
        .unwrap_or(false)
}

/// Sets the `lang` attribute of the document element.
pub fn set_document_lang(code: &str) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        if let Err(err) = root.set_attribute("lang", code) {
            web_sys::console::warn_1(&err);
        }
    }
}
