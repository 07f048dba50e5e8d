//! The tables and arithmetic behind `qr.rs`: error correction block sizes
//! per version, alignment pattern positions, Reed–Solomon over GF(2^8)
//! (polynomial 0x11D) and the standard's mask penalty score. Pure
//! functions and constants; it must not draw.

/// Error correction codewords per block, by level (L, M, Q, H) and version.
pub(crate) const ECC_PER_BLOCK: [[u8; 41]; 4] = [
    [
        0, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28, 28, 28,
        30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
    ],
    [
        0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28,
        28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28,
    ],
    [
        0, 13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30, 28, 30,
        30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
    ],
    [
        0, 17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28, 30, 24,
        30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
    ],
];

/// Error correction blocks, by level (L, M, Q, H) and version.
pub(crate) const ECC_BLOCKS: [[u8; 41]; 4] = [
    [
        0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, 8, 9, 9, 10, 12, 12, 12, 13,
        14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25,
    ],
    [
        0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21,
        23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49,
    ],
    [
        0, 1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20, 23, 23, 25, 27, 29,
        34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68,
    ],
    [
        0, 1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25, 25, 34, 30, 32,
        35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81,
    ],
];

/// Product of two field elements.
fn gf_mul(x: u8, y: u8) -> u8 {
    let mut z: u8 = 0;
    for i in (0..8).rev() {
        z = (z << 1) ^ ((z >> 7) * 0x1D);
        z ^= ((y >> i) & 1) * x;
    }
    z
}

/// The generator polynomial of `degree` (leading 1 left out).
pub(crate) fn rs_divisor(degree: usize) -> Vec<u8> {
    let mut result = vec![0u8; degree];
    if let Some(last) = result.last_mut() {
        *last = 1;
    }
    let mut root: u8 = 1;
    for _ in 0..degree {
        for j in 0..degree {
            result[j] = gf_mul(result[j], root);
            if j + 1 < degree {
                result[j] ^= result[j + 1];
            }
        }
        root = gf_mul(root, 0x02);
    }
    result
}

/// The error correction codewords of `data` for `divisor`.
pub(crate) fn rs_remainder(data: &[u8], divisor: &[u8]) -> Vec<u8> {
    let mut result = vec![0u8; divisor.len()];
    for &byte in data {
        let factor = byte ^ result.remove(0);
        result.push(0);
        for (x, &y) in result.iter_mut().zip(divisor) {
            *x ^= gf_mul(y, factor);
        }
    }
    result
}

/// Run lengths of the last seven runs along a line, for finder-like patterns.
struct Runs {
    size: i32,
    history: [i32; 7],
}

impl Runs {
    fn add(&mut self, mut run: i32) {
        if self.history[0] == 0 {
            run += self.size; // the light quiet zone before the first run
        }
        self.history.copy_within(0..6, 1);
        self.history[0] = run;
    }

    fn finder_like(&self) -> i32 {
        let h = &self.history;
        let n = h[1];
        let core = n > 0 && h[2] == n && h[3] == n * 3 && h[4] == n && h[5] == n;
        i32::from(core && h[0] >= n * 4 && h[6] >= n)
            + i32::from(core && h[6] >= n * 4 && h[0] >= n)
    }

    fn finish(mut self, dark: bool, mut run: i32) -> i32 {
        if dark {
            self.add(run);
            run = 0;
        }
        self.add(run + self.size); // the quiet zone after the last run
        self.finder_like()
    }
}

/// The penalty of one row (or column, `transposed`).
fn line_penalty(size: usize, modules: &[bool], line: usize, transposed: bool) -> i32 {
    let at = |i: usize| {
        if transposed {
            modules[i * size + line]
        } else {
            modules[line * size + i]
        }
    };
    let mut result = 0;
    let mut color = false;
    let mut run = 0;
    let mut runs = Runs {
        size: size as i32,
        history: [0; 7],
    };
    for i in 0..size {
        if at(i) == color {
            run += 1;
            if run == 5 {
                result += 3;
            } else if run > 5 {
                result += 1;
            }
        } else {
            runs.add(run);
            if !color {
                result += runs.finder_like() * 40;
            }
            color = at(i);
            run = 1;
        }
    }
    result + runs.finish(color, run) * 40
}

/// The mask penalty of a `size`×`size` square (row-major, dark = true).
pub(crate) fn penalty(size: usize, modules: &[bool]) -> u32 {
    let mut result: i32 = 0;
    for line in 0..size {
        result += line_penalty(size, modules, line, false);
        result += line_penalty(size, modules, line, true);
    }
    for y in 0..size - 1 {
        for x in 0..size - 1 {
            let c = modules[y * size + x];
            if c == modules[y * size + x + 1]
                && c == modules[(y + 1) * size + x]
                && c == modules[(y + 1) * size + x + 1]
            {
                result += 3;
            }
        }
    }
    let dark = modules.iter().filter(|&&m| m).count() as i32;
    let total = (size * size) as i32;
    let k = ((dark * 20 - total * 10).abs() + total - 1) / total - 1;
    (result + k * 10).max(0) as u32
}

/// The centres of the alignment patterns along one axis.
pub(crate) fn alignment_positions(version: usize) -> Vec<usize> {
    if version == 1 {
        return Vec::new();
    }
    let count = version / 7 + 2;
    let step = if version == 32 {
        26
    } else {
        (version * 4 + count * 2 + 1) / (count * 2 - 2) * 2
    };
    let size = version * 4 + 17;
    let mut positions: Vec<usize> = (0..count - 1).map(|i| size - 7 - i * step).collect();
    positions.push(6);
    positions.reverse();
    positions
}
