//! A corpus of thousands of documents in the workbench: the lists lay out
//! only the rows in view, the document list's filter follows edits, and a
//! corpus search through the index finds what a scan of every document
//! finds, its first hits at once and the rest streamed in.

#[path = "ui_support/mod.rs"]
mod ui_support;
mod wire_support;
#[path = "workflow_support/mod.rs"]
mod workflow_support;

use std::sync::Arc;

use egui_kittest::kittest::Queryable;
use kashif::annotation::Status;
use kashif::workflow::{Command, FIRST_DOCS, Scope, Session, find};
use wire_support::*;
use workflow_support::{FakeProposer, ok, open_docs};

/// `n` documents `row-00000`...; every third mentions a city, in forms a
/// normalised search must match (vowel marks, a proclitic, hamza).
fn texts(n: usize) -> Vec<(String, String)> {
    (0..n)
        .map(|i| {
            let text = match i % 3 {
                0 => format!("وصل الوفد إلى مدينةِ الإسكندرية يوم {i}"),
                1 => format!("قال المتحدث إن والمدينة هادئة {i}"),
                _ => format!("لا شيء عن ذلك في الخبر رقم {i}"),
            };
            (format!("row-{i:05}"), text)
        })
        .collect()
}

fn borrowed(docs: &[(String, String)]) -> Vec<(&str, &str)> {
    docs.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect()
}

#[test]
fn the_document_list_lays_out_only_the_rows_in_view_and_filters_as_edits_change() {
    let dir = tempfile::tempdir().unwrap();
    let docs = texts(3000);
    let corpus = dir.path().join("corpus");
    write_corpus(&corpus, &borrowed(&docs));
    let proposer = Arc::new(FakeProposer::new(&[]));
    let mut h = workbench(&corpus, &dir.path().join("ann"), proposer, (1200.0, 700.0));
    // Rows are buttons labelled "<id>  (<entities>+<proposals>?)" (their
    // counts are also a text of their own, "(0+0?)", not counted).
    let rows = |h: &egui_kittest::Harness<'_, kashif::ui::KashifApp>| {
        h.query_all_by_label_contains("?)")
            .filter(|n| format!("{n:?}").contains("  ("))
            .count()
    };
    let shown = rows(&h);
    assert!((5..100).contains(&shown), "{shown} rows laid out");
    assert!(h.query_by_label_contains("row-00000  (").is_some());
    assert!(h.query_by_label_contains("row-02999  (").is_none());

    // The filter reaches the last document.
    h.state_mut().work.doc_filter = "row-02999".into();
    settle(&mut h);
    assert_eq!(rows(&h), 1);
    assert!(h.query_by_label_contains("row-02999  (").is_some());

    // A status filter follows an edit made after it was typed.
    h.state_mut().work.doc_filter = "done".into();
    settle(&mut h);
    assert_eq!(rows(&h), 0);
    h.state_mut()
        .model
        .apply(kashif::ui::Command::Work(Command::SetStatus(Status::Done)));
    settle(&mut h);
    assert_eq!(rows(&h), 1);
    assert!(h.query_by_label_contains("row-00000  (").is_some());
}

/// Hits of a scan of every document, as (document id, start, end).
fn scan(docs: &[(String, String)], q: &str) -> Vec<(String, usize, usize)> {
    docs.iter()
        .flat_map(|(id, t)| find(t, q).into_iter().map(move |(s, e)| (id.clone(), s, e)))
        .collect()
}

fn hits(s: &Session) -> Vec<(String, usize, usize)> {
    s.search_hits()
        .iter()
        .map(|h| (h.doc_id.clone(), h.start, h.end))
        .collect()
}

#[test]
fn a_corpus_search_through_the_index_finds_what_a_scan_finds_first_hits_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let docs = texts(600);
    let mut s = open_docs(dir.path(), &borrowed(&docs));
    for q in [
        "مدينة",
        "الإسكندرية",
        "دين",
        "رقم 5",
        "الخبر رقم",
        "غير موجود",
    ] {
        let want = scan(&docs, q);
        // before the index is built, and after
        for built in [false, true] {
            if built {
                s.wait_for_search_index();
                assert!(s.search_index_ready());
            }
            ok(
                &mut s,
                Command::Search {
                    query: q.into(),
                    scope: Scope::Corpus,
                },
            );
            let first = hits(&s);
            assert_eq!(first, want[..first.len()], "{q}: the first hits, in order");
            s.wait_for_search();
            assert!(!s.searching());
            assert_eq!(hits(&s), want, "{q} (index built: {built})");
        }
    }
    // A common word lives in more documents than are searched at once:
    // the rest stream in and a new search drops them.
    ok(
        &mut s,
        Command::Search {
            query: "مدينة".into(),
            scope: Scope::Corpus,
        },
    );
    assert!(s.searching());
    assert_eq!(s.search_hits().len(), FIRST_DOCS);
    ok(
        &mut s,
        Command::Search {
            query: "الإسكندرية".into(),
            scope: Scope::Corpus,
        },
    );
    s.wait_for_search();
    assert_eq!(hits(&s), scan(&docs, "الإسكندرية"));
    // streamed hits also arrive through the frame's poll
    ok(
        &mut s,
        Command::Search {
            query: "والمدينة".into(),
            scope: Scope::Corpus,
        },
    );
    while s.searching() {
        s.poll();
        std::thread::yield_now();
    }
    assert_eq!(hits(&s), scan(&docs, "والمدينة"));
}

#[test]
fn corpus_wide_work_keeps_views_of_a_bounded_number_of_documents() {
    let dir = tempfile::tempdir().unwrap();
    let docs = texts(900);
    let mut s = open_docs(dir.path(), &borrowed(&docs));
    // at open, documents with nothing pending are not even looked at
    assert!(s.docs_with_views() <= 1, "{}", s.docs_with_views());
    s.wait_for_search_index();
    // 600 documents hold the word: annotate-all's preview reads them all
    let p = s.preview_annotate_all("مدينة", "LOC", Scope::Corpus);
    assert!(p.documents >= 300, "{p:?}");
    let kept = s.docs_with_views();
    assert!(
        kept <= kashif::workflow::VIEWS_KEPT + 1,
        "{kept} documents hold views"
    );
    // and annotating them all still reaches every one
    ok(
        &mut s,
        Command::AnnotateAll {
            text: "مدينة".into(),
            label: "LOC".into(),
            scope: Scope::Corpus,
        },
    );
    let annotated = (0..docs.len())
        .filter(|&i| !s.annotations(i).unwrap().entities.is_empty())
        .count();
    assert_eq!(annotated, p.documents);
    assert!(s.docs_with_views() <= kashif::workflow::VIEWS_KEPT + 1);
}
