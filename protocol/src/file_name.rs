//! Turns a file name or relative folder path received from a peer into one
//! that is safe to offer for download or to create in a folder the person
//! chose, on any desktop OS: no path tricks, no invisible or reordering
//! characters, nothing Windows refuses, and at most 255 bytes.

use crate::limits::{MAX_FILE_NAME_BYTES, MAX_PATH_DEPTH};

/// Names Windows reserves for devices, with or without an extension
/// (compared case-insensitively with the part before the first dot).
const RESERVED: [&str; 32] = [
    "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$", "COM0", "LPT0", "COM1", "COM2", "COM3",
    "COM4", "COM5", "COM6", "COM7", "COM8", "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6",
    "LPT7", "LPT8", "LPT9", "COM¹", "COM²", "COM³", "LPT¹", "LPT²", "LPT³",
];

/// Unicode format characters (general category Cf: bidi overrides and
/// isolates, zero-width joiners, the BOM, tags…), as of Unicode 15.
const FORMAT: [(u32, u32); 21] = [
    (0x00AD, 0x00AD),
    (0x0600, 0x0605),
    (0x061C, 0x061C),
    (0x06DD, 0x06DD),
    (0x070F, 0x070F),
    (0x0890, 0x0891),
    (0x08E2, 0x08E2),
    (0x180E, 0x180E),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x2064),
    (0x2066, 0x206F),
    (0xFEFF, 0xFEFF),
    (0xFFF9, 0xFFFB),
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x13430, 0x1343F),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001),
    (0xE0020, 0xE007F),
];

/// True for characters a name must not contain at all: controls, format
/// characters, and the line and paragraph separators.
pub fn is_invisible(c: char) -> bool {
    let code = c as u32;
    c.is_control()
        || c == '\u{2028}'
        || c == '\u{2029}'
        || FORMAT.iter().any(|&(lo, hi)| (lo..=hi).contains(&code))
}

/// Characters Windows refuses in a name (path separators included).
fn is_illegal(c: char) -> bool {
    matches!(c, '<' | '>' | ':' | '"' | '/' | '\\' | '|' | '?' | '*')
}

/// Whether `name` is a reserved device name (`NUL`, `nul.txt`, `COM1 .log`).
pub fn is_reserved(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or("").trim_end();
    RESERVED
        .iter()
        .any(|r| r.eq_ignore_ascii_case(stem) || *r == stem.to_uppercase())
}

/// Windows drops trailing dots and spaces; other blanks are trimmed too.
fn is_trailing_junk(c: char) -> bool {
    c == '.' || c.is_whitespace()
}

/// One name, or `None` when nothing usable is left. See `sanitize_file_name`.
fn sanitize_segment(name: &str) -> Option<String> {
    let cleaned: String = name
        .chars()
        .filter(|&c| !is_invisible(c))
        .map(|c| if is_illegal(c) { '_' } else { c })
        .collect();
    let trimmed = cleaned
        .trim_start_matches(|c: char| c == '.' || c == '_' || c.is_whitespace())
        .trim_end_matches(is_trailing_junk);
    if trimmed.is_empty() {
        return None;
    }
    let mut safe = cap_keeping_extension(trimmed, MAX_FILE_NAME_BYTES);
    if is_reserved(&safe) {
        safe = cap_keeping_extension(&format!("_{safe}"), MAX_FILE_NAME_BYTES);
    }
    Some(safe)
}

/// Removes control, format (bidi) and separator characters, replaces the
/// characters Windows refuses with `_`, strips leading dots and trailing
/// dots and spaces, prefixes reserved device names with `_`, and caps the
/// length at 255 bytes of UTF-8 (keeping the extension). Never empty.
pub fn sanitize_file_name(name: &str) -> String {
    sanitize_segment(name).unwrap_or_else(|| "file".to_string())
}

/// A relative folder path (`a/b/c`, `\` also separates) made safe segment
/// by segment: empty, `.` and `..` segments are dropped (so the result is
/// never absolute and never climbs), each segment is sanitised like a file
/// name, and at most `MAX_PATH_DEPTH` segments are kept. Empty means "no
/// folder". Joined with `/`.
pub fn sanitize_relative_path(path: &str) -> String {
    path.split(['/', '\\'])
        .filter(|s| !matches!(s.trim(), "" | "." | ".."))
        .filter_map(sanitize_segment)
        .take(MAX_PATH_DEPTH)
        .collect::<Vec<_>>()
        .join("/")
}

/// The longest prefix of `text` of at most `max` bytes, on a char boundary.
fn prefix_bytes(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Caps `name` at `max` bytes, keeping an extension of up to 16 bytes.
fn cap_keeping_extension(name: &str, max: usize) -> String {
    if name.len() <= max {
        return name.to_string();
    }
    let ext = match name.rfind('.') {
        Some(dot) if dot > 0 && name.len() - dot <= 16 => &name[dot..],
        _ => "",
    };
    let stem = prefix_bytes(&name[..name.len() - ext.len()], max - ext.len());
    let stem = stem.trim_end_matches(is_trailing_junk);
    let capped = format!("{stem}{ext}");
    capped.trim_end_matches(is_trailing_junk).to_string()
}

#[cfg(test)]
#[path = "file_name_tests.rs"]
mod tests;

/// The `n`-th alternative to `name` when a file of that name exists already:
/// `report (1).pdf`, `archive (2).tar.gz`, `.env (1)`; `n == 0` is `name`.
pub fn numbered_file_name(name: &str, n: u32) -> String {
    if n == 0 {
        return name.to_string();
    }
    // The extension starts at the first dot that is not the first character.
    match name.char_indices().skip(1).find(|&(_, c)| c == '.') {
        Some((dot, _)) => format!("{} ({n}){}", &name[..dot], &name[dot..]),
        None => format!("{name} ({n})"),
    }
}
