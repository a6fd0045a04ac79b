//! 1,000 random UI actions (keys, clicks on boxes and buttons, drags;
//! seeded, deterministic) on the real app over the seed articles with the
//! built-in proposer: nothing panics, and the files on disk equal the
//! session's state at checkpoints and at the end.

#[path = "ui_support/mod.rs"]
mod ui_support;
mod wire_support;
#[path = "workflow_support/mod.rs"]
mod workflow_support;

use std::sync::Arc;

use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::kittest::{NodeT, Queryable};
use kashif::workflow::RulesProposer;
use wire_support::*;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const KEYS: &[(Modifiers, Key)] = &[
    (Modifiers::NONE, Key::Tab),
    (Modifiers::SHIFT, Key::Tab),
    (Modifiers::NONE, Key::Enter),
    (Modifiers::NONE, Key::Enter),
    (Modifiers::NONE, Key::X),
    (Modifiers::NONE, Key::Backspace),
    (Modifiers::NONE, Key::Num1),
    (Modifiers::NONE, Key::Num2),
    (Modifiers::NONE, Key::Num3),
    (Modifiers::NONE, Key::Num4),
    (Modifiers::NONE, Key::Num5),
    (Modifiers::NONE, Key::Delete),
    (Modifiers::SHIFT, Key::ArrowLeft),
    (Modifiers::SHIFT, Key::ArrowRight),
    (Modifiers::ALT.plus(Modifiers::SHIFT), Key::ArrowLeft),
    (Modifiers::ALT.plus(Modifiers::SHIFT), Key::ArrowRight),
    (Modifiers::COMMAND, Key::Z),
    (Modifiers::COMMAND.plus(Modifiers::SHIFT), Key::Z),
    (Modifiers::COMMAND, Key::Y),
    (Modifiers::COMMAND, Key::Enter),
    (Modifiers::COMMAND, Key::PageDown),
    (Modifiers::COMMAND, Key::PageUp),
    (Modifiers::COMMAND, Key::D),
    (Modifiers::NONE, Key::Escape),
    (Modifiers::NONE, Key::F1),
];

const LABEL_BUTTONS: &[&str] = &["1 PER", "2 LOC", "3 ORG", "4 MISC", "5 DATE"];

#[test]
fn a_thousand_random_ui_actions_keep_disk_equal_to_memory() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    let ann = tmp.path().join("annotations");
    std::fs::create_dir_all(&corpus).unwrap();
    for e in std::fs::read_dir("seeds").unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "txt") {
            std::fs::copy(&p, corpus.join(p.file_name().unwrap())).unwrap();
        }
    }
    let (w, hgt) = (1300.0, 800.0);
    let mut h = workbench(&corpus, &ann, Arc::new(RulesProposer), (w, hgt));
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut counts = [0usize; 5];
    for step in 0..1000 {
        let roll = rng.below(100);
        if roll < 60 {
            let (m, k) = KEYS[rng.below(KEYS.len())];
            key(&mut h, m, k);
            counts[0] += 1;
        } else if roll < 78 {
            // Drag between two random points of the article area.
            let x = |r: &mut Rng| 300.0 + r.below((w - 640.0) as usize) as f32;
            let y = |r: &mut Rng| 70.0 + r.below((hgt - 160.0) as usize) as f32;
            let pa = egui::pos2(x(&mut rng), y(&mut rng));
            let pb = egui::pos2(x(&mut rng), pa.y + rng.below(3) as f32 * 40.0);
            let mods = if rng.below(4) == 0 {
                Modifiers::ALT
            } else {
                Modifiers::NONE
            };
            ui_support::drag(&mut h, pa, pb, mods);
            settle(&mut h);
            counts[1] += 1;
        } else if roll < 90 {
            // Click a box the view shows.
            let marks: Vec<String> = h
                .query_all_by_role(Role::Mark)
                .filter_map(|n| n.accesskit_node().label())
                .collect();
            if !marks.is_empty() {
                let pick = &marks[rng.below(marks.len())];
                if let Some(n) = h.query_all_by_label(pick).next() {
                    n.click();
                }
                settle(&mut h);
                counts[2] += 1;
            }
        } else if roll < 97 {
            let label = LABEL_BUTTONS[rng.below(LABEL_BUTTONS.len())];
            if let Some(n) = h.query_all_by_label(label).next() {
                n.click();
            }
            settle(&mut h);
            counts[3] += 1;
        } else {
            // Open a document from the list.
            let ids: Vec<String> = session(&h)
                .documents()
                .iter()
                .map(|d| d.id.clone())
                .collect();
            let id = &ids[rng.below(ids.len())];
            if let Some(n) = h.query_all_by_label_contains(&format!("{id}  (")).next() {
                n.click();
            }
            settle(&mut h);
            counts[4] += 1;
        }
        if step % 100 == 99 {
            assert_disk_equals_memory(&h, &ann);
        }
    }
    assert_disk_equals_memory(&h, &ann);
    let s = session(&h);
    let entities: usize = (0..s.documents().len())
        .map(|i| s.annotations(i).unwrap().entities.len())
        .sum();
    println!(
        "keys {}, drags {}, box clicks {}, palette {}, list {}; {} entities over the corpus",
        counts[0], counts[1], counts[2], counts[3], counts[4], entities
    );
    assert!(entities > 0, "the soak never created anything");
}
