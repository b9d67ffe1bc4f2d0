//! Terminal colours, as Terraform's colour codes. [`Colors::paint`] works
//! like the `colorstring` library Terraform uses: `[green]`-style tags in a
//! template become escape codes (or vanish when colour is off), and every
//! template that used a tag ends with a reset — so the escape sequences are
//! byte for byte Terraform's.

/// Colour codes, or nothing when colour is disabled.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Colors {
    /// True to emit ANSI escapes.
    pub enabled: bool,
}

impl Colors {
    /// Colour on or off.
    pub fn new(enabled: bool) -> Colors {
        Colors { enabled }
    }

    fn code(self, c: &'static str) -> &'static str {
        if self.enabled {
            c
        } else {
            ""
        }
    }

    /// Resets every attribute.
    pub fn reset(self) -> &'static str {
        self.code("\x1b[0m")
    }

    /// Bold.
    pub fn bold(self) -> &'static str {
        self.code("\x1b[1m")
    }

    /// Green.
    pub fn green(self) -> &'static str {
        self.code("\x1b[32m")
    }

    /// Red.
    pub fn red(self) -> &'static str {
        self.code("\x1b[31m")
    }

    /// Yellow.
    pub fn yellow(self) -> &'static str {
        self.code("\x1b[33m")
    }

    /// Cyan.
    pub fn cyan(self) -> &'static str {
        self.code("\x1b[36m")
    }

    /// Dark grey.
    pub fn dark_gray(self) -> &'static str {
        self.code("\x1b[90m")
    }

    /// `text` in dark grey.
    pub fn gray(self, text: &str) -> String {
        self.paint(&format!("[dark_gray]{text}[reset]"))
    }

    /// Replaces the colour tags of a template (`[reset]`, `[bold]`,
    /// `[green]`, `[red]`, `[yellow]`, `[cyan]`, `[dark_gray]`) with escape
    /// codes, appending a reset when any tag was used, or removes them when
    /// colour is off. Other bracketed text is left alone.
    pub fn paint(self, template: &str) -> String {
        let mut out = String::with_capacity(template.len() + 16);
        self.paint_into(&mut out, template);
        out
    }

    /// [`Colors::paint`] appended to `out`.
    pub fn paint_into(self, out: &mut String, template: &str) {
        const TAGS: [(&str, &str); 7] = [
            ("[reset]", "\x1b[0m"),
            ("[bold]", "\x1b[1m"),
            ("[green]", "\x1b[32m"),
            ("[red]", "\x1b[31m"),
            ("[yellow]", "\x1b[33m"),
            ("[cyan]", "\x1b[36m"),
            ("[dark_gray]", "\x1b[90m"),
        ];
        let mut rest = template;
        let mut tagged = false;
        'outer: while let Some(i) = rest.find('[') {
            out.push_str(&rest[..i]);
            let tail = &rest[i..];
            for (tag, code) in TAGS {
                if let Some(after) = tail.strip_prefix(tag) {
                    if self.enabled {
                        out.push_str(code);
                    }
                    tagged = true;
                    rest = after;
                    continue 'outer;
                }
            }
            out.push('[');
            rest = &tail[1..];
        }
        out.push_str(rest);
        if tagged && self.enabled {
            out.push_str("\x1b[0m");
        }
    }

    /// `text` in dark grey appended to `out`: [`Colors::gray`] without
    /// reading `text` for tags (callers pass plain text).
    pub(crate) fn gray_into(self, out: &mut String, text: &str) {
        if self.enabled {
            out.push_str("\x1b[90m");
            out.push_str(text);
            out.push_str("\x1b[0m\x1b[0m");
        } else {
            out.push_str(text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paint_like_colorstring() {
        let on = Colors::new(true);
        assert_eq!(on.paint("  [green]+[reset]"), "  \x1b[32m+\x1b[0m\x1b[0m");
        assert_eq!(on.paint("   "), "   ");
        assert_eq!(on.paint("a[0] [bold]b"), "a[0] \x1b[1mb\x1b[0m");
        let off = Colors::new(false);
        assert_eq!(
            off.paint("[bold]  # x[0][reset] will be created"),
            "  # x[0] will be created"
        );
    }
}
