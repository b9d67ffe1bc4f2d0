//! The README's main flow on `examples/quickstart`: apply, a no-op plan
//! (exit 0 with -detailed-exitcode), destroy to an empty state.

use terrane_tests::*;

#[test]
fn quickstart_apply_noop_plan_destroy() {
    let dir = temp_copy("examples/quickstart");
    let d = dir.path();
    let init = terrane(d, &["init"]);
    assert!(init.status.success(), "init: {}", stderr(&init));
    assert!(stdout(&init).contains("- service in modules/service"));

    let apply = terrane(d, &["apply", "-auto-approve"]);
    assert!(
        apply.status.success(),
        "apply: {}{}",
        stdout(&apply),
        stderr(&apply)
    );
    let out = stdout(&apply);
    assert!(
        out.contains("Apply complete! Resources: 9 added, 0 changed, 0 destroyed."),
        "{out}"
    );
    assert!(
        out.contains("module.service[\"dev\"].terraform_data.service: Creation complete after"),
        "{out}"
    );
    let state = state_json(d);
    let resources = state["resources"].as_array().expect("resources");
    assert_eq!(resources.len(), 8, "{state:#}");
    assert!(d.join("out/summary.txt").is_file());
    let summary = std::fs::read_to_string(d.join("out/summary.txt")).expect("summary");
    assert!(
        summary.contains("dev: http://quickstart-default-"),
        "{summary}"
    );

    let plan = terrane(d, &["plan", "-detailed-exitcode"]);
    assert_eq!(
        plan.status.code(),
        Some(0),
        "plan: {}{}",
        stdout(&plan),
        stderr(&plan)
    );
    assert!(stdout(&plan).contains("No changes."));

    let output = terrane(d, &["output", "-raw", "pet_name"]);
    assert!(output.status.success());
    assert!(stdout(&output).starts_with("quickstart-default-"));

    let destroy = terrane(d, &["destroy", "-auto-approve"]);
    assert!(
        destroy.status.success(),
        "destroy: {}{}",
        stdout(&destroy),
        stderr(&destroy)
    );
    assert!(stdout(&destroy).contains("Destroy complete! Resources: 9 destroyed."));
    let state = state_json(d);
    assert_eq!(state["resources"].as_array().map(Vec::len), Some(0));
    assert!(!d.join("out/summary.txt").exists());
}

#[test]
fn changed_variable_gives_exit_code_2_and_replaces_what_it_must() {
    let dir = temp_copy("examples/quickstart");
    let d = dir.path();
    assert!(terrane(d, &["apply", "-auto-approve"]).status.success());
    let plan = terrane(d, &["plan", "-detailed-exitcode", "-var", "workers=3"]);
    assert_eq!(
        plan.status.code(),
        Some(2),
        "{}{}",
        stdout(&plan),
        stderr(&plan)
    );
    let text = stdout(&plan);
    assert!(
        text.contains("# terraform_data.worker[2] will be created"),
        "{text}"
    );
    assert!(
        text.contains("Plan: 1 to add, 2 to change, 0 to destroy."),
        "{text}"
    );
}
