//! A scanner for the HCL native syntax that reproduces the token stream of
//! the reference scanner (kinds and byte boundaries that matter for layout).
//!
//! The scanner is modal: the main mode lexes expressions and structure, the
//! quoted-template and heredoc-template modes lex string contents, and
//! template sequences (`${ ... }`, `%{ ... }`) re-enter the main mode until
//! their closing brace. Literal text is emitted as one token per run (the
//! reference scanner sometimes splits runs at `$` or `%`, which never changes
//! the layout because literal tokens are never separated by spaces).

use crate::token::{Token, TokenKind};

/// One entry of the mode stack.
enum Mode {
    Main,
    Quoted,
    Heredoc { marker: String, start_of_line: bool },
}

struct Lexer<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    tokens: Vec<Token>,
    modes: Vec<Mode>,
    braces: i64,
    ret_braces: Vec<i64>,
}

/// Lexes `src` into tokens, ending with an `Eof` token. A UTF-8 byte order
/// mark at the start is skipped (its bytes belong to no token).
pub(crate) fn lex(src: &str) -> Vec<Token> {
    let start = if src.starts_with('\u{feff}') { 3 } else { 0 };
    let mut lx = Lexer {
        src,
        bytes: src.as_bytes(),
        pos: start,
        tokens: Vec::new(),
        modes: vec![Mode::Main],
        braces: 0,
        ret_braces: Vec::new(),
    };
    lx.run();
    let len = src.len();
    lx.tokens.push(Token {
        kind: TokenKind::Eof,
        start: len,
        end: len,
    });
    lx.tokens
}

pub(crate) fn is_ident_start(c: char) -> bool {
    c == '_' || unicode_ident::is_xid_start(c)
}

pub(crate) fn is_ident_continue(c: char) -> bool {
    c == '-' || c == '_' || unicode_ident::is_xid_continue(c)
}

impl Lexer<'_> {
    fn emit(&mut self, kind: TokenKind, start: usize, end: usize) {
        self.tokens.push(Token { kind, start, end });
    }

    fn peek_byte(&self, at: usize) -> Option<u8> {
        self.bytes.get(at).copied()
    }

    fn char_at(&self, at: usize) -> Option<char> {
        self.src.get(at..).and_then(|s| s.chars().next())
    }

    fn run(&mut self) {
        while self.pos < self.bytes.len() {
            match self.modes.last() {
                Some(Mode::Main) | None => self.main_step(),
                Some(Mode::Quoted) => self.quoted_step(),
                Some(Mode::Heredoc { .. }) => self.heredoc_step(),
            }
        }
    }

    /// Length of an identifier starting at `at`, or 0 if none starts there.
    fn ident_len(&self, at: usize) -> usize {
        let Some(rest) = self.src.get(at..) else {
            return 0;
        };
        let mut chars = rest.char_indices();
        match chars.next() {
            Some((_, c)) if is_ident_start(c) => {}
            _ => return 0,
        }
        for (i, c) in chars {
            if !is_ident_continue(c) {
                return i;
            }
        }
        rest.len()
    }

    fn number_len(&self, at: usize) -> usize {
        let b = self.bytes;
        let mut j = at + 1;
        loop {
            match b.get(j) {
                Some(c) if c.is_ascii_digit() || *c == b'.' => j += 1,
                Some(b'e' | b'E') => {
                    let mut k = j + 1;
                    if matches!(b.get(k), Some(b'+' | b'-')) {
                        k += 1;
                    }
                    if b.get(k).is_some_and(|c| c.is_ascii_digit()) {
                        j = k + 1;
                    } else {
                        break;
                    }
                }
                _ => break,
            }
        }
        while j > at + 1 && b[j - 1] == b'.' {
            j -= 1;
        }
        j - at
    }

    fn main_step(&mut self) {
        let i = self.pos;
        let Some(c) = self.char_at(i) else {
            self.pos = self.bytes.len();
            return;
        };
        let next = self.peek_byte(i + 1);
        let single = |kind| (kind, 1usize);
        let (kind, len) = match c {
            ' ' | '\t' => {
                self.pos += 1;
                return;
            }
            '0'..='9' => (TokenKind::NumberLit, self.number_len(i)),
            '#' => (TokenKind::Comment, self.line_comment_len(i)),
            '/' if next == Some(b'/') => (TokenKind::Comment, self.line_comment_len(i)),
            '/' if next == Some(b'*') => match self.src[i + 2..].find("*/") {
                Some(end) => (TokenKind::Comment, end + 4),
                None => single(TokenKind::Slash),
            },
            '\n' => single(TokenKind::Newline),
            '\r' if next == Some(b'\n') => (TokenKind::Newline, 2),
            '=' if next == Some(b'=') => (TokenKind::EqualOp, 2),
            '=' if next == Some(b'>') => (TokenKind::FatArrow, 2),
            '!' if next == Some(b'=') => (TokenKind::NotEqual, 2),
            '>' if next == Some(b'=') => (TokenKind::GreaterThanEq, 2),
            '<' if next == Some(b'=') => (TokenKind::LessThanEq, 2),
            '&' if next == Some(b'&') => (TokenKind::And, 2),
            '|' if next == Some(b'|') => (TokenKind::Or, 2),
            ':' if next == Some(b':') => (TokenKind::DoubleColon, 2),
            '.' if next == Some(b'.') && self.peek_byte(i + 2) == Some(b'.') => {
                (TokenKind::Ellipsis, 3)
            }
            '<' if next == Some(b'<') => {
                if let Some((len, marker)) = self.heredoc_intro(i) {
                    self.emit(TokenKind::OHeredoc, i, i + len);
                    self.pos = i + len;
                    self.modes.push(Mode::Heredoc {
                        marker,
                        start_of_line: true,
                    });
                    return;
                }
                single(TokenKind::LessThan)
            }
            '{' => {
                self.braces += 1;
                single(TokenKind::OBrace)
            }
            '}' => {
                let kind = if self.ret_braces.last() == Some(&self.braces) {
                    self.ret_braces.pop();
                    self.modes.pop();
                    TokenKind::TemplateSeqEnd
                } else {
                    TokenKind::CBrace
                };
                self.braces -= 1;
                single(kind)
            }
            '~' if next == Some(b'}') => {
                if self.ret_braces.last() == Some(&self.braces) {
                    self.ret_braces.pop();
                    self.modes.pop();
                }
                self.braces -= 1;
                (TokenKind::TemplateSeqEnd, 2)
            }
            '"' => {
                self.emit(TokenKind::OQuote, i, i + 1);
                self.pos = i + 1;
                self.modes.push(Mode::Quoted);
                return;
            }
            '[' => single(TokenKind::OBrack),
            ']' => single(TokenKind::CBrack),
            '(' => single(TokenKind::OParen),
            ')' => single(TokenKind::CParen),
            '.' => single(TokenKind::Dot),
            ',' => single(TokenKind::Comma),
            '*' => single(TokenKind::Star),
            '/' => single(TokenKind::Slash),
            '%' => single(TokenKind::Percent),
            '+' => single(TokenKind::Plus),
            '-' => single(TokenKind::Minus),
            '=' => single(TokenKind::Equal),
            '<' => single(TokenKind::LessThan),
            '>' => single(TokenKind::GreaterThan),
            '!' => single(TokenKind::Bang),
            '?' => single(TokenKind::Question),
            ':' => single(TokenKind::Colon),
            '&' => single(TokenKind::BitwiseAnd),
            '|' => single(TokenKind::BitwiseOr),
            '~' => single(TokenKind::BitwiseNot),
            '^' => single(TokenKind::BitwiseXor),
            ';' => single(TokenKind::Semicolon),
            '`' => single(TokenKind::Backtick),
            '\'' => single(TokenKind::Apostrophe),
            c if is_ident_start(c) => (TokenKind::Ident, self.ident_len(i)),
            c => (TokenKind::Invalid, c.len_utf8()),
        };
        self.emit(kind, i, i + len);
        self.pos = i + len;
    }

    fn line_comment_len(&self, at: usize) -> usize {
        match self.src[at..].find('\n') {
            Some(nl) => nl + 1,
            None => self.src.len() - at,
        }
    }

    /// Recognises `<<` `-`? identifier newline at `at`, returning the
    /// introducer's length (including its newline) and the closing marker.
    fn heredoc_intro(&self, at: usize) -> Option<(usize, String)> {
        let mut j = at + 2;
        if self.peek_byte(j) == Some(b'-') {
            j += 1;
        }
        let id_len = self.ident_len(j);
        if id_len == 0 {
            return None;
        }
        let marker = self.src[j..j + id_len].to_string();
        j += id_len;
        if self.peek_byte(j) == Some(b'\r') {
            j += 1;
        }
        if self.peek_byte(j) != Some(b'\n') {
            return None;
        }
        Some((j + 1 - at, marker))
    }

    /// Checks for `${`/`%{` (optionally followed by `~`) at `at`.
    fn template_intro(&self, at: usize) -> Option<(TokenKind, usize)> {
        let kind = match self.peek_byte(at) {
            Some(b'$') => TokenKind::TemplateInterp,
            Some(b'%') => TokenKind::TemplateControl,
            _ => return None,
        };
        if self.peek_byte(at + 1) != Some(b'{') {
            return None;
        }
        let len = if self.peek_byte(at + 2) == Some(b'~') {
            3
        } else {
            2
        };
        Some((kind, len))
    }

    /// Length of an escaped template introducer (`$${`, `%%{`, with an
    /// optional `~`) at `at`, or 0.
    fn escaped_intro_len(&self, at: usize) -> usize {
        let c = self.peek_byte(at);
        if matches!(c, Some(b'$' | b'%'))
            && self.peek_byte(at + 1) == c
            && self.peek_byte(at + 2) == Some(b'{')
        {
            return if self.peek_byte(at + 3) == Some(b'~') {
                4
            } else {
                3
            };
        }
        0
    }

    fn begin_sequence(&mut self, kind: TokenKind, at: usize, len: usize) {
        self.emit(kind, at, at + len);
        self.pos = at + len;
        self.braces += 1;
        self.ret_braces.push(self.braces);
        if let Some(Mode::Heredoc { start_of_line, .. }) = self.modes.last_mut() {
            *start_of_line = false;
        }
        self.modes.push(Mode::Main);
    }

    fn quoted_step(&mut self) {
        let i = self.pos;
        if let Some((kind, len)) = self.template_intro(i) {
            self.begin_sequence(kind, i, len);
            return;
        }
        match self.peek_byte(i) {
            Some(b'"') => {
                self.emit(TokenKind::CQuote, i, i + 1);
                self.pos = i + 1;
                self.modes.pop();
                return;
            }
            Some(b'\r' | b'\n') => {
                let mut j = i;
                while matches!(self.peek_byte(j), Some(b'\r' | b'\n')) {
                    j += 1;
                }
                self.emit(TokenKind::QuotedNewline, i, j);
                self.pos = j;
                return;
            }
            _ => {}
        }
        let mut j = i;
        while j < self.bytes.len() {
            let esc = self.escaped_intro_len(j);
            if esc > 0 {
                j += esc;
                continue;
            }
            if self.template_intro(j).is_some() {
                break;
            }
            match self.bytes[j] {
                b'"' | b'\r' | b'\n' => break,
                b'\\' => match self.char_at(j + 1) {
                    Some(c) if c != '\r' && c != '\n' => j += 1 + c.len_utf8(),
                    _ => break,
                },
                _ => j += self.char_at(j).map_or(1, char::len_utf8),
            }
        }
        if j == i {
            // A backslash with nothing escapable after it.
            self.emit(TokenKind::Invalid, i, i + 1);
            self.pos = i + 1;
            return;
        }
        self.emit(TokenKind::QuotedLit, i, j);
        self.pos = j;
    }

    fn heredoc_step(&mut self) {
        let i = self.pos;
        let (marker, sol) = match self.modes.last() {
            Some(Mode::Heredoc {
                marker,
                start_of_line,
            }) => (marker.clone(), *start_of_line),
            _ => return,
        };
        if sol {
            if let Some(nl) = self.src[i..].find('\n') {
                let line = &self.src[i..i + nl + 1];
                if line.trim() == marker {
                    let mut end = i + nl;
                    if end > i && self.bytes[end - 1] == b'\r' {
                        end -= 1;
                    }
                    self.emit(TokenKind::CHeredoc, i, end);
                    self.emit(TokenKind::Newline, end, i + nl + 1);
                    self.pos = i + nl + 1;
                    self.modes.pop();
                    return;
                }
            }
        }
        if let Some((kind, len)) = self.template_intro(i) {
            self.begin_sequence(kind, i, len);
            return;
        }
        let mut j = i;
        let mut ended_line = false;
        while j < self.bytes.len() {
            let esc = self.escaped_intro_len(j);
            if esc > 0 {
                j += esc;
                continue;
            }
            if self.template_intro(j).is_some() {
                break;
            }
            match self.bytes[j] {
                b'\n' => {
                    j += 1;
                    ended_line = true;
                    break;
                }
                b'\r' if self.peek_byte(j + 1) == Some(b'\n') => {
                    j += 2;
                    ended_line = true;
                    break;
                }
                b'\r' => break,
                _ => j += self.char_at(j).map_or(1, char::len_utf8),
            }
        }
        if j == i {
            // A lone carriage return, which heredoc text may not contain.
            self.emit(TokenKind::Invalid, i, i + 1);
            self.pos = i + 1;
            return;
        }
        self.emit(TokenKind::StringLit, i, j);
        self.pos = j;
        if let Some(Mode::Heredoc { start_of_line, .. }) = self.modes.last_mut() {
            *start_of_line = ended_line;
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<TokenKind> {
        lex(src).into_iter().map(|t| t.kind).collect()
    }

    #[test]
    fn numbers_do_not_end_in_dots() {
        let toks = lex("a.0.b 1.5e3 1.");
        let texts: Vec<&str> = toks.iter().map(|t| t.text("a.0.b 1.5e3 1.")).collect();
        assert_eq!(texts, vec!["a", ".", "0", ".", "b", "1.5e3", "1", ".", ""]);
    }

    #[test]
    fn template_sequences_nest() {
        use TokenKind::*;
        assert_eq!(
            kinds("x = \"a${b({c = 1})}d\"\n"),
            vec![
                Ident,
                Equal,
                OQuote,
                QuotedLit,
                TemplateInterp,
                Ident,
                OParen,
                OBrace,
                Ident,
                Equal,
                NumberLit,
                CBrace,
                CParen,
                TemplateSeqEnd,
                QuotedLit,
                CQuote,
                Newline,
                Eof
            ]
        );
    }

    #[test]
    fn heredoc_marker_and_newline_are_separate() {
        use TokenKind::*;
        assert_eq!(
            kinds("x = <<-EOT\n  a ${b}\n  EOT\n"),
            vec![
                Ident,
                Equal,
                OHeredoc,
                StringLit,
                TemplateInterp,
                Ident,
                TemplateSeqEnd,
                StringLit,
                CHeredoc,
                Newline,
                Eof
            ]
        );
    }

    #[test]
    fn escaped_introducers_stay_literal() {
        use TokenKind::*;
        assert_eq!(kinds("\"$${a}\""), vec![OQuote, QuotedLit, CQuote, Eof]);
    }
}
