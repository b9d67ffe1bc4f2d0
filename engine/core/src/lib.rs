//! The engine core: the dependency graph, the planner and the apply
//! executor.
//!
//! The planner turns configuration + prior state + providers into a
//! [`plan::Plan`], which is pure data: every action is decided there, and
//! apply only executes it. The core depends on the provider *trait*
//! (`terrane-provider`), never on a concrete provider, and on no CLI crate.

pub mod plan;
