//! Grapheme clusters (what Terraform's string functions count and cut by)
//! with a fast path for ASCII text, and lower-case hex digits.
//!
//! In ASCII text every character is a cluster of its own except CR LF,
//! which Unicode's rule GB3 keeps together; so ASCII strings (almost every
//! string a configuration holds) are split without the Unicode tables.

use unicode_segmentation::{Graphemes, UnicodeSegmentation};

/// The extended grapheme clusters of a string, in order.
pub(crate) enum Clusters<'a> {
    /// The rest of an ASCII string.
    Ascii(&'a str),
    /// Any other string.
    Unicode(Graphemes<'a>),
}

impl<'a> Iterator for Clusters<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        match self {
            Clusters::Ascii(rest) => {
                let bytes = rest.as_bytes();
                let n = match bytes {
                    [] => return None,
                    [b'\r', b'\n', ..] => 2,
                    _ => 1,
                };
                let (head, tail) = rest.split_at(n);
                *rest = tail;
                Some(head)
            }
            Clusters::Unicode(g) => g.next(),
        }
    }
}

/// The grapheme clusters of `s`.
pub(crate) fn graphemes(s: &str) -> Clusters<'_> {
    if s.is_ascii() {
        Clusters::Ascii(s)
    } else {
        Clusters::Unicode(s.graphemes(true))
    }
}

/// How many grapheme clusters `s` has.
pub(crate) fn grapheme_count(s: &str) -> usize {
    if s.is_ascii() {
        s.len() - s.as_bytes().windows(2).filter(|w| w == b"\r\n").count()
    } else {
        s.graphemes(true).count()
    }
}

/// Lower-case hex digits of `bytes` (Go's `hex.EncodeToString`).
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = vec![0u8; bytes.len() * 2];
    for (pair, b) in out.chunks_exact_mut(2).zip(bytes) {
        pair[0] = DIGITS[usize::from(b >> 4)];
        pair[1] = DIGITS[usize::from(b & 0xf)];
    }
    // Hex digits are ASCII, so this never falls back.
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_fast_path_splits_as_unicode_segmentation() {
        let cases = [
            "",
            "a",
            "abc",
            "\r\n",
            "a\r\nb",
            "\r\r\n\n",
            "\n\r",
            "\r",
            "tab\there\u{7f}\u{1}",
            "caf\u{e9}",
            "e\u{301}x",
            "\u{1f1e9}\u{1f1ea}",
            "a\r\n\u{e9}",
        ];
        for s in cases {
            let general: Vec<&str> = s.graphemes(true).collect();
            let fast: Vec<&str> = graphemes(s).collect();
            assert_eq!(fast, general, "{s:?}");
            assert_eq!(grapheme_count(s), general.len(), "{s:?}");
        }
        // Every two-byte ASCII string, through both paths.
        for a in 0u8..128 {
            for b in 0u8..128 {
                let s = String::from_utf8(vec![a, b]).unwrap_or_default();
                let general: Vec<&str> = s.graphemes(true).collect();
                assert_eq!(graphemes(&s).collect::<Vec<_>>(), general, "{s:?}");
                assert_eq!(grapheme_count(&s), general.len(), "{s:?}");
            }
        }
    }

    #[test]
    fn hex_matches_formatting() {
        let bytes: Vec<u8> = (0..=255).collect();
        let want: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex(&bytes), want);
    }
}
