//! Integration tests of terrane-state: one binary (link once). The crash and
//! lock tests re-run this same binary as a child process (see `child.rs`).
#![allow(clippy::unwrap_used)]

mod child;
mod crash;
mod journal;
mod local;
mod lock;
mod model;
mod oracle;

use std::path::PathBuf;

/// Path of a test data file under `tests/data`.
pub fn data(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(rel)
}

/// The reference state files written by Terraform.
pub const REFERENCE_STATES: &[&str] = &[
    "terraform-1.15.5/terraform.tfstate",
    "terraform-1.15.5/terraform.after_change.tfstate",
    "terraform-1.15.5/terraform.after_change.tfstate.backup",
    "terraform-1.11.4-rich/terraform.tfstate",
];
