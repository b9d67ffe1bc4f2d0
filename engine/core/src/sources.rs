//! The evaluator's view of source files, built once per run so evaluating
//! an expression never copies a file's text.

use std::collections::HashMap;
use std::sync::Arc;
use terrane_config::{Config, Src};
use terrane_lang::Source;

/// Every source file of a configuration as the evaluator wants it.
#[derive(Debug, Default, Clone)]
pub struct Sources {
    by_name: HashMap<Arc<str>, Source>,
}

impl Sources {
    /// The sources of every module in `config`.
    pub fn new(config: &Config) -> Sources {
        let mut by_name = HashMap::new();
        for file in config.sources().iter() {
            // A `.tf.json` file's syntax tree refers to its generated native
            // text, which only its `Src` holds: `get` asks it.
            if file.name().ends_with(".json") {
                continue;
            }
            let name = file.name().clone();
            by_name.insert(
                name.clone(),
                Source::new(name, Arc::<str>::from(file.text())),
            );
        }
        Sources { by_name }
    }

    /// The evaluator's source for a parsed file.
    pub fn get(&self, src: &Src) -> Source {
        match self.by_name.get(src.name()) {
            Some(s) => s.clone(),
            None => src.eval_source(),
        }
    }
}
