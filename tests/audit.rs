//! Issue 14's audits of the demo site, as `scripts/audit.sh` runs them with this build's
//! pufa (`tests/audit/audit.mjs`, tools from `scripts/test.sh`): axe-core on every page type
//! in the default, colour and elder modes (0 violations; 7:1 contrast in the colour modes;
//! every control at least 60×60 px in elder mode), Lighthouse mobile (accessibility, best
//! practices and SEO 100), the Nu HTML checker on every page (0 errors), no request to
//! another host, and the home page at most 100 KB. And that the audit rejects each defect
//! planted by `tests/fixtures/audit/*/plant.json` (a low-contrast colour, a missing label),
//! naming the axe rule the fixture expects.

mod common;

use std::process::{Command, Output};
use std::sync::Mutex;

use common::{RunWithin, repo};

/// One audit at a time: they share two cores, and Lighthouse times the pages.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Whether the audit's tools are here: false when browser tests are skipped
/// (`PUFA_SKIP_BROWSER`); a missing tool fails the test, pointing to scripts/test.sh.
fn tools_present(java: bool) -> bool {
    // None when browser tests are skipped; a missing chromium fails there.
    if common::browser::chromium().is_none() {
        return false;
    }
    let runs = |program: &str| {
        Command::new(program)
            .arg("--version")
            .try_output_within(60, &format!("{program} --version"))
            .is_ok_and(|o| o.status.success())
    };
    let mut missing = Vec::new();
    if !runs("node") {
        missing.push("node");
    }
    if java && !runs("java") {
        missing.push("java");
    }
    assert!(
        missing.is_empty(),
        "{} missing: run scripts/test.sh (it installs what the audits need)",
        missing.join(", ")
    );
    true
}

/// `scripts/audit.sh ARGS` with this build's pufa, within `secs` seconds; its output is
/// printed. Exit status 2 (the audit could not run) fails the test here.
fn audit(args: &[&str], secs: u64) -> Output {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let o = Command::new("bash")
        .arg(repo().join("scripts/audit.sh"))
        .args(args)
        .env("PUFA_BIN", env!("CARGO_BIN_EXE_pufa"))
        .current_dir(repo())
        .output_within(secs, &format!("scripts/audit.sh {}", args.join(" ")));
    println!("{}", String::from_utf8_lossy(&o.stdout));
    eprintln!("{}", String::from_utf8_lossy(&o.stderr));
    assert_ne!(
        o.status.code(),
        Some(2),
        "the audit could not run (see its output above): run scripts/test.sh to install its tools"
    );
    o
}

#[test]
fn the_demo_site_passes_every_audit() {
    if !tools_present(true) {
        return;
    }
    // audit.mjs stops itself after 12 minutes; the build comes before.
    let o = audit(&[], 900);
    assert!(
        o.status.success(),
        "the demo site fails the audit: see the list after AUDIT FAILED above"
    );
}

/// The audit of the fixture's planted defect fails, naming the rule its plant.json expects.
fn rejects_planted(fixture: &str) {
    if !tools_present(false) {
        return;
    }
    let dir = repo().join("tests/fixtures/audit").join(fixture);
    let plant: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("plant.json")).unwrap()).unwrap();
    let rule = plant["expect"]
        .as_str()
        .expect("plant.json names the rule it expects");
    let o = audit(&["--plant", dir.to_str().unwrap()], 300);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(1),
        "the audit did not reject {fixture} ({})",
        plant["defect"]
    );
    assert!(
        out.contains(&format!(": {rule} (")),
        "the audit of {fixture} failed, but not with axe's rule {rule}"
    );
}

#[test]
fn the_audit_rejects_a_low_contrast_colour() {
    rejects_planted("low-contrast");
}

#[test]
fn the_audit_rejects_a_missing_label() {
    rejects_planted("missing-label");
}
