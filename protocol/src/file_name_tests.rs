//! Tests of file_name.rs: a table of hostile names, and properties that hold
//! for any input (safe characters, bounded length, idempotent).
use proptest::prelude::*;

use super::*;

#[test]
fn hostile_names_become_plain_names() {
    let cases: &[(&str, &str)] = &[
        ("../../etc/passwd", "etc_passwd"),
        ("a\u{0}b\nc.txt", "abc.txt"),
        (".bashrc", "bashrc"),
        ("", "file"),
        ("...", "file"),
        ("   ", "file"),
        ("\u{202E}", "file"),
        // A right-to-left override would make "invoice<RLO>fdp.exe" show as "invoiceexe.pdf".
        ("invoice\u{202E}fdp.exe", "invoicefdp.exe"),
        (
            "a\u{2066}b\u{2069}c\u{200B}d\u{FEFF}e\u{200D}f\u{E0041}.txt",
            "abcdef.txt",
        ),
        ("line\u{2028}para\u{2029}end", "lineparaend"),
        ("tab\there\r\n.txt", "tabhere.txt"),
        ("a<b>c:d\"e/f\\g|h?i*j.txt", "a_b_c_d_e_f_g_h_i_j.txt"),
        ("CON", "_CON"),
        ("con", "_con"),
        ("NUL.txt", "_NUL.txt"),
        ("CONOUT$", "_CONOUT$"),
        ("com0.log", "_com0.log"),
        ("nul.tar.gz", "_nul.tar.gz"),
        ("COM1", "_COM1"),
        ("LPT9.log", "_LPT9.log"),
        ("COM1 .log", "_COM1 .log"),
        ("COM10", "COM10"),
        ("CONSOLE.txt", "CONSOLE.txt"),
        ("report.pdf. . .", "report.pdf"),
        ("name   ", "name"),
        ("_hidden", "hidden"),
        ("日本語のファイル.txt", "日本語のファイル.txt"),
    ];
    for (input, want) in cases {
        assert_eq!(&sanitize_file_name(input), want, "input {input:?}");
    }
}

#[test]
fn long_names_are_capped_at_255_bytes_keeping_the_extension() {
    let long = format!("{}.pdf", "a".repeat(10_000));
    let safe = sanitize_file_name(&long);
    assert_eq!(safe.len(), MAX_FILE_NAME_BYTES);
    assert!(safe.ends_with(".pdf"));
    // Three-byte characters: the cut lands on a char boundary.
    let wide = format!("{}.txt", "語".repeat(200));
    let safe = sanitize_file_name(&wide);
    assert!(safe.len() <= MAX_FILE_NAME_BYTES && safe.len() > MAX_FILE_NAME_BYTES - 3);
    assert!(safe.ends_with("語.txt"));
    // An "extension" too long to keep is cut like the rest.
    let no_ext = format!("x.{}", "y".repeat(400));
    assert_eq!(sanitize_file_name(&no_ext).len(), MAX_FILE_NAME_BYTES);
    // A reserved stem with a long tail still gets its prefix within the cap.
    let reserved = format!("CON.{}", "z".repeat(400));
    let safe = sanitize_file_name(&reserved);
    assert!(safe.starts_with("_CON.") && safe.len() == MAX_FILE_NAME_BYTES);
}

#[test]
fn relative_paths_never_climb_nor_start_at_the_root() {
    let cases: &[(&str, &str)] = &[
        ("photos/2024", "photos/2024"),
        ("/etc/cron.d", "etc/cron.d"),
        ("../../x", "x"),
        ("a/./b/../c", "a/b/c"),
        ("C:\\Windows\\System32", "C_/Windows/System32"),
        ("\\\\server\\share", "server/share"),
        ("a//b///c", "a/b/c"),
        ("NUL/aux/ok", "_NUL/_aux/ok"),
        ("dir\u{202E}txt.exe/x", "dirtxt.exe/x"),
        ("...../....", ""),
        ("", ""),
    ];
    for (input, want) in cases {
        assert_eq!(&sanitize_relative_path(input), want, "input {input:?}");
    }
    let deep = "d/".repeat(100);
    assert_eq!(
        sanitize_relative_path(&deep).split('/').count(),
        MAX_PATH_DEPTH
    );
}

/// Characters that make hostile names likely.
fn hostile_char() -> impl Strategy<Value = char> {
    prop_oneof![
        prop::sample::select(vec![
            '.', ' ', '_', '/', '\\', ':', '<', '>', '"', '|', '?', '*', '\u{202E}', '\u{2066}',
            '\u{200B}', '\u{FEFF}', '\u{2028}', '\u{2029}', '\u{0}', '\n', '\u{7F}', '\u{85}',
            '\u{3000}', '語', 'é', 'N', 'U', 'L', 'C', 'O', '1', 't', 'x',
        ]),
        any::<char>(),
    ]
}

fn hostile_name() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::collection::vec(hostile_char(), 0..40).prop_map(|v| v.into_iter().collect()),
        prop::collection::vec(hostile_char(), 200..400).prop_map(|v| v.into_iter().collect()),
        (prop::sample::select(RESERVED.to_vec()), "[ .a-z]{0,6}")
            .prop_map(|(r, tail)| format!("{}{tail}", r.to_lowercase())),
    ]
}

fn assert_safe(name: &str) {
    assert!(!name.is_empty());
    assert!(name.len() <= MAX_FILE_NAME_BYTES, "{} bytes", name.len());
    assert!(
        !name.chars().any(|c| is_invisible(c) || is_illegal(c)),
        "{name:?}"
    );
    assert!(!name.starts_with('.') && !name.starts_with(char::is_whitespace));
    assert!(!name.ends_with('.') && !name.ends_with(char::is_whitespace));
    assert!(!is_reserved(name), "{name:?}");
}

proptest! {
    #[test]
    fn any_name_comes_out_safe_and_stable(name in hostile_name()) {
        let safe = sanitize_file_name(&name);
        assert_safe(&safe);
        prop_assert_eq!(sanitize_file_name(&safe), safe.clone());
    }

    #[test]
    fn any_path_comes_out_relative_and_safe(
        parts in prop::collection::vec(hostile_name(), 0..40),
        seps in prop::collection::vec(prop::sample::select(vec!["/", "\\", "//", "/../", "/./"]), 40),
    ) {
        let path: String = parts.iter().zip(&seps).map(|(p, s)| format!("{s}{p}")).collect();
        let safe = sanitize_relative_path(&path);
        prop_assert!(!safe.starts_with('/') && !safe.contains('\\'));
        let segments: Vec<&str> = if safe.is_empty() { vec![] } else { safe.split('/').collect() };
        prop_assert!(segments.len() <= MAX_PATH_DEPTH);
        for segment in &segments {
            prop_assert!(*segment != ".." && *segment != ".");
            assert_safe(segment);
        }
        prop_assert_eq!(sanitize_relative_path(&safe), safe.clone());
    }
}

#[test]
fn numbered_names_keep_the_extension() {
    for (name, n, want) in [
        ("report.pdf", 0, "report.pdf"),
        ("report.pdf", 1, "report (1).pdf"),
        ("archive.tar.gz", 2, "archive (2).tar.gz"),
        (".env", 1, ".env (1)"),
        ("README", 3, "README (3)"),
        ("图片.png", 1, "图片 (1).png"),
    ] {
        assert_eq!(numbered_file_name(name, n), want);
    }
}
