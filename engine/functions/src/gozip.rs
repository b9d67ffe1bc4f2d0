//! Gzip output byte-for-byte as Go's `compress/gzip` at the default level
//! writes it, for `base64gzip`.
//!
//! Terraform's `base64gzip` result ends up in plans and state (often as
//! `user_data`), so terrane must produce the same bytes, not merely an
//! equivalent stream. This module implements the same algorithm as Go's
//! `compress/flate` level 6 (hash chains over a 32 KiB window, lazy
//! matching with good=8, lazy=16, nice=128, chain=128), the same block
//! choice (fixed, dynamic or stored, whichever is smallest) and the same
//! length-limited Huffman code construction, then the writer sequence
//! Terraform uses: write, sync flush, close.

const LOG_WINDOW: usize = 15;
const WINDOW: usize = 1 << LOG_WINDOW;
const WINDOW_MASK: usize = WINDOW - 1;
const MIN_MATCH: usize = 4;
const MAX_MATCH: usize = 258;
const BASE_MATCH_LENGTH: usize = 3;
const BASE_MATCH_OFFSET: usize = 1;
const MAX_BLOCK_TOKENS: usize = 1 << 14;
const MAX_STORE_BLOCK: usize = 65535;
const HASH_BITS: u32 = 17;
const HASH_SIZE: usize = 1 << HASH_BITS;
const HASH_MASK: u32 = (1 << HASH_BITS) - 1;
const MAX_HASH_OFFSET: i64 = 1 << 24;
const HASH_MUL: u32 = 0x1e35a7bd;

const GOOD: usize = 8;
const LAZY: usize = 16;
const NICE: usize = 128;
const CHAIN: usize = 128;

const MATCH_TYPE: u32 = 1 << 30;
const LENGTH_SHIFT: u32 = 22;
const END_BLOCK: u32 = 256;
const LENGTH_CODES_START: usize = 257;
const MAX_NUM_LIT: usize = 286;
const OFFSET_CODE_COUNT: usize = 30;
const CODEGEN_CODE_COUNT: usize = 19;
const BAD_CODE: u8 = 255;

const LENGTH_EXTRA_BITS: [u8; 29] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
const LENGTH_BASE: [u32; 29] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 20, 24, 28, 32, 40, 48, 56, 64, 80, 96, 112, 128,
    160, 192, 224, 255,
];
const OFFSET_EXTRA_BITS: [u8; 30] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13,
    13,
];
const OFFSET_BASE: [u32; 30] = [
    0x0000, 0x0001, 0x0002, 0x0003, 0x0004, 0x0006, 0x0008, 0x000c, 0x0010, 0x0018, 0x0020, 0x0030,
    0x0040, 0x0060, 0x0080, 0x00c0, 0x0100, 0x0180, 0x0200, 0x0300, 0x0400, 0x0600, 0x0800, 0x0c00,
    0x1000, 0x1800, 0x2000, 0x3000, 0x4000, 0x6000,
];
const CODEGEN_ORDER: [usize; 19] = [
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
];

/// Gzip `data` exactly as Go's gzip.Writer does after Write, Flush, Close.
pub(crate) fn gzip(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    let mut d = Deflater::new();
    d.write(data);
    d.sync = true;
    d.deflate();
    d.bw.stored_header(0, false);
    d.bw.flush();
    d.deflate();
    d.bw.stored_header(0, true);
    d.bw.flush();
    d.sync = false;
    out.extend_from_slice(&d.bw.out);
    let mut crc = flate2::Crc::new();
    crc.update(data);
    out.extend_from_slice(&crc.sum().to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out
}

fn hash4(b: &[u8]) -> u32 {
    let v = u32::from(b[3]) | u32::from(b[2]) << 8 | u32::from(b[1]) << 16 | u32::from(b[0]) << 24;
    v.wrapping_mul(HASH_MUL) >> (32 - HASH_BITS)
}

fn length_code(len: u32) -> usize {
    LENGTH_BASE.iter().rposition(|b| *b <= len).unwrap_or(0)
}

fn offset_code(off: u32) -> usize {
    OFFSET_BASE.iter().rposition(|b| *b <= off).unwrap_or(0)
}

struct Deflater {
    window: Vec<u8>,
    hash_head: Vec<u32>,
    hash_prev: Vec<u32>,
    hash_offset: i64,
    chain_head: i64,
    index: usize,
    window_end: usize,
    block_start: usize,
    byte_available: bool,
    tokens: Vec<u32>,
    length: usize,
    offset: usize,
    max_insert_index: usize,
    sync: bool,
    bw: BitWriter,
}

impl Deflater {
    fn new() -> Self {
        Deflater {
            window: vec![0; 2 * WINDOW],
            hash_head: vec![0; HASH_SIZE],
            hash_prev: vec![0; WINDOW],
            hash_offset: 1,
            chain_head: -1,
            index: 0,
            window_end: 0,
            block_start: 0,
            byte_available: false,
            tokens: Vec::with_capacity(MAX_BLOCK_TOKENS + 1),
            length: MIN_MATCH - 1,
            offset: 0,
            max_insert_index: 0,
            sync: false,
            bw: BitWriter::new(),
        }
    }

    fn write(&mut self, mut b: &[u8]) {
        while !b.is_empty() {
            self.deflate();
            let n = self.fill(b);
            b = &b[n..];
        }
    }

    fn fill(&mut self, b: &[u8]) -> usize {
        if self.index >= 2 * WINDOW - (MIN_MATCH + MAX_MATCH) {
            self.window.copy_within(WINDOW..2 * WINDOW, 0);
            self.index -= WINDOW;
            self.window_end -= WINDOW;
            self.block_start = if self.block_start >= WINDOW {
                self.block_start - WINDOW
            } else {
                usize::MAX
            };
            self.hash_offset += WINDOW as i64;
            if self.hash_offset > MAX_HASH_OFFSET {
                let delta = self.hash_offset - 1;
                self.hash_offset -= delta;
                self.chain_head -= delta;
                for v in self.hash_prev.iter_mut().chain(self.hash_head.iter_mut()) {
                    *v = if i64::from(*v) > delta {
                        (i64::from(*v) - delta) as u32
                    } else {
                        0
                    };
                }
            }
        }
        let n = b.len().min(self.window.len() - self.window_end);
        self.window[self.window_end..self.window_end + n].copy_from_slice(&b[..n]);
        self.window_end += n;
        n
    }

    fn write_block(&mut self, index: usize) {
        if index > 0 {
            let input = if self.block_start <= index {
                Some(self.window[self.block_start..index].to_vec())
            } else {
                None
            };
            self.block_start = index;
            let tokens = std::mem::take(&mut self.tokens);
            self.bw.write_block(&tokens, false, input.as_deref());
            self.tokens = tokens;
        }
        self.tokens.clear();
    }

    fn insert_hash(&mut self, at: usize) -> u32 {
        let h = hash4(&self.window[at..at + MIN_MATCH]);
        let slot = (h & HASH_MASK) as usize;
        let head = self.hash_head[slot];
        self.hash_prev[at & WINDOW_MASK] = head;
        self.hash_head[slot] = (at as i64 + self.hash_offset) as u32;
        head
    }

    fn find_match(
        &self,
        pos: usize,
        prev_head: i64,
        prev_length: usize,
        lookahead: usize,
    ) -> Option<(usize, usize)> {
        let min_look = MAX_MATCH.min(lookahead);
        let win = &self.window[..pos + min_look];
        let nice = NICE.min(win.len() - pos);
        let mut tries = CHAIN;
        let mut length = prev_length;
        if length >= GOOD {
            tries >>= 2;
        }
        let mut w_end = win[pos + length];
        let min_index = pos as i64 - WINDOW as i64;
        let mut found = None;
        let mut i = prev_head;
        while tries > 0 {
            let iu = i as usize;
            if w_end == win[iu + length] {
                let n = win[iu..iu + min_look]
                    .iter()
                    .zip(&win[pos..pos + min_look])
                    .take_while(|(a, b)| a == b)
                    .count();
                if n > length && (n > MIN_MATCH || pos - iu <= 4096) {
                    length = n;
                    found = Some((n, pos - iu));
                    if n >= nice {
                        break;
                    }
                    w_end = win[pos + n];
                }
            }
            if i == min_index {
                break;
            }
            i = i64::from(self.hash_prev[iu & WINDOW_MASK]) - self.hash_offset;
            if i < min_index || i < 0 {
                break;
            }
            tries -= 1;
        }
        found
    }

    fn deflate(&mut self) {
        if self.window_end - self.index < MIN_MATCH + MAX_MATCH && !self.sync {
            return;
        }
        self.max_insert_index = self.window_end.saturating_sub(MIN_MATCH - 1);
        loop {
            let lookahead = self.window_end - self.index;
            if lookahead < MIN_MATCH + MAX_MATCH {
                if !self.sync {
                    return;
                }
                if lookahead == 0 {
                    if self.byte_available {
                        self.tokens.push(u32::from(self.window[self.index - 1]));
                        self.byte_available = false;
                    }
                    if !self.tokens.is_empty() {
                        self.write_block(self.index);
                    }
                    return;
                }
            }
            if self.index < self.max_insert_index {
                let head = self.insert_hash(self.index);
                self.chain_head = i64::from(head);
            }
            let prev_length = self.length;
            let prev_offset = self.offset;
            self.length = MIN_MATCH - 1;
            self.offset = 0;
            let min_index = self.index.saturating_sub(WINDOW) as i64;
            if self.chain_head - self.hash_offset >= min_index
                && lookahead > prev_length
                && prev_length < LAZY
            {
                if let Some((l, o)) = self.find_match(
                    self.index,
                    self.chain_head - self.hash_offset,
                    MIN_MATCH - 1,
                    lookahead,
                ) {
                    self.length = l;
                    self.offset = o;
                }
            }
            if prev_length >= MIN_MATCH && self.length <= prev_length {
                let tok = MATCH_TYPE
                    | ((prev_length - BASE_MATCH_LENGTH) as u32) << LENGTH_SHIFT
                    | (prev_offset - BASE_MATCH_OFFSET) as u32;
                self.tokens.push(tok);
                let new_index = self.index + prev_length - 1;
                self.index += 1;
                while self.index < new_index {
                    if self.index < self.max_insert_index {
                        self.insert_hash(self.index);
                    }
                    self.index += 1;
                }
                self.byte_available = false;
                self.length = MIN_MATCH - 1;
                if self.tokens.len() == MAX_BLOCK_TOKENS {
                    self.write_block(self.index);
                }
            } else {
                if self.byte_available {
                    let i = self.index - 1;
                    self.tokens.push(u32::from(self.window[i]));
                    if self.tokens.len() == MAX_BLOCK_TOKENS {
                        self.write_block(i + 1);
                    }
                }
                self.index += 1;
                self.byte_available = true;
            }
        }
    }
}

/// A Huffman code: per-symbol bit-reversed code and length.
#[derive(Clone)]
struct Code {
    code: Vec<u16>,
    len: Vec<u16>,
}

impl Code {
    fn new(n: usize) -> Self {
        Code {
            code: vec![0; n],
            len: vec![0; n],
        }
    }

    fn bit_length(&self, freq: &[i32]) -> i64 {
        freq.iter()
            .zip(&self.len)
            .filter(|(f, _)| **f != 0)
            .map(|(f, l)| i64::from(*f) * i64::from(*l))
            .sum()
    }

    fn fixed_literal() -> Self {
        let mut c = Code::new(MAX_NUM_LIT);
        for ch in 0..MAX_NUM_LIT as u16 {
            let (bits, size) = match ch {
                0..=143 => (ch + 48, 8),
                144..=255 => (ch + 400 - 144, 9),
                256..=279 => (ch - 256, 7),
                _ => (ch + 192 - 280, 8),
            };
            c.code[ch as usize] = reverse_bits(bits, size);
            c.len[ch as usize] = size as u16;
        }
        c
    }

    fn fixed_offset() -> Self {
        let mut c = Code::new(OFFSET_CODE_COUNT);
        for i in 0..OFFSET_CODE_COUNT {
            c.code[i] = reverse_bits(i as u16, 5);
            c.len[i] = 5;
        }
        c
    }

    /// The length-limited Huffman code for `freq` (Go's `generate`).
    fn generate(&mut self, freq: &[i32], max_bits: i32) {
        let mut list: Vec<(u16, i32)> = Vec::with_capacity(freq.len() + 1);
        for (i, f) in freq.iter().enumerate() {
            if *f != 0 {
                list.push((i as u16, *f));
            } else {
                self.len[i] = 0;
            }
        }
        if list.len() <= 2 {
            for (i, (lit, _)) in list.iter().enumerate() {
                self.code[*lit as usize] = i as u16;
                self.len[*lit as usize] = 1;
            }
            return;
        }
        list.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
        let counts = bit_counts(&list, max_bits);
        let mut code: u16 = 0;
        let mut rest = list.as_slice();
        for (n, bits) in counts.iter().enumerate() {
            code <<= 1;
            if n == 0 || *bits == 0 {
                continue;
            }
            let split = rest.len() - *bits as usize;
            let mut chunk: Vec<(u16, i32)> = rest[split..].to_vec();
            chunk.sort_by_key(|x| x.0);
            for (lit, _) in chunk {
                self.code[lit as usize] = reverse_bits(code, n as u8);
                self.len[lit as usize] = n as u16;
                code = code.wrapping_add(1);
            }
            rest = &rest[..split];
        }
    }
}

fn reverse_bits(number: u16, len: u8) -> u16 {
    (number << (16 - u32::from(len))).reverse_bits()
}

#[derive(Clone, Copy, Default)]
struct Level {
    level: i32,
    last_freq: i32,
    next_char_freq: i32,
    next_pair_freq: i32,
    needed: i32,
}

/// How many symbols get each code length (Go's `bitCounts`), for a list
/// sorted by increasing frequency with at least three entries.
fn bit_counts(list: &[(u16, i32)], max_bits: i32) -> Vec<i32> {
    let n = list.len() as i32;
    let freq = |i: i32| -> i32 { list.get(i as usize).map(|x| x.1).unwrap_or(i32::MAX) };
    let max_bits = max_bits.min(n - 1);
    let mut levels = [Level::default(); 17];
    let mut leaf = [[0i32; 17]; 17];
    for level in 1..=max_bits {
        levels[level as usize] = Level {
            level,
            last_freq: freq(1),
            next_char_freq: freq(2),
            next_pair_freq: freq(0) + freq(1),
            needed: 0,
        };
        leaf[level as usize][level as usize] = 2;
        if level == 1 {
            levels[1].next_pair_freq = i32::MAX;
        }
    }
    levels[max_bits as usize].needed = 2 * n - 4;
    let mut level = max_bits as usize;
    loop {
        let l = levels[level];
        if l.next_pair_freq == i32::MAX && l.next_char_freq == i32::MAX {
            levels[level].needed = 0;
            levels[level + 1].next_pair_freq = i32::MAX;
            level += 1;
            continue;
        }
        let prev_freq = l.last_freq;
        if l.next_char_freq < l.next_pair_freq {
            let c = leaf[level][level] + 1;
            levels[level].last_freq = l.next_char_freq;
            leaf[level][level] = c;
            levels[level].next_char_freq = freq(c);
        } else {
            levels[level].last_freq = l.next_pair_freq;
            let (lower, upper) = leaf.split_at_mut(level);
            upper[0][..level].copy_from_slice(&lower[level - 1][..level]);
            levels[level - 1].needed = 2;
        }
        levels[level].needed -= 1;
        if levels[level].needed == 0 {
            if levels[level].level == max_bits {
                break;
            }
            levels[level + 1].next_pair_freq = prev_freq + levels[level].last_freq;
            level += 1;
        } else {
            while levels[level - 1].needed > 0 {
                level -= 1;
            }
        }
    }
    let mut counts = vec![0i32; max_bits as usize + 1];
    let top = &leaf[max_bits as usize];
    for (bits, level) in (1..).zip((1..=max_bits as usize).rev()) {
        counts[bits] = top[level] - top[level - 1];
    }
    counts
}

struct BitWriter {
    out: Vec<u8>,
    bits: u64,
    nbits: u32,
    literal_freq: Vec<i32>,
    offset_freq: Vec<i32>,
    codegen: Vec<u8>,
    codegen_freq: [i32; CODEGEN_CODE_COUNT],
    literal: Code,
    offset: Code,
    codegen_code: Code,
    fixed_literal: Code,
    fixed_offset: Code,
}

impl BitWriter {
    fn new() -> Self {
        BitWriter {
            out: Vec::new(),
            bits: 0,
            nbits: 0,
            literal_freq: vec![0; MAX_NUM_LIT],
            offset_freq: vec![0; OFFSET_CODE_COUNT],
            codegen: vec![0; MAX_NUM_LIT + OFFSET_CODE_COUNT + 1],
            codegen_freq: [0; CODEGEN_CODE_COUNT],
            literal: Code::new(MAX_NUM_LIT),
            offset: Code::new(OFFSET_CODE_COUNT),
            codegen_code: Code::new(CODEGEN_CODE_COUNT),
            fixed_literal: Code::fixed_literal(),
            fixed_offset: Code::fixed_offset(),
        }
    }

    fn write_bits(&mut self, b: u32, nb: u32) {
        self.bits |= u64::from(b) << self.nbits;
        self.nbits += nb;
        while self.nbits >= 8 {
            self.out.push(self.bits as u8);
            self.bits >>= 8;
            self.nbits -= 8;
        }
    }

    fn flush(&mut self) {
        if self.nbits > 0 {
            self.out.push(self.bits as u8);
        }
        self.bits = 0;
        self.nbits = 0;
    }

    fn stored_header(&mut self, length: usize, eof: bool) {
        self.write_bits(u32::from(eof), 3);
        self.flush();
        self.write_bits(length as u32, 16);
        self.write_bits(u32::from(!(length as u16)), 16);
    }

    fn write_code(&mut self, code: &Code, sym: usize) {
        let (c, l) = (code.code[sym], code.len[sym]);
        self.write_bits(u32::from(c), u32::from(l));
    }

    fn index_tokens(&mut self, tokens: &[u32]) -> (usize, usize) {
        self.literal_freq.iter_mut().for_each(|f| *f = 0);
        self.offset_freq.iter_mut().for_each(|f| *f = 0);
        for &t in tokens {
            if t < MATCH_TYPE {
                self.literal_freq[t as usize] += 1;
                continue;
            }
            let length = (t - MATCH_TYPE) >> LENGTH_SHIFT;
            let offset = (t - MATCH_TYPE) & ((1 << LENGTH_SHIFT) - 1);
            self.literal_freq[LENGTH_CODES_START + length_code(length)] += 1;
            self.offset_freq[offset_code(offset)] += 1;
        }
        let mut num_literals = MAX_NUM_LIT;
        while self.literal_freq[num_literals - 1] == 0 {
            num_literals -= 1;
        }
        let mut num_offsets = OFFSET_CODE_COUNT;
        while num_offsets > 0 && self.offset_freq[num_offsets - 1] == 0 {
            num_offsets -= 1;
        }
        if num_offsets == 0 {
            self.offset_freq[0] = 1;
            num_offsets = 1;
        }
        let (lf, of) = (self.literal_freq.clone(), self.offset_freq.clone());
        self.literal.generate(&lf, 15);
        self.offset.generate(&of, 15);
        (num_literals, num_offsets)
    }

    fn generate_codegen(&mut self, num_literals: usize, num_offsets: usize) {
        self.codegen_freq = [0; CODEGEN_CODE_COUNT];
        let cg = &mut self.codegen;
        for (dst, len) in cg.iter_mut().zip(&self.literal.len[..num_literals]) {
            *dst = *len as u8;
        }
        for (dst, len) in cg[num_literals..]
            .iter_mut()
            .zip(&self.offset.len[..num_offsets])
        {
            *dst = *len as u8;
        }
        cg[num_literals + num_offsets] = BAD_CODE;
        let mut size = cg[0];
        let mut count: i32 = 1;
        let mut out = 0usize;
        let mut input = 1usize;
        while size != BAD_CODE {
            let next = cg[input];
            input += 1;
            if next == size {
                count += 1;
                continue;
            }
            if size != 0 {
                cg[out] = size;
                out += 1;
                self.codegen_freq[size as usize] += 1;
                count -= 1;
                while count >= 3 {
                    let n = count.min(6);
                    cg[out] = 16;
                    cg[out + 1] = (n - 3) as u8;
                    out += 2;
                    self.codegen_freq[16] += 1;
                    count -= n;
                }
            } else {
                while count >= 11 {
                    let n = count.min(138);
                    cg[out] = 18;
                    cg[out + 1] = (n - 11) as u8;
                    out += 2;
                    self.codegen_freq[18] += 1;
                    count -= n;
                }
                if count >= 3 {
                    cg[out] = 17;
                    cg[out + 1] = (count - 3) as u8;
                    out += 2;
                    self.codegen_freq[17] += 1;
                    count = 0;
                }
            }
            count -= 1;
            while count >= 0 {
                cg[out] = size;
                out += 1;
                self.codegen_freq[size as usize] += 1;
                count -= 1;
            }
            size = next;
            count = 1;
        }
        cg[out] = BAD_CODE;
    }

    fn dynamic_size(&self, extra_bits: i64) -> (i64, usize) {
        let mut num_codegens = CODEGEN_CODE_COUNT;
        while num_codegens > 4 && self.codegen_freq[CODEGEN_ORDER[num_codegens - 1]] == 0 {
            num_codegens -= 1;
        }
        let header = 3
            + 5
            + 5
            + 4
            + 3 * num_codegens as i64
            + self.codegen_code.bit_length(&self.codegen_freq)
            + i64::from(self.codegen_freq[16]) * 2
            + i64::from(self.codegen_freq[17]) * 3
            + i64::from(self.codegen_freq[18]) * 7;
        let size = header
            + self.literal.bit_length(&self.literal_freq)
            + self.offset.bit_length(&self.offset_freq)
            + extra_bits;
        (size, num_codegens)
    }

    fn write_block(&mut self, tokens: &[u32], eof: bool, input: Option<&[u8]>) {
        let mut tokens = tokens.to_vec();
        tokens.push(END_BLOCK);
        let (num_literals, num_offsets) = self.index_tokens(&tokens);
        let stored = input.filter(|i| i.len() <= MAX_STORE_BLOCK);
        let mut extra_bits: i64 = 0;
        if stored.is_some() {
            for code in LENGTH_CODES_START + 8..num_literals {
                extra_bits += i64::from(self.literal_freq[code])
                    * i64::from(LENGTH_EXTRA_BITS[code - LENGTH_CODES_START]);
            }
            for (freq, extra) in self.offset_freq[..num_offsets]
                .iter()
                .zip(OFFSET_EXTRA_BITS)
                .skip(4)
            {
                extra_bits += i64::from(*freq) * i64::from(extra);
            }
        }
        let mut size = 3
            + self.fixed_literal.bit_length(&self.literal_freq)
            + self.fixed_offset.bit_length(&self.offset_freq)
            + extra_bits;
        self.generate_codegen(num_literals, num_offsets);
        let cf = self.codegen_freq;
        self.codegen_code.generate(&cf, 7);
        let (dynamic_size, num_codegens) = self.dynamic_size(extra_bits);
        let dynamic = dynamic_size < size;
        if dynamic {
            size = dynamic_size;
        }
        if let Some(raw) = stored {
            if (((raw.len() + 5) * 8) as i64) < size {
                self.stored_header(raw.len(), eof);
                self.flush();
                self.out.extend_from_slice(raw);
                return;
            }
        }
        let (lit, off) = if dynamic {
            self.write_dynamic_header(num_literals, num_offsets, num_codegens, eof);
            (self.literal.clone(), self.offset.clone())
        } else {
            self.write_bits(if eof { 3 } else { 2 }, 3);
            (self.fixed_literal.clone(), self.fixed_offset.clone())
        };
        for &t in &tokens {
            if t < MATCH_TYPE {
                self.write_code(&lit, t as usize);
                continue;
            }
            let length = (t - MATCH_TYPE) >> LENGTH_SHIFT;
            let lc = length_code(length);
            self.write_code(&lit, lc + LENGTH_CODES_START);
            let extra = u32::from(LENGTH_EXTRA_BITS[lc]);
            if extra > 0 {
                self.write_bits(length - LENGTH_BASE[lc], extra);
            }
            let offset = (t - MATCH_TYPE) & ((1 << LENGTH_SHIFT) - 1);
            let oc = offset_code(offset);
            self.write_code(&off, oc);
            let extra = u32::from(OFFSET_EXTRA_BITS[oc]);
            if extra > 0 {
                self.write_bits(offset - OFFSET_BASE[oc], extra);
            }
        }
    }

    fn write_dynamic_header(
        &mut self,
        num_literals: usize,
        num_offsets: usize,
        num_codegens: usize,
        eof: bool,
    ) {
        self.write_bits(if eof { 5 } else { 4 }, 3);
        self.write_bits((num_literals - 257) as u32, 5);
        self.write_bits((num_offsets - 1) as u32, 5);
        self.write_bits((num_codegens - 4) as u32, 4);
        for &sym in CODEGEN_ORDER.iter().take(num_codegens) {
            let len = u32::from(self.codegen_code.len[sym]);
            self.write_bits(len, 3);
        }
        let cg_code = self.codegen_code.clone();
        let mut i = 0;
        loop {
            let word = self.codegen[i];
            i += 1;
            if word == BAD_CODE {
                break;
            }
            self.write_code(&cg_code, word as usize);
            let extra = match word {
                16 => 2,
                17 => 3,
                18 => 7,
                _ => 0,
            };
            if extra > 0 {
                let v = u32::from(self.codegen[i]);
                self.write_bits(v, extra);
                i += 1;
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::gzip;
    use std::io::Read;

    /// A small deterministic generator (xorshift) for test inputs.
    fn bytes(seed: u64, len: usize, alphabet: &[u8]) -> Vec<u8> {
        let mut x = seed | 1;
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                alphabet[(x % alphabet.len() as u64) as usize]
            })
            .collect()
    }

    #[test]
    fn output_round_trips_for_many_shapes() {
        let all: Vec<u8> = (0..=255).collect();
        let cases: Vec<Vec<u8>> = vec![
            Vec::new(),
            b"a".to_vec(),
            b"test".to_vec(),
            bytes(1, 100, b"ab"),
            bytes(2, 5000, &all),
            bytes(3, 70_000, b"abcdefgh \n"),
            bytes(4, 140_000, b"aaaaaaab"),
            vec![0u8; 200_000],
        ];
        for data in cases {
            let z = gzip(&data);
            let mut back = Vec::new();
            flate2::read::GzDecoder::new(z.as_slice())
                .read_to_end(&mut back)
                .unwrap();
            assert_eq!(back, data, "length {}", data.len());
        }
    }

    #[test]
    fn matches_go_for_a_short_string() {
        // Go's gzip of "test" (from Terraform's base64gzip corpus case).
        let z = gzip(b"test");
        assert_eq!(
            z,
            [
                0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff, 0x2a, 0x49, 0x2d, 0x2e, 0x01, 0, 0, 0, 0xff,
                0xff, 0x01, 0, 0, 0xff, 0xff, 0x0c, 0x7e, 0x7f, 0xd8, 4, 0, 0, 0
            ]
        );
    }
}
