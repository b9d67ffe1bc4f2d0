//! What an expression is evaluated against: root variables, the function
//! context and the provider-function callback.

use std::collections::BTreeMap;
use std::sync::Arc;
use terrane_diagnostics::{Diagnostic, OffsetMap, SourceRange};
use terrane_functions::FuncContext;
use terrane_value::Value;

/// Calls a provider-defined function (`provider::NAME::FUNC(...)`).
/// Arguments: provider local name, function name, argument values.
pub type ProviderFunctionCallback =
    dyn Fn(&str, &str, Vec<Value>) -> Result<Value, Diagnostic> + Send + Sync;

/// The source an expression was parsed from, for diagnostics' ranges.
#[derive(Debug, Clone)]
pub struct Source {
    /// The file name users see (e.g. `main.tf`).
    pub filename: Arc<str>,
    /// The whole text the expression's byte offsets refer to.
    pub text: Arc<str>,
    /// For text generated from another file (a `.tf.json` translated to
    /// native syntax): that file's text and the map back into it, so
    /// diagnostics point at what the user wrote.
    pub origin: Option<Arc<Origin>>,
}

/// The file a generated source text was translated from.
#[derive(Debug)]
pub struct Origin {
    /// The original file's text.
    pub text: Arc<str>,
    /// Generated offsets to original offsets.
    pub map: Arc<OffsetMap>,
}

impl Source {
    /// A source from a file name and its text.
    pub fn new(filename: impl Into<Arc<str>>, text: impl Into<Arc<str>>) -> Source {
        Source {
            filename: filename.into(),
            text: text.into(),
            origin: None,
        }
    }

    /// A source whose `text` was generated from `original` (offsets mapped
    /// back through `map` for diagnostics).
    pub fn generated(
        filename: Arc<str>,
        text: Arc<str>,
        original: Arc<str>,
        map: Arc<OffsetMap>,
    ) -> Source {
        Source {
            filename,
            text,
            origin: Some(Arc::new(Origin {
                text: original,
                map,
            })),
        }
    }

    /// The range of byte offsets `start..end` (of `text`), in the file the
    /// user wrote.
    pub fn range(&self, start: usize, end: usize) -> SourceRange {
        match &self.origin {
            Some(o) => {
                let span = o.map.span(start..end);
                SourceRange::from_bytes(self.filename.clone(), &o.text, span.start, span.end)
            }
            None => SourceRange::from_bytes(self.filename.clone(), &self.text, start, end),
        }
    }
}

/// Everything an expression can refer to.
#[derive(Clone, Default)]
pub struct EvalContext {
    /// Root names (`var`, `local`, `each`, `path`, resource types, ...)
    /// and their values.
    pub variables: BTreeMap<String, Value>,
    /// Root variables shared with other contexts, for names `variables`
    /// lacks: a caller evaluating many instances of one block can build
    /// the instance-independent roots (`var`, `local`, ...) once and give
    /// each instance's context only its own (`count`, `each`, `self`),
    /// instead of copying every referenced value per instance.
    pub shared: Option<Arc<BTreeMap<String, Value>>>,
    /// The context built-in functions run in (base directory, ...).
    pub functions: FuncContext,
    /// Where `provider::NAME::FUNC(...)` calls go; without it such calls
    /// fail with "Unknown provider function".
    pub provider_functions: Option<Arc<ProviderFunctionCallback>>,
    /// Set by `terrane console`. Evaluation itself does not change: a
    /// top-level `type(...)` is answered by [`crate::eval_console`], which
    /// console callers use instead of [`crate::eval`].
    pub console: bool,
}

impl EvalContext {
    /// An empty context with the given function context.
    pub fn new(functions: FuncContext) -> EvalContext {
        EvalContext {
            functions,
            ..EvalContext::default()
        }
    }

    /// The root variable `name`: from `variables`, else from `shared`.
    pub fn get(&self, name: &str) -> Option<&Value> {
        match self.variables.get(name) {
            Some(v) => Some(v),
            None => self.shared.as_deref()?.get(name),
        }
    }

    /// Adds (or replaces) a root variable.
    pub fn set(&mut self, name: impl Into<String>, value: Value) -> &mut Self {
        self.variables.insert(name.into(), value);
        self
    }
}

impl std::fmt::Debug for EvalContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EvalContext")
            .field("variables", &self.variables)
            .field("shared", &self.shared)
            .field("functions", &self.functions)
            .field("provider_functions", &self.provider_functions.is_some())
            .field("console", &self.console)
            .finish()
    }
}
