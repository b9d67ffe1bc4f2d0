//! Running this test binary again as a child process, to test what only a
//! second process (or a SIGKILL) can show.

use std::process::{Child, Command, Stdio};

/// Environment variable that tells a child entry point what to do.
pub const CHILD_ENV: &str = "TERRANE_STATE_TEST_CHILD";

/// Spawns this test binary running only the (ignored) test `name`, with
/// `arg` in [`CHILD_ENV`] and stdout piped.
pub fn spawn(name: &str, arg: &str) -> Child {
    let exe = std::env::current_exe().unwrap();
    Command::new(exe)
        .args([
            "--ignored",
            "--exact",
            name,
            "--nocapture",
            "--test-threads=1",
            "-q",
        ])
        .env(CHILD_ENV, arg)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap()
}

/// The argument passed to a child entry point, or `None` when the test is
/// run directly (then the entry point does nothing).
pub fn arg() -> Option<String> {
    std::env::var(CHILD_ENV).ok()
}
