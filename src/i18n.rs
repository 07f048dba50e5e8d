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
    CopyLink,
    LinkCopied,
    Mic,
    MicOff,
    Camera,
    CameraOff,
    ShareScreen,
    StopSharing,
    Chat,
    ChatPlaceholder,
    Send,
    You,
    NobodyYet,
    StartingMedia,
    Settings,
    IceServers,
    IceServersHelp,
    Save,
    CameraDevice,
    MicDevice,
    Diagnostics,
    Direct,
    Relayed,
    ErrPermissionDenied,
    ErrNoDevice,
    ErrDeviceBusy,
    ErrOverconstrained,
    ErrMediaUnsupported,
    ErrMediaOther,
    ErrRoomFull,
    ErrBadRelay,
    ErrBadIce,
    ErrChatTooLong,
    ErrChatNotSent,
    JoinedDataOnly,
    Screen,
    StatePeerNew,
    StatePeerConnecting,
    StatePeerConnected,
    StatePeerDisconnected,
    StatePeerFailed,
    StatePeerClosed,
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
        (Lang::En, CopyLink) => "Copy link",
        (Lang::Zh, CopyLink) => "复制链接",
        (Lang::En, LinkCopied) => "Link copied",
        (Lang::Zh, LinkCopied) => "链接已复制",
        (Lang::En, Mic) => "Mute",
        (Lang::Zh, Mic) => "静音",
        (Lang::En, MicOff) => "Unmute",
        (Lang::Zh, MicOff) => "取消静音",
        (Lang::En, Camera) => "Stop camera",
        (Lang::Zh, Camera) => "关闭摄像头",
        (Lang::En, CameraOff) => "Start camera",
        (Lang::Zh, CameraOff) => "开启摄像头",
        (Lang::En, ShareScreen) => "Share screen",
        (Lang::Zh, ShareScreen) => "共享屏幕",
        (Lang::En, StopSharing) => "Stop sharing",
        (Lang::Zh, StopSharing) => "停止共享",
        (Lang::En, Chat) => "Chat",
        (Lang::Zh, Chat) => "聊天",
        (Lang::En, ChatPlaceholder) => "Write a message",
        (Lang::Zh, ChatPlaceholder) => "输入消息",
        (Lang::En, Send) => "Send",
        (Lang::Zh, Send) => "发送",
        (Lang::En, You) => "You",
        (Lang::Zh, You) => "你",
        (Lang::En, NobodyYet) => "Nobody else is here yet. Share the link to invite someone.",
        (Lang::Zh, NobodyYet) => "还没有其他人。分享链接邀请别人加入。",
        (Lang::En, StartingMedia) => "Starting camera and microphone…",
        (Lang::Zh, StartingMedia) => "正在启动摄像头和麦克风…",
        (Lang::En, Settings) => "Settings",
        (Lang::Zh, Settings) => "设置",
        (Lang::En, IceServers) => "ICE servers (STUN/TURN), JSON",
        (Lang::Zh, IceServers) => "ICE 服务器（STUN/TURN），JSON 格式",
        (Lang::En, IceServersHelp) => "Used for the next call. Example: [{\"urls\":\"turn:turn.example.com:3478\",\"username\":\"u\",\"credential\":\"p\"}]",
        (Lang::Zh, IceServersHelp) => "下次通话生效。例如：[{\"urls\":\"turn:turn.example.com:3478\",\"username\":\"u\",\"credential\":\"p\"}]",
        (Lang::En, Save) => "Save",
        (Lang::Zh, Save) => "保存",
        (Lang::En, CameraDevice) => "Camera",
        (Lang::Zh, CameraDevice) => "摄像头",
        (Lang::En, MicDevice) => "Microphone",
        (Lang::Zh, MicDevice) => "麦克风",
        (Lang::En, Diagnostics) => "Connection details",
        (Lang::Zh, Diagnostics) => "连接详情",
        (Lang::En, Direct) => "direct",
        (Lang::Zh, Direct) => "直连",
        (Lang::En, Relayed) => "relayed (TURN)",
        (Lang::Zh, Relayed) => "经 TURN 中转",
        (Lang::En, ErrPermissionDenied) => "Camera or microphone permission was denied. Allow it in the browser's site settings, or stay in the call with chat and files only.",
        (Lang::Zh, ErrPermissionDenied) => "摄像头或麦克风权限被拒绝。请在浏览器的网站设置中允许，或继续仅用聊天和文件参加。",
        (Lang::En, ErrNoDevice) => "No camera or microphone was found. You are in the call with chat and files only.",
        (Lang::Zh, ErrNoDevice) => "没有找到摄像头或麦克风。你将仅用聊天和文件参加通话。",
        (Lang::En, ErrDeviceBusy) => "The camera or microphone is in use by another application. Close it and rejoin, or continue with chat and files.",
        (Lang::Zh, ErrDeviceBusy) => "摄像头或麦克风正被其他应用占用。关闭它后重新加入，或继续使用聊天和文件。",
        (Lang::En, ErrOverconstrained) => "The selected device cannot provide the requested settings. Pick another device in Settings.",
        (Lang::Zh, ErrOverconstrained) => "所选设备无法满足请求的设置。请在设置中选择其他设备。",
        (Lang::En, ErrMediaUnsupported) => "This browser cannot capture media here. You are in the call with chat and files only.",
        (Lang::Zh, ErrMediaUnsupported) => "此浏览器无法在这里采集音视频。你将仅用聊天和文件参加通话。",
        (Lang::En, ErrMediaOther) => "The camera or microphone could not start. You are in the call with chat and files only.",
        (Lang::Zh, ErrMediaOther) => "摄像头或麦克风无法启动。你将仅用聊天和文件参加通话。",
        (Lang::En, ErrRoomFull) => "This room is full: more people tried to join than it holds.",
        (Lang::Zh, ErrRoomFull) => "房间已满：想加入的人数超过了上限。",
        (Lang::En, ErrBadRelay) => "The relay address is not a valid WebSocket URL (ws:// or wss://).",
        (Lang::Zh, ErrBadRelay) => "中继地址不是有效的 WebSocket URL（ws:// 或 wss://）。",
        (Lang::En, ErrBadIce) => "The ICE server list is invalid; the default is used instead.",
        (Lang::Zh, ErrBadIce) => "ICE 服务器列表无效，已改用默认设置。",
        (Lang::En, ErrChatTooLong) => "That message is too long (4 KiB at most).",
        (Lang::Zh, ErrChatTooLong) => "消息太长（最多 4 KiB）。",
        (Lang::En, ErrChatNotSent) => "The message could not be sent.",
        (Lang::Zh, ErrChatNotSent) => "消息发送失败。",
        (Lang::En, JoinedDataOnly) => "You joined with chat and files only.",
        (Lang::Zh, JoinedDataOnly) => "你仅以聊天和文件方式加入。",
        (Lang::En, Screen) => "screen",
        (Lang::Zh, Screen) => "屏幕",
        (Lang::En, StatePeerNew) | (Lang::En, StatePeerConnecting) => "connecting…",
        (Lang::Zh, StatePeerNew) | (Lang::Zh, StatePeerConnecting) => "连接中…",
        (Lang::En, StatePeerConnected) => "connected",
        (Lang::Zh, StatePeerConnected) => "已连接",
        (Lang::En, StatePeerDisconnected) => "reconnecting…",
        (Lang::Zh, StatePeerDisconnected) => "正在重连…",
        (Lang::En, StatePeerFailed) => "connection failed, retrying",
        (Lang::Zh, StatePeerFailed) => "连接失败，正在重试",
        (Lang::En, StatePeerClosed) => "left",
        (Lang::Zh, StatePeerClosed) => "已离开",
    }
}
