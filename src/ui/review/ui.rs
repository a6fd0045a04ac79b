//! Review mode on screen: the article with each outcome marked, a legend,
//! the per-label table (the figures of `kashif eval`) and an F1 bar chart.

use egui::{Color32, RichText, Ui};
use egui_plot::{Bar, BarChart, Legend, Plot};

use super::{Review, kind_color, kind_name, marks_view};
use crate::eval::{self, MarkKind, Scores};
use crate::ui::article_view::ArticleView;
use crate::ui::model::gold::GoldCommand;
use crate::ui::model::{AppModel, Command};
use crate::ui::read_only::{derived_article_ui, not_shown_ui};
use crate::ui::text::text_block::{BlockStyle, TextBlocks, body_size};

fn rgb(c: (u8, u8, u8)) -> Color32 {
    Color32::from_rgb(c.0, c.1, c.2)
}

/// Three decimals, as `kashif eval` prints.
pub fn f3(x: f64) -> String {
    format!("{x:.3}")
}

/// The article of the current document with the review's marks.
pub fn article_ui(
    ui: &mut Ui,
    model: &AppModel,
    view: &mut ArticleView,
    blocks: &mut TextBlocks,
    commands: &mut Vec<Command>,
) {
    let (Some(review), Some(index)) = (&model.gold.review, model.current) else {
        return;
    };
    let Some(d) = model.docs.get(index) else {
        return;
    };
    let Some(marks) = review.marks(index) else {
        not_shown_ui(
            ui,
            blocks,
            format!(
                "{} is not compared: {} has no file for it{}",
                d.document.id,
                review.gold.name(),
                if review.all { "" } else { " marked done" }
            ),
        );
        return;
    };
    let (annotations, schema) = marks_view(marks);
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

/// Legend, matching choice, table and chart.
pub fn side_ui(
    ui: &mut Ui,
    model: &AppModel,
    blocks: &mut TextBlocks,
    commands: &mut Vec<Command>,
) {
    let Some(r) = &model.gold.review else {
        return;
    };
    ui.heading("Review");
    ui.label(format!(
        "{}  against gold  {}",
        r.pred.name(),
        r.gold.name()
    ));
    ui.label(
        RichText::new(format!(
            "{} document(s){}",
            r.report.documents,
            if r.all {
                ", all annotated"
            } else {
                ", marked done"
            }
        ))
        .weak(),
    );
    legend_ui(ui);
    ui.horizontal(|ui| {
        ui.label("marks:");
        for (m, name) in [
            (eval::Mode::Strict, "strict"),
            (eval::Mode::Partial, "partial"),
        ] {
            if ui.radio(r.mark_mode == m, name).clicked() {
                commands.push(Command::Gold(GoldCommand::MarkMode(m)));
            }
        }
    });
    if let Some(i) = model.current
        && let Some(marks) = r.marks(i)
    {
        let count = |k| marks.iter().filter(|m| m.kind == k).count();
        ui.label(format!(
            "this document: {} hit(s), {} false positive(s), {} missed, {} mismatch(es)",
            count(MarkKind::Hit),
            count(MarkKind::FalsePositive),
            count(MarkKind::Miss),
            count(MarkKind::LabelMismatch)
        ));
    }
    ui.separator();
    egui::ScrollArea::vertical()
        .id_salt("review-side")
        .show(ui, |ui| {
            scores_ui(
                ui,
                "strict (same span and label)",
                "strict",
                &r.report.strict,
            );
            scores_ui(
                ui,
                "partial (overlapping span, same label)",
                "partial",
                &r.report.partial,
            );
            chart_ui(ui, r);
            let k = |k: &eval::Kappa| k.kappa.map_or("-".to_string(), f3);
            ui.label(format!(
                "Cohen's kappa: {} over all tokens, {} over tokens in an entity",
                k(&r.agreement.kappa_tokens),
                k(&r.agreement.kappa_entity_tokens)
            ));
            ui.label(format!(
                "Krippendorff's unitizing alpha (chars): {}",
                r.agreement.alpha_u.alpha.map_or("-".to_string(), f3)
            ));
            let by_label = r.agreement.alpha_u.per_label_line();
            if !by_label.is_empty() {
                // The line `kashif agree` prints under its table.
                ui.label(format!("alpha_u by label: {by_label}"));
            }
            super::timing::timing_ui(ui, &r.timing);
            documents_ui(ui, model, r, blocks, commands);
            if !r.report.confusions.is_empty() {
                ui.strong("label confusions (same span, other label)");
                for c in &r.report.confusions {
                    ui.label(format!("{} as {}: {}", c.gold, c.pred, c.count));
                }
            }
            if !r.skipped.is_empty() {
                // Document ids may be Arabic: laid out with bidi, wrapped.
                let text = format!(
                    "left out ({} has no file): {}",
                    r.pred.name(),
                    r.skipped.join(", ")
                );
                blocks.wrapped_ui(
                    ui,
                    &text,
                    &text,
                    body_size(ui),
                    BlockStyle::plain().interface(),
                );
            }
            for p in &r.problems {
                ui.colored_label(Color32::from_rgb(230, 90, 70), p);
            }
            super::lead::lead_ui(ui, model, r, blocks, commands);
        });
}

fn legend_ui(ui: &mut Ui) {
    for k in [
        MarkKind::Hit,
        MarkKind::FalsePositive,
        MarkKind::Miss,
        MarkKind::LabelMismatch,
    ] {
        ui.horizontal(|ui| {
            let (rect, _) = ui.allocate_exact_size(egui::vec2(22.0, 12.0), egui::Sense::hover());
            let c = rgb(kind_color(k));
            if k == MarkKind::Miss {
                ui.painter().rect_stroke(
                    rect,
                    2.0,
                    egui::Stroke::new(1.5, c),
                    egui::StrokeKind::Inside,
                );
            } else {
                ui.painter().rect_filled(rect, 2.0, c);
            }
            ui.label(kind_name(k));
        });
    }
}

/// One table: per label tp/fp/fn and P/R/F1, then micro and macro.
fn scores_ui(ui: &mut Ui, title: &str, id: &str, s: &Scores) {
    ui.strong(title);
    egui::Grid::new(("scores", id))
        .striped(true)
        .num_columns(7)
        .spacing([10.0, 2.0])
        .show(ui, |ui| {
            for h in ["label", "tp", "fp", "fn", "P", "R", "F1"] {
                ui.label(RichText::new(h).weak());
            }
            ui.end_row();
            for (label, c) in &s.per_label {
                ui.label(label);
                ui.label(c.tp.to_string());
                ui.label(c.fp.to_string());
                ui.label(c.fn_.to_string());
                ui.label(f3(c.precision()));
                ui.label(f3(c.recall()));
                ui.label(f3(c.f1()));
                ui.end_row();
            }
            let t = s.total;
            ui.strong("micro");
            ui.label(t.tp.to_string());
            ui.label(t.fp.to_string());
            ui.label(t.fn_.to_string());
            ui.label(f3(s.micro.precision));
            ui.label(f3(s.micro.recall));
            ui.strong(f3(s.micro.f1));
            ui.end_row();
            ui.strong("macro");
            ui.label("");
            ui.label("");
            ui.label("");
            ui.label(f3(s.macro_avg.precision));
            ui.label(f3(s.macro_avg.recall));
            ui.strong(f3(s.macro_avg.f1));
            ui.end_row();
        });
    ui.add_space(6.0);
}

/// Per-label F1, strict and partial side by side.
fn chart_ui(ui: &mut Ui, r: &Review) {
    let labels: Vec<String> = r.report.strict.per_label.keys().cloned().collect();
    let bars = |scores: &Scores, shift: f64| -> Vec<Bar> {
        labels
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let f1 = scores.per_label.get(l).map_or(0.0, |c| c.f1());
                Bar::new(i as f64 + shift, f1).width(0.35).name(l)
            })
            .collect()
    };
    let strict = BarChart::new("strict F1", bars(&r.report.strict, -0.2))
        .color(Color32::from_rgb(40, 150, 220));
    let partial = BarChart::new("partial F1", bars(&r.report.partial, 0.2))
        .color(Color32::from_rgb(150, 200, 90));
    let names = labels.clone();
    ui.strong("F1 per label");
    Plot::new("review-f1")
        .height(170.0)
        .legend(Legend::default())
        .include_y(0.0)
        .include_y(1.0)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .show_grid([false, true])
        .x_axis_formatter(move |mark, _| {
            let i = mark.value.round();
            if (mark.value - i).abs() < 1e-6 && i >= 0.0 {
                names.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .show(ui, |plot| {
            plot.bar_chart(strict);
            plot.bar_chart(partial);
        });
}

/// Per-document counts, as `kashif eval` lists them; a click opens one.
fn documents_ui(
    ui: &mut Ui,
    model: &AppModel,
    r: &Review,
    blocks: &mut TextBlocks,
    commands: &mut Vec<Command>,
) {
    ui.strong("per document");
    let size = body_size(ui);
    // The id column takes what the four figures leave, cut with … beyond.
    let col = 70.0;
    let id_width = (ui.available_width() - 4.0 * (col + 10.0)).max(80.0);
    let row_h = TextBlocks::row_height(ui, size);
    let cell = |ui: &mut Ui, t: RichText| {
        ui.add_sized([col, row_h], egui::Label::new(t));
    };
    ui.horizontal(|ui| {
        ui.add_sized(
            [id_width, row_h],
            egui::Label::new(RichText::new("document").weak()),
        );
        for h in ["gold", "compared", "strict F1", "partial F1"] {
            cell(ui, RichText::new(h).weak());
        }
    });
    let rows: Vec<_> = r.docs.iter().zip(&r.report.per_document).collect();
    // Only the rows in view are laid out: a review may cover 20,000
    // documents.
    egui::ScrollArea::vertical()
        .id_salt("review-docs")
        .max_height(row_h * 12.0)
        .auto_shrink([false, true])
        .show_rows(
            ui,
            row_h + ui.spacing().item_spacing.y,
            rows.len(),
            |ui, shown| {
                for &(d, rep) in &rows[shown] {
                    ui.horizontal(|ui| {
                        let open = model.current == Some(d.index);
                        let style = BlockStyle::row(open);
                        ui.scope(|ui| {
                            ui.set_width(id_width);
                            if blocks
                                .line_ui(ui, &rep.id, &rep.id, size, id_width, style)
                                .clicked()
                            {
                                commands.push(Command::OpenDocument(d.index));
                            }
                        });
                        let f = |c: &eval::Counts| {
                            if c.is_empty() {
                                "-".to_string()
                            } else {
                                f3(c.f1())
                            }
                        };
                        cell(ui, RichText::new(rep.gold.to_string()));
                        cell(ui, RichText::new(rep.pred.to_string()));
                        cell(ui, RichText::new(f(&rep.strict)));
                        cell(ui, RichText::new(f(&rep.partial)));
                    });
                }
            },
        );
    ui.add_space(6.0);
}
