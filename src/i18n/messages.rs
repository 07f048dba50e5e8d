//! Every message of the UI, English and Chinese side by side (the
//! `messages!` table of src/i18n/mod.rs). Add new text here, never inline.

messages! {
    Tagline => "Video calls, chat and files, browser to browser.",
        "浏览器之间直接视频通话、聊天和传文件。";
    Room => "Room",
        "房间";
    RoomPlaceholder => "room name",
        "房间名";
    RandomRoom => "Random room",
        "随机房间";
    DisplayName => "Your name",
        "你的名字";
    NamePlaceholder => "how others see you",
        "别人看到的名字";
    Media => "Join with",
        "加入方式";
    MediaVideo => "Camera and microphone",
        "摄像头和麦克风";
    MediaAudio => "Microphone only",
        "仅麦克风";
    MediaNone => "Chat and files only",
        "仅聊天和文件";
    Join => "Join",
        "加入";
    Leave => "Leave",
        "离开";
    SwitchLanguage => "中文",
        "English";
    InsecureContext => "This page is not in a secure context, so the browser blocks the camera, microphone and WebRTC. Open it over HTTPS, or on http://localhost.",
        "此页面不在安全上下文中，浏览器会禁用摄像头、麦克风和 WebRTC。请通过 HTTPS 或 http://localhost 打开。";
    Relay => "Relay",
        "中继";
    RelayConnecting => "connecting…",
        "连接中…";
    RelayOpen => "connected",
        "已连接";
    RelayClosed => "unreachable, retrying",
        "无法连接，正在重试";
    CopyLink => "Copy link",
        "复制链接";
    LinkCopied => "Link copied",
        "链接已复制";
    Mic => "Mute",
        "静音";
    MicOff => "Unmute",
        "取消静音";
    Camera => "Stop camera",
        "关闭摄像头";
    CameraOff => "Start camera",
        "开启摄像头";
    ShareScreen => "Share screen",
        "共享屏幕";
    StopSharing => "Stop sharing",
        "停止共享";
    Chat => "Chat",
        "聊天";
    ChatPlaceholder => "Write a message",
        "输入消息";
    Send => "Send",
        "发送";
    You => "You",
        "你";
    NobodyYet => "Nobody else is here yet. Share the link to invite someone.",
        "还没有其他人。分享链接邀请别人加入。";
    StartingMedia => "Starting camera and microphone…",
        "正在启动摄像头和麦克风…";
    Settings => "Settings",
        "设置";
    IceServers => "ICE servers (STUN/TURN), JSON",
        "ICE 服务器（STUN/TURN），JSON 格式";
    IceServersHelp => "Used for the next call. Example: [{\"urls\":\"turn:turn.example.com:3478\",\"username\":\"u\",\"credential\":\"p\"}]",
        "下次通话生效。例如：[{\"urls\":\"turn:turn.example.com:3478\",\"username\":\"u\",\"credential\":\"p\"}]";
    Save => "Save",
        "保存";
    CameraDevice => "Camera",
        "摄像头";
    MicDevice => "Microphone",
        "麦克风";
    Diagnostics => "Connection details",
        "连接详情";
    Direct => "direct",
        "直连";
    Relayed => "relayed (TURN)",
        "经 TURN 中转";
    ErrPermissionDenied => "Camera or microphone permission was denied. Allow it in the browser's site settings, or stay in the call with chat and files only.",
        "摄像头或麦克风权限被拒绝。请在浏览器的网站设置中允许，或继续仅用聊天和文件参加。";
    ErrNoDevice => "No camera or microphone was found. You are in the call with chat and files only.",
        "没有找到摄像头或麦克风。你将仅用聊天和文件参加通话。";
    ErrDeviceBusy => "The camera or microphone is in use by another application. Close it and rejoin, or continue with chat and files.",
        "摄像头或麦克风正被其他应用占用。关闭它后重新加入，或继续使用聊天和文件。";
    ErrOverconstrained => "The selected device cannot provide the requested settings. Pick another device in Settings.",
        "所选设备无法满足请求的设置。请在设置中选择其他设备。";
    ErrMediaUnsupported => "This browser cannot capture media here. You are in the call with chat and files only.",
        "此浏览器无法在这里采集音视频。你将仅用聊天和文件参加通话。";
    ErrMediaOther => "The camera or microphone could not start. You are in the call with chat and files only.",
        "摄像头或麦克风无法启动。你将仅用聊天和文件参加通话。";
    ErrRoomFull => "This room is full: more people tried to join than it holds.",
        "房间已满：想加入的人数超过了上限。";
    FailNoRelay => "Could not connect: the relay cannot be reached and nothing came from the other person. Check your network; the app keeps retrying.",
        "无法连接：中继服务器不可达，也没有收到对方的任何信息。请检查网络；应用会自动重试。";
    FailTurnRefused => "Could not connect: the TURN server refused the credentials. Check the TURN username and password in Settings (or the relay's TURN secret).",
        "无法连接：TURN 服务器拒绝了凭据。请在设置中检查 TURN 用户名和密码（或中继的 TURN 密钥）。";
    FailRelayOnlyWithoutTurn => "Could not connect: “Always relay” is on but no TURN server is set. Add one in Settings or turn “Always relay” off.",
        "无法连接：已开启“始终中继”，但未设置 TURN 服务器。请在设置中添加，或关闭“始终中继”。";
    FailTurnUnreachable => "Could not connect: the TURN server gave no relay address. Check its address and that your network lets UDP or TCP through to it.",
        "无法连接：TURN 服务器没有分配中继地址。请检查其地址，以及网络是否允许 UDP 或 TCP 访问它。";
    FailNoLocalCandidates => "Could not connect: this browser found no network path (no ICE candidates). An extension or a browser policy may be blocking WebRTC.",
        "无法连接：此浏览器没有找到任何网络路径（没有 ICE 候选）。可能有扩展或浏览器策略阻止了 WebRTC。";
    FailNoRemoteCandidates => "Could not connect: no network path arrived from the other person. Their browser or network may be blocking WebRTC.",
        "无法连接：没有收到对方的网络路径。对方的浏览器或网络可能阻止了 WebRTC。";
    FailNoTurnFallback => "Could not connect: no direct path works (a firewall or strict NAT is in the way) and no TURN server is set. Add a TURN server in Settings.",
        "无法连接：没有可用的直连路径（防火墙或严格 NAT 阻挡），且未设置 TURN 服务器。请在设置中添加 TURN 服务器。";
    FailIce => "Could not connect: no path works, not even through the TURN server. Check the TURN server and your network.",
        "无法连接：所有路径都不可用，包括 TURN 中继。请检查 TURN 服务器和网络。";
    ErrIntercepted => "This connection was intercepted: the other side could not prove it holds this room's secret, so the call with it was closed. Share a new link over a channel you trust.",
        "此连接已被拦截：对方无法证明持有本房间的密钥，因此已断开与其的通话。请通过可信渠道重新分享链接。";
    ErrBadRelay => "The relay address is not a valid WebSocket URL (ws:// or wss://).",
        "中继地址不是有效的 WebSocket URL（ws:// 或 wss://）。";
    ErrBadIce => "The ICE server list is invalid; the default is used instead.",
        "ICE 服务器列表无效，已改用默认设置。";
    ErrChatTooLong => "That message is too long (4 KiB at most).",
        "消息太长（最多 4 KiB）。";
    ErrChatNotSent => "The message could not be sent.",
        "消息发送失败。";
    JoinedDataOnly => "You joined with chat and files only.",
        "你仅以聊天和文件方式加入。";
    Screen => "screen",
        "屏幕";
    StatePeerNew => "connecting…",
        "连接中…";
    StatePeerConnecting => "connecting…",
        "连接中…";
    StatePeerConnected => "connected",
        "已连接";
    StatePeerDisconnected => "reconnecting…",
        "正在重连…";
    StatePeerFailed => "connection failed, retrying",
        "连接失败，正在重试";
    StatePeerClosed => "left",
        "已离开";
    Files => "Files",
        "文件";
    DropHint => "Drop files here, or choose them, to send to everyone in the room",
        "把文件拖到这里，或选择文件，发送给房间里的每个人";
    Accept => "Accept",
        "接收";
    Resume => "Resume",
        "继续";
    Cancel => "Cancel",
        "取消";
    Download => "Download",
        "下载";
    Verified => "verified",
        "已校验";
    ToPeer => "to",
        "发给";
    FromPeer => "from",
        "来自";
    NoPeersForFiles => "Nobody is connected yet to send files to.",
        "还没有已连接的人可以接收文件。";
    TransferOffered => "offered",
        "等待接收";
    TransferSending => "sending",
        "发送中";
    TransferReceiving => "receiving",
        "接收中";
    TransferDone => "sent, checking",
        "已发送，校验中";
    TransferFailed => "failed",
        "失败";
    TransferCancelled => "cancelled",
        "已取消";
    SendFileTo => "Send a file to this person",
        "发送文件给此人";
    CopyFailed => "Copy failed",
        "复制失败";
    CallControls => "Call controls",
        "通话控制";
    Saved => "✓",
        "✓";
    ErrNotStored => "The browser did not let the page save this setting.",
        "浏览器不允许此页面保存该设置。";
    IceNotJson => "Not a JSON list of ICE servers.",
        "不是 JSON 格式的 ICE 服务器列表。";
    IceNoUrls => "A server in the list has no urls.",
        "列表中有服务器缺少 urls。";
    IceBadScheme => "Not a stun:/turn: URL",
        "不是 stun:/turn: 地址";
    IceNeedsCredential => "A TURN server needs a username and credential",
        "TURN 服务器需要 username 和 credential";
    StatsRtt => "RTT",
        "往返时延";
    StatsLoss => "loss",
        "丢包";
    StatsPath => "path",
        "路径";
    PeerFallbackName => "peer",
        "成员";
    NewRoom => "New private room",
        "新建私密房间";
    PrivateRoom => "Private room",
        "私密房间";
    PrivateRoomHint => "Sealed end to end: only people with this link can read the signaling or join, and every connection is checked against the room key.",
        "端到端加密：只有持有此链接的人才能读取信令或加入，每条连接都会用房间密钥校验。";
    PublicRoom => "Public room: anyone who knows the name can join. Compare the code on each person's tile by voice to rule out a man in the middle.",
        "公开房间：知道房间名的人都能加入。请口头核对每个人画面上的代码，以排除中间人。";
    Password => "Password (optional: makes the room private)",
        "密码（可选：设置后房间变为私密）";
    TypeRoomName => "Type a room name instead",
        "改为输入房间名";
    RoomLink => "Room link",
        "房间链接";
    PeerVerified => "verified",
        "已验证";
    CompareCode => "Compare this code with them:",
        "请与对方核对此代码：";
    TheyMatch => "They match",
        "一致";
    RelayElsewhere => "Signaling goes through another server:",
        "信令经由其他服务器：";
    ErrBadRoomLink => "This room link is damaged: its secret is missing or too short. Ask for the link again.",
        "此房间链接已损坏：缺少密钥或密钥过短。请重新索取链接。";
    // --- files ---
    ChooseFiles => "Choose files",
        "选择文件";
    ChooseFolder => "Choose a folder",
        "选择文件夹";
    DropAnywhere => "Drop files or folders anywhere, or paste an image, to send them to everyone in the room",
        "把文件或文件夹拖到任意位置，或粘贴图片，即可发送给房间里的每个人";
    BatchFiles => "files offered together",
        "个文件一起发送";
    AcceptAll => "Accept all",
        "全部接收";
    DeclineAll => "Decline all",
        "全部拒绝";
    SaveToFolder => "Save all into a folder…",
        "全部保存到文件夹…";
    SavedToFolder => "Saved into the folder.",
        "已保存到文件夹。";
    ErrSaveToFolder => "Could not save into the folder:",
        "无法保存到文件夹：";
    ReasonLinkLost => "The connection to the peer was lost; it resumes when the peer is back.",
        "与对方的连接已断开；对方回来后会继续。";
    ReasonPeerLeft => "The peer left.",
        "对方已离开。";
    ReasonReceiverLost => "The connection to the receiver was lost.",
        "与接收方的连接已断开。";
    ReasonSenderLost => "The connection to the sender was lost.",
        "与发送方的连接已断开。";
    ReasonSendFailed => "Sending failed:",
        "发送失败：";
    ReasonCannotReachSender => "Cannot reach the sender:",
        "无法联系发送方：";
    ReasonNoConnection => "No connection to the receiver.",
        "没有到接收方的连接。";
    ReasonReadFile => "Cannot read the file:",
        "无法读取文件：";
    ReasonFileChanged => "The file changed while it was being sent.",
        "文件在发送过程中被修改。";
    ReasonReceiverFoundCorrupt => "The receiver found the file corrupt.",
        "接收方发现文件已损坏。";
    ReasonTooManyResumes => "The receiver asked to resume too often.",
        "接收方请求继续的次数过多。";
    ReasonUnexpectedText => "Unexpected text on a file channel.",
        "文件通道上出现了意外的文本。";
    ReasonChunkTooLarge => "A chunk was larger than the protocol allows.",
        "数据块超过了协议允许的大小。";
    ReasonOversize => "The sender sent more bytes than it announced.",
        "发送方发送的字节数超过了声明的大小。";
    ReasonStoreRefused => "The browser refused to store the file:",
        "浏览器拒绝保存文件：";
    ReasonCorrupt => "Corrupt: the SHA-256 of the received bytes does not match; the data was discarded.",
        "文件损坏：收到数据的 SHA-256 不匹配，数据已丢弃。";
    ReasonStoreFinish => "Cannot store the file:",
        "无法保存文件：";
    ReasonCancelledByPeer => "Cancelled by the peer.",
        "对方已取消。";
    ReasonDeclined => "Declined by the receiver.",
        "接收方已拒绝。";
    NoRoomNeeded => "Not enough free storage to accept this file. It needs",
        "存储空间不足，无法接收此文件。需要";
    NoRoomFree => "free:",
        "可用：";
    AcceptSaveAs => "Accept and save as…",
        "接收并另存为…";
    CopySnippet => "Copy",
        "复制";
    // --- end files ---
    ErrNoCrypto => "This browser cannot seal a private room here (WebCrypto needs HTTPS or localhost).",
        "此浏览器无法在此处加密私密房间（WebCrypto 需要 HTTPS 或 localhost）。";
    // --- playback, sharing, PWA, notifications ---
    StartPlayback => "Click to start audio/video",
        "点击开始播放音视频";
    Invite => "Invite people",
        "邀请他人";
    ShareLink => "Share…",
        "分享…";
    QrCaption => "Scan with a phone camera to join this room",
        "用手机相机扫码加入此房间";
    ShareFailed => "Sharing failed",
        "分享失败";
    NotifyMe => "Notify me while this tab is hidden",
        "此标签页隐藏时通知我";
    NotifyOn => "Notifications are on while this tab is hidden",
        "此标签页隐藏时会发送通知";
    NotifyBlocked => "Notifications are blocked in the browser's site settings",
        "浏览器的网站设置已禁止通知";
    NotifySendsFile => "sends a file:",
        "发送了文件：";
    SharedFiles => "Shared to peerlink:",
        "分享到 peerlink 的文件：";
    SendShared => "Send to everyone",
        "发送给所有人";
    DiscardShared => "Discard",
        "丢弃";
    // --- relay-only policy and data path ---
    AlwaysRelay => "Always relay (TURN only)",
        "始终中继（仅 TURN）";
    AlwaysRelayHelp => "Used for the next call: everything goes through your TURN server, so others never see your IP address. Needs a TURN server (above, or from the relay). A link with ?policy=relay turns it on for that call; no link can turn it off.",
        "下次通话生效：所有数据都经由 TURN 服务器中转，对方看不到你的 IP 地址。需要 TURN 服务器（上方设置，或由中继提供）。链接中的 ?policy=relay 可为该次通话开启；任何链接都无法关闭此设置。";
    RelayedMark => "relayed",
        "中转";
    // --- room view (layout, bottom bar, marks, accessibility) ---
    LobbyTitle => "peerlink: video calls, chat and files", "peerlink：视频通话、聊天和文件";
    BarMic => "Microphone", "麦克风";
    BarCamera => "Camera", "摄像头";
    BarScreen => "Present", "共享屏幕";
    People => "People", "成员";
    MicIsOff => "Microphone off", "麦克风已关闭";
    CameraIsOff => "Camera off", "摄像头已关闭";
    NoMicrophone => "No microphone", "无麦克风";
    Speaking => "Speaking", "正在说话";
    QualityGood => "Connection good", "连接良好";
    QualityFair => "Connection fair", "连接一般";
    QualityPoor => "Connection poor", "连接较差";
    MoveSelfView => "Move my video (or use the arrow keys)", "移动我的画面（也可用方向键）";
    YourVideo => "Your video", "你的画面";
    ClosePanel => "Close", "关闭";
    Shortcuts => "Keys: M microphone · V camera · C chat · F files · P people", "快捷键：M 麦克风 · V 摄像头 · C 聊天 · F 文件 · P 成员";
    PublicBadge => "Public room", "公开房间";
    Unread => "unread", "未读";
    Waiting => "waiting", "待接收";
    Stage => "Call", "通话画面";
    Panels => "Side panels", "侧边面板";
    // --- resuming after a reload ---
    ReasonContinued => "Continued in a new transfer of the same file.", "已在同一文件的新传输中继续。";
    ResumesAt => "Continues from", "将从此处继续：";
    ResumedAt => "Resumed at", "已从此处继续：";
    SendAgain => "Send again", "重新发送";
}
