use std::io::Write;

use terrane_state::journal::apply_outcome;
use terrane_state::{
    Action, InstanceAddr, InstanceKey, InstanceObject, IntentSpec, Journal, LocalBackend, Mutation,
    Outcome, RawJson, StateError, StateFile,
};

pub const PROVIDER: &str = "provider[\"registry.terraform.io/hashicorp/null\"]";

pub fn addr(i: i64) -> InstanceAddr {
    InstanceAddr::managed("null_resource", "r", Some(InstanceKey::Int(i)))
}

pub fn object(i: i64) -> InstanceObject {
    InstanceObject::new(
        0,
        RawJson::parse(&format!("{{\"id\":\"id-{i}\",\"i\":{i}}}")).unwrap(),
    )
}

pub fn spec(i: i64, action: Action) -> IntentSpec {
    IntentSpec {
        addr: addr(i),
        action,
        provider: PROVIDER.into(),
        identity: Some(
            RawJson::parse(&format!("{{\"name\":\"r-{i}\",\"tags\":{{\"k\":\"v\"}}}}")).unwrap(),
        ),
        prior: None,
    }
}

fn setup() -> (tempfile::TempDir, LocalBackend, StateFile, Journal) {
    let dir = tempfile::tempdir().unwrap();
    let b = LocalBackend::new(dir.path());
    let mut s = StateFile::new("1.15.5");
    s.serial = 1;
    b.write("default", &s, false).unwrap();
    let mut j = Journal::open(b.journal_path("default").unwrap()).unwrap();
    j.begin(&s).unwrap();
    (dir, b, s, j)
}

#[test]
fn replay_applies_results_and_reports_pending_intents() {
    let (_dir, b, base, mut j) = setup();
    let i1 = j.append_intent(spec(1, Action::Create)).unwrap();
    j.append_result(i1, Outcome::Applied(object(1))).unwrap();
    let i2 = j.append_intent(spec(2, Action::Create)).unwrap();
    j.append_result(i2, Outcome::Applied(object(2))).unwrap();
    let i3 = j.append_intent(spec(1, Action::Delete)).unwrap();
    j.append_result(i3, Outcome::Deleted).unwrap();
    let i4 = j.append_intent(spec(4, Action::Create)).unwrap();
    j.append_result(
        i4,
        Outcome::Failed {
            error: "quota".into(),
            object: Some({
                let mut o = object(4);
                o.status = Some(terrane_state::ObjectStatus::Tainted);
                o
            }),
        },
    )
    .unwrap();
    let i5 = j.append_intent(spec(5, Action::Create)).unwrap(); // no result: "crash"
    j.append_mutation(Mutation::SetOutput {
        name: "o".into(),
        output: terrane_state::OutputValue {
            value: RawJson::string("v"),
            value_type: RawJson::string("string"),
            sensitive: false,
            extra: Default::default(),
        },
    })
    .unwrap();
    drop(j);

    // A new process: open, replay onto the stored state.
    let mut state = b.read("default").unwrap().unwrap();
    assert_eq!(state, base);
    let j = Journal::open(b.journal_path("default").unwrap()).unwrap();
    let report = j.replay(&mut state).unwrap();
    assert_eq!(report.applied_results, 4);
    assert_eq!(report.applied_mutations, 1);
    assert!(!report.stale);
    assert!(report.warnings.is_empty());
    assert_eq!(report.pending.len(), 1);
    assert_eq!(report.pending[0].id, i5);
    assert_eq!(
        report.pending[0].spec.identity.as_ref().unwrap().get(),
        r#"{"name":"r-5","tags":{"k":"v"}}"#
    );
    assert_eq!(report.failed.len(), 1);
    assert_eq!(report.failed[0].1, "quota");

    assert!(state.object(&addr(1)).is_none());
    assert_eq!(
        state.object(&addr(2)).unwrap().attributes,
        object(2).attributes
    );
    assert!(state.object(&addr(4)).unwrap().is_tainted());
    assert!(state.object(&addr(5)).is_none());
    assert_eq!(state.outputs["o"].value.get(), "\"v\"");
}

#[test]
fn pending_intent_can_be_resolved_after_reopen_and_checkpoint_carries_in_flight_intents() {
    let (_dir, b, mut state, mut j) = setup();
    let done = j.append_intent(spec(1, Action::Create)).unwrap();
    j.append_result(done, Outcome::Applied(object(1))).unwrap();
    let intent = terrane_state::Intent {
        id: done,
        spec: spec(1, Action::Create),
    };
    apply_outcome(&mut state, &intent, &Outcome::Applied(object(1)));
    let in_flight = j.append_intent(spec(2, Action::Create)).unwrap();

    // Checkpoint while intent 2 is in flight.
    j.checkpoint(&mut state, |s| b.write("default", s, false))
        .unwrap();
    assert_eq!(
        state.serial, 2,
        "checkpoint raises the serial above the journal base"
    );
    assert_eq!(j.base().unwrap().1, 2);
    assert_eq!(j.len(), 1, "only the in-flight intent is carried over");

    // Its result arrives after the checkpoint and is accepted.
    j.append_result(in_flight, Outcome::Applied(object(2)))
        .unwrap();
    drop(j);

    let mut stored = b.read("default").unwrap().unwrap();
    assert_eq!(stored.serial, 2);
    assert!(stored.object(&addr(1)).is_some());
    assert!(stored.object(&addr(2)).is_none());
    let j = Journal::open(b.journal_path("default").unwrap()).unwrap();
    let report = j.replay(&mut stored).unwrap();
    assert_eq!(report.applied_results, 1);
    assert!(report.pending.is_empty());
    assert_eq!(
        stored.object(&addr(2)).unwrap().attributes,
        object(2).attributes
    );
}

#[test]
fn torn_last_line_is_ignored_with_a_warning_and_cut_off() {
    let (_dir, b, mut state, mut j) = setup();
    let id = j.append_intent(spec(1, Action::Create)).unwrap();
    j.append_result(id, Outcome::Applied(object(1))).unwrap();
    let id2 = j.append_intent(spec(2, Action::Create)).unwrap();
    drop(j);
    let path = b.journal_path("default").unwrap();
    let full_len = std::fs::metadata(&path).unwrap().len();
    // Simulate a kill in the middle of writing the result of intent 2.
    let line =
        format!("{{\"v\":1,\"result\":{{\"id\":{id2},\"outcome\":{{\"applied\":{{\"schema_ver");
    std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap()
        .write_all(line.as_bytes())
        .unwrap();

    let mut j = Journal::open(&path).unwrap();
    assert_eq!(
        std::fs::metadata(&path).unwrap().len(),
        full_len,
        "torn tail cut off"
    );
    let report = j.replay(&mut state).unwrap();
    assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
    assert!(report.warnings[0].contains("torn last line"));
    assert_eq!(report.applied_results, 1);
    assert_eq!(report.pending.len(), 1);
    assert_eq!(report.pending[0].id, id2);

    // Appending after the cut works and the file stays valid.
    j.append_result(id2, Outcome::Applied(object(2))).unwrap();
    drop(j);
    let mut state2 = b.read("default").unwrap().unwrap();
    let report = Journal::open(&path).unwrap().replay(&mut state2).unwrap();
    assert!(report.warnings.is_empty());
    assert_eq!(report.applied_results, 2);
}

#[test]
fn garbage_last_line_with_newline_is_treated_as_torn() {
    let (_dir, b, mut state, mut j) = setup();
    let id = j.append_intent(spec(1, Action::Create)).unwrap();
    drop(j);
    let path = b.journal_path("default").unwrap();
    std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap()
        .write_all(b"\0\0\0\0\n")
        .unwrap();
    let j = Journal::open(&path).unwrap();
    let report = j.replay(&mut state).unwrap();
    assert_eq!(report.warnings.len(), 1);
    assert_eq!(report.pending[0].id, id);
}

#[test]
fn corrupt_middle_line_is_refused_and_left_untouched() {
    let (_dir, b, _state, mut j) = setup();
    let id = j.append_intent(spec(1, Action::Create)).unwrap();
    j.append_result(id, Outcome::Applied(object(1))).unwrap();
    j.append_intent(spec(2, Action::Create)).unwrap();
    drop(j);
    let path = b.journal_path("default").unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4);
    let broken = lines[2][..lines[2].len() / 2].to_owned();
    lines[2] = &broken;
    let corrupt = lines.join("\n") + "\n";
    std::fs::write(&path, &corrupt).unwrap();

    let err = Journal::open(&path).unwrap_err();
    match &err {
        StateError::JournalCorrupt { line, .. } => assert_eq!(*line, 3),
        other => panic!("unexpected {other:?}"),
    }
    assert!(err.to_string().contains("line 3"), "{err}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), corrupt);
}

#[test]
fn inconsistent_journals_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j");
    let cases: &[(&str, &str)] = &[
        ("{\"v\":1,\"intent\":{\"id\":1,\"spec\":{\"addr\":{\"mode\":\"managed\",\"type\":\"t\",\"name\":\"n\"},\"action\":\"create\",\"provider\":\"p\"}}}\n{\"v\":1,\"begin\":{\"lineage\":\"l\",\"serial\":1}}\n", "first record must be a begin"),
        ("{\"v\":1,\"begin\":{\"lineage\":\"l\",\"serial\":1}}\n{\"v\":1,\"result\":{\"id\":9,\"outcome\":\"deleted\"}}\n{\"v\":1,\"begin\":{\"lineage\":\"l\",\"serial\":1}}\n", "unknown intent 9"),
        ("{\"v\":2,\"begin\":{\"lineage\":\"l\",\"serial\":1}}\n{}\n", "version 2"),
    ];
    for (text, want) in cases {
        std::fs::write(&path, text).unwrap();
        let err = Journal::open(&path).unwrap_err().to_string();
        assert!(err.contains(want), "{err}");
    }
}

#[test]
fn replay_refuses_a_journal_of_another_state_and_skips_a_stale_one() {
    let (_dir, b, state, mut j) = setup();
    let id = j.append_intent(spec(1, Action::Create)).unwrap();
    j.append_result(id, Outcome::Applied(object(1))).unwrap();
    j.append_intent(spec(2, Action::Create)).unwrap();

    let mut other = StateFile::new("1.15.5");
    other.serial = 1;
    let err = j.replay(&mut other).unwrap_err();
    assert!(err.to_string().contains("lineage"), "{err}");

    let mut older = state.clone();
    older.serial = 0;
    assert!(j
        .replay(&mut older)
        .unwrap_err()
        .to_string()
        .contains("older serial"));

    // Crash after the checkpoint's state write, before the journal reset:
    // the state already holds the results; only the pending intent remains.
    let mut newer = state.clone();
    newer.serial = 2;
    newer.upsert_object(&addr(1), PROVIDER, object(1));
    b.write("default", &newer, false).unwrap();
    let mut loaded = b.read("default").unwrap().unwrap();
    let report = j.replay(&mut loaded).unwrap();
    assert!(report.stale);
    assert_eq!(report.applied_results, 0);
    assert_eq!(report.pending.len(), 1);
    assert_eq!(loaded, newer);
}

#[test]
fn appending_requires_begin_and_known_intents() {
    let dir = tempfile::tempdir().unwrap();
    let mut j = Journal::open(dir.path().join("j")).unwrap();
    assert!(j
        .append_intent(spec(1, Action::Create))
        .unwrap_err()
        .to_string()
        .contains("begin"));
    let s = StateFile::new("1.15.5");
    j.begin(&s).unwrap();
    assert!(j.append_result(7, Outcome::Deleted).is_err());
    let id = j.append_intent(spec(1, Action::Create)).unwrap();
    j.append_result(id, Outcome::Deleted).unwrap();
    assert!(j
        .append_result(id, Outcome::Deleted)
        .unwrap_err()
        .to_string()
        .contains("already"));
}

#[test]
fn depose_and_restore_mutations_replay_in_order() {
    let (_dir, b, mut state, mut j) = setup();
    let id = j.append_intent(spec(1, Action::Create)).unwrap();
    j.append_result(id, Outcome::Applied(object(1))).unwrap();
    j.append_mutation(Mutation::Depose {
        addr: addr(1),
        deposed_key: "0000abcd".into(),
    })
    .unwrap();
    let id = j.append_intent(spec(1, Action::Replace)).unwrap();
    j.append_result(
        id,
        Outcome::Failed {
            error: "boom".into(),
            object: None,
        },
    )
    .unwrap();
    j.append_mutation(Mutation::Restore {
        addr: addr(1).deposed("0000abcd"),
    })
    .unwrap();
    let report = Journal::open(b.journal_path("default").unwrap())
        .unwrap()
        .replay(&mut state)
        .unwrap();
    assert_eq!(report.applied_mutations, 2);
    assert_eq!(
        state.object(&addr(1)).unwrap().attributes,
        object(1).attributes
    );
    assert!(state.object(&addr(1).deposed("0000abcd")).is_none());
    drop(j);
}

#[test]
fn journal_lines_are_versioned_json() {
    let (_dir, b, _state, mut j) = setup();
    let id = j.append_intent(spec(1, Action::Create)).unwrap();
    j.append_result(id, Outcome::Applied(object(1))).unwrap();
    let text = std::fs::read_to_string(b.journal_path("default").unwrap()).unwrap();
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(v["v"], 1, "{line}");
    }
    let intent: serde_json::Value = serde_json::from_str(text.lines().nth(1).unwrap()).unwrap();
    assert_eq!(intent["intent"]["spec"]["action"], "create");
    assert_eq!(intent["intent"]["spec"]["addr"]["index_key"], 1);
}
