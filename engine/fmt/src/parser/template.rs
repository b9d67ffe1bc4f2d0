//! Templates: quoted strings and heredocs, their interpolation sequences
//! and `%{ ... }` directives, and the check that directives nest.

use super::{err, Directive, PResult, SyntaxError};
use crate::strlit::decode_quoted_literal;
use crate::token::TokenKind;

impl super::Parser<'_> {
    /// Parses a template after its opening quote or heredoc introducer, up
    /// to and including the `end` token that closes it.
    pub(super) fn template(&mut self, end: TokenKind) -> PResult<()> {
        let mut directives: Vec<(Directive, usize, usize)> = Vec::new();
        // Where the template's content starts, which unclosed-sequence
        // errors point at.
        let parts_start = self.peek().start;
        loop {
            let tok = self.read();
            if tok.kind == end {
                break;
            }
            match tok.kind {
                TokenKind::QuotedLit => {
                    if let Err(e) = decode_quoted_literal(tok.text(self.src), tok.start) {
                        self.soft.push(e);
                    }
                }
                TokenKind::StringLit => {}
                TokenKind::TemplateInterp => {
                    self.with_newlines(false, |p| {
                        p.expression()?;
                        p.sequence_end(end, parts_start, "")
                    })?;
                }
                TokenKind::TemplateControl => {
                    let (d, bad_close) =
                        self.with_newlines(false, |p| p.directive(end, parts_start))?;
                    let close_end = self.tokens.get(self.last).map_or(tok.end, |t| t.end);
                    directives.push((d, tok.start, close_end));
                    if let Some(e) = bad_close {
                        // The reference parser skips to the end of the
                        // sequence and goes on; its template check still
                        // sees every directive of the template.
                        let (rest, end_at) = self.remaining_directives(end);
                        directives.extend(rest);
                        self.check_directives(&directives, end_at);
                        return Err(e);
                    }
                }
                _ => {
                    return Err(err(
                        "Unterminated template string",
                        "No closing marker was found for the string.",
                        tok.start,
                    ))
                }
            }
        }
        let end_at = self
            .tokens
            .get(self.last)
            .map_or(self.src.len(), |t| t.start);
        self.check_directives(&directives, end_at);
        Ok(())
    }

    /// Scans the rest of the current template (from the current position to
    /// its closing `end` token) for directives, without parsing their
    /// expressions. Returns them with their ranges, and where the template
    /// ends.
    fn remaining_directives(&self, end: TokenKind) -> (Vec<(Directive, usize, usize)>, usize) {
        let mut found = Vec::new();
        let mut depth = 0usize;
        let toks = &self.tokens[self.pos.min(self.tokens.len())..];
        for (i, t) in toks.iter().enumerate() {
            match t.kind {
                TokenKind::TemplateInterp => depth += 1,
                TokenKind::TemplateControl => {
                    if depth == 0 {
                        let kw = toks
                            .get(i + 1)
                            .filter(|k| k.kind == TokenKind::Ident)
                            .map(|k| k.text(self.src));
                        let d = match kw {
                            Some("if") => Some(Directive::If),
                            Some("for") => Some(Directive::For),
                            Some("else") => Some(Directive::Else),
                            Some("endif") => Some(Directive::EndIf),
                            Some("endfor") => Some(Directive::EndFor),
                            _ => None,
                        };
                        let close = toks[i..]
                            .iter()
                            .find(|c| c.kind == TokenKind::TemplateSeqEnd)
                            .map_or(t.end, |c| c.end);
                        if let Some(d) = d {
                            found.push((d, t.start, close));
                        }
                    }
                    depth += 1;
                }
                TokenKind::TemplateSeqEnd => depth = depth.saturating_sub(1),
                k if k == end && depth == 0 => return (found, t.start),
                TokenKind::Eof => return (found, t.start),
                _ => {}
            }
        }
        (found, self.src.len())
    }

    /// Checks that `if`/`else`/`endif` and `for`/`endfor` directives nest,
    /// reporting what the reference template parser reports (and carrying
    /// on, as it does). Each directive comes with its source range;
    /// `end_at` is where the template's closing delimiter is.
    fn check_directives(&mut self, directives: &[(Directive, usize, usize)], end_at: usize) {
        let error =
            |summary: String, detail: &str, start: usize, at: Option<(usize, usize)>| SyntaxError {
                summary,
                detail: detail.to_string(),
                start,
                at,
            };
        // Open `if`/`for` directives: kind, range, and whether an `else` was seen.
        let mut open: Vec<(Directive, (usize, usize), bool)> = Vec::new();
        for &(d, start, end) in directives {
            let name = match d {
                Directive::If => "if",
                Directive::For => "for",
                Directive::Else => "else",
                Directive::EndIf => "endif",
                Directive::EndFor => "endfor",
            };
            let unexpected = format!("Unexpected {name} directive");
            match (d, open.last_mut()) {
                (Directive::If | Directive::For, _) => open.push((d, (start, end), false)),
                (_, None) => self.soft.push(error(
                    unexpected,
                    "The control directives within this template are unbalanced.",
                    start,
                    None,
                )),
                (Directive::Else, Some((Directive::If, _, seen @ false))) => *seen = true,
                (Directive::EndIf, Some((Directive::If, ..)))
                | (Directive::EndFor, Some((Directive::For, ..))) => {
                    open.pop();
                }
                (_, Some(&mut (kind, range, _))) => {
                    let detail = match (d, kind) {
                        (Directive::Else, Directive::If) => {
                            "Already in the else clause for the if started{at}."
                        }
                        (Directive::Else, _) => {
                            "An else clause is not expected for a for directive."
                        }
                        (_, Directive::If) => {
                            "Expecting an endif directive for the if started{at}."
                        }
                        _ => {
                            "Expecting an endfor directive corresponding to the for directive{at}."
                        }
                    };
                    self.soft
                        .push(error(unexpected, detail, start, Some(range)));
                    open.pop();
                }
            }
        }
        while let Some((kind, range, _)) = open.pop() {
            let detail = match kind {
                Directive::For => {
                    "The for directive{at} is missing its corresponding endfor directive."
                }
                _ => "The if directive{at} is missing its corresponding endif directive.",
            };
            self.soft.push(error(
                "Unexpected end of template".into(),
                detail,
                end_at,
                Some(range),
            ));
        }
    }

    fn sequence_end(&mut self, end: TokenKind, open_at: usize, keyword: &str) -> PResult<()> {
        let close = self.peek();
        if close.kind == TokenKind::TemplateSeqEnd {
            self.read();
            return Ok(());
        }
        if !keyword.is_empty() {
            return Err(SyntaxError {
                summary: format!("Extra characters in {keyword} marker"),
                detail: "Expected a closing brace to end the sequence, but found extra characters."
                    .into(),
                start: close.start,
                at: None,
            });
        }
        let unclosed = "Unclosed template interpolation sequence";
        let extra = "Extra characters after interpolation expression";
        match close.kind {
            TokenKind::Eof => Err(err(
                unclosed,
                "There is no closing brace for this interpolation sequence before the end of the file. This might be caused by incorrect nesting inside the given expression.",
                open_at,
            )),
            TokenKind::Colon => Err(err(
                extra,
                "Template interpolation doesn't expect a colon at this location. Did you intend this to be a literal sequence to be processed as part of another language? If so, you can escape it by starting with \"$${\" instead of just \"${\".",
                close.start,
            )),
            TokenKind::CQuote | TokenKind::OQuote if end == TokenKind::CQuote => Err(err(
                unclosed,
                "There is no closing brace for this interpolation sequence before the end of the quoted template. This might be caused by incorrect nesting inside the given expression.",
                open_at,
            )),
            _ => Err(err(
                extra,
                "Expected a closing brace to end the interpolation expression, but found extra characters.\n\nThis can happen when you include interpolation syntax for another language, such as shell scripting, but forget to escape the interpolation start token. If this is an embedded sequence for another language, escape it by starting with \"$${\" instead of just \"${\".",
                close.start,
            )),
        }
    }

    /// Parses a `%{ ... }` directive after its introducer. A malformed
    /// closing brace is returned beside the directive rather than as the
    /// result, so the caller can still check the template's nesting.
    fn directive(
        &mut self,
        end: TokenKind,
        open_at: usize,
    ) -> PResult<(Directive, Option<SyntaxError>)> {
        let kw = self.peek();
        if kw.kind != TokenKind::Ident {
            return Err(err(
                "Invalid template directive",
                "A template directive keyword (\"if\", \"for\", etc) is expected at the beginning of a %{ sequence.",
                kw.start,
            ));
        }
        self.read();
        let word = kw.text(self.src);
        let d = match word {
            "if" => {
                self.expression()?;
                Directive::If
            }
            "else" => Directive::Else,
            "endif" => Directive::EndIf,
            "endfor" => Directive::EndFor,
            "for" => {
                let invalid = |detail: &str, at: usize| err("Invalid 'for' directive", detail, at);
                let name = self.peek();
                if name.kind != TokenKind::Ident {
                    return Err(invalid(
                        "For directive requires variable name after 'for'.",
                        name.start,
                    ));
                }
                self.read();
                if self.peek().kind == TokenKind::Comma {
                    self.read();
                    let name = self.peek();
                    if name.kind != TokenKind::Ident {
                        return Err(invalid(
                            "For directive requires value variable name after comma.",
                            name.start,
                        ));
                    }
                    self.read();
                }
                let in_kw = self.peek();
                if !self.is_keyword(in_kw, "in") {
                    return Err(invalid(
                        "For directive requires 'in' keyword after names.",
                        in_kw.start,
                    ));
                }
                self.read();
                self.expression()?;
                Directive::For
            }
            other => {
                let suggestion = ["if", "for", "else", "endif", "endfor"]
                    .into_iter()
                    .find(|s| levenshtein(other, s) < 3)
                    .map(|s| format!(" Did you mean {s:?}?"))
                    .unwrap_or_default();
                return Err(SyntaxError {
                    summary: "Invalid template control keyword".into(),
                    detail: format!(
                        "{other:?} is not a valid template control keyword.{suggestion}"
                    ),
                    start: kw.start,
                    at: None,
                });
            }
        };
        // A directive with junk before its closing brace still counts as
        // a directive for the nesting check, as in the reference parser.
        let close = self.sequence_end(end, open_at, word).err();
        Ok((d, close))
    }
}

/// Edit distance between two words, for keyword suggestions.
fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}
