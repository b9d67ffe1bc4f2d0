//! Terminal colours, as Terraform's colour codes: applied only to the fixed
//! parts of each line (never to user values), and empty when colour is off.

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
        format!("{}{}{}", self.dark_gray(), text, self.reset())
    }
}
