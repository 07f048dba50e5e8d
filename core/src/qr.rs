//! QR codes for the share panel: text in byte mode, any of the four error
//! correction levels, versions 1–40, the mask chosen by the standard's
//! penalty rules (ISO/IEC 18004, in the form of Nayuki's reference encoder,
//! which `qr_tests.rs` compares against), and an SVG path of the dark
//! modules. It only encodes: drawing the SVG element is the app's job.

use crate::qr_math::{alignment_positions, rs_divisor, rs_remainder, ECC_BLOCKS, ECC_PER_BLOCK};

/// How much of the code may be damaged and still read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QrEcc {
    /// About 7 % of the codewords.
    Low,
    /// About 15 %.
    Medium,
    /// About 25 %.
    Quartile,
    /// About 30 %.
    High,
}

impl QrEcc {
    fn ordinal(self) -> usize {
        self as usize
    }

    /// The two format bits the standard gives this level.
    fn format_bits(self) -> u32 {
        match self {
            QrEcc::Low => 1,
            QrEcc::Medium => 0,
            QrEcc::Quartile => 3,
            QrEcc::High => 2,
        }
    }
}

/// Why a QR code could not be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QrError {
    /// More bytes than a version 40 code holds at this level.
    TooLong { bytes: usize },
    /// A mask number outside 0..=7.
    BadMask(u8),
}

impl std::fmt::Display for QrError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            QrError::TooLong { bytes } => write!(f, "{bytes} bytes do not fit in a QR code"),
            QrError::BadMask(mask) => write!(f, "QR mask {mask} is not in 0..=7"),
        }
    }
}

impl std::error::Error for QrError {}

/// A finished QR code: a square of dark (`true`) and light modules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrCode {
    version: usize,
    size: usize,
    mask: u8,
    modules: Vec<bool>,
    function: Vec<bool>,
}

impl QrCode {
    /// Encodes `data` in byte mode at the smallest version that holds it,
    /// with the mask of lowest penalty.
    pub fn encode(data: &[u8], ecc: QrEcc) -> Result<QrCode, QrError> {
        Self::encode_with_mask(data, ecc, None)
    }

    /// As [`QrCode::encode`], with a fixed mask (0..=7) when given.
    pub fn encode_with_mask(data: &[u8], ecc: QrEcc, mask: Option<u8>) -> Result<QrCode, QrError> {
        if let Some(m) = mask.filter(|m| *m > 7) {
            return Err(QrError::BadMask(m));
        }
        let version = (1..=40)
            .find(|&v| data_bits_needed(data.len(), v) <= data_codewords(v, ecc) * 8)
            .ok_or(QrError::TooLong { bytes: data.len() })?;
        let codewords =
            add_ecc_and_interleave(&data_codeword_bytes(data, version, ecc), version, ecc);
        let size = version * 4 + 17;
        let mut qr = QrCode {
            version,
            size,
            mask: 0,
            modules: vec![false; size * size],
            function: vec![false; size * size],
        };
        qr.draw_function_patterns(ecc);
        qr.draw_codewords(&codewords);
        let mask = mask.unwrap_or_else(|| qr.best_mask(ecc));
        qr.apply_mask(mask);
        qr.draw_format_bits(ecc, mask);
        qr.mask = mask;
        Ok(qr)
    }

    /// Modules per side (21 for version 1, 177 for version 40).
    pub fn size(&self) -> usize {
        self.size
    }

    pub fn version(&self) -> usize {
        self.version
    }

    pub fn mask(&self) -> u8 {
        self.mask
    }

    /// Whether the module at column `x`, row `y` is dark (outside: light).
    pub fn get(&self, x: usize, y: usize) -> bool {
        x < self.size && y < self.size && self.modules[y * self.size + x]
    }

    /// An SVG path (`d`) of the dark modules, offset by a quiet zone of
    /// `border` modules, for a `viewBox` of `size + 2 * border` units.
    pub fn svg_path(&self, border: usize) -> String {
        let mut path = String::new();
        for y in 0..self.size {
            let mut x = 0;
            while x < self.size {
                if !self.get(x, y) {
                    x += 1;
                    continue;
                }
                let start = x;
                while self.get(x, y) {
                    x += 1;
                }
                // One rectangle per horizontal run keeps the path short.
                path.push_str(&format!(
                    "M{},{}h{}v1h-{}z",
                    start + border,
                    y + border,
                    x - start,
                    x - start
                ));
            }
        }
        path
    }

    fn set_function(&mut self, x: usize, y: usize, dark: bool) {
        let i = y * self.size + x;
        self.modules[i] = dark;
        self.function[i] = true;
    }

    fn draw_function_patterns(&mut self, ecc: QrEcc) {
        let size = self.size;
        for i in 0..size {
            self.set_function(6, i, i % 2 == 0);
            self.set_function(i, 6, i % 2 == 0);
        }
        self.draw_finder(3, 3);
        self.draw_finder(size - 4, 3);
        self.draw_finder(3, size - 4);
        let positions = alignment_positions(self.version);
        let last = positions.len().saturating_sub(1);
        for (i, &x) in positions.iter().enumerate() {
            for (j, &y) in positions.iter().enumerate() {
                let corner = (i == 0 && (j == 0 || j == last)) || (i == last && j == 0);
                if !corner {
                    self.draw_alignment(x, y);
                }
            }
        }
        // Reserve the format areas now; their bits are drawn after masking.
        self.draw_format_bits(ecc, 0);
        self.draw_version();
    }

    fn draw_finder(&mut self, cx: usize, cy: usize) {
        for dy in -4i32..=4 {
            for dx in -4i32..=4 {
                let (x, y) = (cx as i32 + dx, cy as i32 + dy);
                if (0..self.size as i32).contains(&x) && (0..self.size as i32).contains(&y) {
                    let dist = dx.abs().max(dy.abs());
                    self.set_function(x as usize, y as usize, dist != 2 && dist != 4);
                }
            }
        }
    }

    fn draw_alignment(&mut self, cx: usize, cy: usize) {
        for dy in -2i32..=2 {
            for dx in -2i32..=2 {
                let dark = dx.abs().max(dy.abs()) != 1;
                self.set_function((cx as i32 + dx) as usize, (cy as i32 + dy) as usize, dark);
            }
        }
    }

    fn draw_format_bits(&mut self, ecc: QrEcc, mask: u8) {
        let data = ecc.format_bits() << 3 | u32::from(mask);
        let mut rem = data;
        for _ in 0..10 {
            rem = (rem << 1) ^ ((rem >> 9) * 0x537);
        }
        let bits = (data << 10 | rem) ^ 0x5412;
        let bit = |i: u32| (bits >> i) & 1 != 0;
        for i in 0..6 {
            self.set_function(8, i, bit(i as u32));
        }
        self.set_function(8, 7, bit(6));
        self.set_function(8, 8, bit(7));
        self.set_function(7, 8, bit(8));
        for i in 9..15 {
            self.set_function(14 - i, 8, bit(i as u32));
        }
        let size = self.size;
        for i in 0..8 {
            self.set_function(size - 1 - i, 8, bit(i as u32));
        }
        for i in 8..15 {
            self.set_function(8, size - 15 + i, bit(i as u32));
        }
        self.set_function(8, size - 8, true);
    }

    fn draw_version(&mut self) {
        if self.version < 7 {
            return;
        }
        let mut rem = self.version as u32;
        for _ in 0..12 {
            rem = (rem << 1) ^ ((rem >> 11) * 0x1F25);
        }
        let bits = (self.version as u32) << 12 | rem;
        for i in 0..18 {
            let dark = (bits >> i) & 1 != 0;
            let (a, b) = (self.size - 11 + i % 3, i / 3);
            self.set_function(a, b, dark);
            self.set_function(b, a, dark);
        }
    }

    fn draw_codewords(&mut self, data: &[u8]) {
        let size = self.size;
        let mut i = 0;
        let mut right = size - 1;
        loop {
            if right == 6 {
                right = 5;
            }
            for vert in 0..size {
                for j in 0..2 {
                    let x = right - j;
                    let upward = (right + 1) & 2 == 0;
                    let y = if upward { size - 1 - vert } else { vert };
                    if !self.function[y * size + x] && i < data.len() * 8 {
                        self.modules[y * size + x] = (data[i >> 3] >> (7 - (i & 7))) & 1 != 0;
                        i += 1;
                    }
                }
            }
            if right < 2 {
                break;
            }
            right -= 2;
        }
    }

    fn apply_mask(&mut self, mask: u8) {
        let size = self.size;
        for y in 0..size {
            for x in 0..size {
                let invert = match mask {
                    0 => (x + y) % 2 == 0,
                    1 => y % 2 == 0,
                    2 => x % 3 == 0,
                    3 => (x + y) % 3 == 0,
                    4 => (x / 3 + y / 2) % 2 == 0,
                    5 => x * y % 2 + x * y % 3 == 0,
                    6 => (x * y % 2 + x * y % 3) % 2 == 0,
                    _ => ((x + y) % 2 + x * y % 3) % 2 == 0,
                };
                let i = y * size + x;
                self.modules[i] ^= invert && !self.function[i];
            }
        }
    }

    fn best_mask(&mut self, ecc: QrEcc) -> u8 {
        let mut best = (u32::MAX, 0);
        for mask in 0..8 {
            self.apply_mask(mask);
            self.draw_format_bits(ecc, mask);
            let penalty = crate::qr_math::penalty(self.size, &self.modules);
            if penalty < best.0 {
                best = (penalty, mask);
            }
            self.apply_mask(mask); // XOR again undoes it
        }
        best.1
    }
}

/// Bits the segment needs at `version`: mode, length and the bytes.
fn data_bits_needed(len: usize, version: usize) -> usize {
    let count_bits = if version <= 9 { 8 } else { 16 };
    if len >= 1 << count_bits {
        return usize::MAX;
    }
    4 + count_bits + len * 8
}

fn raw_data_modules(version: usize) -> usize {
    let v = version;
    let mut result = (16 * v + 128) * v + 64;
    if v >= 2 {
        let align = v / 7 + 2;
        result -= (25 * align - 10) * align - 55;
        if v >= 7 {
            result -= 36;
        }
    }
    result
}

fn data_codewords(version: usize, ecc: QrEcc) -> usize {
    let e = ecc.ordinal();
    raw_data_modules(version) / 8
        - usize::from(ECC_PER_BLOCK[e][version]) * usize::from(ECC_BLOCKS[e][version])
}

/// Mode indicator, count, bytes, terminator and padding, as codewords.
fn data_codeword_bytes(data: &[u8], version: usize, ecc: QrEcc) -> Vec<u8> {
    let capacity = data_codewords(version, ecc) * 8;
    fn push(bits: &mut Vec<bool>, value: u32, count: usize) {
        for i in (0..count).rev() {
            bits.push((value >> i) & 1 != 0);
        }
    }
    let mut bits: Vec<bool> = Vec::with_capacity(capacity);
    push(&mut bits, 0b0100, 4);
    push(
        &mut bits,
        data.len() as u32,
        if version <= 9 { 8 } else { 16 },
    );
    for &byte in data {
        push(&mut bits, u32::from(byte), 8);
    }
    let terminator = (capacity - bits.len()).min(4);
    push(&mut bits, 0, terminator);
    let fill = (8 - bits.len() % 8) % 8;
    push(&mut bits, 0, fill);
    let mut bytes: Vec<u8> = bits
        .chunks(8)
        .map(|c| c.iter().fold(0u8, |acc, &b| acc << 1 | u8::from(b)))
        .collect();
    for pad in [0xEC, 0x11].into_iter().cycle() {
        if bytes.len() * 8 >= capacity {
            break;
        }
        bytes.push(pad);
    }
    bytes
}

fn add_ecc_and_interleave(data: &[u8], version: usize, ecc: QrEcc) -> Vec<u8> {
    let e = ecc.ordinal();
    let blocks = usize::from(ECC_BLOCKS[e][version]);
    let ecc_len = usize::from(ECC_PER_BLOCK[e][version]);
    let raw = raw_data_modules(version) / 8;
    let short_blocks = blocks - raw % blocks;
    let short_len = raw / blocks;
    let divisor = rs_divisor(ecc_len);
    let mut all: Vec<Vec<u8>> = Vec::with_capacity(blocks);
    let mut k = 0;
    for i in 0..blocks {
        let take = short_len - ecc_len + usize::from(i >= short_blocks);
        let mut block = data[k..k + take].to_vec();
        k += take;
        let parity = rs_remainder(&block, &divisor);
        if i < short_blocks {
            block.push(0); // a placeholder so every block has the same length
        }
        block.extend(parity);
        all.push(block);
    }
    let mut out = Vec::with_capacity(raw);
    for i in 0..=short_len {
        for (j, block) in all.iter().enumerate() {
            if i != short_len - ecc_len || j >= short_blocks {
                out.push(block[i]);
            }
        }
    }
    out
}
