//! End-to-end tests of the AWS provider against moto server through the
//! real SDK clients. Each test uses its own region (moto keeps state per
//! region) or unique names, so tests run in parallel without resets.
//! Without TERRANE_MOTO_ENDPOINT they print "skipped: moto not running" and
//! pass, unless TERRANE_REQUIRE_SERVERS is set (CI), where they fail.

#![allow(clippy::unwrap_used)]

mod batching;
mod cache;
mod common;
mod databases;
mod loadbalancing;
mod network;
mod provider;
mod routing;
mod scenario;
mod security;
mod storage;
