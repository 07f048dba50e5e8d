//! Size limits every peer and relay enforces on the wire.

/// Largest transport frame (one WebSocket text message), in bytes.
pub const MAX_FRAME_BYTES: usize = 64 * 1024;
/// Longest topic name accepted in a frame, in bytes.
pub const MAX_TOPIC_BYTES: usize = 256;
/// Most topics named in one subscribe or unsubscribe frame.
pub const MAX_TOPICS_PER_FRAME: usize = 64;
/// Longest chat message text, in bytes of UTF-8.
pub const MAX_CHAT_BYTES: usize = 4 * 1024;
/// Longest display name, in characters.
pub const MAX_NAME_CHARS: usize = 64;
/// Longest file name offered for download (or one folder name), in bytes
/// of UTF-8: what every common file system allows.
pub const MAX_FILE_NAME_BYTES: usize = 255;
/// Most folder levels kept of a received file's relative path.
pub const MAX_PATH_DEPTH: usize = 32;
/// Largest binary file chunk on a data channel, in bytes.
pub const MAX_CHUNK_BYTES: usize = 256 * 1024;
/// Largest control or chat message on a data channel, in bytes.
pub const MAX_CHANNEL_MESSAGE_BYTES: usize = 16 * 1024;
