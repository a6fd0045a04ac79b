//! The stacked (curation) view of adjudication, as INCEpTION's curation
//! view has it: each line of the document, laid out once by the panels'
//! cosmic-text path, and under it one row of boxes per annotator (left =
//! key 1, right = key 2) and the gold row, so the lead sees every reading of
//! a sentence at once instead of one conflict at a time.
//!
//! Which boxes go where ([`boxes`]) is plain data, tested without egui; the
//! `*_ui` functions draw them and send [`GoldCommand`]s, applied by the model
//! like the conflict table's.

use std::ops::Range;

use egui::{Align, Color32, Layout, RichText, Sense, Stroke, Ui, accesskit, vec2};

use super::Adjudicating;
use super::ui::{LEFT, RIGHT};
use crate::annotation::Span;
use crate::eval::Choice;
use crate::ui::article_view::label_color;
use crate::ui::model::gold::{GOLD, GoldCommand};
use crate::ui::model::{AppModel, Command};
use crate::ui::text::rows::RowHeights;
use crate::ui::text::text_block::{BlockStyle, TextBlocks, body_size};

/// Outline of a box whose span or label the other annotator lacks.
pub const CONFLICT: (u8, u8, u8) = (225, 30, 190);
/// The gold row's name.
const GOLD_ROW: (u8, u8, u8) = (60, 160, 90);
/// A gold placeholder for a conflict not decided yet.
const UNDECIDED: Color32 = Color32::from_rgb(130, 130, 130);
/// Width kept for the row names, so the rows' boxes start in one column.
const NAME_WIDTH: f32 = 90.0;
/// A box's text is cut with `…` past this width (points).
const BOX_TEXT: f32 = 320.0;
/// What the accessibility description of a disagreeing box says (tests
/// read it).
pub const DISAGREEMENT: &str = "disagreement: the other annotator lacks this span or label";

/// Whose row a box is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row {
    /// The first annotator (key 1).
    A,
    /// The second annotator (key 2).
    B,
    /// The gold being built: agreements and decided conflicts, plus a
    /// placeholder per undecided conflict.
    Gold,
}

/// One box of the stacked view.
#[derive(Debug, Clone, PartialEq)]
pub struct StackedBox {
    pub row: Row,
    /// The entity (for an undecided gold placeholder: the conflict's chars,
    /// label `?`).
    pub span: Span,
    /// The conflict (number over all documents) the box belongs to:
    /// clicking the box makes it current. `None` for agreements.
    pub conflict: Option<usize>,
    /// The other annotator lacks this span or label (it is part of a
    /// conflict).
    pub disagreement: bool,
    /// A gold placeholder: the conflict is not decided yet.
    pub undecided: bool,
}

/// Every box of adjudicated document `pos` (position in `adj.docs`) whose
/// text is `text`, per row in text order. Agreements appear in both
/// annotators' rows and in gold; a conflict's spans in their annotator's
/// row, marked as disagreements; the gold row holds what is decided so far
/// and a `?` box per undecided conflict.
pub fn boxes(adj: &Adjudicating, pos: usize, text: &str) -> Vec<StackedBox> {
    let d = &adj.docs[pos];
    let first = adj.number_of(d.index, 0);
    let number = |j: usize| first.map(|f| f + j);
    let plain = |row, s: &Span| StackedBox {
        row,
        span: s.clone(),
        conflict: None,
        disagreement: false,
        undecided: false,
    };
    let mut out = Vec::new();
    for row in [Row::A, Row::B] {
        out.extend(d.adjudication.agreed.iter().map(|s| plain(row, s)));
        for (j, c) in d.adjudication.conflicts.iter().enumerate() {
            let side = if row == Row::A { &c.a } else { &c.b };
            out.extend(side.iter().map(|s| StackedBox {
                conflict: number(j),
                disagreement: true,
                ..plain(row, s)
            }));
        }
    }
    out.extend(d.adjudication.agreed.iter().map(|s| plain(Row::Gold, s)));
    for (j, (c, choice)) in d.adjudication.conflicts.iter().zip(&d.choices).enumerate() {
        match choice {
            Some(choice) => out.extend(c.resolve(*choice).iter().map(|s| StackedBox {
                conflict: number(j),
                ..plain(Row::Gold, s)
            })),
            None => out.push(StackedBox {
                conflict: number(j),
                undecided: true,
                ..plain(
                    Row::Gold,
                    &Span {
                        text: crate::text::slice_chars(text, c.start, c.end)
                            .unwrap_or_default()
                            .to_string(),
                        ..Span::new(c.start, c.end, "?", crate::annotation::Origin::Manual)
                    },
                )
            }),
        }
    }
    let row_order = |r: Row| r as u8;
    out.sort_by(|x, y| (row_order(x.row), x.span.key()).cmp(&(row_order(y.row), y.span.key())));
    out
}

/// One line of the view: a paragraph of the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// Chars of the document, end exclusive.
    pub chars: (usize, usize),
    /// The same in bytes, to slice the text without counting chars.
    pub bytes: (usize, usize),
    /// Whether it reads right to left ([`crate::bidi::paragraph_direction`]).
    pub rtl: bool,
}

/// The lines of `text` the view shows: its paragraphs (split at
/// newlines), blank ones left out. Computed once per document, so a frame
/// never walks the whole text.
pub fn lines(text: &str) -> Vec<Line> {
    let doc_rtl = crate::bidi::document_is_rtl(text);
    let mut out = Vec::new();
    let (mut chars, mut bytes) = (0, 0);
    for para in text.split('\n') {
        let n = para.chars().count();
        if !para.trim().is_empty() {
            out.push(Line {
                chars: (chars, chars + n),
                bytes: (bytes, bytes + para.len()),
                rtl: crate::bidi::paragraph_direction(para, doc_rtl).rtl,
            });
        }
        chars += n + 1;
        bytes += para.len() + 1;
    }
    out
}

/// What a box says to screen readers and tests: `amina LOC واشنطن`, or
/// `gold undecided واشنطن` for a conflict not decided yet.
pub fn box_label(who: &str, b: &StackedBox) -> String {
    if b.undecided {
        format!("{who} undecided {}", b.span.text)
    } else {
        format!("{who} {} {}", b.span.label, b.span.text)
    }
}

/// What the kept boxes were built from: the adjudication's serial, the
/// document's app index, the number of its first conflict, its choices.
type BoxesKey = (u64, usize, Option<usize>, Vec<Option<Choice>>);

/// What the view keeps between frames: the document's lines (computed once
/// per document), their measured heights (only the lines in view are laid
/// out and drawn), and which conflict it last scrolled to.
#[derive(Debug, Default)]
pub struct StackedView {
    /// App index and text length of the document whose lines are kept.
    doc: Option<(usize, usize)>,
    lines: Vec<Line>,
    rows: RowHeights,
    /// The conflict the view last followed.
    followed: Option<usize>,
    /// Lines drawn in the last frame.
    drawn: Range<usize>,
    /// The document's boxes, kept while the adjudication, the document's
    /// choices and the number of its first conflict stay the same (a
    /// decision or an included document changes them).
    boxes: Option<(BoxesKey, Vec<StackedBox>)>,
}

/// The stacked view of adjudicated document `pos` (position in
/// `adj.docs`): its lines in a scroll area, only those in view drawn. When
/// the current conflict changes and its line is not in view, the view
/// scrolls to it.
pub fn stacked_ui(
    ui: &mut Ui,
    model: &AppModel,
    adj: &Adjudicating,
    pos: usize,
    state: &mut StackedView,
    blocks: &mut TextBlocks,
    commands: &mut Vec<Command>,
) {
    let d = &adj.docs[pos];
    let Some(entry) = model.docs.get(d.index) else {
        return;
    };
    let text = entry.document.text.as_str();
    let mut area = egui::ScrollArea::vertical()
        .id_salt("stacked-lines")
        .auto_shrink(false);
    let key = (d.index, text.len());
    if state.doc != Some(key) {
        state.doc = Some(key);
        state.lines = lines(text);
        state.rows.clear();
        state.followed = None;
        state.drawn = 0..0;
        state.boxes = None;
        // Another document starts at its top (unless its current conflict
        // is further down: followed below).
        area = area.vertical_scroll_offset(0.0);
    }
    let key: BoxesKey = (
        adj.serial(),
        d.index,
        adj.number_of(d.index, 0),
        d.choices.clone(),
    );
    if state.boxes.as_ref().is_none_or(|(k, _)| *k != key) {
        let b = boxes(adj, pos, text);
        state.boxes = Some((key, b));
    }
    let all = state.boxes.as_ref().map_or(&[][..], |(_, b)| &b[..]);
    let current = adj
        .current_conflict()
        .filter(|(k, _)| *k == pos)
        .map(|(_, c)| (c.start, c.end));
    let size = body_size(ui);
    // Through the panels' text path: ids and names may be Arabic.
    let head = format!(
        "stacked view of {}: each line, then 1 {}, 2 {}, {GOLD} (V: back to the article)",
        entry.document.id, adj.a, adj.b
    );
    let w = ui.available_width();
    blocks.line_ui(ui, &head, &head, size, w, BlockStyle::plain().interface());
    let gap = ui.spacing().item_spacing.y;
    // A line of text and three rows of boxes.
    let estimate = TextBlocks::row_height(ui, size) * 5.0;
    if state.followed != Some(adj.current) {
        state.followed = Some(adj.current);
        let line = current.and_then(|(s, _)| {
            state
                .lines
                .iter()
                .position(|l| l.chars.0 <= s && s < l.chars.1.max(l.chars.0 + 1))
        });
        if let Some(li) = line.filter(|li| !state.drawn.contains(li)) {
            area = area.vertical_scroll_offset(state.rows.top_of(li, estimate, gap));
        }
    }
    let mut drawn: Option<Range<usize>> = None;
    let lines = &state.lines;
    state.rows.show(ui, area, lines.len(), estimate, |ui, i| {
        drawn = Some(
            drawn
                .as_ref()
                .map_or(i..i + 1, |d| d.start.min(i)..d.end.max(i + 1)),
        );
        let l = &lines[i];
        let (a, b) = l.chars;
        let line = text.get(l.bytes.0..l.bytes.1).unwrap_or_default();
        let rtl = l.rtl;
        let here = all.iter().filter(|x| a <= x.span.start && x.span.start < b);
        let line_current = current.filter(|&(s, e)| s < b && e > a);
        line_ui(
            ui,
            model,
            adj,
            (line, a),
            rtl,
            here,
            line_current,
            blocks,
            commands,
        );
    });
    state.drawn = drawn.unwrap_or(0..0);
}

/// One line: its text (laid out by cosmic-text, cached between frames),
/// the current conflict's chars marked in it, then the rows of boxes.
#[allow(clippy::too_many_arguments)]
fn line_ui<'a>(
    ui: &mut Ui,
    model: &AppModel,
    adj: &Adjudicating,
    (line, start): (&str, usize),
    rtl: bool,
    here: impl Iterator<Item = &'a StackedBox> + Clone,
    current: Option<(usize, usize)>,
    blocks: &mut TextBlocks,
    commands: &mut Vec<Command>,
) {
    let size = body_size(ui);
    let n = line.chars().count();
    let highlight = current.map(|(s, e)| (s.saturating_sub(start), e.min(start + n) - start));
    let style = BlockStyle {
        highlight,
        ..BlockStyle::plain()
    };
    blocks.wrapped_ui(ui, line, line, size, style.words());
    let flow = if rtl {
        Layout::right_to_left(Align::Center)
    } else {
        Layout::left_to_right(Align::Center)
    };
    let current_conflict = current.map(|_| adj.current);
    for (row, who, color) in [
        (Row::A, adj.a.as_str(), LEFT),
        (Row::B, adj.b.as_str(), RIGHT),
        (Row::Gold, GOLD, GOLD_ROW),
    ] {
        let color = Color32::from_rgb(color.0, color.1, color.2);
        let h = TextBlocks::row_height(ui, size);
        // The name, then the boxes in the rest of the width: one row high
        // to start with (as `horizontal_wrapped`), growing when the boxes
        // wrap, wrapped ones starting under the first box, not the name.
        let top = match flow.main_dir() {
            egui::Direction::RightToLeft => Layout::right_to_left(Align::Min),
            _ => Layout::left_to_right(Align::Min),
        };
        ui.allocate_ui_with_layout(vec2(ui.available_width(), h), top, |ui| {
            ui.allocate_ui_with_layout(vec2(NAME_WIDTH, h), flow, |ui| {
                ui.set_min_width(NAME_WIDTH);
                let name = format!("row {who}");
                blocks.line_ui(
                    ui,
                    who,
                    &name,
                    size,
                    NAME_WIDTH,
                    BlockStyle::colored(color).interface(),
                );
            });
            let rest = vec2(ui.available_width(), h);
            ui.allocate_ui_with_layout(rest, flow.with_main_wrap(true), |ui| {
                let mut any = false;
                for b in here.clone().filter(|b| b.row == row) {
                    any = true;
                    let is_current = b.conflict.is_some() && b.conflict == current_conflict;
                    box_ui(ui, model, who, b, rtl, is_current, blocks, commands);
                }
                if !any {
                    ui.label(RichText::new("—").weak());
                }
            });
        });
    }
    ui.separator();
}

/// One entity box, sized around its label and text, then allocated (so a
/// row of them wraps), then painted: the label-coloured fill behind the
/// label and the entity's text (laid out by cosmic-text, never covered),
/// the label at the reading start (the right in a right-to-left line),
/// outlined in [`CONFLICT`] when it is a disagreement and in the selection
/// colour when its conflict is the current one. A click makes its conflict
/// current (the conflict table's command).
#[allow(clippy::too_many_arguments)]
fn box_ui(
    ui: &mut Ui,
    model: &AppModel,
    who: &str,
    b: &StackedBox,
    rtl: bool,
    current: bool,
    blocks: &mut TextBlocks,
    commands: &mut Vec<Command>,
) {
    let size = body_size(ui);
    let color = if b.undecided {
        UNDECIDED
    } else {
        label_color(&model.schema, &b.span.label)
    };
    let words = BlockStyle::plain().words();
    let text_w = blocks.line_width(&b.span.text, size, BOX_TEXT, words);
    let tag = egui::WidgetText::from(RichText::new(&b.span.label).small().strong().color(color))
        .into_galley(
            ui,
            Some(egui::TextWrapMode::Extend),
            f32::INFINITY,
            egui::TextStyle::Small,
        );
    let (pad, gap) = (4.0, 4.0);
    let h = TextBlocks::row_height(ui, size);
    let want = vec2(pad + tag.size().x + gap + text_w + pad, h);
    let (rect, _) = ui.allocate_exact_size(want, Sense::hover());
    let painter = ui.painter().clone();
    let stroke = if b.disagreement {
        Stroke::new(2.0, Color32::from_rgb(CONFLICT.0, CONFLICT.1, CONFLICT.2))
    } else {
        Stroke::new(1.0, color)
    };
    painter.rect(
        rect,
        3.0,
        color.gamma_multiply(0.25),
        stroke,
        egui::StrokeKind::Inside,
    );
    let tag_x = if rtl {
        rect.right() - pad - tag.size().x
    } else {
        rect.left() + pad
    };
    let text_x = if rtl {
        rect.left() + pad
    } else {
        rect.left() + pad + tag.size().x + gap
    };
    painter.galley(
        egui::pos2(tag_x, rect.center().y - tag.size().y / 2.0),
        tag,
        color,
    );
    let text_rect = egui::Rect::from_min_size(egui::pos2(text_x, rect.top()), vec2(text_w, h));
    let id = ui
        .scope_id()
        .with(("stacked-box", who, b.span.start, b.span.end, &b.span.label));
    let mut child = ui.new_child(
        egui::UiBuilder::new()
            .id_salt(id)
            .max_rect(text_rect)
            .layout(Layout::left_to_right(Align::Center)),
    );
    blocks.line_ui(
        &mut child,
        &b.span.text,
        &b.span.text,
        size,
        BOX_TEXT,
        words,
    );
    // Registered after the text, so the box takes the clicks.
    let clickable = b.conflict.is_some();
    let sense = if clickable {
        Sense::click()
    } else {
        Sense::hover()
    };
    let response = ui.interact(rect, id, sense);
    let label = box_label(who, b);
    response.widget_info(|| {
        let role = if clickable {
            accesskit::Role::Button
        } else {
            accesskit::Role::Label
        };
        let mut i = egui::WidgetInfo::labeled(role, true, &label);
        if clickable {
            i.selected = Some(current);
        }
        i
    });
    if b.disagreement {
        ui.ctx().accesskit_node_builder(response.id, |node| {
            node.set_description(DISAGREEMENT);
        });
    }
    if current {
        let sel = ui.visuals().selection.stroke.color;
        painter.rect_stroke(
            rect.expand(2.0),
            4.0,
            Stroke::new(2.0, sel),
            egui::StrokeKind::Outside,
        );
    } else if clickable && response.hovered() {
        painter.rect_stroke(
            rect.expand(1.0),
            4.0,
            ui.visuals().widgets.hovered.fg_stroke,
            egui::StrokeKind::Outside,
        );
    }
    if clickable {
        let response = response.on_hover_cursor(egui::CursorIcon::PointingHand);
        if response.clicked()
            && let Some(n) = b.conflict
        {
            commands.push(Command::Gold(GoldCommand::GoToConflict(n)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::adjudicate::AdjDoc;

    const TEXT: &str = "aa bb cc";

    fn sp(start: usize, end: usize, label: &str) -> Span {
        Span {
            text: TEXT[start..end].to_string(),
            ..Span::manual(start, end, label)
        }
    }

    #[test]
    fn rows_hold_each_reading_with_disagreements_marked() {
        // "aa bb cc": both PER on 0..2; LOC 3..5 only in a; 6..8 LOC vs ORG.
        let text = TEXT;
        let d = AdjDoc::new(
            4,
            &[sp(0, 2, "PER"), sp(3, 5, "LOC"), sp(6, 8, "LOC")],
            &[sp(0, 2, "PER"), sp(6, 8, "ORG")],
        );
        let mut adj = Adjudicating {
            a: "a".into(),
            b: "b".into(),
            docs: vec![d],
            skipped: Vec::new(),
            current: 0,
            problems: vec![],
            notes: vec![],
            stacked: false,
            serial: 0,
            history: Vec::new(),
        };
        let all = boxes(&adj, 0, text);
        let row = |r: Row| -> Vec<(usize, &str, bool, Option<usize>)> {
            all.iter()
                .filter(|b| b.row == r)
                .map(|b| {
                    (
                        b.span.start,
                        b.span.label.as_str(),
                        b.disagreement,
                        b.conflict,
                    )
                })
                .collect()
        };
        assert_eq!(
            row(Row::A),
            [
                (0, "PER", false, None),
                (3, "LOC", true, Some(0)),
                (6, "LOC", true, Some(1))
            ]
        );
        assert_eq!(
            row(Row::B),
            [(0, "PER", false, None), (6, "ORG", true, Some(1))]
        );
        assert_eq!(
            row(Row::Gold),
            [
                (0, "PER", false, None),
                (3, "?", false, Some(0)),
                (6, "?", false, Some(1))
            ]
        );
        assert_eq!(box_label("gold", &all[all.len() - 1]), "gold undecided cc");
        // Deciding the second conflict for b puts b's ORG into gold.
        adj.current = 1;
        adj.decide(Choice::B);
        let all = boxes(&adj, 0, text);
        let gold: Vec<_> = all
            .iter()
            .filter(|b| b.row == Row::Gold && !b.undecided)
            .map(|b| box_label("gold", b))
            .collect();
        assert_eq!(gold, ["gold PER aa", "gold ORG cc"]);
    }

    #[test]
    fn lines_are_the_paragraphs_blank_ones_left_out() {
        let got: Vec<_> = lines("ab\n\n  \ncd e\n")
            .iter()
            .map(|l| (l.chars, l.rtl))
            .collect();
        assert_eq!(got, [((0, 2), false), ((7, 11), false)]);
        // Bytes and chars part ways after Arabic; the direction per line.
        let text = "قال\nCNN said\nوصل";
        let got: Vec<_> = lines(text)
            .iter()
            .map(|l| (&text[l.bytes.0..l.bytes.1], l.chars, l.rtl))
            .collect();
        assert_eq!(
            got,
            [
                ("قال", (0, 3), true),
                ("CNN said", (4, 12), false),
                ("وصل", (13, 16), true)
            ]
        );
    }
}
