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

    /// The children at object or map keys, looked up one after another
    /// (see [`Children`]).
    pub(crate) fn children(&self) -> Children<'_, 'a> {
        Children {
            parent: self,
            before: Cursor::new(self.before),
            after: Cursor::new(self.after),
            unknown: Cursor::new(self.unknown),
            before_sensitive: Cursor::new(self.before_sensitive),
            after_sensitive: Cursor::new(self.after_sensitive),
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

/// The children of a change at object or map keys. Keys are usually asked
/// for in ascending order and the JSON objects usually hold their keys in
/// that order (they are built from sorted maps), so each side is walked in
/// step with the questions instead of hashing every key; any other order
/// is still answered correctly, by lookup.
pub(crate) struct Children<'c, 'a> {
    parent: &'c Change<'a>,
    before: Cursor<'a>,
    after: Cursor<'a>,
    unknown: Cursor<'a>,
    before_sensitive: Cursor<'a>,
    after_sensitive: Cursor<'a>,
}

impl<'a> Children<'_, 'a> {
    /// The child at `key`.
    pub(crate) fn key(&mut self, key: &str) -> Change<'a> {
        let before = self.before.get(key);
        let after = self.after.get(key);
        Change {
            before: before.unwrap_or(&NULL),
            after: after.unwrap_or(&NULL),
            before_explicit: before.is_some(),
            after_explicit: after.is_some(),
            unknown: self.unknown.get(key).unwrap_or(&NULL),
            before_sensitive: self.before_sensitive.get(key).unwrap_or(&NULL),
            after_sensitive: self.after_sensitive.get(key).unwrap_or(&NULL),
            replace: self.parent.replace.key(key),
            relevant: self.parent.relevant.key(key),
            non_legacy: self.parent.non_legacy,
        }
    }
}

/// Key lookups in one JSON object (nothing for other values or an empty
/// object). While the object's keys are sorted and the questions ascend,
/// the answer is found by walking forward; otherwise by hashing.
struct Cursor<'a> {
    map: Option<&'a serde_json::Map<String, J>>,
    entries: std::iter::Peekable<serde_json::map::Iter<'a>>,
    sorted: bool,
    /// The greatest key walked past: smaller or equal questions are looked
    /// up.
    passed: Option<&'a str>,
}

impl<'a> Cursor<'a> {
    fn new(j: &'a J) -> Cursor<'a> {
        static EMPTY: std::sync::OnceLock<serde_json::Map<String, J>> = std::sync::OnceLock::new();
        let map = j.as_object().filter(|m| !m.is_empty());
        let walked = map.unwrap_or_else(|| EMPTY.get_or_init(serde_json::Map::new));
        Cursor {
            map,
            entries: walked.iter().peekable(),
            sorted: map.is_some_and(|m| m.keys().is_sorted()),
            passed: None,
        }
    }

    fn get(&mut self, key: &str) -> Option<&'a J> {
        let map = self.map?;
        if !self.sorted || self.passed.is_some_and(|p| key <= p) {
            return map.get(key);
        }
        while let Some(&(k, v)) = self.entries.peek() {
            match k.as_str().cmp(key) {
                std::cmp::Ordering::Less => {
                    self.passed = Some(k);
                    self.entries.next();
                }
                std::cmp::Ordering::Equal => {
                    self.passed = Some(k);
                    self.entries.next();
                    return Some(v);
                }
                std::cmp::Ordering::Greater => return None,
            }
        }
        None
    }
}

/// The keys of the objects among `js`, sorted, each once.
fn sorted_keys<'a>(js: &[&'a J]) -> Vec<&'a str> {
    let len = js
        .iter()
        .filter_map(|j| j.as_object())
        .map(|m| m.len())
        .sum();
    let mut keys: Vec<&'a str> = Vec::with_capacity(len);
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn children_found_in_any_order() {
        let before = json!({"a": 1, "c": 3, "e": 5});
        // Not sorted: every question is answered by lookup.
        let after = serde_json::from_str::<J>(r#"{"e": 50, "a": 10, "d": 40}"#).unwrap();
        let unknown = json!({"d": true});
        let change = Change {
            before: &before,
            after: &after,
            before_explicit: true,
            after_explicit: true,
            unknown: &unknown,
            before_sensitive: &NULL,
            after_sensitive: &json!({}),
            replace: Matcher::default(),
            relevant: Relevant::Always,
            non_legacy: false,
        };
        for order in [
            ["a", "b", "c", "d", "e"],
            ["e", "d", "c", "b", "a"],
            ["c", "a", "e", "b", "d"],
        ] {
            let mut children = change.children();
            for k in order {
                let child = children.key(k);
                let want_before = before.get(k).unwrap_or(&NULL);
                let want_after = after.get(k).unwrap_or(&NULL);
                assert_eq!(child.before, want_before, "{k} in {order:?}");
                assert_eq!(child.after, want_after, "{k} in {order:?}");
                assert_eq!(child.before_explicit, before.get(k).is_some());
                assert_eq!(child.after_explicit, after.get(k).is_some());
                assert_eq!(child.is_unknown(), k == "d", "{k} in {order:?}");
            }
        }
    }
}
