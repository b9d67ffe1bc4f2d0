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
            None => Source::new(src.name().clone(), Arc::<str>::from(src.file.text())),
        }
    }
}
