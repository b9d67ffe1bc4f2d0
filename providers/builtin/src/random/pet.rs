//! `random_pet`: random, readable names such as `steady-mongoose`.

use super::keepers;
use super::words::{ADJECTIVES, ADVERBS, NAMES};
use crate::framework::{Resource, Spec, Specs};
use crate::util::{errs, s, secure_below, Obj};
use async_trait::async_trait;
use terrane_diagnostics::Diagnostics;
use terrane_value::{Type, Value};

/// The largest `length` accepted (the real provider has no limit; this one
/// refuses absurd sizes instead of exhausting memory).
const MAX_WORDS: i64 = 10_000;

pub(crate) struct RandomPet {
    specs: Specs,
}

impl RandomPet {
    pub fn new() -> Self {
        RandomPet {
            specs: Specs::new(
                "Generates random pet names that are intended to be used as unique identifiers for other resources.",
                vec![
                    keepers(),
                    Spec::optional_computed("length", Type::Number)
                        .default(Value::number(2))
                        .force_new()
                        .describe("The length (in words) of the pet name. Defaults to 2"),
                    Spec::optional("prefix", Type::String)
                        .force_new()
                        .describe("A string to prefix the name with."),
                    Spec::optional_computed("separator", Type::String)
                        .default(Value::string("-"))
                        .force_new()
                        .describe("The character to separate words in the pet name. Defaults to \"-\""),
                    Spec::computed("id", Type::String)
                        .keep()
                        .describe("The random pet name."),
                ],
            ),
        }
    }
}

fn choose(list: &[&'static str]) -> &'static str {
    list.get(secure_below(list.len() as u64) as usize)
        .copied()
        .unwrap_or("pet")
}

/// A pet name of `words` words as the real provider shapes it: one word is
/// a name; two an adjective and a name; more start with adverbs.
pub(crate) fn pet_name(words: i64, separator: &str) -> String {
    match words {
        1 => choose(NAMES).to_string(),
        2 => format!("{}{separator}{}", choose(ADJECTIVES), choose(NAMES)),
        _ => {
            let mut parts: Vec<&str> = (0..words.saturating_sub(2).max(0))
                .map(|_| choose(ADVERBS))
                .collect();
            parts.push(choose(ADJECTIVES));
            parts.push(choose(NAMES));
            parts.join(separator)
        }
    }
}

#[async_trait]
impl Resource for RandomPet {
    fn name(&self) -> &'static str {
        "random_pet"
    }

    fn specs(&self) -> &Specs {
        &self.specs
    }

    fn validate(&self, config: &Obj, diags: &mut Diagnostics) {
        if config.get("length").as_number().is_some() {
            match config.int("length") {
                Some(l) if l > MAX_WORDS => diags.extend(errs(
                    "Invalid Attribute Value",
                    format!("Attribute length must be at most {MAX_WORDS}, got: {l}"),
                )),
                Some(_) => {}
                None => diags.extend(errs(
                    "Invalid Attribute Value",
                    "Attribute length must be a whole number.",
                )),
            }
        }
    }

    async fn create(&self, mut planned: Obj) -> Result<Obj, Diagnostics> {
        let length = planned.int("length").ok_or_else(|| {
            errs(
                "Create Random Pet Error",
                "length must be a known whole number.",
            )
        })?;
        if length > MAX_WORDS {
            return Err(errs(
                "Create Random Pet Error",
                format!("length must be at most {MAX_WORDS}."),
            ));
        }
        let separator = planned.string_or_empty("separator");
        let prefix = planned.string_or_empty("prefix");
        let mut pet = pet_name(length, &separator).to_lowercase();
        if prefix.is_empty() {
            planned.set("prefix", Value::null(Type::String));
        } else {
            pet = format!("{prefix}{separator}{pet}");
        }
        planned.set("id", s(pet));
        Ok(planned)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn shapes() {
        let one = pet_name(1, "-");
        assert!(NAMES.contains(&one.as_str()));
        let two = pet_name(2, "-");
        let parts: Vec<&str> = two.split('-').collect();
        assert_eq!(parts.len(), 2);
        assert!(ADJECTIVES.contains(&parts[0]));
        assert!(NAMES.contains(&parts[1]));
        let four = pet_name(4, "_");
        let parts: Vec<&str> = four.split('_').collect();
        assert_eq!(parts.len(), 4);
        assert!(ADVERBS.contains(&parts[0]) && ADVERBS.contains(&parts[1]));
        assert!(ADJECTIVES.contains(&parts[2]));
        assert!(NAMES.contains(&parts[3]));
        // Zero or negative lengths fall back to adjective + name, as Go's
        // petname.Generate does.
        assert_eq!(pet_name(0, " ").split(' ').count(), 2);
        assert_eq!(pet_name(i64::MIN, "-").split('-').count(), 2);
    }

    #[test]
    fn word_lists_are_clean() {
        for list in [ADVERBS, ADJECTIVES, NAMES] {
            let mut seen = std::collections::BTreeSet::new();
            for w in list {
                assert!(
                    !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase()),
                    "{w}"
                );
                assert!(seen.insert(*w), "duplicate {w}");
            }
        }
    }
}
