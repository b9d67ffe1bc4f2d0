//! The token rewrites `terraform fmt` makes before laying a file out:
//!
//! - an attribute whose whole value is one interpolation, `"${expr}"`,
//!   becomes `expr` (wrapped in parentheses if it spans several lines);
//! - in a top-level `variable` block, legacy type constraints are
//!   modernised: `"string"` to `string`, `"list"` to `list(string)`,
//!   `"map"` to `map(string)`, and a bare `list`/`map`/`set` gains `(any)`;
//! - block labels are rewritten in the quoted form with canonical escapes,
//!   which also drops anything (such as comments) before or between them.
//!
//! Only attributes of bodies are touched, never object-constructor items.

use crate::layout::LayoutToken;
use crate::parser::{Attribute, Block, Body, Item};
use crate::strlit::escape_label;
use crate::token::{Token, TokenKind};

/// A replacement of the token range `[first, last]` (inclusive).
struct Splice {
    first: usize,
    last: usize,
    with: Vec<LayoutToken>,
}

/// Builds the token list to lay out: the lexed tokens (with their original
/// spacing) after applying the rewrites for the parsed `body`.
pub(crate) fn rewrite(src: &str, tokens: &[Token], body: &Body) -> Vec<LayoutToken> {
    let mut base = Vec::with_capacity(tokens.len());
    let mut last_end = 0;
    for t in tokens {
        base.push(LayoutToken {
            kind: t.kind,
            text: t.text(src).to_string(),
            spaces: t.start.saturating_sub(last_end),
        });
        last_end = t.end;
    }

    let mut splices = Vec::new();
    collect(&base, body, &[], &mut splices);
    splices.sort_by_key(|s| s.first);

    let mut out = Vec::with_capacity(base.len());
    let mut next = 0;
    for s in splices {
        if s.first < next {
            continue; // cannot happen for ranges from a well-formed parse
        }
        out.extend_from_slice(&base[next..s.first]);
        out.extend(s.with);
        next = s.last + 1;
    }
    if next < base.len() {
        out.extend_from_slice(&base[next..]);
    }
    out
}

fn collect(base: &[LayoutToken], body: &Body, blocks: &[&str], out: &mut Vec<Splice>) {
    for item in &body.items {
        match item {
            Item::Attribute(attr) => {
                if let Some(s) = rewrite_attribute(base, attr, blocks) {
                    out.push(s);
                }
            }
            Item::Block(block) => {
                if let Some(s) = rewrite_labels(base, block) {
                    out.push(s);
                }
                let mut inner = blocks.to_vec();
                inner.push(&block.type_name);
                collect(base, &block.body, &inner, out);
            }
        }
    }
}

fn rewrite_labels(base: &[LayoutToken], block: &Block) -> Option<Splice> {
    let last = block.labels.last()?.last;
    let mut with = Vec::new();
    for label in &block.labels {
        let Some(value) = &label.value else { continue };
        with.push(LayoutToken::new(TokenKind::OQuote, "\""));
        let escaped = escape_label(value);
        if !escaped.is_empty() {
            with.push(LayoutToken::new(TokenKind::QuotedLit, &escaped));
        }
        with.push(LayoutToken::new(TokenKind::CQuote, "\""));
    }
    let first = block.type_tok + 1;
    let unchanged = last + 1 - first == with.len()
        && base[first..=last]
            .iter()
            .zip(&with)
            .all(|(a, b)| a.kind == b.kind && a.text == b.text);
    if unchanged {
        return None;
    }
    Some(Splice { first, last, with })
}

fn rewrite_attribute(base: &[LayoutToken], attr: &Attribute, blocks: &[&str]) -> Option<Splice> {
    let (first, last) = attr.expr;
    let expr = base.get(first..=last)?;
    let with = if blocks == ["variable"] && attr.name == "type" {
        type_expr(expr)?
    } else {
        unwrap_interpolation(expr)?
    };
    Some(Splice { first, last, with })
}

fn kinds_are(tokens: &[LayoutToken], kinds: &[TokenKind]) -> bool {
    tokens.len() == kinds.len() && tokens.iter().zip(kinds).all(|(t, k)| t.kind == *k)
}

fn call_tokens(name: &str, arg: &str) -> Vec<LayoutToken> {
    vec![
        LayoutToken::new(TokenKind::Ident, name),
        LayoutToken::new(TokenKind::OParen, "("),
        LayoutToken::new(TokenKind::Ident, arg),
        LayoutToken::new(TokenKind::CParen, ")"),
    ]
}

/// Normalises a legacy variable type constraint, or returns `None` to keep it.
fn type_expr(expr: &[LayoutToken]) -> Option<Vec<LayoutToken>> {
    use TokenKind as K;
    if kinds_are(expr, &[K::Ident]) {
        let kw = expr[0].text.as_str();
        return matches!(kw, "list" | "map" | "set").then(|| call_tokens(kw, "any"));
    }
    if kinds_are(expr, &[K::OQuote, K::QuotedLit, K::CQuote]) {
        return match expr[1].text.as_str() {
            "string" => Some(vec![LayoutToken::new(K::Ident, "string")]),
            "list" => Some(call_tokens("list", "string")),
            "map" => Some(call_tokens("map", "string")),
            _ => None,
        };
    }
    None
}

/// Unwraps `"${expr}"` to `expr`, or returns `None` to keep the tokens.
fn unwrap_interpolation(expr: &[LayoutToken]) -> Option<Vec<LayoutToken>> {
    use TokenKind as K;
    let n = expr.len();
    if n < 5
        || expr[0].kind != K::OQuote
        || expr[1].kind != K::TemplateInterp
        || expr[n - 2].kind != K::TemplateSeqEnd
        || expr[n - 1].kind != K::CQuote
    {
        return None;
    }
    let inside = &expr[2..n - 2];
    let mut quotes = 0i32;
    for t in inside {
        match t.kind {
            K::OQuote => quotes += 1,
            K::CQuote => quotes -= 1,
            _ if quotes > 0 => {}
            K::TemplateInterp | K::TemplateSeqEnd | K::QuotedLit => return None,
            _ => {}
        }
    }
    let start = inside
        .iter()
        .position(|t| t.kind != K::Newline)
        .unwrap_or(inside.len());
    let end = inside
        .iter()
        .rposition(|t| t.kind != K::Newline)
        .map_or(start, |i| i + 1);
    let trimmed = &inside[start..end.max(start)];

    let multi_line = trimmed.iter().any(|t| t.kind == K::Newline);
    let leading_paren = trimmed.first().is_some_and(|t| t.kind == K::OParen);
    let trailing_paren = trimmed.last().is_some_and(|t| t.kind == K::CParen);
    let mut out = Vec::with_capacity(trimmed.len() + 2);
    if multi_line && !(leading_paren && trailing_paren) {
        out.push(LayoutToken::new(K::OParen, "("));
        out.extend_from_slice(trimmed);
        out.push(LayoutToken::new(K::CParen, ")"));
    } else {
        out.extend_from_slice(trimmed);
    }
    Some(out)
}
