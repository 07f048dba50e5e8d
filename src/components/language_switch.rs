//! The button that switches the UI between English and Chinese. It flips the
//! `I18n` context; it must not store the choice anywhere.

use leptos::prelude::*;

use crate::i18n::{I18n, Msg};

#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let i18n = expect_context::<I18n>();
    view! {
        <button class="lang" type="button" on:click=move |_| i18n.0.update(|lang| *lang = lang.other())>
            {i18n.t(Msg::SwitchLanguage)}
        </button>
    }
}
