//! The article view driven through the real app with egui_kittest:
//! selecting, clicking entities, zooming, copying.

mod ui_support;

use egui::Modifiers;
use egui_kittest::kittest::{NodeT, Queryable};
use kashif::annotation::{DocAnnotations, Origin, Span};
use kashif::ui::EntityRef;
use ui_support::{app, at, drag, drag_chars, harness};

fn chars(s: &str) -> usize {
    s.chars().count()
}

/// Char offset of the first occurrence of `needle` in `text`.
fn find(text: &str, needle: &str) -> usize {
    chars(&text[..text.find(needle).unwrap()])
}

#[test]
fn drag_inside_an_arabic_word_selects_the_whole_word() {
    let text = "قال وزير الخارجية أنتوني بلينكين اليوم";
    let mut h = harness(app(text, DocAnnotations::default()), 900.0, 500.0);
    let w = find(text, "الخارجية");
    // from the second letter to the second-to-last: snaps to the word
    drag_chars(&mut h, w + 1, w + 6, Modifiers::NONE);
    assert_eq!(h.state().model.selection, Some((w, w + 8)));
}

#[test]
fn alt_drag_selects_exact_chars() {
    let text = "قال وزير الخارجية أنتوني بلينكين اليوم";
    let mut h = harness(app(text, DocAnnotations::default()), 900.0, 500.0);
    let w = find(text, "الخارجية");
    drag_chars(&mut h, w + 2, w + 5, Modifiers::ALT);
    assert_eq!(h.state().model.selection, Some((w + 2, w + 6)));
}

#[test]
fn drag_from_an_arabic_word_into_the_latin_word_beside_it() {
    let text = "نشرت صحيفة أرمينيا (Siyasət) تقريرا جديدا";
    let mut h = harness(app(text, DocAnnotations::default()), 900.0, 500.0);
    let a = find(text, "أرمينيا");
    let l = find(text, "Siyasət");
    // the Latin run lies left of the Arabic word on screen
    assert!(at(&h, l).x < at(&h, a).x);
    drag_chars(&mut h, a + 2, l + 3, Modifiers::NONE);
    assert_eq!(h.state().model.selection, Some((a, l + 7)));
    // and the other way round, from the Latin word into the Arabic one
    drag_chars(&mut h, l + 5, a + 1, Modifiers::NONE);
    assert_eq!(h.state().model.selection, Some((a, l + 7)));
}

#[test]
fn drag_inside_a_number_run_in_rtl_text() {
    let text = "قتل 286 شخصا في 23 أبريل";
    let mut h = harness(app(text, DocAnnotations::default()), 900.0, 500.0);
    let n = find(text, "286");
    drag_chars(&mut h, n, n + 2, Modifiers::ALT);
    assert_eq!(h.state().model.selection, Some((n, n + 3)));
    // digits read left to right inside the RTL line
    assert!(at(&h, n).x < at(&h, n + 2).x);
}

#[test]
fn drag_across_a_line_wrap() {
    let text =
        "في مركز مؤتمرات بالقرب من العاصمة الفيدرالية تحت رعاية الولايات المتحدة وفي متناول اليد";
    let mut h = harness(app(text, DocAnnotations::default()), 620.0, 600.0);
    let layout = h.state().view.layout().unwrap();
    assert!(layout.lines().len() >= 2, "the text must wrap");
    let cs: Vec<char> = text.chars().collect();
    let (l0, l1) = (layout.lines()[0].chars, layout.lines()[1].chars);
    // the last letter of line 1 to the first letter of line 2
    let a = (l0.0..l0.1).rev().find(|&i| cs[i] != ' ').unwrap();
    let b = (l1.0..l1.1).find(|&i| cs[i] != ' ').unwrap();
    let (pa, pb) = (at(&h, a), at(&h, b));
    assert!(pb.y > pa.y + 10.0, "the two chars are on different lines");
    drag(&mut h, pa, pb, Modifiers::NONE);
    let (s, e) = h.state().model.selection.unwrap();
    assert!(s <= a && e > b, "{s}..{e} must hold {a}..={b}");
    let selected: String = text.chars().skip(s).take(e - s).collect();
    assert!(
        !selected.starts_with(' ') && !selected.ends_with(' '),
        "{selected:?}"
    );
}

#[test]
fn paragraph_starting_with_a_latin_word_reads_right_to_left() {
    let text = "CNN قالت إن الرئيس وصل";
    let mut h = harness(app(text, DocAnnotations::default()), 900.0, 500.0);
    let layout = h.state().view.layout().unwrap();
    assert_eq!(layout.paragraph_rtl(0), Some(true));
    // "CNN" comes first, so it is rightmost; the Arabic follows to its left
    let cnn = at(&h, 1);
    let qalat = at(&h, find(text, "قالت"));
    assert!(cnn.x > qalat.x);
    drag_chars(&mut h, 0, 2, Modifiers::NONE);
    assert_eq!(h.state().model.selection, Some((0, 3)));
}

#[test]
fn empty_paragraphs_and_whitespace_documents_do_not_break_the_view() {
    let text = "\n\nقال الوزير\n\n\nاليوم\n";
    let mut h = harness(app(text, DocAnnotations::default()), 700.0, 500.0);
    let w = find(text, "اليوم");
    drag_chars(&mut h, w + 1, w + 3, Modifiers::NONE);
    assert_eq!(h.state().model.selection, Some((w, w + 5)));
    // dragging over the blank lines between two words
    let q = find(text, "الوزير");
    drag_chars(&mut h, q + 1, w + 1, Modifiers::NONE);
    assert_eq!(h.state().model.selection, Some((q, w + 5)));

    for blank in ["   \n  \n", "", "\n"] {
        let mut h = harness(app(blank, DocAnnotations::default()), 700.0, 500.0);
        let c = h.state().view.layout().map(|l| l.lines().len()).unwrap();
        assert!(c >= 1);
        let p = egui::pos2(400.0, 80.0);
        drag(&mut h, p, p + egui::vec2(-100.0, 40.0), Modifiers::NONE);
        assert_eq!(h.state().model.selection, None, "{blank:?}");
    }
}

fn span(text: &str, needle: &str, label: &str) -> Span {
    let s = find(text, needle);
    Span {
        start: s,
        end: s + chars(needle),
        label: label.into(),
        origin: Origin::Manual,
        text: needle.into(),
        proposed: None,
    }
}

#[test]
fn clicking_an_entity_node_selects_that_entity() {
    let text = "اقتربت أرمينيا وأذربيجان من إبرام اتفاق سلام";
    let ann = DocAnnotations {
        entities: vec![span(text, "أرمينيا", "LOC"), span(text, "أذربيجان", "LOC")],
        ..Default::default()
    };
    let mut h = harness(app(text, ann), 900.0, 500.0);
    h.get_by_label("LOC: أذربيجان").click();
    h.run();
    assert_eq!(h.state().model.focused, Some(EntityRef::Entity(1)));
    let s = find(text, "أذربيجان");
    assert_eq!(h.state().model.selection, Some((s, s + 8)));
    h.get_by_label("LOC: أرمينيا").click();
    h.run();
    assert_eq!(h.state().model.focused, Some(EntityRef::Entity(0)));
}

#[test]
fn nested_entities_each_get_a_node_and_the_inner_one_wins_a_click() {
    let text = "اندلعت حرب كاراباخ الثانية في سبتمبر";
    let ann = DocAnnotations {
        entities: vec![
            span(text, "حرب كاراباخ الثانية", "MISC"),
            span(text, "كاراباخ", "LOC"),
        ],
        ..Default::default()
    };
    let mut h = harness(app(text, ann), 900.0, 500.0);
    let _outer = h.get_by_label("MISC: حرب كاراباخ الثانية");
    h.get_by_label("LOC: كاراباخ").click();
    h.run();
    assert_eq!(h.state().model.focused, Some(EntityRef::Entity(1)));
}

#[test]
fn zoom_changes_layout_but_not_offsets() {
    let text =
        "وقال وزير الخارجية الأمريكي أنتوني بلينكين في ختام المحادثات إن الجانبين حققا تقدما ملموسا";
    let mut h = harness(app(text, DocAnnotations::default()), 800.0, 600.0);
    let w = find(text, "بلينكين");
    let before = h.state().view.char_rect(w).unwrap();
    let height_before = h.state().view.layout().unwrap().height();
    for _ in 0..4 {
        h.key_press_modifiers(Modifiers::COMMAND, egui::Key::Plus);
        h.run();
    }
    assert!(h.state().view.zoom() > 1.3);
    let after = h.state().view.char_rect(w).unwrap();
    assert!(after.height() > before.height() * 1.3);
    assert!(h.state().view.layout().unwrap().height() > height_before * 1.3);
    assert_eq!(h.state().view.hit(after.center()).map(|r| r.0), Some(w));
    drag_chars(&mut h, w + 1, w + 4, Modifiers::NONE);
    assert_eq!(h.state().model.selection, Some((w, w + 7)));
    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::Num0);
    h.run();
    assert_eq!(h.state().view.zoom(), 1.0);
    assert_eq!(h.state().view.char_rect(w), Some(before));
}

#[test]
fn double_click_selects_a_word_and_ctrl_c_copies_it_in_logical_order() {
    let text = "نشرت صحيفة (Siyasət) تقريرا";
    let mut h = harness(app(text, DocAnnotations::default()), 900.0, 500.0);
    let w = find(text, "صحيفة");
    let p = at(&h, w + 2);
    h.hover_at(p);
    h.run();
    for t in [10.0, 10.1] {
        // egui tells a double click by the time between the clicks
        h.input_mut().time = Some(t);
        h.event(egui::Event::PointerButton {
            pos: p,
            button: egui::PointerButton::Primary,
            pressed: true,
            modifiers: Modifiers::NONE,
        });
        h.event(egui::Event::PointerButton {
            pos: p,
            button: egui::PointerButton::Primary,
            pressed: false,
            modifiers: Modifiers::NONE,
        });
        h.step();
    }
    h.run();
    assert_eq!(h.state().model.selection, Some((w, w + 5)));

    let l = find(text, "Siyasət");
    drag_chars(&mut h, w + 1, l + 2, Modifiers::NONE);
    // one frame with Ctrl+C down (step() runs one frame per queued event)
    h.event(egui::Event::Key {
        key: egui::Key::C,
        physical_key: None,
        pressed: true,
        repeat: false,
        modifiers: Modifiers::COMMAND,
    });
    h.step();
    let copied: Vec<String> = h
        .output()
        .platform_output
        .commands
        .iter()
        .filter_map(|c| match c {
            egui::OutputCommand::CopyText(t) => Some(t.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(copied, vec!["صحيفة (Siyasət".to_string()]);
}

#[test]
fn hovering_an_entity_shows_label_origin_and_confidence() {
    let text = "اقتربت أرمينيا وأذربيجان من إبرام اتفاق سلام";
    let mut p = span(text, "أذربيجان", "LOC");
    p.origin = Origin::Accepted(kashif::annotation::Source::Gazetteer);
    let s = find(text, "أرمينيا");
    let ann = DocAnnotations {
        entities: vec![p],
        proposals: vec![kashif::annotation::Proposal {
            start: s,
            end: s + 7,
            label: "LOC".into(),
            text: "أرمينيا".into(),
            confidence: 0.42,
            source: kashif::annotation::Source::Model,
        }],
        ..Default::default()
    };
    let mut h = harness(app(text, ann), 900.0, 500.0);
    let c = h.get_by_label("LOC: أذربيجان").rect().center();
    h.hover_at(c);
    h.run();
    assert!(
        h.query_by_label_contains("accepted proposal (gazetteer)")
            .is_some()
    );
    let c = h.get_by_label("proposed LOC: أرمينيا").rect().center();
    h.hover_at(c);
    h.run();
    assert!(h.query_by_label_contains("confidence: 42%").is_some());
    assert!(h.query_by_label_contains("proposal (model)").is_some());
}

#[test]
fn resizing_rewraps_and_keeps_offsets() {
    let text = "وقال وزير الخارجية الأمريكي أنتوني بلينكين في ختام المحادثات إن الجانبين حققا تقدما ملموسا نحو اتفاق سلام دائم";
    let mut h = harness(app(text, DocAnnotations::default()), 1200.0, 600.0);
    let lines_wide = h.state().view.layout().unwrap().lines().len();
    h.set_size(egui::vec2(700.0, 600.0));
    h.run();
    let lines_narrow = h.state().view.layout().unwrap().lines().len();
    assert!(lines_narrow > lines_wide, "{lines_wide} -> {lines_narrow}");
    let w = find(text, "ملموسا");
    assert_eq!(h.state().view.hit(at(&h, w + 2)).map(|r| r.0), Some(w + 2));
}

#[test]
fn ctrl_wheel_zooms_the_article() {
    let text = "قال الوزير اليوم";
    let mut h = harness(app(text, DocAnnotations::default()), 900.0, 500.0);
    let p = at(&h, 1);
    h.hover_at(p);
    h.run();
    h.event(egui::Event::MouseWheel {
        unit: egui::MouseWheelUnit::Point,
        delta: egui::vec2(0.0, 50.0),
        modifiers: Modifiers::COMMAND,
        phase: egui::TouchPhase::Move,
        source: egui::MouseWheelSource::Wheel,
    });
    h.run();
    assert!(
        h.state().view.zoom() > 1.0,
        "zoom {}",
        h.state().view.zoom()
    );
}

#[test]
fn opening_another_document_starts_at_its_top_with_no_selection() {
    use kashif::ui::Command;
    let long: String = std::iter::repeat_n("قال الوزير إن المحادثات مستمرة.\n\n", 80).collect();
    let mut model = kashif::ui::AppModel::with_documents(
        kashif::schema::Schema::builtin(),
        vec![
            ui_support::entry("a", &long, DocAnnotations::default()),
            ui_support::entry("b", &long, DocAnnotations::default()),
        ],
    );
    model.annotator = Some("t".into());
    let mut h = harness(
        kashif::ui::KashifApp::new(model, Box::new(ui_support::NoPicker)),
        900.0,
        500.0,
    );
    let p = at(&h, 1);
    h.hover_at(p);
    for _ in 0..5 {
        h.event(egui::Event::MouseWheel {
            unit: egui::MouseWheelUnit::Point,
            delta: egui::vec2(0.0, -400.0),
            modifiers: Modifiers::NONE,
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Wheel,
        });
        h.run();
    }
    assert!(
        h.state().view.char_rect(0).unwrap().top() < 0.0,
        "scrolled down"
    );
    h.state_mut().model.apply(Command::OpenDocument(1));
    h.run();
    assert!(
        h.state().view.char_rect(0).unwrap().top() > 0.0,
        "back at the top"
    );
}

#[test]
fn the_view_exposes_its_text() {
    let text = "قال الوزير (Reuters) اليوم";
    let h = harness(app(text, DocAnnotations::default()), 900.0, 500.0);
    let doc = h.get_by_role(egui::accesskit::Role::Document);
    assert_eq!(doc.accesskit_node().label().as_deref(), Some(text));
}

#[test]
fn file_open_folder_goes_through_the_picker_and_the_backend() {
    use kashif::ui::backend::{Backend, Loaded};
    use kashif::ui::dialogs::picker::FolderPicker;
    use std::path::{Path, PathBuf};

    struct Picker;
    impl FolderPicker for Picker {
        fn pick_folder(&mut self) -> Option<PathBuf> {
            Some(PathBuf::from("/elsewhere"))
        }
    }
    struct Mem;
    impl Backend for Mem {
        fn open_folder(&mut self, dir: &Path, _: Option<&str>) -> Result<Loaded, String> {
            let id = dir.display().to_string();
            Ok(Loaded {
                documents: vec![ui_support::entry(
                    &id,
                    "نص من مجلد آخر",
                    DocAnnotations::default(),
                )],
                errors: vec!["bad.txt: not UTF-8 (invalid byte at offset 3)".into()],
            })
        }
    }
    let mut model = kashif::ui::AppModel::new(kashif::schema::Schema::builtin(), Box::new(Mem));
    model.annotator = Some("t".into());
    let mut h = harness(
        kashif::ui::KashifApp::new(model, Box::new(Picker)),
        900.0,
        500.0,
    );
    assert!(h.state().model.docs.is_empty());
    h.get_by_label("File").click();
    h.run();
    h.get_by_label("Open folder…").click();
    h.run();
    let m = &h.state().model;
    assert_eq!(m.folder.as_deref(), Some(Path::new("/elsewhere")));
    assert_eq!(m.current, Some(0));
    assert_eq!(m.docs[0].document.id, "/elsewhere");
    assert!(h.query_by_label_contains("not UTF-8").is_some());
}

#[test]
fn the_seed_fixture_loads_and_every_entity_text_matches_its_document() {
    for (id, ann) in ui_support::seed_annotations() {
        let text = ui_support::seed(&id);
        for s in &ann.entities {
            assert_eq!(
                kashif::text::slice_chars(&text, s.start, s.end),
                Some(s.text.as_str()),
                "{id}"
            );
        }
        for p in &ann.proposals {
            assert_eq!(
                kashif::text::slice_chars(&text, p.start, p.end),
                Some(p.text.as_str()),
                "{id}"
            );
        }
    }
}

#[test]
fn the_annotator_is_asked_once_and_remembered() {
    use std::collections::HashMap;

    #[derive(Default)]
    struct Mem(HashMap<String, String>);
    impl eframe::Storage for Mem {
        fn get_string(&self, key: &str) -> Option<String> {
            self.0.get(key).cloned()
        }
        fn set_string(&mut self, key: &str, value: String) {
            self.0.insert(key.to_string(), value);
        }
        fn remove_string(&mut self, key: &str) {
            self.0.remove(key);
        }
        fn flush(&mut self) {}
    }

    let mut a = app("قال الوزير", DocAnnotations::default());
    a.model.annotator = None;
    let mut h = harness(a, 900.0, 500.0);
    assert!(h.query_by_label("Who is annotating?").is_some());
    h.get_by_role(egui::accesskit::Role::TextInput).click();
    h.run();
    h.get_by_role(egui::accesskit::Role::TextInput)
        .type_text("amal");
    h.run();
    h.get_by_label("Start").click();
    h.run();
    assert_eq!(h.state().model.annotator.as_deref(), Some("amal"));
    assert!(h.query_by_label("Who is annotating?").is_none());
    let mut storage = Mem::default();
    eframe::App::save(h.state_mut(), &mut storage);
    assert_eq!(
        storage
            .0
            .get(kashif::ui::app::ANNOTATOR_KEY)
            .map(String::as_str),
        Some("amal")
    );
}

#[test]
fn an_entity_split_by_bidi_or_a_wrap_has_a_piece_on_each_part() {
    // "مجلة Der" in "مجلة Der Spiegel": the Latin run sits left of مجلة with
    // "Spiegel" between "Der" and مجلة, so the entity has two pieces.
    let text =
        "نشرت مجلة Der Spiegel الألمانية تقريرا عن المحادثات بين البلدين في العاصمة الفيدرالية";
    let split = span(text, "مجلة Der", "ORG");
    let mut h = harness(app(text, DocAnnotations::default()), 1400.0, 500.0);
    let pieces = h.state().view.range_rects(split.start, split.end);
    assert_eq!(pieces.len(), 2, "{pieces:?}");
    let spiegel = at(&h, find(text, "Spiegel") + 3);
    assert!(pieces[0].max.x <= spiegel.x && spiegel.x <= pieces[1].min.x);

    // An entity over a wrap: one piece per line, on different lines.
    h.set_size(egui::vec2(640.0, 600.0));
    h.run();
    let layout = h.state().view.layout().unwrap();
    let end0 = layout.lines()[0].chars.1;
    let whole = (end0 - 4, end0 + 4);
    let pieces = h.state().view.range_rects(whole.0, whole.1);
    assert_eq!(pieces.len(), 2, "{pieces:?}");
    assert!(pieces[1].min.y >= pieces[0].max.y - 0.5);
}

#[test]
fn focusing_an_entity_from_the_list_scrolls_it_into_view() {
    let para = "قال الوزير إن المحادثات مستمرة بين البلدين.\n\n";
    let mut text = para.repeat(60);
    text.push_str("واختتم الاجتماع في باكو اليوم.");
    let ann = DocAnnotations {
        entities: vec![span(&text, "باكو", "LOC")],
        ..Default::default()
    };
    let mut h = harness(app(&text, ann), 900.0, 500.0);
    let s = find(&text, "باكو");
    let screen = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(900.0, 500.0));
    assert!(!screen.contains(at(&h, s)), "starts out of view");
    h.get_by_label("باكو").click();
    h.run();
    assert_eq!(h.state().model.focused, Some(EntityRef::Entity(0)));
    assert!(screen.contains(at(&h, s)), "scrolled into view");
}
