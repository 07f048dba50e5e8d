//! User-facing text in English and Chinese. The language follows the
//! browser and can be switched; every string the UI shows comes from here.

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

/// Every message the UI shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Msg {
    Tagline,
    Room,
    RoomPlaceholder,
    RandomRoom,
    DisplayName,
    NamePlaceholder,
    Media,
    MediaVideo,
    MediaAudio,
    MediaNone,
    Join,
    Leave,
    SwitchLanguage,
    InsecureContext,
    Relay,
    RelayConnecting,
    RelayOpen,
    RelayClosed,
}

/// The text of `msg` in `lang`.
pub fn text(lang: Lang, msg: Msg) -> &'static str {
    use Msg::*;
    match (lang, msg) {
        (Lang::En, Tagline) => "Video calls, chat and files, browser to browser.",
        (Lang::Zh, Tagline) => "浏览器之间直接视频通话、聊天和传文件。",
        (Lang::En, Room) => "Room",
        (Lang::Zh, Room) => "房间",
        (Lang::En, RoomPlaceholder) => "room name",
        (Lang::Zh, RoomPlaceholder) => "房间名",
        (Lang::En, RandomRoom) => "Random room",
        (Lang::Zh, RandomRoom) => "随机房间",
        (Lang::En, DisplayName) => "Your name",
        (Lang::Zh, DisplayName) => "你的名字",
        (Lang::En, NamePlaceholder) => "how others see you",
        (Lang::Zh, NamePlaceholder) => "别人看到的名字",
        (Lang::En, Media) => "Join with",
        (Lang::Zh, Media) => "加入方式",
        (Lang::En, MediaVideo) => "Camera and microphone",
        (Lang::Zh, MediaVideo) => "摄像头和麦克风",
        (Lang::En, MediaAudio) => "Microphone only",
        (Lang::Zh, MediaAudio) => "仅麦克风",
        (Lang::En, MediaNone) => "Chat and files only",
        (Lang::Zh, MediaNone) => "仅聊天和文件",
        (Lang::En, Join) => "Join",
        (Lang::Zh, Join) => "加入",
        (Lang::En, Leave) => "Leave",
        (Lang::Zh, Leave) => "离开",
        (Lang::En, SwitchLanguage) => "中文",
        (Lang::Zh, SwitchLanguage) => "English",
        (Lang::En, InsecureContext) => {
            "This page is not in a secure context, so the browser blocks the camera, microphone and WebRTC. Open it over HTTPS, or on http://localhost."
        }
        (Lang::Zh, InsecureContext) => {
            "此页面不在安全上下文中，浏览器会禁用摄像头、麦克风和 WebRTC。请通过 HTTPS 或 http://localhost 打开。"
        }
        (Lang::En, Relay) => "Relay",
        (Lang::Zh, Relay) => "中继",
        (Lang::En, RelayConnecting) => "connecting…",
        (Lang::Zh, RelayConnecting) => "连接中…",
        (Lang::En, RelayOpen) => "connected",
        (Lang::Zh, RelayOpen) => "已连接",
        (Lang::En, RelayClosed) => "unreachable, retrying",
        (Lang::Zh, RelayClosed) => "无法连接，正在重试",
    }
}
