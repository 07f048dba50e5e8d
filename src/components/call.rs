//! The call view: the room header and leave button. Tiles, chat and files
//! are rendered here from the room hook's signals.

use leptos::prelude::*;

use crate::app::{I18n, JoinRequest};
use crate::i18n::Msg;
use crate::launch::LaunchOptions;

#[component]
pub fn CallView(
    request: JoinRequest,
    options: LaunchOptions,
    on_leave: Callback<()>,
) -> impl IntoView {
    let i18n = expect_context::<I18n>();
    let _ = options;
    view! {
        <section class="call">
            <header class="call-header">
                <h2 class="room-name">{request.room.clone()}</h2>
                <button type="button" class="danger" on:click=move |_| on_leave.run(())>{i18n.t(Msg::Leave)}</button>
            </header>
        </section>
    }
}
