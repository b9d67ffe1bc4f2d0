//! `random_shuffle`: a random permutation of a list of strings.

use super::keepers;
use crate::framework::{Resource, Spec, Specs};
use crate::util::{errs, s, Obj, SeededRng};
use async_trait::async_trait;
use terrane_diagnostics::Diagnostics;
use terrane_value::{Type, Value};

/// The largest `result_count` accepted.
const MAX_RESULTS: i64 = 1 << 20;

pub(crate) struct RandomShuffle {
    specs: Specs,
}

impl RandomShuffle {
    pub fn new() -> Self {
        RandomShuffle {
            specs: Specs::new(
                "Generates a random permutation of a list of strings given as an argument.",
                vec![
                    keepers(),
                    Spec::optional("seed", Type::String).force_new().describe(
                        "Arbitrary string with which to seed the random number generator.",
                    ),
                    Spec::required("input", Type::list(Type::String))
                        .force_new()
                        .describe("The list of strings to shuffle."),
                    Spec::optional("result_count", Type::Number)
                        .force_new()
                        .describe("The number of results to return."),
                    Spec::computed("result", Type::list(Type::String))
                        .keep()
                        .describe("Random permutation of the list of strings given in input."),
                    Spec::computed("id", Type::String).keep(),
                ],
            ),
        }
    }
}

#[async_trait]
impl Resource for RandomShuffle {
    fn name(&self) -> &'static str {
        "random_shuffle"
    }

    fn specs(&self) -> &Specs {
        &self.specs
    }

    fn validate(&self, config: &Obj, diags: &mut Diagnostics) {
        if config.get("result_count").as_number().is_some() {
            match config.int("result_count") {
                Some(c) if !(0..=MAX_RESULTS).contains(&c) => diags.extend(errs(
                    "Invalid Attribute Value",
                    format!("Attribute result_count must be between 0 and {MAX_RESULTS}, got: {c}"),
                )),
                Some(_) => {}
                None => diags.extend(errs(
                    "Invalid Attribute Value",
                    "Attribute result_count must be a whole number.",
                )),
            }
        }
    }

    async fn create(&self, mut planned: Obj) -> Result<Obj, Diagnostics> {
        planned.set("id", s("-"));
        let input: Vec<Value> = planned
            .get("input")
            .as_seq()
            .map(<[Value]>::to_vec)
            .ok_or_else(|| errs("Create Random Shuffle Error", "input must be a known list."))?;
        let count = match planned.int("result_count") {
            Some(c) => c.clamp(0, MAX_RESULTS) as usize,
            None => input.len(),
        };
        let mut result = Vec::with_capacity(count);
        if count > 0 && !input.is_empty() {
            let mut rng = SeededRng::new(&planned.string_or_empty("seed"));
            'batches: loop {
                for i in rng.perm(input.len()) {
                    result.push(input[i].clone());
                    if result.len() >= count {
                        break 'batches;
                    }
                }
            }
        }
        planned.set("result", Value::list(Type::String, result));
        Ok(planned)
    }
}
