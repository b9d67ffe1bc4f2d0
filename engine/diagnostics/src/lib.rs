//! diagnostics: crate under construction; see docs/architecture.md.
