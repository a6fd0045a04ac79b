//! Adjudication mode on screen: the current conflict's two readings side by
//! side and both highlighted in the article, decided with one key
//! (1 = left, 2 = right, 3 = both, 0 = neither).

use egui::{Color32, Key, RichText, Ui};

use super::Adjudicating;
use super::stacked::{StackedView, stacked_ui};
use crate::annotation::{DocAnnotations, Proposal, Source, Span};
use crate::eval::Choice;
use crate::schema::{Label, Schema};
use crate::ui::article_view::{ArticleView, label_color};
use crate::ui::model::gold::{GOLD, GoldCommand};
use crate::ui::model::{AppModel, Command};
use crate::ui::read_only::{derived_article_ui, not_shown_ui};
use crate::ui::text::text_block::{BlockStyle, TextBlocks, body_size, label_width};

/// Left (first annotator) and right (second) colours in the article.
pub const LEFT: (u8, u8, u8) = (40, 150, 220);
pub const RIGHT: (u8, u8, u8) = (235, 120, 20);
const UNDECIDED: (u8, u8, u8) = (130, 130, 130);

/// The keys and what they choose.
pub const KEYS: [(Key, Choice, &str); 4] = [
    (Key::Num1, Choice::A, "1 left"),
    (Key::Num2, Choice::B, "2 right"),
    (Key::Num3, Choice::Both, "3 both"),
    (Key::Num0, Choice::Neither, "0 neither"),
];

/// Decisions and navigation from the keyboard (not while typing): 1 2 3 0
/// decide, Ctrl+1 / Ctrl+2 take the left / right reading for every
/// remaining conflict, Ctrl+Z undoes the last decision step, Ctrl+S saves,
/// Down/N and Up/P move, V switches the stacked view on and off.
pub fn keys(ui: &Ui, commands: &mut Vec<Command>, adj: &Adjudicating) {
    if ui.ctx().text_edit_focused() {
        return;
    }
    // Taken out of the input (so a focused button does not also take Enter,
    // and the article's zoom does not take Ctrl+0 meant here).
    let mut pressed: Vec<(Key, egui::Modifiers)> = Vec::new();
    ui.ctx().input_mut(|i| {
        i.events.retain(|ev| match ev {
            egui::Event::Key {
                key,
                pressed: true,
                modifiers,
                ..
            } if adjudication_key(*key, *modifiers) => {
                pressed.push((*key, *modifiers));
                false
            }
            _ => true,
        });
    });
    let gold = |c| Command::Gold(c);
    for (key, m) in pressed {
        if m.command {
            match key {
                Key::Num1 => commands.push(gold(GoldCommand::DecideRemaining(Choice::A))),
                Key::Num2 => commands.push(gold(GoldCommand::DecideRemaining(Choice::B))),
                Key::Z => commands.push(gold(GoldCommand::UndoDecision)),
                Key::S => commands.push(gold(GoldCommand::SaveGold)),
                _ => {}
            }
            continue;
        }
        if key == Key::V {
            commands.push(gold(GoldCommand::StackedView(!adj.stacked)));
        }
        if let Some((_, choice, _)) = KEYS.iter().find(|(k, _, _)| *k == key) {
            commands.push(gold(GoldCommand::Decide(*choice)));
        }
        let n = adj.conflict_count();
        if n > 0 {
            if matches!(key, Key::ArrowDown | Key::N) {
                commands.push(gold(GoldCommand::GoToConflict((adj.current + 1) % n)));
            }
            if matches!(key, Key::ArrowUp | Key::P) {
                commands.push(gold(GoldCommand::GoToConflict((adj.current + n - 1) % n)));
            }
        }
    }
}

/// Whether adjudication mode binds this key press.
fn adjudication_key(key: Key, m: egui::Modifiers) -> bool {
    if m.alt {
        return false;
    }
    if m.command {
        return !m.shift && matches!(key, Key::Num1 | Key::Num2 | Key::Z | Key::S);
    }
    !m.shift
        && (KEYS.iter().any(|(k, _, _)| *k == key)
            || matches!(
                key,
                Key::ArrowDown | Key::ArrowUp | Key::N | Key::P | Key::V
            ))
}

fn side_label(prefix: &str, s: &Span, color: (u8, u8, u8), labels: &mut Vec<Label>) -> String {
    let name = format!("{prefix} {}", s.label);
    if !labels.iter().any(|l| l.name == name) {
        labels.push(Label {
            name: name.clone(),
            display: prefix.to_string(),
            color,
            key: ' ',
        });
    }
    name
}

/// What the article shows for one document: the entities decided so far in
/// their label colours, the current conflict's left reading as solid boxes
/// (`1 LOC`) and its right reading as dashed ones (`2 LOC`), other
/// undecided conflicts as grey dashed boxes.
pub fn document_view(adj: &Adjudicating, doc: usize, schema: &Schema) -> (DocAnnotations, Schema) {
    let d = &adj.docs[doc];
    let mut labels = schema.labels.clone();
    let mut ann = DocAnnotations {
        entities: d.entities(),
        ..Default::default()
    };
    let current = adj.locate(adj.current);
    for (j, (c, choice)) in d.adjudication.conflicts.iter().zip(&d.choices).enumerate() {
        if choice.is_some() {
            continue;
        }
        if current == Some((doc, j)) {
            for s in &c.a {
                let label = side_label("1", s, LEFT, &mut labels);
                ann.entities.push(Span { label, ..s.clone() });
            }
            for s in &c.b {
                let label = side_label("2", s, RIGHT, &mut labels);
                ann.proposals.push(proposal(s, label));
            }
        } else {
            for s in c.a.iter().chain(&c.b) {
                let label = side_label("?", s, UNDECIDED, &mut labels);
                ann.proposals.push(proposal(s, label));
            }
        }
    }
    (ann, Schema { labels })
}

fn proposal(s: &Span, label: String) -> Proposal {
    Proposal {
        start: s.start,
        end: s.end,
        label,
        text: s.text.clone(),
        confidence: 1.0,
        source: Source::Memory,
    }
}

/// The central area: the document with both readings overlaid, or, with
/// the stacked view on, its lines with a row of boxes per annotator.
pub fn article_ui(
    ui: &mut Ui,
    model: &AppModel,
    view: &mut ArticleView,
    stacked: &mut StackedView,
    blocks: &mut TextBlocks,
    commands: &mut Vec<Command>,
) {
    let (Some(adj), Some(index)) = (&model.gold.adjudication, model.current) else {
        return;
    };
    let Some(d) = model.docs.get(index) else {
        return;
    };
    let Some(pos) = adj.docs.iter().position(|x| x.index == index) else {
        not_shown_ui(
            ui,
            blocks,
            format!(
                "{} is not adjudicated: {} and {} do not both have a file for it",
                d.document.id, adj.a, adj.b
            ),
        );
        return;
    };
    if adj.stacked {
        stacked_ui(ui, model, adj, pos, stacked, blocks, commands);
        return;
    }
    let (annotations, schema) = document_view(adj, pos, &model.schema);
    derived_article_ui(
        ui,
        model,
        view,
        &d.document,
        &annotations,
        &schema,
        commands,
    );
}

fn reading_ui(
    ui: &mut Ui,
    title: &str,
    color: (u8, u8, u8),
    spans: &[Span],
    model: &AppModel,
    blocks: &mut TextBlocks,
) {
    ui.vertical(|ui| {
        ui.label(
            RichText::new(title)
                .strong()
                .color(Color32::from_rgb(color.0, color.1, color.2)),
        );
        if spans.is_empty() {
            ui.label(RichText::new("(nothing marked)").weak());
        }
        for s in spans {
            ui.label(
                RichText::new(&s.label)
                    .strong()
                    .color(label_color(&model.schema, &s.label)),
            );
            // The column is narrow: a long name wraps, laid out with bidi.
            blocks.wrapped_ui(
                ui,
                &s.text,
                &s.text,
                body_size(ui),
                BlockStyle::plain().words(),
            );
            ui.label(
                RichText::new(format!("{}..{}", s.start, s.end))
                    .small()
                    .weak(),
            );
        }
    });
}

/// The summary line: what [`Adjudicating::counts`] counts, the same
/// figures the conflict table groups and lists.
pub fn summary_line(adj: &Adjudicating) -> String {
    let c = adj.counts();
    format!(
        "{} and {} into {GOLD}: {} document(s) ({} with conflicts), {} agreed entities merged, {} of {} conflict(s) decided; {} document(s) left out",
        adj.a, adj.b, c.documents, c.with_conflicts, c.agreed, c.decided, c.conflicts, c.skipped
    )
}

/// One reading of a conflict on one line: its side, label, char offsets and
/// text (`1 DATE 10..22 ٩ نوفمبر 2020`), or that the side marked nothing.
pub fn reading_line(side: &str, spans: &[Span]) -> String {
    if spans.is_empty() {
        return format!("{side} (nothing marked)");
    }
    let parts: Vec<String> = spans
        .iter()
        .map(|s| format!("{} {}..{} {}", s.label, s.start, s.end, s.text))
        .collect();
    format!("{side} {}", parts.join(" + "))
}

/// The current conflict side by side, the keys, the conflict table, the
/// documents left out, saving.
pub fn side_ui(
    ui: &mut Ui,
    model: &AppModel,
    blocks: &mut TextBlocks,
    commands: &mut Vec<Command>,
) {
    let size = body_size(ui);
    let Some(adj) = &model.gold.adjudication else {
        return;
    };
    ui.heading("Adjudication");
    let counts = adj.counts();
    ui.label(summary_line(adj));
    let mut on = adj.stacked;
    if ui
        .checkbox(&mut on, "stacked view (V)")
        .on_hover_text(
            "each line with one row of boxes per annotator and the gold row; a click on a box makes its conflict current",
        )
        .changed()
    {
        commands.push(Command::Gold(GoldCommand::StackedView(on)));
    }
    ui.separator();
    if let Some((k, c)) = adj.current_conflict() {
        let doc = &model.docs[adj.docs[k].index].document;
        ui.horizontal(|ui| {
            ui.label(format!(
                "conflict {} of {} —",
                adj.current + 1,
                counts.conflicts
            ));
            let chars = format!("chars {}..{} · {}", c.start, c.end, c.kind().name());
            let room = ui.available_width() - label_width(ui, chars.as_str());
            blocks.line_ui(ui, &doc.id, &doc.id, size, room, BlockStyle::plain());
            ui.label(chars);
        });
        if let Some(ch) = adj.choice(adj.current) {
            ui.label(RichText::new(format!("decided: {}", choice_name(ch))).weak());
        }
        ui.columns(2, |cols| {
            let a = format!("1 · {}", adj.a);
            let b = format!("2 · {}", adj.b);
            reading_ui(&mut cols[0], &a, LEFT, &c.a, model, blocks);
            reading_ui(&mut cols[1], &b, RIGHT, &c.b, model, blocks);
        });
        ui.horizontal_wrapped(|ui| {
            for (_, choice, name) in KEYS {
                if ui.button(name).clicked() {
                    commands.push(Command::Gold(GoldCommand::Decide(choice)));
                }
            }
        });
        ui.horizontal_wrapped(|ui| {
            ui.label("every remaining conflict:");
            for (choice, who, key) in [(Choice::A, &adj.a, 1), (Choice::B, &adj.b, 2)] {
                if ui.button(format!("{who}'s reading (Ctrl+{key})")).clicked() {
                    commands.push(Command::Gold(GoldCommand::DecideRemaining(choice)));
                }
            }
        });
        ui.label(
            RichText::new(
                "keys 1 2 3 0 decide; Down/N next, Up/P previous; Ctrl+Z undo; Ctrl+S save; V stacked view",
            )
            .small()
            .weak(),
        );
    } else if counts.conflicts == 0 {
        ui.label("no conflicts: the two annotators agree everywhere");
    }
    ui.separator();
    ui.horizontal(|ui| {
        if ui
            .button(format!("Save {} document(s) as {GOLD}", counts.ready))
            .on_hover_text(
                "every adjudicated document whose conflicts are all decided, marked done (Ctrl+S)",
            )
            .clicked()
        {
            commands.push(Command::Gold(GoldCommand::SaveGold));
        }
        if ui.button("Undo decision (Ctrl+Z)").clicked() {
            commands.push(Command::Gold(GoldCommand::UndoDecision));
        }
    });
    ui.separator();
    egui::ScrollArea::vertical()
        .id_salt("conflict-list")
        .show(ui, |ui| {
            conflict_table_ui(ui, model, adj, blocks, commands);
            skipped_ui(ui, model, adj, blocks, commands);
            for p in &adj.problems {
                ui.colored_label(Color32::from_rgb(230, 90, 70), p);
            }
            crate::ui::lead_links::notes_ui(ui, model, &adj.notes, blocks, commands);
        });
}

/// The conflicts, grouped by document (one heading row per document with
/// conflicts), each with how its readings differ and both readings' label,
/// boundaries and Arabic text (laid out by the panels' text path); a click
/// makes it current (highlighted in the article).
fn conflict_table_ui(
    ui: &mut Ui,
    model: &AppModel,
    adj: &Adjudicating,
    blocks: &mut TextBlocks,
    commands: &mut Vec<Command>,
) {
    let size = body_size(ui);
    let mut n = 0;
    for d in adj
        .docs
        .iter()
        .filter(|d| !d.adjudication.conflicts.is_empty())
    {
        let id = &model.docs[d.index].document.id;
        let left = d.choices.iter().filter(|c| c.is_none()).count();
        let head = format!(
            "{id} — {} conflict(s), {left} undecided",
            d.adjudication.conflicts.len()
        );
        let w = ui.available_width();
        blocks.line_ui(ui, &head, &head, size, w, BlockStyle::plain().interface());
        for c in &d.adjudication.conflicts {
            let decided = adj.choice(n).map_or("·", choice_short);
            let current = n == adj.current;
            let clicked = ui
                .horizontal(|ui| {
                    let d = ui.selectable_label(current, decided);
                    let k = ui.selectable_label(current, c.kind().name());
                    d.clicked() || k.clicked()
                })
                .inner;
            let mut rows = false;
            for (side, spans, color) in [("1", &c.a, LEFT), ("2", &c.b, RIGHT)] {
                let line = reading_line(side, spans);
                let w = ui.available_width();
                let style = BlockStyle {
                    color: Some(Color32::from_rgb(color.0, color.1, color.2)),
                    ..BlockStyle::row(current)
                };
                rows |= blocks
                    .line_ui(ui, &line, &line, size, w, style.interface())
                    .clicked();
            }
            if clicked || rows {
                commands.push(Command::Gold(GoldCommand::GoToConflict(n)));
            }
            n += 1;
        }
    }
}

/// Documents left out of gold, each with the reason, and a button to
/// include those both annotators have a file for.
fn skipped_ui(
    ui: &mut Ui,
    model: &AppModel,
    adj: &Adjudicating,
    blocks: &mut TextBlocks,
    commands: &mut Vec<Command>,
) {
    if adj.skipped.is_empty() {
        return;
    }
    ui.separator();
    ui.strong(format!(
        "left out of {GOLD} ({}): not done by both annotators",
        adj.skipped.len()
    ));
    let size = body_size(ui);
    for s in &adj.skipped {
        let id = &model.docs[s.index].document.id;
        ui.horizontal(|ui| {
            if s.includable()
                && ui
                    .button("include")
                    .on_hover_text("adjudicate it anyway (the lead decides)")
                    .clicked()
            {
                commands.push(Command::Gold(GoldCommand::IncludeDocument(s.index)));
            }
            let line = format!("{id}: {}", s.reason);
            let w = ui.available_width();
            blocks.line_ui(ui, &line, &line, size, w, BlockStyle::plain().interface());
        });
    }
}

fn choice_name(c: Choice) -> &'static str {
    match c {
        Choice::A => "left",
        Choice::B => "right",
        Choice::Both => "both",
        Choice::Neither => "neither",
    }
}

fn choice_short(c: Choice) -> &'static str {
    match c {
        Choice::A => "1",
        Choice::B => "2",
        Choice::Both => "3",
        Choice::Neither => "0",
    }
}
