//! User-facing text in English and Chinese, and the `I18n` context that
//! picks the language (it follows the browser and can be switched). Every
//! string the UI shows comes from here; this module must not format data.

use leptos::prelude::{Get, RwSignal};

pub use messages::Msg;

/// The language the UI speaks; provided once at the root as context.
#[derive(Clone, Copy)]
pub struct I18n(pub RwSignal<Lang>);

impl I18n {
    /// A reactive closure giving the text of `msg` in the current language.
    pub fn t(self, msg: Msg) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
        move || text(self.0.get(), msg)
    }
}

/// A UI language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Zh,
}

impl Lang {
    /// Picks Chinese for `zh*` browser languages, English otherwise.
    pub fn from_browser_language(tag: &str) -> Lang {
        if tag.to_ascii_lowercase().starts_with("zh") {
            Lang::Zh
        } else {
            Lang::En
        }
    }

    pub fn detect() -> Lang {
        web_sys::window()
            .and_then(|w| w.navigator().language())
            .map(|tag| Lang::from_browser_language(&tag))
            .unwrap_or(Lang::En)
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::En => Lang::Zh,
            Lang::Zh => Lang::En,
        }
    }

    /// The value of the `lang` attribute.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }
}

/// Declares `Msg` and its text in every language side by side, so a
/// message cannot exist without both translations.
macro_rules! messages {
    ($($name:ident => $en:expr, $zh:expr;)*) => {
        /// Every message the UI shows.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Msg {
            $($name,)*
        }

        impl Msg {
            /// The English and the Chinese text.
            pub(super) fn texts(self) -> (&'static str, &'static str) {
                match self {
                    $(Msg::$name => ($en, $zh),)*
                }
            }
        }
    };
}

// The table itself: src/i18n/messages.rs (declared after the macro it uses).
mod messages;

/// The text of `msg` in `lang`.
pub fn text(lang: Lang, msg: Msg) -> &'static str {
    let (en, zh) = msg.texts();
    match lang {
        Lang::En => en,
        Lang::Zh => zh,
    }
}
