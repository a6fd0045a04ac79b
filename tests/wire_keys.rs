//! Issue 24 through the real workbench (egui_kittest): a span made, fixed
//! and confirmed from the keyboard alone, the caret drawn, kept in view and
//! exposed to AccessKit, label tags that cover no letter, zoom that keeps
//! the line being read, panels that come back to their widths.

#[path = "ui_support/mod.rs"]
mod ui_support;
mod wire_support;
#[path = "workflow_support/mod.rs"]
mod workflow_support;

use std::sync::Arc;

use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::kittest::{NodeT, Queryable};
use kashif::annotation::{Origin, Source};
use wire_support::*;
use workflow_support::FakeProposer;

const A: &str =
    "اقتربت أرمينيا وأذربيجان من اتفاق في واشنطن مع أنتوني بلينكين وزار أوروبا ثم إيران";

fn long_text() -> String {
    (0..80)
        .map(|i| format!("السطر {i} من مقال طويل عن أرمينيا وأذربيجان وأوروبا وإيران."))
        .collect::<Vec<_>>()
        .join("\n")
}

struct Setup {
    _tmp: tempfile::TempDir,
    corpus: std::path::PathBuf,
    ann: std::path::PathBuf,
}

fn setup(docs: &[(&str, &str)]) -> Setup {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    let ann = tmp.path().join("annotations");
    write_corpus(&corpus, docs);
    Setup {
        _tmp: tmp,
        corpus,
        ann,
    }
}

fn proposer() -> Arc<FakeProposer> {
    Arc::new(FakeProposer::new(&[("أنتوني", "PER", 0.8)]))
}

const NONE: Modifiers = Modifiers::NONE;

fn selected(h: &egui_kittest::Harness<'_, kashif::ui::KashifApp>) -> Option<String> {
    let s = session(h);
    let (a, b) = s.selection()?;
    Some(
        s.current_document()?
            .text
            .chars()
            .skip(a)
            .take(b - a)
            .collect(),
    )
}

#[test]
fn a_name_is_made_fixed_and_confirmed_from_the_keyboard_alone() {
    let s = setup(&[("a", A)]);
    let mut h = workbench(&s.corpus, &s.ann, proposer(), (1200.0, 700.0));
    // The first arrow lands on the first word shown; in Arabic Left goes on.
    key(&mut h, NONE, Key::ArrowLeft);
    assert_eq!(selected(&h).as_deref(), Some("اقتربت"));
    key(&mut h, NONE, Key::ArrowLeft);
    assert_eq!(selected(&h).as_deref(), Some("أرمينيا"));
    // The caret is drawn and exposed, named by its word.
    let caret = h.get_by_role(Role::Caret);
    assert_eq!(
        caret.accesskit_node().label().as_deref(),
        Some("caret: أرمينيا")
    );
    // Its bounds lie on the word's start side (right, in Arabic).
    let word = h.state().view.range_rects(7, 14);
    let bar = h
        .state()
        .view
        .caret_rect(kashif::ui::CaretMark {
            word: (7, 14),
            at_end: false,
        })
        .unwrap();
    assert!(
        (bar.center().x - word[0].right()).abs() <= 2.0,
        "{bar:?} {word:?}"
    );
    // The next word has its و left out; 2 makes it LOC.
    key(&mut h, NONE, Key::ArrowLeft);
    assert_eq!(selected(&h).as_deref(), Some("أذربيجان"));
    key(&mut h, NONE, Key::Num2);
    let ann = session(&h).current_annotations().unwrap().clone();
    assert!(
        ann.entities
            .iter()
            .any(|e| e.text == "أذربيجان" && e.label == "LOC" && e.origin == Origin::Manual)
    );
    assert_disk_equals_shown(&h, &s.ann);
    // Tab to the proposal أنتوني; Shift+Left takes in بلينكين (fix before
    // accept): a corrected entity, no Enter needed.
    key(&mut h, NONE, Key::Escape);
    key(&mut h, NONE, Key::Tab);
    while session(&h).focus().unwrap().label != "PER" {
        key(&mut h, NONE, Key::Tab);
    }
    key(&mut h, Modifiers::SHIFT, Key::ArrowLeft);
    let ann = session(&h).current_annotations().unwrap();
    let per = ann.entities.iter().find(|e| e.label == "PER").unwrap();
    assert_eq!(per.text, "أنتوني بلينكين");
    assert_eq!(per.origin, Origin::Corrected(Source::Gazetteer));
    assert_disk_equals_shown(&h, &s.ann);
    // Escape clears; the caret node goes.
    key(&mut h, NONE, Key::Escape);
    assert!(h.query_by_role(Role::Caret).is_none());
}

#[test]
fn the_caret_is_kept_in_view() {
    let text = long_text();
    let s = setup(&[("a", &text)]);
    let mut h = workbench(&s.corpus, &s.ann, proposer(), (900.0, 500.0));
    key(&mut h, NONE, Key::ArrowLeft);
    // Walk the caret far down the article by words.
    for _ in 0..200 {
        h.key_press_modifiers(NONE, Key::ArrowLeft);
    }
    settle(&mut h);
    let (a, b) = session(&h).selection().unwrap();
    let (v0, v1) = h.state().view.visible_chars().unwrap();
    assert!(a > 300, "the caret moved far: {a}");
    assert!(
        v0 <= a && b <= v1,
        "caret {a}..{b} outside the view {v0}..{v1}"
    );
}

#[test]
fn label_tags_never_cover_a_letter() {
    // Each name saved as an entity: the tags of أرمينيا, أنتوني, أوروبا,
    // إيران must leave their hamzas (and every other glyph) uncovered.
    let s = setup(&[("a", A)]);
    // Tall enough that the whole text is on screen at 400 %.
    let mut h = workbench(&s.corpus, &s.ann, proposer(), (1000.0, 1600.0));
    for w in ["أرمينيا", "أنتوني", "أوروبا", "إيران"] {
        let (a, b) = range_of(A, w);
        h.state_mut().model.apply(kashif::ui::Command::Work(
            kashif::workflow::Command::Select { start: a, end: b },
        ));
        h.state_mut().model.apply(kashif::ui::Command::Work(
            kashif::workflow::Command::ApplyLabel("LOC".into()),
        ));
    }
    settle(&mut h);
    for zoom in [1.0, 0.5, 1.5, 2.5, 4.0] {
        h.state_mut().view.set_zoom(zoom);
        settle(&mut h);
        let (ink, tags) = h.state().view.ink_and_tags();
        assert!(!ink.is_empty());
        assert!(tags.len() >= 4, "zoom {zoom}: {} tags", tags.len());
        for t in tags {
            for g in ink {
                assert!(
                    !t.intersects(*g),
                    "zoom {zoom}: tag {t:?} covers glyph {g:?}"
                );
            }
        }
    }
}

#[test]
fn zoom_keeps_the_line_being_read_in_place() {
    let text = long_text();
    let s = setup(&[("a", &text)]);
    let mut h = workbench(&s.corpus, &s.ann, proposer(), (900.0, 500.0));
    // Scroll to the middle of the article.
    let target = range_of(&text, "السطر 40 ");
    h.state_mut().model.apply(kashif::ui::Command::Work(
        kashif::workflow::Command::Select {
            start: target.0,
            end: target.1,
        },
    ));
    settle(&mut h);
    let (top, _) = h.state().view.visible_chars().unwrap();
    let para = |c: usize| text.chars().take(c).filter(|&x| x == '\n').count();
    let before = para(top);
    assert!(before > 20, "scrolled: paragraph {before}");
    for _ in 0..3 {
        h.key_press_modifiers(Modifiers::COMMAND, Key::Plus);
        settle(&mut h);
    }
    let (top2, _) = h.state().view.visible_chars().unwrap();
    assert!(
        para(top2).abs_diff(before) <= 1,
        "paragraph {before} at the top before, {} after",
        para(top2)
    );
}

#[test]
fn side_panels_come_back_to_their_widths_when_the_window_grows() {
    let s = setup(&[("a", A)]);
    let mut h = workbench(&s.corpus, &s.ann, proposer(), (1400.0, 900.0));
    let widths = |h: &egui_kittest::Harness<'_, kashif::ui::KashifApp>| {
        let w = &h.state().work;
        (w.panel_widths()[0].last, w.panel_widths()[1].last)
    };
    let (d0, t0) = widths(&h);
    h.set_size(egui::vec2(800.0, 560.0));
    settle(&mut h);
    let (d1, t1) = widths(&h);
    assert!(d1 < d0 && t1 < t0, "{d0:?}->{d1:?} {t0:?}->{t1:?}");
    h.set_size(egui::vec2(1400.0, 900.0));
    settle(&mut h);
    let (d2, t2) = widths(&h);
    let close = |a: Option<f32>, b: Option<f32>| (a.unwrap() - b.unwrap()).abs() <= 2.0;
    assert!(
        close(d2, d0) && close(t2, t0),
        "{d0:?}->{d2:?} {t0:?}->{t2:?}"
    );
}
