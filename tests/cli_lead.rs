//! Issue 25, points 3 and 8, from the command line: `kashif stats` reports
//! how entities were decided (acceptance and correction rates per label and
//! source) and the notes; `kashif validate --consistency` lists names
//! labelled differently, or annotated in one place and bare in another,
//! with every place. Files written before these fields existed load.

use std::fs;
use std::path::Path;
use std::process::Command;

fn kashif(args: &[&str], cwd: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_kashif"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run kashif")
}

const A: &str = "زار بلينكين باكو يوم الخميس.\n";
const B: &str = "وصل الوفد إلى باكو ثم غادر باكو.\n";

fn ron(doc: &str, text: &str, annotator: &str, entities: &str, extra: &str) -> String {
    let hash = kashif::corpus::text_hash(text);
    format!(
        "(\n    version: 1,\n    document: \"{doc}\",\n    text_hash: \"{hash}\",\n    annotator: \"{annotator}\",\n    status: Done,\n    entities: [\n{entities}    ],\n{extra})\n"
    )
}

/// Amina: a (old file: no `proposed`, no notes) and b (new fields);
/// omar: a, with باكو as PER.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    fs::create_dir_all(p.join("seeds")).unwrap();
    fs::write(p.join("seeds/a.txt"), A).unwrap();
    fs::write(p.join("seeds/b.txt"), B).unwrap();
    fs::create_dir_all(p.join("annotations/amina")).unwrap();
    fs::create_dir_all(p.join("annotations/omar")).unwrap();
    fs::write(
        p.join("annotations/amina/a.ron"),
        ron(
            "a",
            A,
            "amina",
            "        (start: 4, end: 11, label: \"PER\", origin: Accepted(Model), text: \"بلينكين\"),\n        (start: 12, end: 16, label: \"LOC\", origin: Corrected(Model), text: \"باكو\"),\n",
            "",
        ),
    )
    .unwrap();
    // b: باكو at 14..18 accepted in bulk, corrected from PER; the second
    // باكو (27..31) left bare; a note on the document and on the entity.
    fs::write(
        p.join("annotations/amina/b.ron"),
        ron(
            "b",
            B,
            "amina",
            "        (start: 14, end: 18, label: \"LOC\", origin: Corrected(Model), text: \"باكو\", proposed: Some((start: 14, end: 18, label: \"PER\", confidence: 0.89, bulk: true))),\n",
            "    notes: [\n        (text: \"ask the lead: same city twice?\"),\n        (at: Some((14, 18)), text: \"city or government?\"),\n    ],\n",
        ),
    )
    .unwrap();
    fs::write(
        p.join("annotations/omar/a.ron"),
        ron(
            "a",
            A,
            "omar",
            "        (start: 12, end: 16, label: \"PER\", origin: Accepted(Model), text: \"باكو\", proposed: Some((start: 12, end: 16, label: \"PER\", confidence: 0.89, bulk: true))),\n",
            "",
        ),
    )
    .unwrap();
    dir
}

#[test]
fn old_and_new_files_validate_and_consistency_lists_every_place() {
    let dir = project();
    let out = kashif(&["validate"], dir.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert_eq!(stdout, "");

    let out = kashif(&["validate", "--consistency"], dir.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    let labels = lines
        .iter()
        .find(|l| l.contains("«باكو» labelled LOC and PER"))
        .unwrap_or_else(|| panic!("no label finding:\n{stdout}"));
    for place in [
        "amina/a 12..16 LOC",
        "amina/b 14..18 LOC",
        "omar/a 12..16 PER",
    ] {
        assert!(labels.contains(place), "{place} missing: {labels}");
    }
    let bare = lines
        .iter()
        .find(|l| l.contains("«باكو» annotated in some places, not in others"))
        .unwrap_or_else(|| panic!("no bare finding:\n{stdout}"));
    assert!(bare.contains("amina/b 27..31 none"), "{bare}");
    assert!(
        lines.contains(&"note: amina/b: ask the lead: same city twice?"),
        "{stdout}"
    );
    assert!(
        lines.contains(&"note: amina/b 14..18: city or government?"),
        "{stdout}"
    );
    // Omar has no file for b: his annotations are not blamed for it.
    assert!(!stdout.contains("omar/b"), "{stdout}");
}

#[test]
fn stats_reports_acceptance_and_correction_rates_and_notes() {
    let dir = project();
    let out = kashif(&["stats", "--annotator", "amina"], dir.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    // Amina: PER from the model: 1 accepted (old file), 1 corrected (b's
    // PER? made LOC); LOC from the model: 1 corrected (old file, proposal
    // unknown, counted under its own label).
    let row = |label: &str| {
        stdout
            .lines()
            .find(|l| l.split_whitespace().take(2).eq([label, "model"]))
            .unwrap_or_else(|| panic!("no {label} row:\n{stdout}"))
            .split_whitespace()
            .collect::<Vec<_>>()
    };
    assert_eq!(row("PER")[2..], ["1", "0", "1", "50.0%", "50.0%"]);
    assert_eq!(row("LOC")[2..], ["0", "0", "1", "0.0%", "100.0%"]);
    assert!(
        stdout.contains("amina/b 14..18: city or government?"),
        "{stdout}"
    );
}
