//! A validating recursive-descent parser for the HCL native syntax.
//!
//! `terraform fmt` refuses to touch a file that does not parse, so this
//! parser accepts exactly the native syntax (bodies, blocks, one-line blocks,
//! every expression form, templates with directives) and stops at the first
//! syntax error. Its output is only the structure the formatter needs: which
//! token ranges are attribute expressions and block labels, and in which
//! blocks they sit. Comments are skipped the way the reference parser skips
//! them: a `#`/`//` comment stands for a newline where newlines matter.

use std::collections::HashMap;

use crate::strlit::{decode_quoted_literal, reference_literal_pieces, valid_number};
use crate::token::{Token, TokenKind};

mod template;

/// A syntax error: a short summary, a detail sentence and the byte range of
/// the offending source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    pub(crate) summary: String,
    /// The detail sentence; an [`AT`] marker in it stands for " at " and the
    /// source range `at`, which can only be written once the file name is
    /// known (it is left out when there is none).
    pub(crate) detail: String,
    pub(crate) start: usize,
    pub(crate) at: Option<(usize, usize)>,
}

/// Placeholder in [`SyntaxError::detail`] for a reference to another place.
pub(crate) const AT: &str = "{at}";

type PResult<T> = Result<T, SyntaxError>;

/// A parsed body: its attributes and blocks in source order.
#[derive(Debug, Default)]
pub(crate) struct Body {
    pub(crate) items: Vec<Item>,
}

#[derive(Debug)]
pub(crate) enum Item {
    Attribute(Attribute),
    Block(Block),
}

#[derive(Debug)]
pub(crate) struct Attribute {
    pub(crate) name: String,
    /// Token indices `[first, last]` of the expression (inclusive).
    pub(crate) expr: (usize, usize),
}

#[derive(Debug)]
pub(crate) struct Block {
    pub(crate) type_name: String,
    /// Token index of the block type identifier.
    pub(crate) type_tok: usize,
    pub(crate) labels: Vec<Label>,
    pub(crate) body: Body,
}

#[derive(Debug)]
pub(crate) struct Label {
    /// Token index of the label's last token.
    pub(crate) last: usize,
    /// The label's string value, escapes decoded; `None` for a quoted label
    /// that the reference scanner splits into several literal tokens, which
    /// `terraform fmt` drops when it rewrites labels.
    pub(crate) value: Option<String>,
}

/// Parses a whole configuration file from its tokens.
pub(crate) fn parse(src: &str, tokens: &[Token]) -> PResult<Body> {
    // Terraform reports every diagnostic sorted by position, so the first
    // one shown is the earliest of the invalid tokens, the errors the
    // parser carries on after, and the error that stops it.
    let invalid = check_invalid_tokens(src, tokens).err();
    let mut p = Parser {
        src,
        tokens,
        pos: 0,
        last: 0,
        newlines: vec![true],
        depth: 0,
        soft: Vec::new(),
    };
    let parsed = p.body(TokenKind::Eof, 0);
    let mut errors: Vec<SyntaxError> = invalid.into_iter().chain(p.soft).collect();
    let body = match parsed {
        Ok(body) => body,
        Err(e) => {
            errors.push(e);
            Body::default()
        }
    };
    // The earliest error; among errors at the same place, the first found.
    match errors
        .into_iter()
        .reduce(|a, b| if b.start < a.start { b } else { a })
    {
        Some(e) => Err(e),
        None => Ok(body),
    }
}

fn err(summary: &str, detail: &str, start: usize) -> SyntaxError {
    SyntaxError {
        summary: summary.to_string(),
        detail: detail.to_string(),
        start,
        at: None,
    }
}

/// Reports the first token that the language never allows.
fn check_invalid_tokens(src: &str, tokens: &[Token]) -> Result<(), SyntaxError> {
    for t in tokens {
        let (summary, detail) = match t.kind {
            TokenKind::BitwiseAnd => (
                "Unsupported operator",
                "Bitwise operators are not supported. Did you mean boolean AND (\"&&\")?",
            ),
            TokenKind::BitwiseOr => (
                "Unsupported operator",
                "Bitwise operators are not supported. Did you mean boolean OR (\"||\")?",
            ),
            TokenKind::BitwiseNot => (
                "Unsupported operator",
                "Bitwise operators are not supported. Did you mean boolean NOT (\"!\")?",
            ),
            TokenKind::BitwiseXor => (
                "Unsupported operator",
                "Bitwise operators are not supported.",
            ),
            TokenKind::Backtick => (
                "Invalid character",
                "The \"`\" character is not valid. To create a multi-line string, use the \"heredoc\" syntax, like \"<<EOT\".",
            ),
            TokenKind::Apostrophe => (
                "Invalid character",
                "Single quotes are not valid. Use double quotes (\") to enclose strings.",
            ),
            TokenKind::Semicolon => (
                "Invalid character",
                "The \";\" character is not valid. Use newlines to separate arguments and blocks, and commas to separate items in collection values.",
            ),
            TokenKind::QuotedNewline => (
                "Invalid multi-line string",
                "Quoted strings may not be split over multiple lines. To produce a multi-line string, either use the \\n escape to represent a newline character or use the \"heredoc\" multi-line template syntax.",
            ),
            TokenKind::Invalid => match t.text(src) {
                "\u{201c}" | "\u{201d}" => (
                    "Invalid character",
                    "\"Curly quotes\" are not valid here. These can sometimes be inadvertently introduced when sharing code via documents or discussion forums. It might help to replace the character with a \"straight quote\".",
                ),
                _ => (
                    "Invalid character",
                    "This character is not used within the language.",
                ),
            },
            _ => continue,
        };
        return Err(err(summary, detail, t.start));
    }
    Ok(())
}

/// One piece of a template, for checking directive nesting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Directive {
    If,
    Else,
    EndIf,
    For,
    EndFor,
}

struct Parser<'a> {
    src: &'a str,
    tokens: &'a [Token],
    /// Index of the next token to consider.
    pos: usize,
    /// Index of the last token read.
    last: usize,
    /// Whether newlines are significant, innermost last.
    newlines: Vec<bool>,
    /// Current nesting of expressions and blocks, bounded by [`MAX_DEPTH`].
    depth: usize,
    /// Errors after which the reference parser carries on normally (bad
    /// escapes and numbers, duplicate arguments, misused `for` parts,
    /// unbalanced template directives).
    soft: Vec<SyntaxError>,
}

/// How deeply expressions and blocks may nest. Terraform has no such limit,
/// but a recursive parser needs one to refuse pathological input instead of
/// exhausting its stack; real configurations stay far below it.
const MAX_DEPTH: usize = 200;

impl Parser<'_> {
    fn include_newlines(&self) -> bool {
        self.newlines.last().copied().unwrap_or(true)
    }

    /// The next significant token and its index, without consuming it.
    fn peek_at(&self) -> (Token, usize) {
        let nl = self.include_newlines();
        let mut i = self.pos;
        while i < self.tokens.len() {
            let t = self.tokens[i];
            match t.kind {
                TokenKind::Comment => {
                    if nl && t.text(self.src).ends_with('\n') {
                        // A line comment ends its line.
                        let fake = Token {
                            kind: TokenKind::Newline,
                            start: t.end - 1,
                            end: t.end,
                        };
                        return (fake, i);
                    }
                }
                TokenKind::Newline if !nl => {}
                _ => return (t, i),
            }
            i += 1;
        }
        let end = self.src.len();
        (
            Token {
                kind: TokenKind::Eof,
                start: end,
                end,
            },
            self.tokens.len().saturating_sub(1),
        )
    }

    fn peek(&self) -> Token {
        self.peek_at().0
    }

    fn read(&mut self) -> Token {
        let (t, i) = self.peek_at();
        if t.kind != TokenKind::Eof {
            self.pos = i + 1;
            self.last = i;
        }
        t
    }

    fn is_keyword(&self, t: Token, kw: &str) -> bool {
        t.kind == TokenKind::Ident && t.text(self.src) == kw
    }

    fn with_newlines<T>(
        &mut self,
        on: bool,
        f: impl FnOnce(&mut Self) -> PResult<T>,
    ) -> PResult<T> {
        self.newlines.push(on);
        let r = f(self);
        self.newlines.pop();
        r
    }

    // ---- bodies -------------------------------------------------------

    /// Parses a body up to `end`; `open_at` is where the body's opening
    /// brace is, which an unclosed-block error points at.
    fn body(&mut self, end: TokenKind, open_at: usize) -> PResult<Body> {
        let mut body = Body::default();
        let mut names: HashMap<String, (usize, usize)> = HashMap::new();
        loop {
            let next = self.peek();
            if next.kind == end {
                self.read();
                return Ok(body);
            }
            match next.kind {
                TokenKind::Newline => {
                    self.read();
                }
                TokenKind::Ident => {
                    let item = self.body_item()?;
                    if let Item::Attribute(a) = &item {
                        match names.get(&a.name) {
                            Some(&first) => self.soft.push(SyntaxError {
                                summary: "Attribute redefined".into(),
                                detail: format!(
                                    "The argument {:?} was already set{AT}. Each argument may be set only once.",
                                    a.name
                                ),
                                start: next.start,
                                at: Some(first),
                            }),
                            None => {
                                names.insert(a.name.clone(), (next.start, next.end));
                            }
                        }
                    }
                    body.items.push(item);
                }
                TokenKind::OQuote => {
                    return Err(err(
                        "Invalid argument name",
                        "Argument names must not be quoted.",
                        next.start,
                    ))
                }
                TokenKind::Eof => {
                    return Err(err(
                        "Unclosed configuration block",
                        "There is no closing brace for this block before the end of the file. This may be caused by incorrect brace nesting elsewhere in this file.",
                        open_at,
                    ))
                }
                _ => {
                    return Err(err(
                        "Argument or block definition required",
                        "An argument or block definition is required here.",
                        next.start,
                    ))
                }
            }
        }
    }

    fn body_item(&mut self) -> PResult<Item> {
        let ident = self.read();
        let ident_idx = self.last;
        let next = self.peek();
        match next.kind {
            TokenKind::Equal => self.attribute(ident, false).map(Item::Attribute),
            TokenKind::OQuote | TokenKind::OBrace | TokenKind::Ident => {
                self.block(ident, ident_idx).map(Item::Block)
            }
            _ => Err(err(
                "Argument or block definition required",
                "An argument or block definition is required here. To set an argument, use the equals sign \"=\" to introduce the argument value.",
                ident.start,
            )),
        }
    }

    fn attribute(&mut self, ident: Token, single_line: bool) -> PResult<Attribute> {
        self.read(); // the equals sign
        let expr = self.expression()?;
        if !single_line {
            let end = self.peek();
            match end.kind {
                TokenKind::Newline => {
                    self.read();
                }
                TokenKind::Eof => {}
                TokenKind::Comma => {
                    return Err(err(
                        "Unexpected comma after argument",
                        "Argument definitions must be separated by newlines, not commas. An argument definition must end with a newline.",
                        end.start,
                    ))
                }
                _ => {
                    return Err(err(
                        "Missing newline after argument",
                        "An argument definition must end with a newline.",
                        end.start,
                    ))
                }
            }
        }
        Ok(Attribute {
            name: ident.text(self.src).to_string(),
            expr,
        })
    }

    fn block(&mut self, ident: Token, type_tok: usize) -> PResult<Block> {
        self.enter()?;
        let r = self.block_inner(ident, type_tok);
        self.depth -= 1;
        r
    }

    fn block_inner(&mut self, ident: Token, type_tok: usize) -> PResult<Block> {
        let mut labels = Vec::new();
        let open_at = loop {
            let tok = self.peek();
            match tok.kind {
                TokenKind::OBrace => {
                    self.read();
                    break tok.start;
                }
                TokenKind::OQuote => labels.push(self.quoted_label()?),
                TokenKind::Ident => {
                    self.read();
                    labels.push(Label {
                        last: self.last,
                        value: Some(tok.text(self.src).to_string()),
                    });
                }
                TokenKind::Equal => {
                    return Err(err(
                        "Invalid block definition",
                        "The equals sign \"=\" indicates an argument definition, and must not be used when defining a block.",
                        tok.start,
                    ))
                }
                TokenKind::Newline => {
                    return Err(err(
                        "Invalid block definition",
                        "A block definition must have block content delimited by \"{\" and \"}\", starting on the same line as the block header.",
                        tok.start,
                    ))
                }
                _ => {
                    return Err(err(
                        "Invalid block definition",
                        "Either a quoted string block label or an opening brace (\"{\") is expected here.",
                        tok.start,
                    ))
                }
            }
        };
        let body = match self.peek().kind {
            TokenKind::Newline | TokenKind::Eof | TokenKind::CBrace => {
                self.body(TokenKind::CBrace, open_at)?
            }
            _ => self.single_attr_body(open_at)?,
        };
        let eol = self.peek();
        match eol.kind {
            TokenKind::Newline | TokenKind::Eof => {
                self.read();
            }
            _ => {
                return Err(err(
                    "Missing newline after block definition",
                    "A block definition must end with a newline.",
                    eol.start,
                ))
            }
        }
        Ok(Block {
            type_name: ident.text(self.src).to_string(),
            type_tok,
            labels,
            body,
        })
    }

    fn single_attr_body(&mut self, open_at: usize) -> PResult<Body> {
        let ident = self.read();
        if ident.kind != TokenKind::Ident {
            return Err(err(
                "Argument or block definition required",
                "An argument or block definition is required here.",
                ident.start,
            ));
        }
        let next = self.peek();
        let attr = match next.kind {
            TokenKind::Equal => self.attribute(ident, true)?,
            TokenKind::OQuote | TokenKind::OBrace | TokenKind::Ident => {
                return Err(err(
                    "Argument definition required",
                    &format!(
                        "A single-line block definition can contain only a single argument. If you meant to define argument {:?}, use an equals sign to assign it a value. To define a nested block, place it on a line of its own within its parent block.",
                        ident.text(self.src)
                    ),
                    ident.start,
                ))
            }
            _ => {
                return Err(err(
                    "Argument or block definition required",
                    "An argument or block definition is required here. To set an argument, use the equals sign \"=\" to introduce the argument value.",
                    ident.start,
                ))
            }
        };
        let close = self.peek();
        match close.kind {
            TokenKind::CBrace => {
                self.read();
            }
            TokenKind::Comma => {
                return Err(err(
                    "Invalid single-argument block definition",
                    "Single-line block syntax can include only one argument definition. To define multiple arguments, use the multi-line block syntax with one argument definition per line.",
                    close.start,
                ))
            }
            TokenKind::Newline => {
                return Err(err(
                    "Invalid single-argument block definition",
                    "An argument definition on the same line as its containing block creates a single-line block definition, which must also be closed on the same line. Place the block's closing brace immediately after the argument definition.",
                    close.start,
                ))
            }
            TokenKind::Eof => {
                return Err(err(
                    "Unclosed configuration block",
                    "There is no closing brace for this block before the end of the file. This may be caused by incorrect brace nesting elsewhere in this file.",
                    open_at,
                ))
            }
            _ => {
                return Err(err(
                    "Invalid single-argument block definition",
                    "A single-line block definition must end with a closing brace immediately after its single argument definition.",
                    close.start,
                ))
            }
        }
        Ok(Body {
            items: vec![Item::Attribute(attr)],
        })
    }

    fn quoted_label(&mut self) -> PResult<Label> {
        self.read(); // opening quote
        let mut value = String::new();
        let mut pieces = 0;
        loop {
            let tok = self.read();
            match tok.kind {
                TokenKind::CQuote => break,
                TokenKind::QuotedLit => {
                    let text = tok.text(self.src);
                    pieces += reference_literal_pieces(text);
                    match decode_quoted_literal(text, tok.start) {
                        Ok(v) => value.push_str(&v),
                        Err(e) => self.soft.push(e),
                    }
                }
                TokenKind::TemplateInterp | TokenKind::TemplateControl => {
                    let which = if tok.kind == TokenKind::TemplateInterp {
                        '$'
                    } else {
                        '%'
                    };
                    return Err(SyntaxError {
                        summary: "Invalid string literal".into(),
                        detail: format!(
                            "Template sequences are not allowed in this string. To include a literal \"{which}\", double it (as \"{which}{which}\") to escape it."
                        ),
                        start: tok.start,
                        at: None,
                    });
                }
                TokenKind::Eof => {
                    return Err(err(
                        "Unterminated string literal",
                        "Unable to find the closing quote mark before the end of the file.",
                        tok.start,
                    ))
                }
                _ => {
                    return Err(err(
                        "Invalid string literal",
                        "This item is not valid in a string literal.",
                        tok.start,
                    ))
                }
            }
        }
        Ok(Label {
            last: self.last,
            value: (pieces <= 1).then_some(value),
        })
    }

    // ---- expressions --------------------------------------------------

    /// Enters one more level of nesting, refusing to go past [`MAX_DEPTH`].
    fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            self.depth -= 1;
            return Err(err(
                "Nesting too deep",
                "This expression or block nests more than 200 levels deep, which terrane does not support.",
                self.peek().start,
            ));
        }
        Ok(())
    }

    /// Parses an expression, returning its first and last token indices.
    fn expression(&mut self) -> PResult<(usize, usize)> {
        let first = self.peek_at().1;
        self.binary()?;
        if self.peek().kind == TokenKind::Question {
            self.read();
            self.expression()?;
            let colon = self.peek();
            if colon.kind != TokenKind::Colon {
                return Err(err(
                    "Missing false expression in conditional",
                    "The conditional operator (...?...:...) requires a false expression, delimited by a colon.",
                    colon.start,
                ));
            }
            self.read();
            self.expression()?;
        }
        Ok((first, self.last))
    }

    fn binary(&mut self) -> PResult<()> {
        self.term_with_traversals()?;
        loop {
            match self.peek().kind {
                TokenKind::Or
                | TokenKind::And
                | TokenKind::EqualOp
                | TokenKind::NotEqual
                | TokenKind::GreaterThan
                | TokenKind::GreaterThanEq
                | TokenKind::LessThan
                | TokenKind::LessThanEq
                | TokenKind::Plus
                | TokenKind::Minus
                | TokenKind::Star
                | TokenKind::Slash
                | TokenKind::Percent => {
                    self.read();
                    self.term_with_traversals()?;
                }
                _ => return Ok(()),
            }
        }
    }

    fn term_with_traversals(&mut self) -> PResult<()> {
        self.term()?;
        self.traversals()
    }

    /// Checks a number literal; a bad one is reported but parsing goes on.
    fn number(&mut self, tok: Token) {
        if !valid_number(tok.text(self.src)) {
            self.soft.push(err(
                "Invalid number literal",
                "Failed to recognize the value of this number literal.",
                tok.start,
            ));
        }
    }

    /// Checks a number used as a legacy `.N` index; `splat_at` is where the
    /// attribute-only splat it follows starts, if any (errors point there).
    fn legacy_index(&mut self, tok: Token, splat_at: Option<usize>) {
        if let Some((first, second)) = tok.text(self.src).split_once('.') {
            let detail = match splat_at {
                None => format!("When using the legacy index syntax, chaining two indexes together is not permitted. Use the proper index syntax instead, like [{first}][{second}]."),
                Some(_) => format!("When using the legacy index syntax, chaining two indexes together is not permitted. Use the proper index syntax with a full splat expression [*] instead, like [{first}][{second}]."),
            };
            self.soft.push(SyntaxError {
                summary: "Invalid legacy index syntax".into(),
                detail,
                start: splat_at.unwrap_or(tok.start),
                at: None,
            });
            return;
        }
        self.number(tok);
    }

    /// Where Terraform points a missing-close-bracket error: it reports the
    /// token its error recovery stops at (the next unmatched `]`, or the
    /// end of the file), not the unexpected token.
    fn recovered_close_bracket(&self) -> usize {
        let mut nest = 0;
        for t in &self.tokens[self.pos.min(self.tokens.len())..] {
            match t.kind {
                TokenKind::OBrack => nest += 1,
                TokenKind::CBrack if nest == 0 => return t.start,
                TokenKind::CBrack => nest -= 1,
                TokenKind::Eof => return t.start,
                _ => {}
            }
        }
        self.src.len()
    }

    fn traversals(&mut self) -> PResult<()> {
        loop {
            let next = self.peek();
            match next.kind {
                TokenKind::Dot => {
                    self.read();
                    let attr = self.peek();
                    match attr.kind {
                        TokenKind::Ident => {
                            self.read();
                        }
                        TokenKind::NumberLit => {
                            self.read();
                            self.legacy_index(attr, None);
                        }
                        TokenKind::Star => {
                            self.read();
                            while self.peek().kind == TokenKind::Dot {
                                self.read();
                                let step = self.peek();
                                match step.kind {
                                    TokenKind::NumberLit => {
                                        self.read();
                                        self.legacy_index(step, Some(attr.start));
                                    }
                                    TokenKind::Ident => {
                                        self.read();
                                    }
                                    TokenKind::Star => {
                                        return Err(err(
                                            "Nested splat expression not allowed",
                                            "A splat expression (*) cannot be used inside another attribute-only splat expression.",
                                            step.start,
                                        ))
                                    }
                                    _ => {
                                        return Err(err(
                                            "Invalid attribute name",
                                            "An attribute name is required after a dot.",
                                            step.start,
                                        ))
                                    }
                                }
                            }
                        }
                        _ => {
                            return Err(err(
                                "Invalid attribute name",
                                "An attribute name is required after a dot.",
                                attr.start,
                            ))
                        }
                    }
                }
                TokenKind::OBrack => {
                    self.read();
                    if self.peek().kind == TokenKind::Star {
                        self.read();
                        let close = self.read();
                        if close.kind != TokenKind::CBrack {
                            return Err(err(
                                "Missing close bracket on splat index",
                                "The star for a full splat operator must be immediately followed by a closing bracket (\"]\").",
                                self.recovered_close_bracket(),
                            ));
                        }
                    } else {
                        self.with_newlines(false, |p| {
                            p.expression()?;
                            let close = p.read();
                            if close.kind != TokenKind::CBrack {
                                return Err(err(
                                    "Missing close bracket on index",
                                    "The index operator must end with a closing bracket (\"]\").",
                                    p.recovered_close_bracket(),
                                ));
                            }
                            Ok(())
                        })?;
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    fn term(&mut self) -> PResult<()> {
        self.enter()?;
        let r = self.term_inner();
        self.depth -= 1;
        r
    }

    fn term_inner(&mut self) -> PResult<()> {
        let start = self.peek();
        match start.kind {
            TokenKind::OParen => {
                self.read();
                self.with_newlines(false, |p| {
                    p.expression()?;
                    let close = p.peek();
                    if close.kind != TokenKind::CParen {
                        return Err(err(
                            "Unbalanced parentheses",
                            "Expected a closing parenthesis to terminate the expression.",
                            close.start,
                        ));
                    }
                    p.read();
                    Ok(())
                })
            }
            TokenKind::NumberLit => {
                self.read();
                self.number(start);
                Ok(())
            }
            TokenKind::Ident => {
                self.read();
                if matches!(self.peek().kind, TokenKind::OParen | TokenKind::DoubleColon) {
                    self.function_call()
                } else {
                    Ok(())
                }
            }
            TokenKind::OQuote => {
                self.read();
                self.template(TokenKind::CQuote)
            }
            TokenKind::OHeredoc => {
                self.read();
                self.template(TokenKind::CHeredoc)
            }
            TokenKind::Minus | TokenKind::Bang => {
                self.read();
                self.term_with_traversals()
            }
            TokenKind::OBrack => self.tuple(),
            TokenKind::OBrace => self.object(),
            TokenKind::Eof => Err(err(
                "Missing expression",
                "Expected the start of an expression, but found the end of the file.",
                start.start,
            )),
            _ => Err(err(
                "Invalid expression",
                "Expected the start of an expression, but found an invalid expression token.",
                start.start,
            )),
        }
    }

    fn function_call(&mut self) -> PResult<()> {
        let mut open = self.read();
        while open.kind == TokenKind::DoubleColon {
            let name = self.read();
            if name.kind != TokenKind::Ident {
                return Err(err(
                    "Missing function name",
                    "Function scope resolution symbol :: must be followed by a function name in this scope.",
                    name.start,
                ));
            }
            open = self.read();
        }
        if open.kind != TokenKind::OParen {
            return Err(err(
                "Missing open parenthesis",
                "Function selector must be followed by an open parenthesis to begin the function call.",
                open.start,
            ));
        }
        self.with_newlines(false, |p| loop {
            if p.peek().kind == TokenKind::CParen {
                p.read();
                return Ok(());
            }
            p.expression()?;
            let sep = p.read();
            match sep.kind {
                TokenKind::CParen => return Ok(()),
                TokenKind::Ellipsis => {
                    let close = p.peek();
                    if close.kind != TokenKind::CParen {
                        return Err(err(
                            "Missing closing parenthesis",
                            "An expanded function argument (with ...) must be immediately followed by closing parentheses.",
                            sep.start,
                        ));
                    }
                    p.read();
                    return Ok(());
                }
                TokenKind::Comma => {}
                TokenKind::Eof => {
                    return Err(err(
                        "Unterminated function call",
                        "There is no closing parenthesis for this function call before the end of the file. This may be caused by incorrect parenthesis nesting elsewhere in this file.",
                        open.start,
                    ))
                }
                _ => {
                    return Err(err(
                        "Missing argument separator",
                        "A comma is required to separate each function argument from the next.",
                        sep.start,
                    ))
                }
            }
        })
    }

    fn tuple(&mut self) -> PResult<()> {
        let open = self.read();
        self.with_newlines(false, |p| {
            if p.is_keyword(p.peek(), "for") {
                return p.for_expr(false);
            }
            loop {
                if p.peek().kind == TokenKind::CBrack {
                    p.read();
                    return Ok(());
                }
                p.expression()?;
                let next = p.peek();
                match next.kind {
                    TokenKind::CBrack => {
                        p.read();
                        return Ok(());
                    }
                    TokenKind::Comma => {
                        p.read();
                    }
                    TokenKind::Eof => {
                        return Err(err(
                            "Unterminated tuple constructor expression",
                            "There is no corresponding closing bracket before the end of the file. This may be caused by incorrect bracket nesting elsewhere in this file.",
                            open.start,
                        ))
                    }
                    _ => {
                        return Err(err(
                            "Missing item separator",
                            "Expected a comma to mark the beginning of the next item.",
                            next.start,
                        ))
                    }
                }
            }
        })
    }

    fn object(&mut self) -> PResult<()> {
        let open = self.read();
        self.newlines.push(false);
        let is_for = self.is_keyword(self.peek(), "for");
        self.newlines.pop();
        if is_for {
            return self.with_newlines(false, |p| p.for_expr(true));
        }
        let unterminated = |at: usize| {
            err(
                "Unterminated object constructor expression",
                "There is no corresponding closing brace before the end of the file. This may be caused by incorrect brace nesting elsewhere in this file.",
                at,
            )
        };
        self.with_newlines(true, |p| loop {
            let next = p.peek();
            match next.kind {
                TokenKind::Newline => {
                    p.read();
                    continue;
                }
                TokenKind::CBrace => {
                    p.read();
                    return Ok(());
                }
                _ => {}
            }
            p.expression()?;
            let sep = p.peek();
            match sep.kind {
                TokenKind::Equal | TokenKind::Colon => {
                    p.read();
                }
                TokenKind::Newline | TokenKind::Comma => {
                    return Err(err(
                        "Missing attribute value",
                        "Expected an attribute value, introduced by an equals sign (\"=\").",
                        sep.start,
                    ))
                }
                TokenKind::Eof => return Err(unterminated(open.start)),
                TokenKind::Ident => {
                    return Err(err(
                        "Missing key/value separator",
                        "Expected an equals sign (\"=\") to mark the beginning of the attribute value. If you intended to given an attribute name containing periods or spaces, write the name in quotes to create a string literal.",
                        sep.start,
                    ))
                }
                _ => return Err(err(
                    "Missing key/value separator",
                    "Expected an equals sign (\"=\") to mark the beginning of the attribute value.",
                    sep.start,
                )),
            }
            p.expression()?;
            let next = p.peek();
            match next.kind {
                TokenKind::CBrace => {
                    p.read();
                    return Ok(());
                }
                TokenKind::Comma | TokenKind::Newline => {
                    p.read();
                }
                TokenKind::Eof => return Err(unterminated(open.start)),
                _ => {
                    return Err(err(
                        "Missing attribute separator",
                        "Expected a newline or comma to mark the beginning of the next attribute.",
                        next.start,
                    ))
                }
            }
        })
    }

    fn for_expr(&mut self, make_obj: bool) -> PResult<()> {
        let invalid = |detail: &str, at: usize| err("Invalid 'for' expression", detail, at);
        self.read(); // "for"
        let name = self.peek();
        if name.kind != TokenKind::Ident {
            return Err(invalid(
                "For expression requires variable name after 'for'.",
                name.start,
            ));
        }
        self.read();
        if self.peek().kind == TokenKind::Comma {
            self.read();
            let name = self.peek();
            if name.kind != TokenKind::Ident {
                return Err(invalid(
                    "For expression requires value variable name after comma.",
                    name.start,
                ));
            }
            self.read();
        }
        let kw = self.peek();
        if !self.is_keyword(kw, "in") {
            return Err(invalid(
                "For expression requires the 'in' keyword after its name declarations.",
                kw.start,
            ));
        }
        self.read();
        self.expression()?;
        let colon = self.peek();
        if colon.kind != TokenKind::Colon {
            return Err(invalid(
                "For expression requires a colon after the collection expression.",
                colon.start,
            ));
        }
        self.read();
        let value_start = self.peek().start;
        self.expression()?;
        let mut key = None;
        if self.peek().kind == TokenKind::FatArrow {
            key = Some(value_start);
            self.read();
            self.expression()?;
        }
        let mut group = None;
        if self.peek().kind == TokenKind::Ellipsis {
            group = Some(self.read().start);
        }
        if self.is_keyword(self.peek(), "if") {
            self.read();
            self.expression()?;
        }
        let close_kind = if make_obj {
            TokenKind::CBrace
        } else {
            TokenKind::CBrack
        };
        let close = self.peek();
        if close.kind != close_kind {
            return Err(invalid(
                "Extra characters after the end of the 'for' expression.",
                close.start,
            ));
        }
        self.read();
        if make_obj {
            if key.is_none() {
                self.soft.push(invalid(
                    "Key expression is required when building an object.",
                    value_start,
                ));
            }
        } else {
            if let Some(at) = key {
                self.soft.push(invalid(
                    "Key expression is not valid when building a tuple.",
                    at,
                ));
            }
            if let Some(at) = group {
                self.soft.push(invalid(
                    "Grouping ellipsis (...) cannot be used when building a tuple.",
                    at,
                ));
            }
        }
        Ok(())
    }
}
