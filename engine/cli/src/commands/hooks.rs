//! The human progress UI: the shared `UiHooks` lines plus provisioner
//! output (`addr: Provisioning with 'local-exec'...`,
//! `addr (local-exec): <line>`), as Terraform prints them.

use super::common::UiHooks;
use super::uijson::emit;
use std::time::Duration;
use terrane_core::plan::Action;
use terrane_core::Hooks;

/// [`UiHooks`] with provisioner output.
pub struct HumanHooks(pub UiHooks);

impl Hooks for HumanHooks {
    fn refreshing(&self, addr: &str, id: Option<&str>) {
        self.0.refreshing(addr, id);
    }

    fn refreshed(&self, addr: &str, id: Option<&str>) {
        self.0.refreshed(addr, id);
    }

    fn started(&self, addr: &str, action: Action, id: Option<&str>) {
        self.0.started(addr, action, id);
    }

    fn still_running(&self, addr: &str, action: Action, id: Option<&str>, e: Duration) {
        self.0.still_running(addr, action, id, e);
    }

    fn finished(&self, addr: &str, action: Action, id: Option<&str>, e: Duration) {
        self.0.finished(addr, action, id, e);
    }

    fn failed(&self, addr: &str, action: Action) {
        self.0.failed(addr, action);
    }

    fn provision_start(&self, addr: &str, provisioner: &str) {
        emit(&format!("{addr}: Provisioning with '{provisioner}'..."));
    }

    fn provision_output(&self, addr: &str, provisioner: &str, line: &str) {
        emit(&format!("{addr} ({provisioner}): {line}"));
    }
}
