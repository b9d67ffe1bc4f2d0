//! The canonical layout pass: given the file's tokens in order, recompute
//! the spaces before every token.
//!
//! The rules are Terraform's (its formatter works on the flat token stream,
//! not on a syntax tree): the source is split into lines; each line into a
//! "lead" cell, an "assign" cell (from an `=` whose right-hand side closes
//! all its brackets on the line) and a trailing line-comment cell. Indent is
//! two spaces per net-open bracket line; spacing between tokens follows a
//! fixed table keyed on the token kinds; and the assign and comment cells of
//! consecutive lines are padded so that they start in the same column.
//! Only spaces change: token text, newlines and blank lines are kept.

use unicode_segmentation::UnicodeSegmentation;

use crate::token::TokenKind;

/// A token being laid out: its kind, its exact text and the number of
/// spaces to write before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LayoutToken {
    pub(crate) kind: TokenKind,
    pub(crate) text: String,
    pub(crate) spaces: usize,
}

impl LayoutToken {
    pub(crate) fn new(kind: TokenKind, text: &str) -> Self {
        LayoutToken {
            kind,
            text: text.to_string(),
            spaces: 0,
        }
    }

    fn is_line_end(&self) -> bool {
        self.kind == TokenKind::Newline
            || (self.kind == TokenKind::Comment && self.text.ends_with('\n'))
    }
}

type Cell = (usize, usize);

/// One source line split into its cells (half-open token index ranges).
#[derive(Debug, Clone, Copy)]
struct Line {
    lead: Cell,
    assign: Option<Cell>,
    comment: Option<Cell>,
}

fn is_empty(c: Cell) -> bool {
    c.0 >= c.1
}

/// Lays out `tokens` in place.
pub(crate) fn layout(tokens: &mut [LayoutToken]) {
    let lines = split_lines(tokens);
    indent(tokens, &lines);
    spaces(tokens, &lines);
    align(tokens, &lines);
}

/// Writes the tokens out.
pub(crate) fn render(tokens: &[LayoutToken]) -> String {
    let mut out = String::with_capacity(tokens.iter().map(|t| t.text.len() + t.spaces).sum());
    for t in tokens {
        for _ in 0..t.spaces {
            out.push(' ');
        }
        out.push_str(&t.text);
    }
    out
}

fn net_brackets(tokens: &[LayoutToken], cell: Cell) -> i32 {
    tokens[cell.0..cell.1]
        .iter()
        .map(|t| t.kind.bracket_change())
        .sum()
}

fn split_lines(tokens: &[LayoutToken]) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut start = 0;
    let mut ended_at_eof = false;
    for (i, t) in tokens.iter().enumerate() {
        if t.kind == TokenKind::Eof {
            lines.push((start, i));
            ended_at_eof = true;
            break;
        }
        if t.is_line_end() {
            lines.push((start, i + 1));
            start = i + 1;
        }
    }
    if !ended_at_eof {
        lines.push((start, tokens.len()));
    }

    lines
        .into_iter()
        .map(|lead| {
            let mut line = Line {
                lead,
                assign: None,
                comment: None,
            };
            if is_empty(lead) {
                return line;
            }
            if lead.1 - lead.0 > 1 && tokens[lead.1 - 1].kind == TokenKind::Comment {
                line.comment = Some((lead.1 - 1, lead.1));
                line.lead = (lead.0, lead.1 - 1);
            }
            let (ls, le) = line.lead;
            for i in ls + 1..le {
                if tokens[i].kind == TokenKind::Equal {
                    if net_brackets(tokens, (i, le)) == 0 {
                        line.assign = Some((i, le));
                        line.lead = (ls, i);
                    }
                    break;
                }
            }
            line
        })
        .collect()
}

fn indent(tokens: &mut [LayoutToken], lines: &[Line]) {
    let mut stack: Vec<i32> = Vec::new();
    for line in lines {
        let (ls, le) = line.lead;
        if ls >= le {
            continue;
        }
        if tokens[ls].kind == TokenKind::Newline {
            tokens[ls].spaces = 0;
            continue;
        }
        let mut net = 0;
        for t in &tokens[ls..le] {
            net += t.kind.bracket_change();
            if t.kind == TokenKind::OHeredoc {
                break;
            }
        }
        if let Some(a) = line.assign {
            net += net_brackets(tokens, a);
        }
        if net > 0 {
            tokens[ls].spaces = 2 * stack.len();
            stack.push(net);
        } else {
            let mut closed = -net;
            while closed > 0 {
                let Some(top) = stack.last_mut() else { break };
                if closed > *top {
                    closed -= *top;
                    stack.pop();
                } else if closed < *top {
                    *top -= closed;
                    closed = 0;
                } else {
                    stack.pop();
                    closed = 0;
                }
            }
            tokens[ls].spaces = 2 * stack.len();
        }
    }
}

fn spaces(tokens: &mut [LayoutToken], lines: &[Line]) {
    for line in lines {
        space_cell(tokens, line.lead);
        if let Some(a) = line.assign {
            tokens[a.0].spaces = 1;
            space_cell(tokens, a);
        }
    }
}

fn space_cell(tokens: &mut [LayoutToken], (start, end): Cell) {
    for i in start..end.saturating_sub(1) {
        let before = if i > start {
            tokens[i - 1].kind
        } else {
            TokenKind::Nil
        };
        let space = space_after(&tokens[i], before, tokens[i + 1].kind);
        tokens[i + 1].spaces = usize::from(space);
    }
}

/// Whether `subject` is followed by a space, given the kinds of the tokens
/// before and after it.
fn space_after(subject: &LayoutToken, before: TokenKind, after: TokenKind) -> bool {
    use TokenKind as K;
    let s = subject.kind;
    match () {
        _ if after == K::Newline || after == K::Nil => false,
        _ if s == K::Ident && after == K::OParen => false,
        _ if (s == K::Ident && after == K::DoubleColon)
            || (s == K::DoubleColon && after == K::Ident) =>
        {
            false
        }
        _ if s == K::Dot || after == K::Dot => false,
        _ if after == K::Comma || after == K::Ellipsis => false,
        _ if s == K::Comma => true,
        _ if matches!(s, K::QuotedLit | K::StringLit | K::OQuote | K::OHeredoc)
            || matches!(after, K::QuotedLit | K::StringLit | K::CQuote | K::CHeredoc) =>
        {
            false
        }
        _ if s == K::Ident && subject.text == "in" && before == K::Ident => true,
        _ if after == K::OBrack
            && (s == K::Ident || s == K::NumberLit || s.bracket_change() < 0) =>
        {
            false
        }
        _ if s == K::Bang => false,
        _ if s == K::Minus => !matches!(
            before,
            K::Nil
                | K::OParen
                | K::OBrace
                | K::OBrack
                | K::Equal
                | K::Colon
                | K::Comma
                | K::Question
                | K::Plus
                | K::Star
                | K::Slash
                | K::Percent
                | K::Minus
                | K::EqualOp
                | K::NotEqual
                | K::GreaterThan
                | K::GreaterThanEq
                | K::LessThan
                | K::LessThanEq
                | K::And
                | K::Or
                | K::Bang
        ),
        _ if s == K::OBrace || after == K::CBrace => !(s == K::OBrace && after == K::CBrace),
        _ if matches!(s, K::TemplateInterp | K::TemplateControl) && after == K::OBrace => true,
        _ if s == K::CBrace && after == K::TemplateSeqEnd => true,
        _ if s == K::TemplateSeqEnd && matches!(after, K::TemplateInterp | K::TemplateControl) => {
            false
        }
        _ if s.bracket_change() > 0 => false,
        _ if after.bracket_change() < 0 => false,
        _ => true,
    }
}

fn columns(tokens: &[LayoutToken], cell: Option<Cell>) -> usize {
    let Some((start, end)) = cell else { return 0 };
    tokens[start..end]
        .iter()
        .map(|t| t.spaces + t.text.graphemes(true).count())
        .sum()
}

fn align(tokens: &mut [LayoutToken], lines: &[Line]) {
    // Assignments first, since moving them moves the comments too.
    let mut chain: Vec<usize> = Vec::new();
    let mut widest = 0;
    let close_assign = |tokens: &mut [LayoutToken], chain: &mut Vec<usize>, widest: &mut usize| {
        for &li in chain.iter() {
            let line = lines[li];
            let width = columns(tokens, Some(line.lead));
            if let Some(a) = line.assign {
                tokens[a.0].spaces = *widest - width + 1;
            }
        }
        chain.clear();
        *widest = 0;
    };
    for (li, line) in lines.iter().enumerate() {
        if line.assign.is_none() {
            if !chain.is_empty() {
                close_assign(tokens, &mut chain, &mut widest);
            }
        } else {
            chain.push(li);
            widest = widest.max(columns(tokens, Some(line.lead)));
        }
    }
    if !chain.is_empty() {
        close_assign(tokens, &mut chain, &mut widest);
    }

    let close_comment = |tokens: &mut [LayoutToken], chain: &mut Vec<usize>, widest: &mut usize| {
        for &li in chain.iter() {
            let line = lines[li];
            let width = columns(tokens, Some(line.lead)) + columns(tokens, line.assign);
            if let Some(c) = line.comment {
                tokens[c.0].spaces = *widest - width + 1;
            }
        }
        chain.clear();
        *widest = 0;
    };
    for (li, line) in lines.iter().enumerate() {
        if line.comment.is_none() {
            if !chain.is_empty() {
                close_comment(tokens, &mut chain, &mut widest);
            }
        } else {
            chain.push(li);
            widest = widest.max(columns(tokens, Some(line.lead)) + columns(tokens, line.assign));
        }
    }
    if !chain.is_empty() {
        close_comment(tokens, &mut chain, &mut widest);
    }
}
