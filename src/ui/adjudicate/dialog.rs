//! The dialog that starts an adjudication: which two annotators to merge.

use egui::Ui;

use crate::ui::model::gold::{GOLD, GoldCommand};
use crate::ui::model::{AppModel, Command};

/// Choosing the two annotators to adjudicate.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AdjudicateDialog {
    pub a: String,
    pub b: String,
}

fn annotator_combo(ui: &mut Ui, label: egui::Id, id: &str, value: &mut String, all: &[String]) {
    egui::ComboBox::from_id_salt(id)
        .selected_text(value.as_str())
        .width(200.0)
        .show_ui(ui, |ui| {
            for a in all {
                ui.selectable_value(value, a.clone(), a);
            }
        })
        .response
        .labelled_by(label);
}

/// The adjudication dialog; `false` once it is closed.
pub fn adjudicate_dialog_ui(
    ctx: &egui::Context,
    d: &mut AdjudicateDialog,
    model: &AppModel,
    commands: &mut Vec<Command>,
) -> bool {
    let names: Vec<String> = model
        .gold
        .annotators
        .iter()
        .filter(|a| a.as_str() != GOLD)
        .cloned()
        .collect();
    if !names.contains(&d.a) {
        d.a = names.first().cloned().unwrap_or_default();
    }
    if !names.contains(&d.b) || d.b == d.a {
        d.b = names
            .iter()
            .find(|n| **n != d.a)
            .cloned()
            .unwrap_or_default();
    }
    let mut open = true;
    let mut close = false;
    egui::Window::new("Adjudicate two annotators into gold")
        .open(&mut open)
        .collapsible(false)
        .show(ctx, |ui| {
            egui::Grid::new("adjudicate-grid").num_columns(2).show(ui, |ui| {
                let l = ui.label("left (key 1)");
                annotator_combo(ui, l.id, "adj-a", &mut d.a, &names);
                ui.end_row();
                let l = ui.label("right (key 2)");
                annotator_combo(ui, l.id, "adj-b", &mut d.b, &names);
                ui.end_row();
            });
            ui.label(format!(
                "Agreements are merged at once; saving writes annotations/{GOLD}/ (documents whose conflicts are all decided, marked done)."
            ));
            ui.horizontal(|ui| {
                let can = !d.a.is_empty() && !d.b.is_empty() && d.a != d.b;
                if ui.add_enabled(can, egui::Button::new("Start")).clicked() {
                    commands.push(Command::Gold(GoldCommand::StartAdjudication {
                        a: d.a.clone(),
                        b: d.b.clone(),
                    }));
                    close = true;
                }
                if ui.button("Cancel").clicked() {
                    close = true;
                }
            });
        });
    open && !close
}
