//! Crash test: a child process journals provider calls in a loop (with
//! periodic checkpoints and deletes) and is killed with SIGKILL at random
//! moments. After every kill the parent checks that the state file still
//! parses, the journal opens, and replay yields every result the child had
//! appended (and reported) before it died.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use rand::Rng;
use terrane_state::{Action, InstanceKey, Journal, LocalBackend, Outcome, StateFile};

use crate::child;
use crate::journal::{addr, object, spec};

/// Child entry point: journal forever until killed.
#[test]
#[ignore = "run as a child process by sigkill_at_random_moments_never_loses_an_acknowledged_result"]
fn crash_child() {
    let Some(dir) = child::arg() else { return };
    let b = LocalBackend::new(PathBuf::from(dir));
    let mut state = b.read("default").unwrap().unwrap_or_else(|| {
        let mut s = StateFile::new("1.15.5");
        s.serial = 1;
        s
    });
    let mut j = Journal::open(b.journal_path("default").unwrap()).unwrap();
    let report = j.replay(&mut state).unwrap();
    // Reconcile: this fake provider never created anything for a lost call.
    for p in &report.pending {
        j.append_result(
            p.id,
            Outcome::Failed {
                error: "reconciled: not found".into(),
                object: None,
            },
        )
        .unwrap();
    }
    j.checkpoint(&mut state, |s| b.write("default", s, false))
        .unwrap();
    println!("READY {}", state.serial);

    let mut next = state
        .resources
        .iter()
        .flat_map(|r| r.instances.iter())
        .filter_map(|o| match o.index_key {
            Some(InstanceKey::Int(i)) => Some(i + 1),
            _ => None,
        })
        .max()
        .unwrap_or(0);
    loop {
        let i = next;
        next += 1;
        let id = j.append_intent(spec(i, Action::Create)).unwrap();
        j.append_result_and_apply(id, Outcome::Applied(object(i)), &mut state)
            .unwrap();
        println!("ACK {i}");
        if i % 7 == 6 && state.object(&addr(i - 3)).is_some() {
            println!("DELETING {}", i - 3);
            let mut del = spec(i - 3, Action::Delete);
            del.prior = Some(object(i - 3));
            let id = j.append_intent(del).unwrap();
            j.append_result_and_apply(id, Outcome::Deleted, &mut state)
                .unwrap();
            println!("DEL {}", i - 3);
        }
        if i % 11 == 10 {
            j.checkpoint(&mut state, |s| b.write("default", s, false))
                .unwrap();
            println!("CKPT {}", state.serial);
        }
    }
}

/// What the parent knows about an object from the child's reports.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Expect {
    /// Creation acknowledged.
    Present,
    /// A delete was started but not acknowledged: either outcome is valid.
    Either,
    /// Deletion acknowledged.
    Absent,
}

#[derive(Default, Debug)]
struct Stats {
    kills: usize,
    acked: usize,
    deleted: usize,
    checkpoints: usize,
    torn_tails: usize,
    stale_journals: usize,
    pending_after_kill: usize,
}

#[test]
fn sigkill_at_random_moments_never_loses_an_acknowledged_result() {
    let dir = tempfile::tempdir().unwrap();
    let b = LocalBackend::new(dir.path());
    let mut expected: BTreeMap<i64, Expect> = BTreeMap::new();
    let mut stats = Stats::default();
    let mut rng = rand::rng();
    let started = Instant::now();

    while stats.kills < 100 && started.elapsed() < Duration::from_secs(7) {
        let mut proc = child::spawn("crash::crash_child", dir.path().to_str().unwrap());
        let stdout = proc.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel::<String>();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        // Kill either during start-up (replay/checkpoint) or mid-loop.
        if rng.random_bool(0.25) {
            std::thread::sleep(Duration::from_millis(rng.random_range(0..40)));
        } else {
            let ready = rx.recv_timeout(Duration::from_secs(10));
            let mut early = Vec::new();
            if let Ok(l) = ready {
                early.push(l);
            }
            std::thread::sleep(Duration::from_millis(rng.random_range(1..60)));
            proc.kill().unwrap();
            proc.wait().unwrap();
            reader.join().unwrap();
            record(
                early.into_iter().chain(rx.try_iter()),
                &mut expected,
                &mut stats,
            );
            stats.kills += 1;
            verify(&b, &mut expected, &mut stats);
            continue;
        }
        proc.kill().unwrap();
        proc.wait().unwrap();
        reader.join().unwrap();
        record(rx.try_iter(), &mut expected, &mut stats);
        stats.kills += 1;
        verify(&b, &mut expected, &mut stats);
    }
    eprintln!("crash test: {stats:?} in {:?}", started.elapsed());
    assert!(stats.kills >= 10, "{stats:?}");
    assert!(stats.acked > 0, "{stats:?}");
}

fn record(
    lines: impl Iterator<Item = String>,
    expected: &mut BTreeMap<i64, Expect>,
    stats: &mut Stats,
) {
    for line in lines {
        let mut parts = line.split_whitespace();
        match (
            parts.next(),
            parts.next().and_then(|n| n.parse::<i64>().ok()),
        ) {
            (Some("ACK"), Some(i)) => {
                expected.insert(i, Expect::Present);
                stats.acked += 1;
            }
            (Some("DELETING"), Some(i)) => {
                expected.insert(i, Expect::Either);
            }
            (Some("DEL"), Some(i)) => {
                expected.insert(i, Expect::Absent);
                stats.deleted += 1;
            }
            (Some("CKPT"), Some(_)) => stats.checkpoints += 1,
            _ => {}
        }
    }
}

fn verify(b: &LocalBackend, expected: &mut BTreeMap<i64, Expect>, stats: &mut Stats) {
    let mut state = b
        .read("default")
        .expect("state file must always parse after a kill")
        .unwrap_or_else(|| StateFile::new("1.15.5"));
    let path = b.journal_path("default").unwrap();
    if !path.exists() {
        assert!(expected.is_empty(), "results acknowledged but no journal");
        return;
    }
    let journal = Journal::open(&path).expect("journal must open after a kill");
    let report = match journal.base() {
        // Killed before the first checkpoint finished: nothing acknowledged yet.
        None => {
            assert!(expected.is_empty());
            return;
        }
        Some(_) => journal
            .replay(&mut state)
            .expect("replay must succeed after a kill"),
    };
    stats.torn_tails += report.warnings.len();
    stats.stale_journals += usize::from(report.stale);
    stats.pending_after_kill += report.pending.len();
    for (i, expect) in expected.iter_mut() {
        let got = state.object(&addr(*i));
        if *expect == Expect::Either {
            // Settle what replay decided; later checks hold it to that.
            *expect = if got.is_some() {
                Expect::Present
            } else {
                Expect::Absent
            };
        }
        if *expect == Expect::Present {
            assert_eq!(
                got.and_then(|o| o.attributes.as_ref()),
                object(*i).attributes.as_ref(),
                "acknowledged result {i} lost; {report:?}"
            );
        } else {
            assert!(got.is_none(), "acknowledged delete {i} lost");
        }
    }
    // No object exists that was never journaled as created.
    for r in &state.resources {
        for o in &r.instances {
            if let Some(InstanceKey::Int(i)) = o.index_key {
                assert_eq!(o.attributes, object(i).attributes);
            }
        }
    }
}
