//! tests: crate under construction; see docs/architecture.md.
