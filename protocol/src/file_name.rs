//! Turns a file name received from a peer into one that is safe to offer for download.

use crate::limits::MAX_FILE_NAME_CHARS;

/// Removes path separators, control characters and leading dots, and caps
/// the length (keeping the extension). Never returns an empty name.
pub fn sanitize_file_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c == '/' || c == '\\' || c == ':' {
                '_'
            } else {
                c
            }
        })
        .filter(|c| !c.is_control())
        .collect();
    let trimmed = cleaned.trim().trim_start_matches(['.', '_', ' ']);
    let capped = cap_keeping_extension(trimmed, MAX_FILE_NAME_CHARS);
    if capped.is_empty() {
        "file".to_string()
    } else {
        capped
    }
}

fn cap_keeping_extension(name: &str, max: usize) -> String {
    if name.chars().count() <= max {
        return name.to_string();
    }
    let ext: String = match name.rfind('.') {
        Some(dot) if name[dot..].chars().count() <= 16 => name[dot..].to_string(),
        _ => String::new(),
    };
    let stem: String = name.chars().take(max - ext.chars().count()).collect();
    stem + &ext
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_names_become_plain_names() {
        assert_eq!(sanitize_file_name("../../etc/passwd"), "etc_passwd");
        assert_eq!(sanitize_file_name("a\u{0}b\nc.txt"), "abc.txt");
        assert_eq!(sanitize_file_name(".bashrc"), "bashrc");
        assert_eq!(sanitize_file_name(""), "file");
        assert_eq!(sanitize_file_name("..."), "file");
        let long = format!("{}.pdf", "a".repeat(10_000));
        let safe = sanitize_file_name(&long);
        assert_eq!(safe.chars().count(), MAX_FILE_NAME_CHARS);
        assert!(safe.ends_with(".pdf"));
    }
}
