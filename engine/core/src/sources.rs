//! The evaluator's view of source files. Each parsed file already holds the
//! `terrane_lang::Source` its syntax tree refers to (for a `.tf.json` file,
//! the generated native text with its map back into the JSON), so getting
//! one shares the file's text instead of copying it.

use terrane_config::{Config, Src};
use terrane_lang::Source;

/// Access to the evaluator's source of every file of a configuration.
#[derive(Debug, Default, Clone)]
pub struct Sources;

impl Sources {
    /// The sources of every module in `config`.
    pub fn new(_config: &Config) -> Sources {
        Sources
    }

    /// The evaluator's source for a parsed file.
    pub fn get(&self, src: &Src) -> Source {
        src.eval_source()
    }
}
