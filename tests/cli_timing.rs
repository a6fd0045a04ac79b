//! `kashif stats` prints the time annotation took (issue 24, point 7): the
//! figures of the annotator's timing file overall and per day, bad lines on
//! stderr with file:line, never a failure.

use std::process::Command;

const TIMING: &str = "\
# kashif timing 1\tunix_ms\tdocument\tdecision\tlabel\tstart\tend\tseconds
1796500000000\ta\taccept\tLOC\t1\t7\t10.000
1796500010000\ta\taccept\tPER\t9\t20\t20.000
1796500030000\ta\tcorrect-bounds\tLOC\t22\t28\t30.000
1796500060000\ta\tdraw\tORG\t30\t40\t40.000
1796500100000\ta\treject\tMISC\t41\t45\t20.000
not a record
1796600000000\ta\tdraw\tPER\t50\t60\t36.000
1796600000100\ta\taccept\tPER\t";

#[test]
fn stats_prints_entities_per_hour_seconds_per_entity_and_shares() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    let ann = dir.path().join("ann");
    std::fs::create_dir_all(&corpus).unwrap();
    std::fs::create_dir_all(ann.join("amina")).unwrap();
    std::fs::write(corpus.join("a.txt"), "قال أنتوني بلينكين في واشنطن").unwrap();
    let timing = ann.join("amina").join(".kashif-timing.tsv");
    std::fs::write(&timing, TIMING).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_kashif"))
        .args(["stats", "--corpus"])
        .arg(&corpus)
        .arg("--annotations")
        .arg(&ann)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    // 5 entities in 156 s: 115.4 per hour, 31.2 s each; 2 accepted, 1
    // corrected, 2 drawn.
    assert!(
        stdout.contains(
            "  time: 5 entities in 2.6 min: 115.4 entities/hour, 31.2 s/entity; accepted as proposed 40 %, corrected 20 %, drawn 40 % (6 decisions)"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "    2026-12-05: 4 entities in 2.0 min: 120.0 entities/hour, 30.0 s/entity; accepted as proposed 50 %, corrected 25 %, drawn 25 % (5 decisions)"
        ),
        "{stdout}"
    );
    assert!(
        stdout
            .contains("    2026-12-06: 1 entities in 0.6 min: 100.0 entities/hour, 36.0 s/entity"),
        "{stdout}"
    );
    let t = timing.display().to_string();
    assert!(
        stderr.contains(&format!("{t}:7: 1 field(s), expected 7; skipped")),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("{t}:9: 5 field(s), expected 7; skipped")),
        "{stderr}"
    );
}
