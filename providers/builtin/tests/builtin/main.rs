//! Integration tests of the built-in providers: the conformance test-kit
//! for every provider and resource type, plus targeted behaviour checks.
//! One test binary, one module per provider.

#![allow(clippy::unwrap_used)]

mod conformance;
mod local;
mod random;
mod robustness;
mod support;
mod terraform_null;
mod time;
