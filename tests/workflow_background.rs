//! Bulk commands in the background (issue 26, item 4): annotate-all and the
//! bulk accepts run on a thread of their own on a large corpus, report
//! their progress, can be cancelled (nothing applied), apply as one undo
//! step, leave keys answered meanwhile and never lose an edit made while
//! they ran; their result equals the one applied at once.
//!
//! The seeds stand for a large corpus here: `set_background_from(0)` runs
//! every bulk command in the background.

mod workflow_support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use kashif::annotation::DocAnnotations;
use kashif::workflow::{Command, JobEnd, JobPhase, Outcome, Scope, Session};
use workflow_support::{FakeProposer, assert_disk_matches, ok, open, range_of, seeds};

fn proposer() -> Arc<FakeProposer> {
    Arc::new(FakeProposer::new(&[
        ("واشنطن", "LOC", 0.4),
        ("أرمينيا", "LOC", 0.9),
        ("باشينيان", "PER", 0.6),
        ("أنتوني بلينكين", "PER", 0.95),
    ]))
}

/// A session over the seeds with proposals in; bulk commands in the
/// background when `background`.
fn session(dir: &std::path::Path, background: bool) -> Session {
    let mut s = open(seeds(), dir);
    if background {
        s.set_background_from(0);
    }
    s.set_proposer(proposer());
    s.wait_for_proposals();
    s
}

fn all(s: &Session) -> Vec<DocAnnotations> {
    (0..s.documents().len())
        .map(|i| s.annotations(i).unwrap().clone())
        .collect()
}

/// Polls until the running job is applied (as the frame loop does).
fn poll_until_done(s: &mut Session) -> JobEnd {
    let t = Instant::now();
    while s.job_running() {
        s.poll();
        assert!(t.elapsed() < Duration::from_secs(30), "the job never ended");
        std::thread::sleep(Duration::from_millis(1));
    }
    s.take_job_end().expect("how the job ended")
}

/// Waits until the held job has done its first document.
fn first_document_done(s: &Session) {
    let t = Instant::now();
    while s.job_progress().is_some_and(|p| p.done == 0) {
        assert!(t.elapsed() < Duration::from_secs(30), "no progress");
        std::thread::sleep(Duration::from_millis(1));
    }
}

fn annotate_all(text: &str, label: &str, scope: Scope) -> Command {
    Command::AnnotateAll {
        text: text.into(),
        label: label.into(),
        scope,
    }
}

#[test]
fn the_result_in_the_background_equals_the_one_applied_at_once_on_the_seeds() {
    let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut now = session(d1.path(), false);
    let mut later = session(d2.path(), true);
    assert!(!now.in_background() && later.in_background());
    let commands = [
        // pending proposals accepted, new entities, follow-ups elsewhere
        annotate_all("أرمينيا", "LOC", Scope::Corpus),
        annotate_all("أذربيجان", "LOC", Scope::Corpus),
        annotate_all("باشينيان", "PER", Scope::Document),
        Command::AcceptAllOfLabel("PER".into()),
        Command::AcceptAllAbove(0.0),
    ];
    for cmd in commands {
        let want = ok(&mut now, cmd.clone());
        let landings = later.job_landings();
        let started = ok(&mut later, cmd.clone());
        assert!(
            matches!(started, Outcome::Started(_)),
            "{cmd:?}: {started:?}"
        );
        match (poll_until_done(&mut later), &want) {
            (JobEnd::Applied { outcome, .. }, _) => assert_eq!(outcome, want, "{cmd:?}"),
            (JobEnd::Nothing(why), Outcome::Nothing(want)) => assert_eq!(&why, want),
            (JobEnd::Nothing(why), _) => panic!("{cmd:?}: {why}, want {want:?}"),
        }
        assert_eq!(all(&later), all(&now), "{cmd:?}");
        assert_eq!(later.undo_name(), now.undo_name());
        if matches!(cmd, Command::AnnotateAll { .. }) && matches!(want, Outcome::Edited { .. }) {
            // nothing changed while it ran: put in place as the job
            // prepared it, not decided again on the frame's thread
            assert_eq!(
                later.job_landings(),
                (landings.0 + 1, landings.1),
                "{cmd:?}"
            );
        }
        now.wait_for_proposals();
        later.wait_for_proposals();
    }
    assert!(later.job_landings().0 >= 2, "{:?}", later.job_landings());
    // and undone step by step, they stay equal
    while now.can_undo() {
        ok(&mut now, Command::Undo);
        ok(&mut later, Command::Undo);
        assert_eq!(all(&later), all(&now));
    }
    assert!(!later.can_undo());
    later.flush().unwrap();
    assert_disk_matches(&later, d2.path());
}

#[test]
fn progress_is_reported_while_the_job_runs_and_keys_are_answered() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = session(dir.path(), true);
    s.wait_for_search_index();
    s.hold_jobs(true);
    let out = ok(&mut s, annotate_all("أرمينيا", "LOC", Scope::Corpus));
    let Outcome::Started(what) = out else {
        panic!("{out:?}")
    };
    assert!(what.contains("annotate-all «أرمينيا»"), "{what}");
    first_document_done(&s);
    let p = s.job_progress().unwrap();
    assert_eq!(p.phase, JobPhase::Finding);
    // every seed holds the name: the index names them all
    assert_eq!((p.done, p.total), (1, s.documents().len()));
    assert!(p.fraction() > 0.0 && p.fraction() < 1.0);
    assert!(p.text().contains("1 / 5 documents"), "{}", p.text());
    // nothing is applied meanwhile, and keys are answered at once
    let before = all(&s);
    assert!(!s.poll() || all(&s) == before);
    assert_eq!(ok(&mut s, Command::NextDocument), Outcome::Moved);
    assert_eq!(s.current(), Some(1));
    assert_eq!(all(&s), before);
    // a second bulk command waits for the first
    let second = ok(&mut s, annotate_all("أذربيجان", "LOC", Scope::Corpus));
    assert!(
        matches!(&second, Outcome::Nothing(why) if why.contains("still running")),
        "{second:?}"
    );
    s.release_jobs();
    let end = poll_until_done(&mut s);
    assert!(matches!(end, JobEnd::Applied { .. }), "{end:?}");
    assert!(end.message().starts_with("Annotated "), "{}", end.message());
    assert!(s.job_progress().is_none());
}

#[test]
fn cancelling_applies_nothing_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = session(dir.path(), true);
    s.hold_jobs(true);
    let before = all(&s);
    let out = ok(&mut s, annotate_all("أذربيجان", "LOC", Scope::Corpus));
    assert!(matches!(out, Outcome::Started(_)));
    first_document_done(&s);
    let out = ok(&mut s, Command::CancelJob);
    let Outcome::Nothing(why) = out else {
        panic!("{out:?}")
    };
    assert!(why.starts_with("Cancelled annotate-all"), "{why}");
    assert!(why.contains("nothing was changed"), "{why}");
    assert!(!s.job_running());
    // the thread stops; nothing arrives later either
    std::thread::sleep(Duration::from_millis(50));
    s.poll();
    assert_eq!(all(&s), before);
    assert!(!s.can_undo());
    assert!(s.take_job_end().is_none());
    assert_eq!(
        ok(&mut s, Command::CancelJob),
        Outcome::Nothing("nothing is running".into())
    );
    // a bulk command accepts at once afterwards
    s.hold_jobs(false);
    ok(&mut s, annotate_all("أذربيجان", "LOC", Scope::Corpus));
    assert!(matches!(poll_until_done(&mut s), JobEnd::Applied { .. }));
}

#[test]
fn the_whole_bulk_operation_is_one_undo_step_and_redo_redoes_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = session(dir.path(), true);
    let before = all(&s);
    ok(&mut s, annotate_all("أذربيجان", "LOC", Scope::Corpus));
    s.wait_for_job();
    let end = s.take_job_end().unwrap();
    let JobEnd::Applied {
        outcome: Outcome::Edited { documents, changes },
        ..
    } = end
    else {
        panic!("{end:?}")
    };
    assert_eq!(documents, 5);
    assert!(changes >= 40, "{changes}");
    let after = all(&s);
    assert_ne!(after, before);
    ok(&mut s, Command::Undo);
    assert_eq!(all(&s), before);
    assert!(!s.can_undo());
    ok(&mut s, Command::Redo);
    assert_eq!(all(&s), after);
    s.flush().unwrap();
    assert_disk_matches(&s, dir.path());
}

#[test]
fn an_edit_made_while_the_job_runs_is_kept() {
    // planned again off the frame on the annotations as they are now
    edit_made_while_the_job_runs(kashif::workflow::LANDING_TRIES, (1, 0));
}

#[test]
fn an_edit_made_while_the_job_runs_is_kept_when_the_frame_decides() {
    edit_made_while_the_job_runs(0, (0, 1));
}

/// An edit on an occurrence while annotate-all runs survives it, whether
/// the landing is prepared again (`tries` > 0) or decided on the frame;
/// `landings`: [`Session::job_landings`] after it.
fn edit_made_while_the_job_runs(tries: u8, landings: (usize, usize)) {
    let dir = tempfile::tempdir().unwrap();
    let mut s = session(dir.path(), true);
    s.set_landing_tries(tries);
    s.hold_jobs(true);
    ok(&mut s, annotate_all("أذربيجان", "LOC", Scope::Corpus));
    first_document_done(&s);
    // Meanwhile the annotator goes to the next document and labels one of
    // the occurrences otherwise (the job found it as a place to annotate).
    ok(&mut s, Command::NextDocument);
    let text = s.current_document().unwrap().text.clone();
    let (a, b) = range_of(&text, "أذربيجان", 0);
    ok(&mut s, Command::Select { start: a, end: b });
    ok(&mut s, Command::CreateFromSelection("ORG".into()));
    let mine = s.current_annotations().unwrap().clone();
    assert!(mine.entities.iter().any(|e| (e.start, e.end) == (a, b)));
    s.release_jobs();
    let end = poll_until_done(&mut s);
    // what the job prepared no longer holds: prepared again, or decided
    // on the frame
    assert_eq!(s.job_landings(), landings);
    assert!(
        end.message().contains("changed while it ran"),
        "{}",
        end.message()
    );
    // the annotator's entity stays as made, with no LOC over or beside it
    let ann = s.annotations(1).unwrap();
    let here: Vec<_> = ann
        .entities
        .iter()
        .filter(|e| (e.start, e.end) == (a, b))
        .collect();
    assert_eq!(here.len(), 1);
    assert_eq!(here[0].label, "ORG");
    // the other occurrences were annotated
    assert!(
        ann.entities
            .iter()
            .filter(|e| e.label == "LOC" && e.text == "أذربيجان")
            .count()
            >= 1
    );
    // undoing the bulk step leaves the annotator's edit (the machine's
    // proposals for the document arrived meanwhile: outside undo)
    ok(&mut s, Command::Undo);
    assert_eq!(s.annotations(1).unwrap().entities, mine.entities);
    assert_eq!(s.annotations(1).unwrap().status, mine.status);
}

#[test]
fn the_preview_is_counted_in_the_background() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = session(dir.path(), true);
    s.hold_jobs(true);
    assert_eq!(s.annotate_preview("أذربيجان", "LOC", Scope::Corpus), None);
    assert_eq!(s.annotate_preview("أذربيجان", "LOC", Scope::Corpus), None);
    s.wait_for_preview();
    let got = s.annotate_preview("أذربيجان", "LOC", Scope::Corpus);
    let want = s.preview_annotate_all("أذربيجان", "LOC", Scope::Corpus);
    assert_eq!(got, Some(want.clone()));
    assert!(want.new >= 40);
    // a document's preview is counted at once
    assert!(
        s.annotate_preview("أذربيجان", "LOC", Scope::Document)
            .is_some()
    );
    // annotate-all then uses the occurrences found and gives the preview's
    s.hold_jobs(false);
    ok(&mut s, annotate_all("أذربيجان", "LOC", Scope::Corpus));
    let end = poll_until_done(&mut s);
    let JobEnd::Applied {
        outcome: Outcome::Edited { documents, changes },
        ..
    } = end
    else {
        panic!("{end:?}")
    };
    assert_eq!((documents, changes), (want.documents, want.new));
}
