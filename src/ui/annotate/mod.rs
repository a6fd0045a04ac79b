//! The annotation workbench around an editing session: keys from the
//! workflow key table, the document list with progress, the label palette,
//! bulk actions, search, guidelines, the shortcut overlay and a status bar
//! that says whether everything is saved. Draws what the session holds and
//! sends `ui::Command::Work` commands; it never touches files.

mod gate;
mod keys;
mod notes;
mod overlay;
mod panels;
mod status;
mod tools;

use egui::{Color32, RichText, Ui};

pub use keys::{chord_of, take_actions};

use crate::ui::article_view::{ArticleInput, ArticleView, CaretMark, ViewEvent};
use crate::ui::model::session::{entity_ref, focus_of};
use crate::ui::model::{AppModel, Command};
use crate::workflow::{self, Action, Keymap, Scope, UiAction};

/// The workbench's own view state (what is typed in its boxes, which panels
/// are open); everything about the annotations lives in the session.
pub struct WorkUi {
    pub keymap: Keymap,
    /// The shortcut overlay (F1, ?) is open.
    pub show_shortcuts: bool,
    /// The guidelines window (F2) is open.
    pub show_guidelines: bool,
    /// The documents panel (left, F3) is shown.
    pub show_documents: bool,
    /// The tools panel (right, F4) is shown.
    pub show_tools: bool,
    guidelines: Option<overlay::GuidelinesView>,
    pub doc_filter: String,
    /// The document list's filtered rows and progress, between frames.
    doc_list: panels::DocListCache,
    pub search_query: String,
    /// Measured heights of the search results' rows.
    hit_rows: crate::ui::text::rows::RowHeights,
    pub search_scope: Scope,
    focus_search: bool,
    /// "Accept all above" threshold.
    pub min_confidence: f32,
    /// "Annotate all occurrences": label and scope, and the preview for the
    /// current selection.
    pub annotate_label: String,
    pub annotate_scope: Scope,
    /// `None` while the corpus's occurrences are being counted in the
    /// background.
    preview: Option<(PreviewKey, Option<workflow::AnnotatePreview>)>,
    /// The documents' and the tools' panel widths as the annotator left
    /// them, to come back to after a small window squeezed them.
    widths: [PanelWidth; 2],
    /// Commands applied so far (previews are recomputed after each).
    applied: u64,
    /// The panels' Arabic (lists, snippets) is laid out by the article's
    /// text path; the app's other panels borrow it too.
    pub(in crate::ui) blocks: crate::ui::text::text_block::TextBlocks,
}

#[derive(Debug, Clone, PartialEq)]
struct PreviewKey {
    text: String,
    label: String,
    scope: Scope,
    applied: u64,
    /// [`workflow::Session::list_generation`]: edits a background job
    /// applied change it too.
    generation: u64,
}

impl WorkUi {
    pub fn new(keymap: Keymap) -> WorkUi {
        WorkUi {
            keymap,
            show_shortcuts: false,
            show_guidelines: false,
            show_documents: true,
            show_tools: true,
            guidelines: None,
            doc_filter: String::new(),
            doc_list: panels::DocListCache::default(),
            search_query: String::new(),
            hit_rows: Default::default(),
            search_scope: Scope::Document,
            focus_search: false,
            min_confidence: 0.8,
            annotate_label: String::new(),
            annotate_scope: Scope::Document,
            preview: None,
            widths: [
                PanelWidth {
                    wanted: Some(250.0),
                    last: None,
                },
                PanelWidth {
                    wanted: Some(290.0),
                    last: None,
                },
            ],
            applied: 0,
            blocks: crate::ui::text::text_block::TextBlocks::new(),
        }
    }

    /// The documents' and the tools' panel widths (chosen and last shown).
    pub fn panel_widths(&self) -> [PanelWidth; 2] {
        self.widths
    }

    /// Which side panels are shown, as remembered between runs:
    /// `documents=1,tools=0`.
    pub fn panels_setting(&self) -> String {
        format!(
            "documents={},tools={}",
            u8::from(self.show_documents),
            u8::from(self.show_tools)
        )
    }

    /// Restores [`WorkUi::panels_setting`]; unknown parts are ignored.
    pub fn restore_panels(&mut self, setting: &str) {
        for part in setting.split(',') {
            match part.trim().split_once('=') {
                Some(("documents", v)) => self.show_documents = v != "0",
                Some(("tools", v)) => self.show_tools = v != "0",
                _ => {}
            }
        }
    }

    /// Draws the workbench (status bar, documents, tools, article, overlays)
    /// and applies what the user did, keys first.
    pub fn ui(&mut self, ui: &mut Ui, model: &mut AppModel, view: &mut ArticleView) {
        model.poll_session();
        let mut commands = Vec::new();
        // While the gate into "done" asks, its keys answer and the key
        // table waits.
        let asking = gate::done_gate_ui(ui, model, &mut self.blocks, &mut commands);
        let actions = if asking {
            Vec::new()
        } else {
            take_actions(ui.ctx(), &self.keymap)
        };
        let running = model.session.as_ref().is_some_and(|s| s.job_running());
        for action in actions {
            match action {
                // Esc cancels a bulk command running in the background.
                Action::Run(workflow::Command::ClearSelection) if running => {
                    commands.push(Command::Work(workflow::Command::CancelJob))
                }
                Action::Run(c) => commands.push(Command::Work(from_screen(c, model, view))),
                Action::Ui(UiAction::ToggleShortcuts) => self.show_shortcuts ^= true,
                Action::Ui(UiAction::ToggleGuidelines) => self.show_guidelines ^= true,
                Action::Ui(UiAction::FocusSearch) => self.focus_search = true,
                Action::Ui(UiAction::ToggleDocuments) => self.show_documents ^= true,
                Action::Ui(UiAction::ToggleTools) => self.show_tools ^= true,
            }
        }
        // Keys act before the panels draw, so this frame shows their effect.
        self.apply(model, std::mem::take(&mut commands));
        self.update_preview(model);

        let zoom = view.zoom();
        let blocks = &mut self.blocks;
        let out = &mut commands;
        egui::Panel::bottom("work-status")
            .show(ui, |ui| status::status_ui(ui, model, blocks, zoom, out));
        // The documents panel takes at most 15 % of the window and the
        // tools 20 %, so the article keeps 60 % or more at any size; both
        // are resizable (egui remembers their widths between runs) and
        // collapsible (F3, F4).
        // A panel squeezed by a small window comes back to the width the
        // annotator gave it once the window grows again.
        let width = ui.max_rect().width();
        if self.show_documents {
            let (min, max) = side_panel_range(width, 0.15);
            let panel = egui::Panel::left("work-documents")
                .resizable(true)
                .default_size(250.0_f32.clamp(min, max));
            let panel = self.widths[0].sized(panel, min, max);
            let r = panel.show(ui, |ui| self.documents_ui(ui, model, &mut commands));
            self.widths[0].shown(r.response.rect.width(), max);
        }
        if self.show_tools {
            let (min, max) = side_panel_range(width, 0.2);
            let panel = egui::Panel::right("work-tools")
                .resizable(true)
                .default_size(290.0_f32.clamp(min, max));
            let panel = self.widths[1].sized(panel, min, max);
            let r = panel.show(ui, |ui| self.tools_ui(ui, model, &mut commands));
            self.widths[1].shown(r.response.rect.width(), max);
        }
        egui::CentralPanel::default().show(ui, |ui| article_ui(ui, model, view, &mut commands));
        self.overlay_ui(ui);
        self.guidelines_ui(ui);
        self.apply(model, commands);
    }

    fn apply(&mut self, model: &mut AppModel, commands: Vec<Command>) {
        for c in commands {
            model.apply(c);
            self.applied += 1;
        }
    }

    /// The annotate-all preview for the selected text, recomputed only when
    /// the selection, label, scope or annotations may have changed.
    fn update_preview(&mut self, model: &mut AppModel) {
        let Some(session) = model.session.as_mut() else {
            self.preview = None;
            return;
        };
        if self.annotate_label.is_empty()
            && let Some(l) = session.schema().labels.first()
        {
            self.annotate_label = l.name.clone();
        }
        let text = tools::selected_text(session);
        let Some(text) = text else {
            self.preview = None;
            return;
        };
        let key = PreviewKey {
            text,
            label: self.annotate_label.clone(),
            scope: self.annotate_scope,
            applied: self.applied,
            generation: session.list_generation(),
        };
        if self
            .preview
            .as_ref()
            .is_some_and(|(k, p)| *k == key && p.is_some())
        {
            return;
        }
        // On a large corpus counted in the background: `None` meanwhile.
        let p = session.annotate_preview(&key.text, &key.label, key.scope);
        self.preview = Some((key, p));
    }
}

/// A side panel's width as the annotator chose it (points) and as it was
/// last shown: the window's size limits it, but does not make it forget.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PanelWidth {
    /// The last width shown while not held at the window's limit.
    pub wanted: Option<f32>,
    /// The width shown in the last frame.
    pub last: Option<f32>,
}

impl PanelWidth {
    /// The panel limited to `min..=max`, set back to the wanted width for
    /// this frame when the window has room for it again.
    pub fn sized(&self, panel: egui::Panel, min: f32, max: f32) -> egui::Panel {
        match (self.wanted, self.last) {
            (Some(w), Some(last)) if w > last + 1.0 && max > last + 1.0 => {
                panel.exact_size(w.clamp(min, max))
            }
            _ => panel.size_range(min..=max),
        }
    }

    /// Notes the width shown (`shown`) under the limit `max`.
    pub fn shown(&mut self, shown: f32, max: f32) {
        self.last = Some(shown);
        if shown < max - 1.0 {
            self.wanted = Some(shown);
        }
    }
}

/// Width range of a side panel taking at most `share` of a window `width`
/// points wide (the documents panel 0.15, the tools 0.2: together they leave
/// the article 60 % or more), at least 120 points (or that share, in a
/// very small window).
pub fn side_panel_range(width: f32, share: f32) -> (f32, f32) {
    let max = (width * share).floor();
    (120.0_f32.min(max), max.max(1.0))
}

/// Tab and Shift+Tab with nothing focused start from what is on screen:
/// Tab from the first item shown, Shift+Tab from the last, not from the top
/// or the end of the article; so does the first arrow key with no caret,
/// focus or selection (the caret lands on the first word shown).
fn from_screen(c: workflow::Command, model: &AppModel, view: &ArticleView) -> workflow::Command {
    use workflow::{Command as W, Edge, Items};
    let Some(s) = &model.session else { return c };
    // The first arrow with nothing placed starts on the first word shown.
    let arrow = matches!(
        c,
        W::MoveCaret { .. }
            | W::MoveEdgeVisual {
                edge: Edge::End,
                ..
            }
    );
    if arrow {
        return match (s.caret(), s.focus(), s.selection(), view.visible_chars()) {
            (None, None, None, Some((a, _))) => W::CaretAt(a),
            _ => c,
        };
    }
    if c != W::FocusNext && c != W::FocusPrevious {
        return c;
    }
    let (None, Some(ann), Some((a, b))) =
        (s.focus(), s.current_annotations(), view.visible_chars())
    else {
        return c;
    };
    let f = if c == W::FocusNext {
        workflow::first_from(ann, a, Items::All)
    } else {
        workflow::last_before(ann, b, Items::All)
    };
    f.map_or(c, W::Focus)
}

/// The article of the open document, or why there is none; a read-only
/// document says why above its text.
fn article_ui(ui: &mut Ui, model: &AppModel, view: &mut ArticleView, commands: &mut Vec<Command>) {
    let Some(session) = &model.session else {
        return;
    };
    let (Some(doc), Some(ann)) = (session.current_document(), session.current_annotations()) else {
        ui.centered_and_justified(|ui| ui.label("No document: File > Open folder"));
        return;
    };
    if let Some(reason) = session.read_only_reason() {
        egui::Frame::new()
            .fill(Color32::from_rgb(120, 30, 30))
            .inner_margin(6.0)
            .show(ui, |ui| {
                ui.label(
                    RichText::new(format!(
                        "Read-only: {reason}. The file is left as it is; fix it by hand and reopen."
                    ))
                    .color(Color32::WHITE),
                );
            });
    }
    let lexicon = session.lexicon();
    let input = ArticleInput {
        doc_id: &doc.id,
        text: &doc.text,
        annotations: ann,
        schema: session.schema(),
        selection: session.selection(),
        focused: session.focus().and_then(|f| entity_ref(f, ann)),
        caret: session.caret().map(|c| CaretMark {
            word: c.head,
            at_end: c.bar() != c.head.0,
        }),
        lexicon: Some(&lexicon),
    };
    let (_, events) = view.ui(ui, &input);
    for e in events {
        match e {
            ViewEvent::Selected { start, end } => {
                commands.push(Command::Work(workflow::Command::Select { start, end }))
            }
            ViewEvent::EntityClicked(e) => {
                if let Some(f) = focus_of(e, ann) {
                    // A clicked box is what the keys act on next, not an
                    // older selection.
                    commands.push(Command::Work(workflow::Command::Select {
                        start: 0,
                        end: 0,
                    }));
                    commands.push(Command::Work(workflow::Command::Focus(f)));
                }
            }
            ViewEvent::Resized { start, end } => {
                commands.push(Command::Work(workflow::Command::Resize { start, end }))
            }
            ViewEvent::Copied(_) => {}
        }
    }
}
