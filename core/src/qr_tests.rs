//! Tests of `qr.rs`: every module matches Nayuki's reference encoder
//! (the `qrcodegen` crate, a dev-dependency only) across lengths, levels,
//! versions and masks, and a rendered code reads back with a real decoder
//! (`rqrr`).

use crate::qr::{QrCode, QrEcc};

const LEVELS: [(QrEcc, qrcodegen::QrCodeEcc); 4] = [
    (QrEcc::Low, qrcodegen::QrCodeEcc::Low),
    (QrEcc::Medium, qrcodegen::QrCodeEcc::Medium),
    (QrEcc::Quartile, qrcodegen::QrCodeEcc::Quartile),
    (QrEcc::High, qrcodegen::QrCodeEcc::High),
];

fn reference(data: &[u8], ecc: qrcodegen::QrCodeEcc, mask: Option<u8>) -> qrcodegen::QrCode {
    let segs = [qrcodegen::QrSegment::make_bytes(data)];
    qrcodegen::QrCode::encode_segments_advanced(
        &segs,
        ecc,
        qrcodegen::Version::MIN,
        qrcodegen::Version::MAX,
        mask.map(qrcodegen::Mask::new),
        false,
    )
    .expect("fits")
}

fn assert_same(ours: &QrCode, theirs: &qrcodegen::QrCode, what: &str) {
    assert_eq!(ours.size() as i32, theirs.size(), "{what}: size");
    assert_eq!(
        ours.version(),
        usize::from(theirs.version().value()),
        "{what}: version"
    );
    assert_eq!(ours.mask(), theirs.mask().value(), "{what}: mask");
    for y in 0..ours.size() {
        for x in 0..ours.size() {
            assert_eq!(
                ours.get(x, y),
                theirs.get_module(x as i32, y as i32),
                "{what}: module ({x},{y})"
            );
        }
    }
}

/// Bytes that are not all one pattern, so masks and blocks differ.
fn sample(len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| (i * 131 + 7) as u8 ^ (i >> 3) as u8)
        .collect()
}

#[test]
fn matches_the_reference_encoder_with_the_chosen_mask() {
    for len in [0, 1, 17, 32, 77, 120, 200, 333, 600, 1000, 1500, 2300] {
        for (ours, theirs) in LEVELS {
            let data = sample(len);
            let Ok(code) = QrCode::encode(&data, ours) else {
                // Too long at this level: the reference agrees.
                let segs = [qrcodegen::QrSegment::make_bytes(&data)];
                assert!(qrcodegen::QrCode::encode_segments(&segs, theirs).is_err());
                continue;
            };
            assert_same(
                &code,
                &reference(&data, theirs, None),
                &format!("{len} bytes {ours:?}"),
            );
        }
    }
}

#[test]
fn matches_the_reference_encoder_for_every_mask_and_version_band() {
    // Lengths that land in versions 1, 6/7 (version info appears), 10+ (16-bit counts), 32 and 40.
    for len in [5, 100, 150, 260, 1200, 2000] {
        for mask in 0..8 {
            let data = sample(len);
            let code = QrCode::encode_with_mask(&data, QrEcc::Low, Some(mask)).expect("fits");
            assert_same(
                &code,
                &reference(&data, qrcodegen::QrCodeEcc::Low, Some(mask)),
                &format!("{len} bytes mask {mask}"),
            );
        }
    }
}

#[test]
fn too_long_and_bad_masks_are_errors() {
    assert!(QrCode::encode(&[0u8; 2954], QrEcc::Low).is_err());
    assert!(QrCode::encode(&[0u8; 2953], QrEcc::Low).is_ok());
    assert!(QrCode::encode_with_mask(b"x", QrEcc::Low, Some(8)).is_err());
}

/// Renders `code` at 4 pixels per module with a 4-module quiet zone.
fn render(code: &QrCode) -> (usize, Vec<u8>) {
    let scale = 4;
    let side = (code.size() + 8) * scale;
    let mut pixels = vec![255u8; side * side];
    for y in 0..side {
        for x in 0..side {
            let (mx, my) = ((x / scale).wrapping_sub(4), (y / scale).wrapping_sub(4));
            if code.get(mx, my) {
                pixels[y * side + x] = 0;
            }
        }
    }
    (side, pixels)
}

#[test]
fn a_room_link_reads_back_with_a_real_decoder() {
    let link =
        "http://127.0.0.1:8787/?relay=ws%3A%2F%2F127.0.0.1%3A8787%2Fws#s/3q2-7wQ8o0mXb1f4GzYk9A";
    let code = QrCode::encode(link.as_bytes(), QrEcc::Medium).expect("fits");
    let (side, pixels) = render(&code);
    let mut image =
        rqrr::PreparedImage::prepare_from_greyscale(side, side, |x, y| pixels[y * side + x]);
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one code found");
    let (_, content) = grids[0].decode().expect("decodes");
    assert_eq!(content, link);
}

#[test]
fn the_svg_path_draws_exactly_the_dark_modules() {
    let code = QrCode::encode(b"peerlink", QrEcc::Medium).expect("fits");
    let path = code.svg_path(4);
    let mut drawn = vec![false; code.size() * code.size()];
    for rect in path.split('z').filter(|r| !r.is_empty()) {
        // M{x},{y}h{w}v1h-{w}
        let rest = rect.strip_prefix('M').expect("a move");
        let (xy, rest) = rest.split_once('h').expect("a run");
        let (x, y) = xy.split_once(',').expect("x,y");
        let (x, y): (usize, usize) = (x.parse().expect("x"), y.parse().expect("y"));
        let width: usize = rest.split_once('v').expect("v1").0.parse().expect("width");
        for dx in 0..width {
            drawn[(y - 4) * code.size() + x - 4 + dx] = true;
        }
    }
    for y in 0..code.size() {
        for x in 0..code.size() {
            assert_eq!(
                drawn[y * code.size() + x],
                code.get(x, y),
                "module ({x},{y})"
            );
        }
    }
}
