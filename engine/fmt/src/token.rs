//! Token model shared by the lexer, the validating parser and the formatter.
//!
//! The token kinds mirror the native-syntax scanner Terraform uses, because
//! `terraform fmt`'s layout rules are written in terms of those kinds (for
//! example "no space after an opening bracket" or "a line comment ends a
//! line"). Byte ranges index into the original source text.

/// What a token is, in the vocabulary of the HCL native-syntax scanner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum TokenKind {
    OBrace,
    CBrace,
    OBrack,
    CBrack,
    OParen,
    CParen,
    /// Opening `"` of a quoted template.
    OQuote,
    /// Closing `"` of a quoted template.
    CQuote,
    /// `<<EOT` or `<<-EOT` including its newline.
    OHeredoc,
    /// The closing marker line of a heredoc, without its newline.
    CHeredoc,
    Star,
    Slash,
    Plus,
    Minus,
    Percent,
    Equal,
    EqualOp,
    NotEqual,
    LessThan,
    LessThanEq,
    GreaterThan,
    GreaterThanEq,
    And,
    Or,
    Bang,
    Dot,
    Comma,
    DoubleColon,
    Ellipsis,
    FatArrow,
    Question,
    Colon,
    /// `${` or `${~`.
    TemplateInterp,
    /// `%{` or `%{~`.
    TemplateControl,
    /// `}` or `~}` closing a template sequence.
    TemplateSeqEnd,
    /// Literal text inside a quoted template.
    QuotedLit,
    /// Literal text inside a heredoc template.
    StringLit,
    NumberLit,
    Ident,
    /// A comment; `#` and `//` comments include their terminating newline.
    Comment,
    Newline,
    Eof,
    BitwiseAnd,
    BitwiseOr,
    BitwiseNot,
    BitwiseXor,
    Apostrophe,
    Backtick,
    Semicolon,
    /// A newline inside a quoted string (always an error).
    QuotedNewline,
    /// A character the language does not use.
    Invalid,
    /// Placeholder used by the formatter when there is no neighbouring token.
    Nil,
}

impl TokenKind {
    /// How this token changes bracket nesting, as the formatter counts it.
    pub(crate) fn bracket_change(self) -> i32 {
        match self {
            TokenKind::OBrace
            | TokenKind::OBrack
            | TokenKind::OParen
            | TokenKind::TemplateControl
            | TokenKind::TemplateInterp => 1,
            TokenKind::CBrace
            | TokenKind::CBrack
            | TokenKind::CParen
            | TokenKind::TemplateSeqEnd => -1,
            _ => 0,
        }
    }
}

/// A token as produced by the lexer: a kind and a byte range of the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Token {
    pub(crate) kind: TokenKind,
    pub(crate) start: usize,
    pub(crate) end: usize,
}

impl Token {
    pub(crate) fn text<'a>(&self, src: &'a str) -> &'a str {
        src.get(self.start..self.end).unwrap_or("")
    }
}
