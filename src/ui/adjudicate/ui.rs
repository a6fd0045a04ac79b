//! Adjudication mode on screen: the current conflict's two readings side by
//! side and both highlighted in the article, decided with one key
//! (1 = left, 2 = right, 3 = both, 0 = neither).

use egui::{Color32, Key, RichText, Ui};

use super::Adjudicating;
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

/// Decisions and navigation from the keyboard (not while typing).
pub fn keys(ui: &Ui, commands: &mut Vec<Command>, adj: &Adjudicating) {
    if ui.ctx().egui_wants_keyboard_input() {
        return;
    }
    ui.input(|i| {
        for (key, choice, _) in KEYS {
            if i.key_pressed(key) {
                commands.push(Command::Gold(GoldCommand::Decide(choice)));
            }
        }
        let n = adj.conflict_count();
        if n > 0 {
            if i.key_pressed(Key::ArrowDown) || i.key_pressed(Key::N) {
                commands.push(Command::Gold(GoldCommand::GoToConflict(
                    (adj.current + 1) % n,
                )));
            }
            if i.key_pressed(Key::ArrowUp) || i.key_pressed(Key::P) {
                commands.push(Command::Gold(GoldCommand::GoToConflict(
                    (adj.current + n - 1) % n,
                )));
            }
        }
        if i.modifiers.command && i.key_pressed(Key::S) {
            commands.push(Command::Gold(GoldCommand::SaveGold));
        }
    });
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

pub fn article_ui(
    ui: &mut Ui,
    model: &AppModel,
    view: &mut ArticleView,
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

/// The current conflict side by side, the keys, the conflict list, saving.
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
    let total = adj.conflict_count();
    let agreed: usize = adj.docs.iter().map(|d| d.adjudication.agreed.len()).sum();
    ui.label(format!(
        "{} and {} into {GOLD}: {} document(s), {agreed} agreed entities merged, {} of {total} conflict(s) decided",
        adj.a,
        adj.b,
        adj.docs.len(),
        total - adj.undecided_count()
    ));
    ui.separator();
    if let Some((k, c)) = adj.current_conflict() {
        let doc = &model.docs[adj.docs[k].index].document;
        ui.horizontal(|ui| {
            ui.label(format!("conflict {} of {total} —", adj.current + 1));
            let chars = format!("chars {}..{}", c.start, c.end);
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
        ui.label(
            RichText::new("keys 1 2 3 0 decide; Down/N next, Up/P previous")
                .small()
                .weak(),
        );
    } else {
        ui.label("no conflicts: the two annotators agree everywhere");
    }
    ui.separator();
    ui.horizontal(|ui| {
        let ready = adj.docs.iter().filter(|d| d.decided()).count();
        if ui
            .button(format!("Save {ready} document(s) as {GOLD}"))
            .on_hover_text("every document whose conflicts are all decided, marked done (Ctrl+S)")
            .clicked()
        {
            commands.push(Command::Gold(GoldCommand::SaveGold));
        }
    });
    ui.separator();
    for p in &adj.problems {
        ui.colored_label(Color32::from_rgb(230, 90, 70), p);
    }
    // Conflicts numbered through the documents; only the rows in view are
    // laid out (a corpus may hold thousands of conflicts).
    let flat: Vec<(usize, usize)> = adj
        .docs
        .iter()
        .enumerate()
        .flat_map(|(k, d)| (0..d.adjudication.conflicts.len()).map(move |j| (k, j)))
        .collect();
    let row_h = TextBlocks::row_height(ui, size).max(ui.spacing().interact_size.y)
        + ui.spacing().item_spacing.y;
    egui::ScrollArea::vertical()
        .id_salt("conflict-list")
        .auto_shrink([false, false])
        .show_rows(ui, row_h, flat.len(), |ui, shown| {
            for n in shown {
                let (k, j) = flat[n];
                let d = &adj.docs[k];
                let c = &d.adjudication.conflicts[j];
                let id = &model.docs[d.index].document.id;
                let decided = adj.choice(n).map_or("·", choice_short);
                let rest = format!(
                    "{}..{}  {} | {}",
                    c.start,
                    c.end,
                    summary(&c.a),
                    summary(&c.b)
                );
                let label = format!("{decided} {id} {rest}");
                let current = n == adj.current;
                // The id laid out with bidi, between the Latin parts.
                let clicked = ui
                    .horizontal(|ui| {
                        let d = ui.selectable_label(current, decided);
                        let room = ui.available_width()
                            - label_width(ui, rest.as_str())
                            - ui.spacing().item_spacing.x;
                        let i =
                            blocks.line_ui(ui, id, &label, size, room, BlockStyle::row(current));
                        let r = ui.selectable_label(current, rest.as_str());
                        d.clicked() || i.clicked() || r.clicked()
                    })
                    .inner;
                if clicked {
                    commands.push(Command::Gold(GoldCommand::GoToConflict(n)));
                }
            }
        });
}

fn summary(spans: &[Span]) -> String {
    if spans.is_empty() {
        return "—".into();
    }
    spans
        .iter()
        .map(|s| s.label.as_str())
        .collect::<Vec<_>>()
        .join(" ")
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
