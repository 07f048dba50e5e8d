//! The chat panel: the transcript (text only, never HTML) and the message
//! form. It renders the room hook's transcript and sends through it; it
//! must not reach a data channel itself. Opening it is the side panel's.

use leptos::prelude::*;

use crate::hooks::{use_clipboard, UseRoomReturn};
use crate::i18n::{I18n, Msg};

#[component]
pub fn ChatPanel(room: UseRoomReturn) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let draft = RwSignal::new(String::new());
    let list = NodeRef::<leptos::html::Ol>::new();
    Effect::new(move |_| {
        room.chat.track();
        if let Some(list) = list.get() {
            list.set_scroll_top(list.scroll_height());
        }
    });
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if room.send_chat(&draft.get_untracked()) {
            draft.set(String::new());
        }
    };
    let me = move || room.me.get().map(|id| id.to_string()).unwrap_or_default();
    // A multi-line message (a pasted snippet) gets a copy button.
    let clipboard = use_clipboard();
    view! {
        <div class="chat">
            <ol class="messages" node_ref=list aria-live="polite" tabindex="0" aria-label=i18n.t(Msg::Chat)>
                <For each=move || room.chat.get() key=|line| line.seq let:line>
                    <li data-testid="chat-message" class:mine=line.from.is_none()
                        data-from=line.from.map(|id| id.to_string()).unwrap_or_else(me)>
                        <span class="author">
                            {if line.from.is_none() { i18n.t(Msg::You)().to_string() } else if line.name.is_empty() {
                                line.from.map(|id| id.short()).unwrap_or_default()
                            } else { line.name.clone() }}
                        </span>
                        <span class="text">{line.text.clone()}</span>
                        {line.text.contains('\n').then(|| {
                            let text = line.text.clone();
                            view! {
                                <button type="button" class="snippet-copy" data-testid="chat-copy"
                                    on:click=move |_| clipboard.copy.run(text.clone())>{i18n.t(Msg::CopySnippet)}</button>
                            }
                        })}
                    </li>
                </For>
            </ol>
            <form class="chat-form" on:submit=send>
                <input data-testid="chat-input" aria-label=i18n.t(Msg::ChatPlaceholder) maxlength="4096"
                    autocomplete="off" placeholder=i18n.t(Msg::ChatPlaceholder)
                    prop:value=move || draft.get()
                    on:input=move |ev| draft.set(event_target_value(&ev))/>
                <button type="submit" class="primary" data-testid="chat-send">{i18n.t(Msg::Send)}</button>
            </form>
        </div>
    }
}
