//! The root component: reads the launch URL, provides the language context,
//! and shows the lobby or the call, with the room in the URL fragment so the
//! address bar is always a link to it. It routes and provides context; it
//! must not hold call state itself.

use leptos::prelude::*;

use crate::browser::location;
use crate::components::{CallView, LanguageSwitch, Lobby};
use crate::i18n::{I18n, Lang, Msg};
use crate::launch::{foreign_hosts, percent_encode, JoinRequest, LaunchOptions};

fn launch_options() -> LaunchOptions {
    let (search, hash) = location::search_and_hash();
    LaunchOptions::parse(&search, &hash)
}

#[component]
pub fn App() -> impl IntoView {
    let i18n = I18n(RwSignal::new(Lang::detect()));
    provide_context(i18n);
    crate::hooks::use_service_worker();
    Effect::new(move |_| location::set_document_lang(i18n.0.get().code()));

    let options = launch_options();
    // A link opens the pre-join screen filled in; *Join* is the click that
    // also lets the browser play remote audio.
    let joined = RwSignal::new(None::<JoinRequest>);
    let on_join = Callback::new(move |request: JoinRequest| {
        location::set_hash(&percent_encode(&request.room));
        joined.set(Some(request));
    });
    let elsewhere = foreign_hosts(&options, &location::protocol_and_host().1);
    let on_leave = Callback::new(move |()| {
        location::set_hash("");
        joined.set(None);
    });
    let lobby_options = options.clone();

    view! {
        <header class="topbar">
            <span class="brand">"peerlink"</span>
            <LanguageSwitch/>
        </header>
        <Show when=move || !location::is_secure_context()>
            <p class="error" data-testid="error" role="alert">{i18n.t(Msg::InsecureContext)}</p>
        </Show>
        <main>
            {move || match joined.get() {
                None => view! { <Lobby initial=lobby_options.clone() elsewhere=elsewhere.clone() on_join=on_join/> }.into_any(),
                Some(request) => view! { <CallView request=request options=options.clone() on_leave=on_leave/> }.into_any(),
            }}
        </main>
    }
}
