//! The time it takes, on record (issue 24, point 7): every decision the
//! session applies is appended to the annotator's timing file with what was
//! decided, label, span and seconds; the statistics (entities per hour,
//! seconds per entity, shares accepted / corrected / drawn) come out right
//! from a hand-made file, and bad lines are reported with file:line.

mod workflow_support;

use std::sync::Arc;

use kashif::eval::timing_report;
use kashif::store::{Act, IDLE_CAP_SECS, TIMING_NAME, read_timing};
use kashif::workflow::{Command, Direction, Edge, Focus, FocusKind, Session};
use workflow_support::*;

const A: &str = "قال أنتوني بلينكين في واشنطن إن موسكو وباريس بعيدة عن طوكيو اليوم";

fn focus_proposal(s: &mut Session, text: &str) {
    let ann = s.current_annotations().unwrap();
    let p = ann
        .proposals
        .iter()
        .find(|p| p.text == text)
        .unwrap_or_else(|| panic!("no proposal {text}: {:?}", ann.proposals));
    let f = Focus::proposal(p);
    ok(s, Command::Focus(f));
}

#[test]
fn a_sequence_of_commands_writes_the_expected_records() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open_docs(dir.path(), &[("a", A)]);
    s.set_proposer(Arc::new(FakeProposer::new(&[
        ("أنتوني بلينكين", "PER", 0.9),
        ("واشنطن", "PER", 0.8),
        ("إن موسكو", "LOC", 0.7),
        ("بعيدة", "MISC", 0.5),
        ("طوكيو", "LOC", 0.4),
    ])));
    s.wait_for_proposals();
    assert_eq!(s.current_annotations().unwrap().proposals.len(), 5);
    let path = dir.path().join("ann").join(ANNOTATOR).join(TIMING_NAME);
    // Moving about decides nothing and writes nothing.
    ok(&mut s, Command::FocusNext);
    ok(&mut s, Command::FocusNext);
    ok(&mut s, Command::FocusPrevious);
    assert_eq!(s.focus().unwrap().kind, FocusKind::Proposal);
    // Nothing decided yet: no timing file (opening changes no file).
    s.flush().unwrap();
    assert!(!path.exists());
    ok(&mut s, Command::AcceptFocused { label: None });
    focus_proposal(&mut s, "واشنطن");
    ok(&mut s, Command::ApplyLabel("LOC".into()));
    focus_proposal(&mut s, "إن موسكو");
    ok(
        &mut s,
        Command::MoveEdge {
            edge: Edge::Start,
            direction: Direction::Forward,
        },
    );
    focus_proposal(&mut s, "بعيدة");
    ok(&mut s, Command::RejectFocused);
    let (a, b) = range_of(A, "باريس", 0);
    ok(&mut s, Command::Select { start: a, end: b });
    ok(&mut s, Command::ApplyLabel("LOC".into()));
    ok(&mut s, Command::RelabelFocused("ORG".into()));
    ok(&mut s, Command::DeleteFocused);
    ok(&mut s, Command::Undo);
    ok(&mut s, Command::AcceptAllAbove(0.0));
    ok(&mut s, Command::SetStatus(kashif::annotation::Status::Done));
    // Dropping the session ends the journal thread after its last append.
    drop(s);
    let file = read_timing(&path).unwrap();
    assert!(file.problems.is_empty(), "{:?}", file.problems);
    let got: Vec<(Act, &str, String)> = file
        .records
        .iter()
        .map(|r| {
            let text: String = A.chars().skip(r.start).take(r.end - r.start).collect();
            (r.act, r.label.as_str(), text)
        })
        .collect();
    let want: Vec<(Act, &str, String)> = [
        (Act::Accept, "PER", "أنتوني بلينكين"),
        (Act::CorrectLabel, "LOC", "واشنطن"),
        (Act::CorrectBounds, "LOC", "موسكو"),
        (Act::Reject, "MISC", "بعيدة"),
        (Act::Draw, "LOC", "باريس"),
        (Act::Relabel, "ORG", "باريس"),
        (Act::Delete, "ORG", "باريس"),
        (Act::Undo, "", ""),
        (Act::AcceptBulk, "LOC", "طوكيو"),
        (Act::Done, "", ""),
    ]
    .into_iter()
    .map(|(a, l, t)| (a, l, t.to_string()))
    .collect();
    assert_eq!(got, want);
    for r in &file.records {
        assert_eq!(r.document, "a");
        assert!((0.0..=IDLE_CAP_SECS).contains(&r.seconds), "{r:?}");
        assert!(r.unix_ms > 1_600_000_000_000, "{r:?}");
    }
    let report = timing_report(ANNOTATOR, &file.records);
    assert_eq!(report.total.entities, 5);
    assert_eq!(
        (
            report.total.as_proposed,
            report.total.corrected,
            report.total.drawn
        ),
        (2, 2, 1)
    );
}

/// Written by hand: two days, six decisions on the first (120 s, four
/// entities: two accepted, one corrected, one drawn), a bulk accept of two
/// in 3 s on the second; a line with an unknown decision, one with a
/// negative time and a last line cut short, each reported and skipped.
const HAND_MADE: &str = "\
# kashif timing 1\tunix_ms\tdocument\tdecision\tlabel\tstart\tend\tseconds
1796500000000\ta\taccept\tLOC\t1\t7\t10.000
1796500010000\ta\taccept\tPER\t9\t20\t20.000
1796500030000\ta\tcorrect-label\tLOC\t22\t28\t30.000
1796500060000\ta\tdraw\tORG\t30\t40\t40.000
1796500100000\ta\treject\tMISC\t41\t45\t20.000
1796500100500\ta\tdone\t\t0\t0\t0.000
1796500100600\ta\tfly\tLOC\t1\t2\t3
1796600000000\tsub/b\taccept-bulk\tLOC\t1\t5\t1.500
1796600000000\tsub/b\taccept-bulk\tLOC\t8\t12\t1.500
1796600000100\tsub/b\treject\tLOC\t8\t12\t-1
1796600000200\tsub/b\tdraw\tPER\t14\t";

#[test]
fn statistics_from_a_hand_made_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(TIMING_NAME);
    std::fs::write(&path, HAND_MADE).unwrap();
    let file = read_timing(&path).unwrap();
    assert_eq!(file.records.len(), 8);
    let p = path.display().to_string();
    assert_eq!(
        file.problems,
        [
            format!("{p}:8: unknown decision \"fly\"; skipped"),
            format!("{p}:11: seconds \"-1\" is not a time; skipped"),
            format!("{p}:12: 6 field(s), expected 7; skipped"),
        ]
    );
    let r = timing_report("amina", &file.records);
    assert_eq!(r.days.len(), 2);
    let (day1, f1) = &r.days[0];
    assert_eq!(day1, "2026-12-05");
    assert_eq!(f1.entities, 4);
    assert_eq!(f1.decisions, 6);
    assert!((f1.seconds - 120.0).abs() < 1e-9);
    assert_eq!(f1.entities_per_hour(), Some(120.0));
    assert_eq!(f1.seconds_per_entity(), Some(30.0));
    assert_eq!(f1.shares(), (0.5, 0.25, 0.25));
    let (day2, f2) = &r.days[1];
    assert_eq!(day2, "2026-12-06");
    assert_eq!((f2.entities, f2.as_proposed), (2, 2));
    assert_eq!(f2.seconds_per_entity(), Some(1.5));
    assert_eq!(f2.entities_per_hour(), Some(2400.0));
    // Overall: 6 entities in 123 s.
    assert_eq!(r.total.entities, 6);
    assert!((r.total.seconds_per_entity().unwrap() - 20.5).abs() < 1e-9);
    assert!((r.total.entities_per_hour().unwrap() - 6.0 * 3600.0 / 123.0).abs() < 1e-9);
    let (a, c, d) = r.total.shares();
    assert!((a - 4.0 / 6.0).abs() < 1e-9 && (c - 1.0 / 6.0).abs() < 1e-9);
    assert!((d - 1.0 / 6.0).abs() < 1e-9);
    let line = r.total.summary();
    assert!(
        line.starts_with("6 entities in ")
            && line.ends_with(
                " min: 175.6 entities/hour, 20.5 s/entity; accepted as proposed 67 %, corrected 17 %, drawn 17 % (8 decisions)"
            ),
        "{line}"
    );
}

/// A timing file that cannot be written stops nothing: the decision is
/// saved, and the status bar says once that decisions are not timed,
/// naming the file.
#[test]
fn a_timing_file_that_cannot_be_written_is_said_and_the_work_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open_docs(dir.path(), &[("a", A)]);
    let path = dir.path().join("ann").join(ANNOTATOR).join(TIMING_NAME);
    // A folder where the file should be: it cannot be opened for appending.
    std::fs::create_dir_all(&path).unwrap();
    let (a, b) = range_of(A, "باريس", 0);
    ok(&mut s, Command::Select { start: a, end: b });
    ok(&mut s, Command::ApplyLabel("LOC".into()));
    let t = std::time::Instant::now();
    while s.timing_error().is_none() && t.elapsed().as_secs() < 10 {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert!(s.timing_error().is_some());
    s.poll();
    let m = s.message().unwrap_or_default().to_string();
    assert!(m.starts_with("decisions are not timed: "), "{m}");
    assert!(m.contains(TIMING_NAME), "{m}");
    s.flush().unwrap();
    assert_disk_matches(&s, &dir.path().join("ann"));
    assert_eq!(s.current_annotations().unwrap().entities.len(), 1);
}
