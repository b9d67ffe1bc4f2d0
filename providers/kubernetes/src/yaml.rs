//! YAML text exactly as Terraform's kubernetes provider writes it in
//! `provider::kubernetes::manifest_encode`: the provider turns the value
//! into Go data (every number a float64) and calls `sigs.k8s.io/yaml`
//! `Marshal`, which goes through JSON and go-yaml v2. So this writer
//! follows go-yaml v2's choices: keys in its "natural" order (letters after
//! other characters, digit runs by value), block style with sequences
//! flush under their key, two-space indentation, strings quoted only when
//! they would read back as something else (YAML 1.1: `yes`, `on`, `0644`,
//! dates …) or cannot be plain, literal blocks (`|`) for multi-line
//! strings, and long lines folded at spaces after column 80.
//!
//! `tests/data/manifest_encode/` holds outputs of the real library for the
//! cases the tests check.

use serde_json::{Map, Value as J};
use std::cmp::Ordering;

const WIDTH: usize = 80;
const INDENT: usize = 2;
/// Longest key written as `key: value`; longer ones use `? key`.
const SIMPLE_KEY_MAX: usize = 128;

/// The YAML document for a JSON value (normally an object).
pub fn to_yaml(j: &J) -> String {
    let mut w = Writer::default();
    w.node(j, 0, Ctx::Root);
    w.line_end(0);
    w.out
}

/// Where a node sits: decides indentation and whether a sequence is
/// written flush with its key.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Root,
    /// The value of a `key:` (simple key).
    MapValue,
    /// After `? key` / `:` lines (complex key or its value).
    Complex,
    /// An item of a sequence.
    Item,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    Plain,
    Single,
    Double,
    Literal,
}

/// The emitter's position: what go-yaml tracks to place indicators,
/// indentation and folds.
struct Writer {
    out: String,
    column: usize,
    /// The last character written is whitespace (or nothing yet).
    whitespace: bool,
    /// Only indentation written on this line so far.
    indention: bool,
}

impl Default for Writer {
    fn default() -> Self {
        Writer {
            out: String::new(),
            column: 0,
            whitespace: true,
            indention: true,
        }
    }
}

impl Writer {
    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn newline(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    /// Moves to column `indent`, on a new line unless this line holds only
    /// indentation up to there.
    fn indent_to(&mut self, indent: usize) {
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.newline();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    /// Ends the document's last line.
    fn line_end(&mut self, indent: usize) {
        self.indent_to(indent);
    }

    fn indicator(&mut self, s: &str, need_space: bool, is_space: bool, is_indention: bool) {
        if need_space && !self.whitespace {
            self.put(' ');
        }
        for c in s.chars() {
            self.put(c);
        }
        self.whitespace = is_space;
        self.indention = self.indention && is_indention;
    }

    fn node(&mut self, j: &J, indent: usize, ctx: Ctx) {
        match j {
            J::Object(m) if !m.is_empty() => self.mapping(m, indent, ctx),
            J::Array(xs) if !xs.is_empty() => self.sequence(xs, indent, ctx),
            J::Object(_) => self.indicator("{}", true, false, false),
            J::Array(_) => self.indicator("[]", true, false, false),
            J::Null => self.scalar("null", Style::Plain, indent, true),
            J::Bool(b) => self.scalar(
                if *b { "true" } else { "false" },
                Style::Plain,
                indent,
                true,
            ),
            J::Number(n) => {
                let s = number(n.as_f64().unwrap_or(0.0));
                self.scalar(&s, Style::Plain, indent, true);
            }
            J::String(s) => self.scalar(s, string_style(s), indent, true),
        }
    }

    /// Block mapping whose keys sit at `parent + 2` (0 at the root).
    fn mapping(&mut self, m: &Map<String, J>, parent: usize, ctx: Ctx) {
        let indent = if ctx == Ctx::Root { 0 } else { parent + INDENT };
        for k in sorted_keys(m) {
            let v = &m[k];
            self.indent_to(indent);
            let style = string_style(k);
            if !k.contains(is_break) && k.len() <= SIMPLE_KEY_MAX {
                self.scalar(k, style, indent, false);
                self.indicator(":", false, false, false);
                self.node(v, indent, Ctx::MapValue);
            } else {
                self.indicator("?", true, false, true);
                self.scalar(k, style, indent, true);
                self.indent_to(indent);
                self.indicator(":", true, false, true);
                self.node(v, indent, Ctx::Complex);
            }
        }
    }

    /// Block sequence; under a simple key its dashes sit at the key's
    /// column (`parent`), elsewhere two further in.
    fn sequence(&mut self, xs: &[J], parent: usize, ctx: Ctx) {
        let flush = ctx == Ctx::MapValue || (ctx == Ctx::Complex && !self.indention);
        let indent = match ctx {
            Ctx::Root => 0,
            _ if flush => parent,
            _ => parent + INDENT,
        };
        for x in xs {
            self.indent_to(indent);
            self.indicator("-", true, false, true);
            self.node(x, indent, Ctx::Item);
        }
    }

    /// One scalar at `parent + 2`, in `style` as go-yaml settles it.
    fn scalar(&mut self, s: &str, style: Style, parent: usize, allow_breaks: bool) {
        let indent = parent + INDENT;
        let info = Analysis::of(s);
        let mut style = style;
        if style == Style::Plain && (!info.block_plain || (s.is_empty() && !allow_breaks)) {
            style = Style::Single;
        }
        if style == Style::Single && !info.single {
            style = Style::Double;
        }
        if style == Style::Literal && (!info.block || !allow_breaks) {
            style = Style::Double;
        }
        match style {
            Style::Plain => self.plain(s, indent, allow_breaks),
            Style::Single => self.single(s, indent, allow_breaks),
            Style::Double => self.double(s, indent, allow_breaks),
            Style::Literal => self.literal(s, indent),
        }
    }

    /// At a space: whether to fold the line here.
    fn folds(&self, allow: bool, spaces: bool, next_is_space: bool) -> bool {
        allow && !spaces && self.column > WIDTH && !next_is_space
    }

    fn plain(&mut self, s: &str, indent: usize, allow_breaks: bool) {
        if !self.whitespace {
            self.put(' ');
        }
        let chars: Vec<char> = s.chars().collect();
        let mut spaces = false;
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                if self.folds(allow_breaks, spaces, chars.get(i + 1) == Some(&' ')) {
                    self.indent_to(indent);
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                self.indention = false;
                spaces = false;
            }
        }
        self.whitespace = false;
        self.indention = false;
    }

    fn single(&mut self, s: &str, indent: usize, allow_breaks: bool) {
        self.indicator("'", true, false, false);
        let chars: Vec<char> = s.chars().collect();
        let last = chars.len().saturating_sub(1);
        let (mut spaces, mut breaks) = (false, false);
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                let inner = i > 0 && i < last;
                if inner && self.folds(allow_breaks, spaces, chars.get(i + 1) == Some(&' ')) {
                    self.indent_to(indent);
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                // Only the Unicode separators get here (a newline makes
                // the string a literal block or double-quoted).
                self.out.push(c);
                self.column = 0;
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.indent_to(indent);
                    breaks = false;
                }
                if c == '\'' {
                    self.put('\'');
                }
                self.put(c);
                self.indention = false;
                spaces = false;
            }
        }
        self.indicator("'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn double(&mut self, s: &str, indent: usize, allow_breaks: bool) {
        self.indicator("\"", true, false, false);
        // go-yaml looks for a byte order mark at the start of the string
        // whatever the position, so such a string is escaped throughout.
        let bom = s.starts_with('\u{feff}');
        let chars: Vec<char> = s.chars().collect();
        let last = chars.len().saturating_sub(1);
        let mut spaces = false;
        for (i, &c) in chars.iter().enumerate() {
            if bom || !printable(c) || is_break(c) || c == '"' || c == '\\' {
                self.put('\\');
                match escape(c) {
                    Some(e) => self.put(e),
                    None => {
                        let (tag, digits) = match u32::from(c) {
                            v if v <= 0xff => ('x', 2),
                            v if v <= 0xffff => ('u', 4),
                            _ => ('U', 8),
                        };
                        self.put(tag);
                        for ch in format!("{:0digits$X}", u32::from(c)).chars() {
                            self.put(ch);
                        }
                    }
                }
                spaces = false;
            } else if c == ' ' {
                if allow_breaks && !spaces && self.column > WIDTH && i > 0 && i < last {
                    self.indent_to(indent);
                    if chars.get(i + 1) == Some(&' ') {
                        self.put('\\');
                    }
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
        }
        self.indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn literal(&mut self, s: &str, indent: usize) {
        self.indicator("|", true, false, false);
        if s.starts_with([' ', '\n']) {
            self.indicator(&INDENT.to_string(), false, false, false);
        }
        let breaks_at_end = s.chars().rev().take_while(|&c| c == '\n').count();
        match breaks_at_end {
            0 => self.indicator("-", false, false, false),
            1 if s.len() > 1 => {}
            _ => self.indicator("+", false, false, false),
        }
        self.newline();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        for c in s.chars() {
            if c == '\n' {
                self.newline();
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.indent_to(indent);
                }
                self.put(c);
                self.indention = false;
                breaks = false;
            }
        }
    }
}

fn escape(c: char) -> Option<char> {
    Some(match c {
        '\0' => '0',
        '\u{7}' => 'a',
        '\u{8}' => 'b',
        '\t' => 't',
        '\n' => 'n',
        '\u{b}' => 'v',
        '\u{c}' => 'f',
        '\r' => 'r',
        '\u{1b}' => 'e',
        '"' => '"',
        '\\' => '\\',
        '\u{85}' => 'N',
        '\u{a0}' => '_',
        '\u{2028}' => 'L',
        '\u{2029}' => 'P',
        _ => return None,
    })
}

/// Characters go-yaml writes as they are (it treats everything beyond
/// the Basic Multilingual Plane as unprintable).
fn printable(c: char) -> bool {
    matches!(u32::from(c), 0x0a | 0x20..=0x7e | 0xa0..=0xd7ff | 0xe000..=0xfffd) && c != '\u{feff}'
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_blank_or_break(c: char) -> bool {
    c == ' ' || c == '\t' || is_break(c)
}

/// What go-yaml's emitter works out about a scalar before choosing how to
/// write it.
struct Analysis {
    block_plain: bool,
    single: bool,
    block: bool,
}

impl Analysis {
    fn of(s: &str) -> Analysis {
        if s.is_empty() {
            return Analysis {
                block_plain: true,
                single: true,
                block: false,
            };
        }
        let chars: Vec<char> = s.chars().collect();
        let n = chars.len();
        let mut indicators = s.starts_with("---") || s.starts_with("...");
        let (mut breaks, mut special) = (false, false);
        let (mut lead_space, mut lead_break, mut trail_space, mut trail_break) =
            (false, false, false, false);
        let (mut break_space, mut space_break) = (false, false);
        let (mut prev_space, mut prev_break) = (false, false);
        let mut preceded_by_ws = true;
        for (i, &c) in chars.iter().enumerate() {
            let followed_by_ws = chars.get(i + 1).is_none_or(|&d| is_blank_or_break(d));
            if i == 0 {
                match c {
                    '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\''
                    | '"' | '%' | '@' | '`' => indicators = true,
                    '?' | ':' | '-' if followed_by_ws => indicators = true,
                    _ => {}
                }
            } else if (c == ':' && followed_by_ws) || (c == '#' && preceded_by_ws) {
                indicators = true;
            }
            if !printable(c) {
                special = true;
            }
            if c == ' ' {
                lead_space |= i == 0;
                trail_space |= i + 1 == n;
                break_space |= prev_break;
                (prev_space, prev_break) = (true, false);
            } else if is_break(c) {
                breaks = true;
                lead_break |= i == 0;
                trail_break |= i + 1 == n;
                space_break |= prev_space;
                (prev_space, prev_break) = (false, true);
            } else {
                (prev_space, prev_break) = (false, false);
            }
            preceded_by_ws = is_blank_or_break(c);
        }
        let edges = lead_space || lead_break || trail_space || trail_break;
        let broken = space_break || special;
        Analysis {
            block_plain: !(edges || break_space || broken || breaks || indicators),
            single: !(break_space || broken),
            block: !(trail_space || broken),
        }
    }
}

/// The style go-yaml's encoder asks for: literal for multi-line strings,
/// double quotes for strings that would read back as another type.
fn string_style(s: &str) -> Style {
    if s.contains('\n') {
        Style::Literal
    } else if resolves_to_string(s) && !base60(s) {
        Style::Plain
    } else {
        Style::Double
    }
}

/// Whether go-yaml (YAML 1.1 rules) reads `s`, unquoted, as a string.
fn resolves_to_string(s: &str) -> bool {
    const SPECIAL: &[&str] = &[
        "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "n", "N", "no",
        "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF", "", "~", "null", "Null",
        "NULL", ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf",
        "-.Inf", "-.INF",
    ];
    let first = s.chars().next();
    let hint = match first {
        None => 'N',
        Some('+' | '-') => 'S',
        Some('0'..='9') => 'D',
        Some('y' | 'Y' | 'n' | 'N' | 't' | 'T' | 'f' | 'F' | 'o' | 'O' | '~') => 'M',
        Some('.') => '.',
        Some(_) => return true,
    };
    if SPECIAL.contains(&s) {
        return false;
    }
    match hint {
        '.' => !go_float(s),
        'D' | 'S' => {
            if timestamp(s) {
                return false;
            }
            let plain: String = s.chars().filter(|&c| c != '_').collect();
            let float_like = float_syntax(&plain) && go_float(&plain);
            !(go_int(&plain) || float_like || binary(&plain))
        }
        _ => true,
    }
}

/// `strconv.ParseInt(s, 0, 64)` or `ParseUint` succeeds.
fn go_int(s: &str) -> bool {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    let signed = s.starts_with(['+', '-']);
    let lower = body.to_ascii_lowercase();
    let (radix, digits) = if lower.len() >= 3 && lower.starts_with("0x") {
        (16, &body[2..])
    } else if lower.len() >= 3 && lower.starts_with("0o") {
        (8, &body[2..])
    } else if lower.len() >= 3 && lower.starts_with("0b") {
        (2, &body[2..])
    } else if let Some(rest) = body.strip_prefix('0') {
        (8, rest)
    } else {
        (10, body)
    };
    if digits.is_empty() && !(radix == 8 && body == "0") {
        return false;
    }
    let Ok(v) = u128::from_str_radix(if digits.is_empty() { "0" } else { digits }, radix) else {
        return false;
    };
    if digits.starts_with(['+', '-']) {
        return false;
    }
    if neg {
        v <= 1u128 << 63
    } else if signed {
        v < 1u128 << 63
    } else {
        v <= u128::from(u64::MAX)
    }
}

/// go-yaml's float syntax: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn float_syntax(s: &str) -> bool {
    let b = s.strip_prefix(['+', '-']).unwrap_or(s).as_bytes();
    let digits = |b: &[u8], i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i > start
    };
    let mut i = 0;
    if b.first() == Some(&b'.') {
        i = 1;
        if !digits(b, &mut i) {
            return false;
        }
    } else {
        if !digits(b, &mut i) {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(b, &mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !digits(b, &mut i) {
            return false;
        }
    }
    i == b.len()
}

/// `strconv.ParseFloat(s, 64)` succeeds (decimal forms; the special
/// spellings are settled before this is asked).
fn go_float(s: &str) -> bool {
    float_syntax(s) && s.parse::<f64>().is_ok_and(f64::is_finite)
}

fn binary(s: &str) -> bool {
    let digits = s
        .strip_prefix("0b")
        .or_else(|| s.strip_prefix("-0b"))
        .unwrap_or("");
    !digits.is_empty() && u64::from_str_radix(digits, 2).is_ok()
}

/// A date or date-time go-yaml reads as a timestamp (`2006-1-2`,
/// `2006-1-2T15:4:5Z`, `2006-1-2 15:4:5` …).
fn timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    let mut parts = s[5..].splitn(2, ['T', 't', ' ']);
    let date = parts.next().unwrap_or("");
    let fields: Vec<&str> = date.split('-').collect();
    let small = |f: &str, max: u32| {
        (1..=2).contains(&f.len())
            && f.bytes().all(|c| c.is_ascii_digit())
            && f.parse::<u32>().is_ok_and(|v| (1..=max).contains(&v))
    };
    if fields.len() != 2 || !small(fields[0], 12) || !small(fields[1], 31) {
        return false;
    }
    match parts.next() {
        None => true,
        Some(time) => clock(time, s[5..].contains([' '])),
    }
}

/// `15:4:5[.999999999]` with a zone (`Z`, `±07:00`) unless `no_zone`.
fn clock(t: &str, no_zone: bool) -> bool {
    let (hms, zone) = if no_zone {
        (t, "")
    } else if let Some(h) = t.strip_suffix('Z') {
        (h, "Z")
    } else if let Some(p) = t.rfind(['+', '-']) {
        (&t[..p], &t[p..])
    } else {
        return false;
    };
    let (hms, frac) = match hms.split_once('.') {
        Some((a, f)) => (a, Some(f)),
        None => (hms, None),
    };
    if frac.is_some_and(|f| f.is_empty() || f.len() > 9 || !f.bytes().all(|c| c.is_ascii_digit())) {
        return false;
    }
    let f: Vec<&str> = hms.split(':').collect();
    let unit = |x: &str, max: u32| {
        (1..=2).contains(&x.len())
            && x.bytes().all(|c| c.is_ascii_digit())
            && x.parse::<u32>().is_ok_and(|v| v <= max)
    };
    let zone_ok = match zone {
        "" | "Z" => true,
        z => {
            let zb = z.as_bytes();
            zb.len() == 6
                && zb[3] == b':'
                && z[1..3].bytes().all(|c| c.is_ascii_digit())
                && z[4..6].bytes().all(|c| c.is_ascii_digit())
        }
    };
    f.len() == 3 && unit(f[0], 23) && unit(f[1], 59) && unit(f[2], 59) && zone_ok
}

/// YAML 1.1 sexagesimal numbers (`1:20`), which go-yaml quotes.
fn base60(s: &str) -> bool {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    if !body.starts_with(|c: char| c.is_ascii_digit()) || !body.contains(':') {
        return false;
    }
    let (main, frac) = match body.split_once('.') {
        Some((m, f)) => (m, Some(f)),
        None => (body, None),
    };
    if frac.is_some_and(|f| !f.bytes().all(|c| c.is_ascii_digit() || c == b'_')) {
        return false;
    }
    let mut groups = main.split(':');
    let head = groups.next().unwrap_or("");
    if head.is_empty() || !head.bytes().all(|c| c.is_ascii_digit() || c == b'_') {
        return false;
    }
    let mut any = false;
    for g in groups {
        any = true;
        let ok = match g.as_bytes() {
            [d] => d.is_ascii_digit(),
            [a, b] => (b'0'..=b'5').contains(a) && b.is_ascii_digit(),
            _ => false,
        };
        if !ok {
            return false;
        }
    }
    any
}

/// A number as it comes out of float64 → JSON → go-yaml: integers
/// (within 64 bits) as integers, everything else as Go's shortest `%g`.
pub fn number(f: f64) -> String {
    const TWO_63: f64 = 9_223_372_036_854_775_808.0;
    if f.is_finite() && f.fract() == 0.0 {
        if (-TWO_63..TWO_63).contains(&f) {
            return format!("{}", f as i64);
        }
        if (0.0..TWO_63 * 2.0).contains(&f) {
            return format!("{}", f as u64);
        }
    }
    go_shortest_g(f)
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 64)`.
fn go_shortest_g(f: f64) -> String {
    if f.is_nan() {
        return ".nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { ".inf" } else { "-.inf" }.into();
    }
    // Rust's `{:e}` gives the same shortest round-trip digits.
    let sci = format!("{:e}", f.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let sign = if f.is_sign_negative() { "-" } else { "" };
    if !(-4..6).contains(&exp) {
        let (first, rest) = digits.split_at(1);
        let frac = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let esign = if exp < 0 { '-' } else { '+' };
        return format!("{sign}{first}{frac}e{esign}{:02}", exp.abs());
    }
    let point = exp + 1;
    let nd = digits.len() as i32;
    let mut s = String::from(sign);
    if point <= 0 {
        s.push('0');
    } else {
        for i in 0..point {
            s.push(digits.chars().nth(i as usize).unwrap_or('0'));
        }
    }
    let decimals = (nd - point).max(0);
    if decimals > 0 {
        s.push('.');
        for i in 0..decimals {
            let at = point + i;
            let c = if at < 0 {
                '0'
            } else {
                digits.chars().nth(at as usize).unwrap_or('0')
            };
            s.push(c);
        }
    }
    s
}

/// The keys in go-yaml's order, by insertion sort as Go sorts short
/// lists. The order is not transitive for some digit-heavy keys (`1`,
/// `007`, `0x`): Go's result then depends on its random map iteration, so
/// no output is "the" answer; this one is at least deterministic and never
/// fails.
fn sorted_keys(m: &Map<String, J>) -> Vec<&String> {
    let mut keys: Vec<&String> = m.keys().collect();
    for i in 1..keys.len() {
        let mut j = i;
        while j > 0 && natural_order(keys[j], keys[j - 1]) == Ordering::Less {
            keys.swap(j, j - 1);
            j -= 1;
        }
    }
    keys
}

/// go-yaml v2's key order: letters sort after other characters, runs of
/// digits compare by value.
pub fn natural_order(a: &str, b: &str) -> Ordering {
    let (ar, br): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    for i in 0..ar.len().min(br.len()) {
        let (x, y) = (ar[i], br[i]);
        if x == y {
            continue;
        }
        let (xl, yl) = (x.is_alphabetic(), y.is_alphabetic());
        if xl && yl {
            return x.cmp(&y);
        }
        if xl || yl {
            return if yl {
                Ordering::Less
            } else {
                Ordering::Greater
            };
        }
        let digit = |c: char| c.is_ascii_digit();
        let (mut an, mut bn): (i64, i64) = (0, 0);
        if x == '0' || y == '0' {
            // A zero inside a number that already has a non-zero digit.
            if ar[..i]
                .iter()
                .rev()
                .take_while(|c| digit(**c))
                .any(|&c| c != '0')
            {
                (an, bn) = (1, 1);
            }
        }
        let run = |r: &[char], n: &mut i64| {
            let mut j = i;
            while j < r.len() && digit(r[j]) {
                *n = n
                    .wrapping_mul(10)
                    .wrapping_add(i64::from(r[j] as u8 - b'0'));
                j += 1;
            }
            j
        };
        let (aj, bj) = (run(&ar, &mut an), run(&br, &mut bn));
        if an != bn {
            return an.cmp(&bn);
        }
        if aj != bj {
            return aj.cmp(&bj);
        }
        return x.cmp(&y);
    }
    ar.len().cmp(&br.len())
}
