//! The root component: reads the launch URL, provides the language context,
//! and shows the lobby or the call. Joining puts the room in the URL
//! fragment, so the address bar is always a link to the same room.

use leptos::prelude::*;

use crate::components::{CallView, LanguageSwitch, Lobby};
use crate::i18n::{text, Lang, Msg};
use crate::launch::{percent_encode, LaunchOptions, MediaMode};

/// The language the UI speaks; provided once at the root.
#[derive(Clone, Copy)]
pub struct I18n(pub RwSignal<Lang>);

impl I18n {
    /// A reactive closure giving the text of `msg` in the current language.
    pub fn t(self, msg: Msg) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
        move || text(self.0.get(), msg)
    }
}

/// What the lobby hands over when the user joins.
#[derive(Debug, Clone, PartialEq)]
pub struct JoinRequest {
    pub room: String,
    pub name: String,
    pub media: MediaMode,
}

fn launch_options() -> LaunchOptions {
    let location = web_sys::window().map(|w| w.location());
    let search = location
        .as_ref()
        .and_then(|l| l.search().ok())
        .unwrap_or_default();
    let hash = location
        .as_ref()
        .and_then(|l| l.hash().ok())
        .unwrap_or_default();
    LaunchOptions::parse(&search, &hash)
}

fn set_fragment(room: &str) {
    if let Some(window) = web_sys::window() {
        let _ = window.location().set_hash(&percent_encode(room));
    }
}

fn is_secure_context() -> bool {
    web_sys::window()
        .map(|w| w.is_secure_context())
        .unwrap_or(false)
}

#[component]
pub fn App() -> impl IntoView {
    let i18n = I18n(RwSignal::new(Lang::detect()));
    provide_context(i18n);
    Effect::new(move |_| {
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = root.set_attribute("lang", i18n.0.get().code());
        }
    });

    let options = launch_options();
    // A room in the fragment joins at once, with the defaults and overrides.
    let auto_join = options.room.clone().map(|room| JoinRequest {
        room,
        name: options.name.clone().unwrap_or_default(),
        media: options.media,
    });
    let joined = RwSignal::new(auto_join);
    let on_join = Callback::new(move |request: JoinRequest| {
        set_fragment(&request.room);
        joined.set(Some(request));
    });
    let on_leave = Callback::new(move |()| {
        set_fragment("");
        joined.set(None);
    });
    let lobby_options = options.clone();

    view! {
        <header class="topbar">
            <span class="brand">"peerlink"</span>
            <LanguageSwitch/>
        </header>
        <Show when=move || !is_secure_context()>
            <p class="error" data-testid="error" role="alert">{i18n.t(Msg::InsecureContext)}</p>
        </Show>
        <main>
            {move || match joined.get() {
                None => view! { <Lobby initial=lobby_options.clone() on_join=on_join/> }.into_any(),
                Some(request) => view! { <CallView request=request options=options.clone() on_leave=on_leave/> }.into_any(),
            }}
        </main>
    }
}
