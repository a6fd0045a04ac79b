//! The workbench window: documents on the left, the article in the middle,
//! the current document's entities on the right, a status bar below.

use egui::{Color32, RichText, Ui};

use super::annotate::WorkUi;
use super::article_view::{ArticleInput, ArticleView, EntityRef, ViewEvent, label_color};
use super::dialogs::picker::FolderPicker;
use super::model::{AppModel, Command};
use super::modes::GoldUi;
use super::text::direction::egui_display_order;
use super::text::fonts::install_egui_fonts;
use super::text::text_block::{BlockStyle, TextBlocks, body_size, label_width};
use crate::annotation::Status;
use crate::workflow::Keymap;

/// Key under which eframe remembers the annotator's name.
pub const ANNOTATOR_KEY: &str = "kashif.annotator";
/// Key under which eframe remembers which side panels are shown
/// (`documents=1,tools=0`); their widths are in egui's own memory.
pub const PANELS_KEY: &str = "kashif.panels";

/// The eframe app: the model, the view state, and the folder dialog.
pub struct KashifApp {
    pub model: AppModel,
    pub view: ArticleView,
    picker: Box<dyn FolderPicker>,
    name_input: String,
    fonts_installed: bool,
    /// The annotation workbench shown while an editing session is open.
    pub work: WorkUi,
    /// Export, review and adjudication dialogs and panels.
    pub gold_ui: GoldUi,
}

impl KashifApp {
    pub fn new(model: AppModel, picker: Box<dyn FolderPicker>) -> KashifApp {
        KashifApp {
            view: ArticleView::new(),
            picker,
            name_input: String::new(),
            fonts_installed: false,
            work: WorkUi::new(Keymap::new(&model.schema)),
            gold_ui: GoldUi::default(),
            model,
        }
    }

    /// Uses `picker` for the export dialog's target.
    pub fn with_save_picker(
        mut self,
        picker: Box<dyn super::dialogs::save_picker::SavePicker>,
    ) -> KashifApp {
        self.gold_ui.picker = picker;
        self
    }

    /// Draws the whole window into `ui` and applies what the user did.
    pub fn ui(&mut self, ui: &mut Ui) {
        if !self.fonts_installed {
            // New fonts take effect from the next pass: draw nothing until then.
            install_egui_fonts(ui.ctx());
            self.fonts_installed = true;
            ui.ctx().request_repaint();
            return;
        }
        if ui.ctx().input(|i| i.viewport().close_requested()) && !self.model.close_requested() {
            ui.ctx()
                .send_viewport_cmd(egui::ViewportCommand::CancelClose);
        }
        let mut commands = Vec::new();
        egui::Panel::top("menu").show(ui, |ui| self.menu_ui(ui, &mut commands));
        if let Some(w) = &self.model.close_warning {
            egui::Panel::top("close-warning").show(ui, |ui| {
                ui.colored_label(Color32::from_rgb(220, 80, 60), w);
            });
        }
        if let Some(e) = &self.model.session_error {
            egui::Panel::top("session-error").show(ui, |ui| {
                ui.colored_label(Color32::from_rgb(220, 80, 60), format!("Read-only: {e}"));
            });
        }
        if self.model.session.is_some() && !GoldUi::owns_panels(&self.model) {
            self.work.ui(ui, &mut self.model, &mut self.view);
            self.gold_ui
                .windows_ui(ui, &self.model, &mut self.work.blocks, &mut commands);
            if self.model.annotator.is_none() {
                self.annotator_ui(ui, &mut commands);
            }
            for c in commands {
                self.model.apply(c);
            }
            return;
        }
        egui::Panel::bottom("status").show(ui, |ui| self.status_ui(ui));
        egui::Panel::left("documents")
            .default_size(230.0)
            .show(ui, |ui| self.documents_ui(ui, &mut commands));
        if GoldUi::owns_panels(&self.model) {
            self.gold_ui.panels_ui(
                ui,
                &self.model,
                &mut self.view,
                &mut self.work.blocks,
                &mut commands,
            );
        } else {
            egui::Panel::right("entities")
                .default_size(230.0)
                .show(ui, |ui| self.entities_ui(ui, &mut commands));
            egui::CentralPanel::default().show(ui, |ui| self.article_ui(ui, &mut commands));
        }
        self.gold_ui
            .windows_ui(ui, &self.model, &mut self.work.blocks, &mut commands);
        if self.model.annotator.is_none() {
            self.annotator_ui(ui, &mut commands);
        }
        for c in commands {
            self.model.apply(c);
        }
    }

    fn menu_ui(&mut self, ui: &mut Ui, commands: &mut Vec<Command>) {
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                if ui.button("Open folder…").clicked() {
                    if let Some(dir) = self.picker.pick_folder() {
                        commands.push(Command::OpenFolder(dir));
                    }
                    ui.close();
                }
                self.gold_ui.file_menu_ui(ui, commands);
            });
            self.gold_ui.mode_menu_ui(ui, &self.model, commands);
        });
    }

    fn status_ui(&self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            let m = &self.model;
            let (done, all) = m.progress();
            ui.label(format!("{done}/{all} done"));
            ui.separator();
            if let Some(d) = m.current_doc() {
                // One line, never wrapped: visual order is right here.
                ui.label(egui_display_order(&d.document.id));
                ui.separator();
            }
            if let Some((s, e)) = m.selection {
                ui.label(format!("selection {s}–{e}"));
                ui.separator();
            }
            ui.label(format!("zoom {:.0}%", self.view.zoom() * 100.0));
            if let Some(a) = &m.annotator {
                ui.separator();
                ui.label(format!("annotator: {a}"));
            }
            if !m.message.is_empty() {
                ui.separator();
                ui.label(&m.message);
            }
        });
    }

    fn documents_ui(&mut self, ui: &mut Ui, commands: &mut Vec<Command>) {
        ui.heading("Documents");
        let size = body_size(ui);
        let blocks = &mut self.work.blocks;
        let row_h = TextBlocks::row_height(ui, size) + ui.spacing().item_spacing.y;
        for e in &self.model.errors {
            ui.colored_label(Color32::from_rgb(200, 80, 60), e);
        }
        // Only the rows on screen are laid out (a corpus may hold 20,000).
        let docs = &self.model.docs;
        let current = self.model.current;
        egui::ScrollArea::vertical()
            .id_salt("doc-list")
            .auto_shrink([false, false])
            .show_rows(ui, row_h, docs.len(), |ui, shown| {
                for i in shown {
                    let d = &docs[i];
                    let status = d.annotations.status;
                    let color = match status {
                        Status::Todo => ui.visuals().weak_text_color(),
                        Status::InProgress => Color32::from_rgb(230, 160, 40),
                        Status::Done => Color32::from_rgb(60, 170, 90),
                    };
                    let selected = current == Some(i);
                    ui.horizontal(|ui| {
                        // The id laid out with bidi, cut with … (whole on
                        // hover) so the count and status stay in view.
                        let count = format!("({})", d.annotations.entities.len());
                        let status = RichText::new(status.as_str()).color(color).small();
                        let room = ui.available_width()
                            - label_width(ui, count.as_str())
                            - label_width(ui, status.clone())
                            - 2.0 * ui.spacing().item_spacing.x;
                        let label = format!("{}  {count}", d.document.id);
                        let id = &d.document.id;
                        let r =
                            blocks.line_ui(ui, id, &label, size, room, BlockStyle::row(selected));
                        let c = ui.add(egui::Label::new(count).sense(egui::Sense::click()));
                        if r.clicked() || c.clicked() {
                            commands.push(Command::OpenDocument(i));
                        }
                        ui.label(status);
                    });
                }
            });
    }

    fn entities_ui(&mut self, ui: &mut Ui, commands: &mut Vec<Command>) {
        ui.heading("Entities");
        let size = body_size(ui);
        let blocks = &mut self.work.blocks;
        let Some(d) = self.model.current_doc() else {
            return;
        };
        egui::ScrollArea::vertical()
            .id_salt("entity-list")
            .show(ui, |ui| {
                for p in &d.problems {
                    ui.colored_label(Color32::from_rgb(200, 80, 60), p);
                }
                for (i, s) in d.annotations.entities.iter().enumerate() {
                    let c = label_color(&self.model.schema, &s.label);
                    let focused = self.model.focused == Some(EntityRef::Entity(i));
                    ui.horizontal(|ui| {
                        ui.label(RichText::new(&s.label).color(c).strong());
                        let w = ui.available_width();
                        let style = BlockStyle::row(focused).words();
                        if blocks
                            .line_ui(ui, &s.text, &s.text, size, w, style)
                            .clicked()
                        {
                            commands.push(Command::Focus(Some(EntityRef::Entity(i))));
                        }
                    });
                }
                if !d.annotations.detached.is_empty() {
                    ui.separator();
                    ui.label(format!(
                        "{} detached (text changed; not placed):",
                        d.annotations.detached.len()
                    ));
                    for s in &d.annotations.detached {
                        ui.horizontal(|ui| {
                            ui.label(&s.label);
                            let w = ui.available_width();
                            blocks.line_ui(
                                ui,
                                &s.text,
                                &s.text,
                                size,
                                w,
                                BlockStyle::plain().words(),
                            );
                        });
                    }
                }
                if !d.annotations.proposals.is_empty() {
                    ui.separator();
                    ui.label(format!("{} proposals", d.annotations.proposals.len()));
                }
            });
    }

    fn article_ui(&mut self, ui: &mut Ui, commands: &mut Vec<Command>) {
        let Some(d) = self.model.current.and_then(|i| self.model.docs.get(i)) else {
            ui.centered_and_justified(|ui| ui.label("No document open: File > Open folder"));
            return;
        };
        let input = ArticleInput {
            doc_id: &d.document.id,
            text: &d.document.text,
            annotations: &d.annotations,
            schema: &self.model.schema,
            selection: self.model.selection,
            focused: self.model.focused,
            caret: None,
            lexicon: None,
        };
        let (_, events) = self.view.ui(ui, &input);
        for e in events {
            match e {
                ViewEvent::Selected { start, end } => commands.push(Command::Select { start, end }),
                ViewEvent::EntityClicked(e) => commands.push(Command::Focus(Some(e))),
                ViewEvent::Copied(_) | ViewEvent::Resized { .. } => {}
            }
        }
    }

    fn annotator_ui(&mut self, ui: &mut Ui, commands: &mut Vec<Command>) {
        egui::Window::new("Who is annotating?")
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
            .show(ui.ctx(), |ui| {
                ui.label("Your name goes into the annotation files (annotations/<name>/).");
                let r = ui
                    .horizontal(|ui| {
                        let label = ui.label("Name:");
                        ui.text_edit_singleline(&mut self.name_input)
                            .labelled_by(label.id)
                    })
                    .inner;
                let enter = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                if (ui.button("Start").clicked() || enter) && !self.name_input.trim().is_empty() {
                    commands.push(Command::SetAnnotator(self.name_input.trim().to_string()));
                }
            });
    }
}

impl eframe::App for KashifApp {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        KashifApp::ui(self, ui);
    }

    /// Called on close (and every 30 s): remembers the annotator and waits
    /// until every edit is on disk.
    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        if let Some(a) = &self.model.annotator {
            storage.set_string(ANNOTATOR_KEY, a.clone());
        }
        storage.set_string(PANELS_KEY, self.work.panels_setting());
        if let Some(s) = &self.model.session
            && let Err(errors) = s.flush()
        {
            for e in errors {
                eprintln!("kashif: could not save {e}");
            }
        }
    }
}
