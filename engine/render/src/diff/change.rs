//! One value's change as plan JSON describes it (before, after, unknown and
//! sensitive masks, replace paths), with the navigation the differ needs:
//! object keys, sequence indexes, and the "explicit" flags that tell a JSON
//! `null` from an absent entry.

use serde_json::Value as J;

pub(crate) static NULL: J = J::Null;

/// Replace paths still applicable below the current position.
#[derive(Debug, Clone, Default)]
pub(crate) struct Matcher<'a> {
    paths: Vec<&'a [J]>,
}

impl<'a> Matcher<'a> {
    pub(crate) fn new(paths: &'a [Vec<J>]) -> Self {
        Matcher {
            paths: paths.iter().map(Vec::as_slice).collect(),
        }
    }

    /// True when a replace path ends exactly here.
    pub(crate) fn matches(&self) -> bool {
        self.paths.iter().any(|p| p.is_empty())
    }

    pub(crate) fn key(&self, key: &str) -> Matcher<'a> {
        Matcher {
            paths: self
                .paths
                .iter()
                .filter(|p| p.first().and_then(J::as_str) == Some(key))
                .map(|p| &p[1..])
                .collect(),
        }
    }

    pub(crate) fn index(&self, i: usize) -> Matcher<'a> {
        Matcher {
            paths: self
                .paths
                .iter()
                .filter(|p| p.first().and_then(J::as_u64) == Some(i as u64))
                .map(|p| &p[1..])
                .collect(),
        }
    }
}

/// Which attributes matter for display (Terraform's "relevant attributes"
/// of drift): everything, or the values on or below some paths.
#[derive(Debug, Clone)]
pub(crate) enum Relevant<'a> {
    Always,
    Paths(Vec<&'a [J]>),
}

impl<'a> Relevant<'a> {
    /// True when something at or below here is relevant.
    pub(crate) fn matches_partial(&self) -> bool {
        match self {
            Relevant::Always => true,
            Relevant::Paths(p) => !p.is_empty(),
        }
    }

    fn step(&self, matches: impl Fn(&J) -> bool) -> Relevant<'a> {
        match self {
            Relevant::Always => Relevant::Always,
            Relevant::Paths(paths) => Relevant::Paths(
                paths
                    .iter()
                    .filter_map(|p| match p.split_first() {
                        // A fully matched path covers everything below it.
                        None => Some(*p),
                        Some((first, rest)) if matches(first) => Some(rest),
                        Some(_) => None,
                    })
                    .collect(),
            ),
        }
    }

    pub(crate) fn key(&self, key: &str) -> Relevant<'a> {
        self.step(|s| s.as_str() == Some(key))
    }

    pub(crate) fn index(&self, i: usize) -> Relevant<'a> {
        self.step(|s| s.as_u64() == Some(i as u64))
    }
}

/// A change to one value.
#[derive(Debug, Clone)]
pub(crate) struct Change<'a> {
    pub before: &'a J,
    pub after: &'a J,
    pub before_explicit: bool,
    pub after_explicit: bool,
    pub unknown: &'a J,
    pub before_sensitive: &'a J,
    pub after_sensitive: &'a J,
    pub replace: Matcher<'a>,
    pub relevant: Relevant<'a>,
    pub non_legacy: bool,
}

impl<'a> Change<'a> {
    pub(crate) fn is_unknown(&self) -> bool {
        matches!(self.unknown, J::Bool(true))
    }

    pub(crate) fn is_before_sensitive(&self) -> bool {
        matches!(self.before_sensitive, J::Bool(true))
    }

    pub(crate) fn is_after_sensitive(&self) -> bool {
        matches!(self.after_sensitive, J::Bool(true))
    }

    fn before_missing(&self) -> bool {
        self.before.is_null() && !self.before_explicit
    }

    fn after_missing(&self) -> bool {
        self.after.is_null() && !self.after_explicit
    }

    /// The action for a value compared as a whole.
    pub(crate) fn action(&self) -> Act {
        if self.before_missing() && !self.after_missing() {
            return Act::Create;
        }
        if self.after_missing() && !self.before_missing() {
            return Act::Delete;
        }
        if self.before == self.after
            && self.after_explicit == self.before_explicit
            && self.is_after_sensitive() == self.is_before_sensitive()
        {
            return Act::NoOp;
        }
        Act::Update
    }

    /// The starting action when iterating children.
    pub(crate) fn default_iteration_action(&self) -> Act {
        match (self.before.is_null(), self.after.is_null()) {
            (true, true) => Act::NoOp,
            (true, false) => Act::Create,
            (false, true) => Act::Delete,
            (false, false) => Act::NoOp,
        }
    }

    /// The value unchanged (after = before), for irrelevant attributes.
    pub(crate) fn as_noop(&self) -> Change<'a> {
        Change {
            after: self.before,
            after_explicit: self.before_explicit,
            unknown: &NULL,
            after_sensitive: self.before_sensitive,
            ..self.clone()
        }
    }

    /// This change, or its no-op version when nothing here is relevant.
    pub(crate) fn relevant_or_noop(self) -> Change<'a> {
        if self.relevant.matches_partial() {
            self
        } else {
            self.as_noop()
        }
    }

    /// Every attribute below counts as relevant.
    pub(crate) fn all_relevant(mut self) -> Change<'a> {
        self.relevant = Relevant::Always;
        self
    }

    pub(crate) fn as_delete(&self) -> Change<'a> {
        Change {
            after: &NULL,
            after_explicit: false,
            unknown: &NULL,
            after_sensitive: &NULL,
            ..self.clone()
        }
    }

    pub(crate) fn as_create(&self) -> Change<'a> {
        Change {
            before: &NULL,
            before_explicit: false,
            before_sensitive: &NULL,
            ..self.clone()
        }
    }

    /// The child at an object key or map key.
    pub(crate) fn key(&self, key: &str) -> Change<'a> {
        // Most masks are empty objects: skip hashing the key for them.
        let get = |j: &'a J| {
            j.as_object()
                .filter(|m| !m.is_empty())
                .and_then(|m| m.get(key))
        };
        let before = get(self.before);
        let after = get(self.after);
        Change {
            before: before.unwrap_or(&NULL),
            after: after.unwrap_or(&NULL),
            before_explicit: before.is_some(),
            after_explicit: after.is_some(),
            unknown: get(self.unknown).unwrap_or(&NULL),
            before_sensitive: get(self.before_sensitive).unwrap_or(&NULL),
            after_sensitive: get(self.after_sensitive).unwrap_or(&NULL),
            replace: self.replace.key(key),
            relevant: self.relevant.key(key),
            non_legacy: self.non_legacy,
        }
    }

    /// The child pairing before element `bi` with after element `ai`
    /// (out-of-range indexes mean "absent on that side").
    pub(crate) fn index(&self, bi: usize, ai: usize) -> Change<'a> {
        let get = |j: &'a J, i: usize| j.as_array().and_then(|xs| xs.get(i));
        let before = get(self.before, bi);
        let after = get(self.after, ai);
        let blen = self.before.as_array().map_or(0, Vec::len);
        let relevant = if bi >= blen { ai } else { bi };
        Change {
            before: before.unwrap_or(&NULL),
            after: after.unwrap_or(&NULL),
            before_explicit: before.is_some(),
            after_explicit: after.is_some(),
            unknown: get(self.unknown, ai).unwrap_or(&NULL),
            before_sensitive: get(self.before_sensitive, bi).unwrap_or(&NULL),
            after_sensitive: get(self.after_sensitive, ai).unwrap_or(&NULL),
            replace: self.replace.index(relevant),
            relevant: self.relevant.index(relevant),
            non_legacy: self.non_legacy,
        }
    }

    /// Every key present in before, after or the masks, sorted.
    pub(crate) fn all_keys(&self) -> Vec<&'a str> {
        sorted_keys(&[
            self.before,
            self.after,
            self.unknown,
            self.after_sensitive,
            self.before_sensitive,
        ])
    }

    /// Keys present in before or after, sorted.
    pub(crate) fn explicit_keys(&self) -> Vec<&'a str> {
        sorted_keys(&[self.before, self.after])
    }

    pub(crate) fn before_len(&self) -> usize {
        self.before.as_array().map_or(0, Vec::len)
    }

    pub(crate) fn after_len(&self) -> usize {
        self.after.as_array().map_or(0, Vec::len)
    }
}

/// The keys of the objects among `js`, sorted, each once.
fn sorted_keys<'a>(js: &[&'a J]) -> Vec<&'a str> {
    let mut keys: Vec<&'a str> = Vec::new();
    for j in js {
        if let Some(m) = j.as_object() {
            keys.extend(m.keys().map(String::as_str));
        }
    }
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// The action of one node of the diff tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Act {
    /// Unchanged.
    NoOp,
    /// Added.
    Create,
    /// Changed.
    Update,
    /// Removed.
    Delete,
}

impl Act {
    /// Folds a child's action into its parent's running action.
    pub(crate) fn combine(self, next: Act) -> Act {
        if next == Act::NoOp {
            self
        } else if self != next {
            Act::Update
        } else {
            self
        }
    }
}
