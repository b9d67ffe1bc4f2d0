//! The `random` provider (`registry.terraform.io/hashicorp/random`):
//! `random_bytes`, `random_id`, `random_integer`, `random_password`,
//! `random_pet`, `random_shuffle`, `random_string`, `random_uuid`,
//! `random_uuid4` and `random_uuid7`. Values are made once, at create;
//! reads never change them; `keepers` changes replace.

mod bytes;
mod id;
mod pet;
mod shuffle;
mod string;
mod words;

use crate::framework::{BuiltinProvider, Replace, Spec};
use terrane_value::Type;

/// The `random` provider.
pub fn provider() -> BuiltinProvider {
    BuiltinProvider::new(
        "random",
        "registry.terraform.io/hashicorp/random",
        vec![
            Box::new(bytes::RandomBytes::new()),
            Box::new(id::RandomId::new()),
            Box::new(id::RandomInteger::new()),
            Box::new(id::RandomUuid::new(id::UuidKind::Raw)),
            Box::new(id::RandomUuid::new(id::UuidKind::V4)),
            Box::new(id::RandomUuid::new(id::UuidKind::V7)),
            Box::new(string::RandomString::new(false)),
            Box::new(string::RandomString::new(true)),
            Box::new(pet::RandomPet::new()),
            Box::new(shuffle::RandomShuffle::new()),
        ],
        Vec::new(),
    )
}

/// The `keepers` attribute every random resource has.
fn keepers() -> Spec {
    Spec::optional("keepers", Type::map(Type::String))
        .replace(Replace::IfValuesNotNull)
        .describe(
            "Arbitrary map of values that, when changed, will trigger recreation of resource.",
        )
}
