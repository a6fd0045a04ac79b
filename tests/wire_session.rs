//! Issue 15, a long annotation session through the real window
//! (egui_kittest over a real editing session): spans drawn by the
//! guidelines, focus kept in view, export, feedback, layout.

#[path = "ui_support/mod.rs"]
mod ui_support;
mod wire_support;
#[path = "workflow_support/mod.rs"]
mod workflow_support;

use std::sync::Arc;

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use kashif::ui::KashifApp;
use ui_support::drag_chars;
use wire_support::*;
use workflow_support::FakeProposer;

const NONE: Modifiers = Modifiers::NONE;

/// Line `n` (1-based) of a seed article.
fn seed_line(id: &str, n: usize) -> String {
    let text = std::fs::read_to_string(format!("seeds/{id}.txt")).unwrap();
    text.lines().nth(n - 1).unwrap().to_string()
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

fn no_proposals() -> Arc<FakeProposer> {
    Arc::new(FakeProposer::new(&[]))
}

fn selection(h: &Harness<'_, KashifApp>) -> Option<(usize, usize)> {
    h.state().model.selection
}

/// Four seed paragraphs of seeds/003: `وأرمينيا.`, `(آرتساخ)”`,
/// `وباشينيان`, and `باشينيان` on its own.
fn clitic_text() -> String {
    [
        seed_line("003_0acdc6091995a434", 17),
        seed_line("003_0acdc6091995a434", 67),
        seed_line("003_0acdc6091995a434", 3),
        seed_line("003_0acdc6091995a434", 23),
    ]
    .join("\n")
}

#[test]
fn a_drag_over_a_word_with_its_conjunction_and_full_stop_saves_the_bare_name() {
    let text = clitic_text();
    let s = setup(&[("d", &text)]);
    let mut h = workbench(&s.corpus, &s.ann, no_proposals(), (1200.0, 800.0));
    // "... بين أذربيجان وأرمينيا. وأشار ..." dragged from و to the full stop
    let (a, b) = range_of(&text, "وأرمينيا.");
    drag_chars(&mut h, a, b - 1, NONE);
    let bare = (a + 1, b - 1);
    assert_eq!(selection(&h), Some(bare), "the drag shows أرمينيا");
    // what was shown is what gets saved
    key(&mut h, NONE, Key::Num2);
    let e = session(&h).current_annotations().unwrap().entities.clone();
    assert_eq!(e.len(), 1);
    assert_eq!((e[0].start, e[0].end), bare);
    assert_eq!(e[0].text, "أرمينيا");
    assert_disk_equals_shown(&h, &s.ann);

    // Alt keeps the exact chars, conjunction and all
    key(&mut h, NONE, Key::Escape);
    drag_chars(&mut h, a, b - 2, Modifiers::ALT);
    assert_eq!(selection(&h), Some((a, b - 1)));
}

#[test]
fn a_drag_over_a_bracketed_quoted_name_saves_the_name_alone() {
    let text = clitic_text();
    let s = setup(&[("d", &text)]);
    let mut h = workbench(&s.corpus, &s.ann, no_proposals(), (1200.0, 800.0));
    // "… ناغورنو كاراباخ (آرتساخ)” الانفصالي …": from ( to ”
    let (a, b) = range_of(&text, "(آرتساخ)”");
    drag_chars(&mut h, a, b - 1, NONE);
    let name = range_of(&text, "آرتساخ");
    assert_eq!(selection(&h), Some(name));
    key(&mut h, NONE, Key::Num2);
    let e = &session(&h).current_annotations().unwrap().entities;
    assert_eq!(e[0].text, "آرتساخ");

    // the whole name with its bracketed alias keeps the balanced brackets,
    // but not the closing quote
    key(&mut h, NONE, Key::Escape);
    let (n, _) = range_of(&text, "ناغورنو كاراباخ (آرتساخ)");
    drag_chars(&mut h, n + 1, b - 1, NONE);
    assert_eq!(selection(&h), Some((n, b - 1)));
}

#[test]
fn a_double_click_on_a_word_with_a_conjunction_selects_the_name() {
    let text = clitic_text();
    let s = setup(&[("d", &text)]);
    let mut h = workbench(&s.corpus, &s.ann, no_proposals(), (1200.0, 800.0));
    // وباشينيان: the rest باشينيان occurs alone in the document
    let (a, b) = range_of(&text, "وباشينيان");
    let p = ui_support::at(&h, a + 3);
    h.hover_at(p);
    h.run();
    for t in [10.0, 10.1] {
        h.input_mut().time = Some(t);
        for pressed in [true, false] {
            h.event(egui::Event::PointerButton {
                pos: p,
                button: egui::PointerButton::Primary,
                pressed,
                modifiers: NONE,
            });
        }
        h.step();
    }
    h.run();
    assert_eq!(selection(&h), Some((a + 1, b)));
}

/// A long article: 60 paragraphs, a name in each (proposed by the fake
/// proposer), so most of it is off screen.
fn long_text() -> String {
    let mut t = String::new();
    for i in 0..60 {
        t.push_str(&format!(
            "الفقرة {i}: اقتربت أرمينيا من إبرام اتفاق سلام مع جيرانها بعد محادثات طويلة\n\n"
        ));
    }
    t
}

fn armenia() -> Arc<FakeProposer> {
    Arc::new(FakeProposer::new(&[("أرمينيا", "LOC", 0.9)]))
}

/// Whether chars `a..b` lie on the lines the article shows in full.
fn in_view(h: &Harness<'_, KashifApp>, a: usize, b: usize) -> bool {
    let (s, e) = h.state().view.visible_chars().expect("a laid out view");
    s <= a && b <= e
}

#[test]
fn enter_and_x_keep_the_next_focused_proposal_in_view() {
    let text = long_text();
    let s = setup(&[("long", &text)]);
    let mut h = workbench(&s.corpus, &s.ann, armenia(), (1000.0, 420.0));
    key(&mut h, NONE, Key::Tab);
    for round in 0..30 {
        let f = session(&h).focus().expect("a focused proposal").clone();
        assert!(
            in_view(&h, f.start, f.end),
            "round {round}: focused {}..{} is off screen",
            f.start,
            f.end
        );
        // Alternate accepting and rejecting: focus moves on each time (to
        // the next pending proposal, which often has the same index).
        key(
            &mut h,
            NONE,
            if round % 2 == 0 { Key::Enter } else { Key::X },
        );
    }
    assert_disk_equals_memory(&h, &s.ann);
}

#[test]
fn tab_with_nothing_focused_starts_from_the_first_item_on_screen() {
    let text = long_text();
    let s = setup(&[("long", &text)]);
    let mut h = workbench(&s.corpus, &s.ann, armenia(), (1000.0, 420.0));
    // Focus the 40th proposal (scrolls there), then Esc: nothing focused,
    // the article stays where it is.
    let p40 = session(&h).current_annotations().unwrap().proposals[40].clone();
    h.state_mut().model.apply(kashif::ui::model::Command::Work(
        kashif::workflow::Command::Focus(kashif::workflow::Focus::proposal(&p40)),
    ));
    settle(&mut h);
    assert!(in_view(&h, p40.start, p40.end));
    key(&mut h, NONE, Key::Escape);
    assert!(session(&h).focus().is_none());
    let (first_shown, _) = h.state().view.visible_chars().unwrap();
    key(&mut h, NONE, Key::Tab);
    let f = session(&h).focus().unwrap().clone();
    let want = session(&h)
        .current_annotations()
        .unwrap()
        .proposals
        .iter()
        .find(|p| p.start >= first_shown)
        .unwrap()
        .start;
    assert_eq!(f.start, want, "Tab starts at the first proposal on screen");
    assert!(f.start > 0 && in_view(&h, f.start, f.end));
}

#[test]
fn shift_tab_with_nothing_focused_starts_from_the_last_item_on_screen() {
    let text = long_text();
    let s = setup(&[("long", &text)]);
    let mut h = workbench(&s.corpus, &s.ann, armenia(), (1000.0, 420.0));
    // Scroll to the 40th proposal, then Esc: nothing focused.
    let p40 = session(&h).current_annotations().unwrap().proposals[40].clone();
    h.state_mut().model.apply(kashif::ui::model::Command::Work(
        kashif::workflow::Command::Focus(kashif::workflow::Focus::proposal(&p40)),
    ));
    settle(&mut h);
    key(&mut h, NONE, Key::Escape);
    assert!(session(&h).focus().is_none());
    let (_, last_shown) = h.state().view.visible_chars().unwrap();
    let proposals = session(&h).current_annotations().unwrap().proposals.clone();
    assert!(
        proposals.last().unwrap().start >= last_shown,
        "the document goes on below the screen"
    );
    key(&mut h, Modifiers::SHIFT, Key::Tab);
    let f = session(&h).focus().unwrap().clone();
    let want = proposals
        .iter()
        .rev()
        .find(|p| p.start < last_shown)
        .unwrap()
        .start;
    assert_eq!(
        f.start, want,
        "Shift+Tab starts at the last proposal on screen, not the document's last"
    );
    assert!(in_view(&h, f.start, f.end));
}

#[test]
fn a_search_hit_far_down_is_selected_and_shown() {
    let mut text = long_text();
    text.push_str("وفي النهاية زار باشينيان موسكو");
    let s = setup(&[("long", &text)]);
    let mut h = workbench(&s.corpus, &s.ann, no_proposals(), (1000.0, 420.0));
    // What the search box and a click on the result send.
    let work = |c| kashif::ui::model::Command::Work(c);
    h.state_mut()
        .model
        .apply(work(kashif::workflow::Command::Search {
            query: "باشينيان".into(),
            scope: kashif::workflow::Scope::Document,
        }));
    settle(&mut h);
    assert_eq!(session(&h).search_hits().len(), 1);
    h.state_mut()
        .model
        .apply(work(kashif::workflow::Command::OpenHit(0)));
    settle(&mut h);
    let hit = range_of(&text, "باشينيان");
    assert_eq!(session(&h).selection(), Some(hit));
    assert!(in_view(&h, hit.0, hit.1), "the hit is scrolled into view");
}

#[test]
fn undo_names_the_step_and_shows_where_it_happened() {
    let text = long_text();
    let s = setup(&[("long", &text)]);
    let mut h = workbench(&s.corpus, &s.ann, armenia(), (1000.0, 420.0));
    // Accept the last proposal (far down), then go back to the top.
    let pl = session(&h)
        .current_annotations()
        .unwrap()
        .proposals
        .last()
        .unwrap()
        .clone();
    h.state_mut().model.apply(kashif::ui::model::Command::Work(
        kashif::workflow::Command::Focus(kashif::workflow::Focus::proposal(&pl)),
    ));
    settle(&mut h);
    let last = session(&h).focus().unwrap().clone();
    key(&mut h, NONE, Key::Enter);
    let status = |h: &Harness<'_, KashifApp>| h.state().model.message.clone();
    key(&mut h, NONE, Key::Escape);
    let p0 = session(&h).current_annotations().unwrap().proposals[0].clone();
    h.state_mut().model.apply(kashif::ui::model::Command::Work(
        kashif::workflow::Command::Focus(kashif::workflow::Focus::proposal(&p0)),
    ));
    settle(&mut h);
    assert!(
        !in_view(&h, last.start, last.end),
        "{:?} shown, {}..{} accepted",
        h.state().view.visible_chars(),
        last.start,
        last.end
    );

    key(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(status(&h), "Undone: accept LOC «أرمينيا»");
    let f = session(&h).focus().unwrap().clone();
    assert_eq!(
        (f.start, f.end),
        (last.start, last.end),
        "the proposal is back, focused"
    );
    assert!(in_view(&h, last.start, last.end), "and shown");
    key(&mut h, Modifiers::COMMAND, Key::Y);
    assert_eq!(status(&h), "Redone: accept LOC «أرمينيا»");

    // Bulk actions give their count.
    h.get_by_label_contains("accept all LOC").click();
    settle(&mut h);
    assert_eq!(status(&h), "Accepted 59 proposals");
    key(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(status(&h), "Undone: accept 59 proposals");
}

#[test]
fn relabelling_an_accepted_proposal_records_the_correction() {
    let text = long_text();
    let s = setup(&[("long", &text)]);
    let mut h = workbench(&s.corpus, &s.ann, armenia(), (1000.0, 420.0));
    key(&mut h, NONE, Key::Tab);
    key(&mut h, NONE, Key::Enter);
    // Focus the accepted entity and relabel it ORG (key 3).
    key(&mut h, Modifiers::SHIFT, Key::Tab);
    let e = session(&h).current_annotations().unwrap().entities[0].clone();
    h.state_mut().model.apply(kashif::ui::model::Command::Work(
        kashif::workflow::Command::Focus(kashif::workflow::Focus::entity(&e)),
    ));
    settle(&mut h);
    key(&mut h, NONE, Key::Num3);
    let e = &session(&h).current_annotations().unwrap().entities[0];
    assert_eq!(e.label, "ORG");
    assert_eq!(
        e.origin,
        kashif::annotation::Origin::Corrected(kashif::annotation::Source::Gazetteer)
    );
    assert_disk_equals_memory(&h, &s.ann);
    assert_eq!(h.state().model.message, "");
    key(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(
        h.state().model.message,
        "Undone: relabel «أرمينيا» LOC -> ORG"
    );
    assert!(matches!(
        session(&h).current_annotations().unwrap().entities[0].origin,
        kashif::annotation::Origin::Accepted(_)
    ));
}

/// The article's width (its accessibility node) over the window's.
fn article_share(h: &Harness<'_, KashifApp>, width: f32) -> f32 {
    let node = h.get_by_role(egui::accesskit::Role::Document);
    node.rect().width() / width
}

fn layout_fits(width: f32, height: f32) {
    let text = long_text();
    let s = setup(&[("long", &text)]);
    let mut h = workbench(&s.corpus, &s.ann, armenia(), (width, height));
    // Long messages must not wrap the status bar onto a second line.
    key(&mut h, NONE, Key::Tab);
    h.state_mut().model.message = "a long message ".repeat(30);
    settle(&mut h);
    let share = article_share(&h, width);
    assert!(
        share >= 0.6,
        "{width}x{height}: the article has {:.0} % of the width",
        share * 100.0
    );
    let status = h.get_by_label_contains("annotator: tester");
    let row = 2.0 * egui::TextStyle::Body.resolve(&egui::Style::default()).size;
    assert!(
        status.rect().height() <= row,
        "{width}x{height}: the status bar is {} points high",
        status.rect().height()
    );
    // F3 and F4 collapse the side panels: the article takes the room.
    key(&mut h, NONE, Key::F3);
    key(&mut h, NONE, Key::F4);
    assert!(article_share(&h, width) > 0.9);
    assert_eq!(h.state().work.panels_setting(), "documents=0,tools=0");
    key(&mut h, NONE, Key::F3);
    assert_eq!(h.state().work.panels_setting(), "documents=1,tools=0");
    let mut restored = kashif::ui::annotate::WorkUi::new(kashif::workflow::Keymap::new(
        &kashif::schema::Schema::builtin(),
    ));
    restored.restore_panels(&h.state().work.panels_setting());
    assert!(restored.show_documents && !restored.show_tools);
}

#[test]
fn layout_fits_at_800x560() {
    layout_fits(800.0, 560.0);
}

#[test]
fn layout_fits_at_1280x800() {
    layout_fits(1280.0, 800.0);
}

#[test]
fn layout_fits_at_1920x1080() {
    layout_fits(1920.0, 1080.0);
}

#[test]
fn a_long_document_id_is_cut_with_an_ellipsis_and_whole_on_hover() {
    let id = "تقرير_AFP_2023_عن_مفاوضات_السلام_في_واشنطن_وموسكو";
    let s = setup(&[(id, "قال الرئيس في واشنطن"), ("b", "نص")]);
    let mut h = workbench(&s.corpus, &s.ann, armenia(), (800.0, 560.0));
    let row = format!("{id}  (");
    let rect = h.get_by_label_contains(&row).rect();
    // The documents panel is at most 15 % of 800 points: the id keeps to it
    // (cut, not running under the article).
    assert!(
        rect.right() <= 120.0 && rect.width() > 20.0,
        "the id row lies at {rect:?}"
    );
    assert_eq!(h.query_all_by_label_contains(&row).count(), 1);
    h.hover_at(rect.center());
    h.run();
    h.run();
    assert_eq!(
        h.query_all_by_label_contains(&row).count(),
        2,
        "hovering shows the whole id"
    );
}
