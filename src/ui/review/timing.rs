//! The time annotation takes, in the review panel: per annotator, entities
//! per hour, seconds per confirmed entity and the shares accepted as
//! proposed / corrected / drawn (the figures `kashif stats` prints), a
//! table per day and a plot of seconds per entity over the days.

use egui::{Color32, RichText, Ui};
use egui_plot::{Legend, Line, Plot, PlotPoints, Points};

use crate::eval::{TimeFigures, TimingReport};

/// Colours of the annotators' lines, in turn.
const COLOURS: [Color32; 4] = [
    Color32::from_rgb(40, 150, 220),
    Color32::from_rgb(235, 120, 20),
    Color32::from_rgb(150, 200, 90),
    Color32::from_rgb(190, 90, 200),
];

fn opt(x: Option<f64>) -> String {
    x.map_or("-".to_string(), |v| format!("{v:.1}"))
}

/// The figures of every annotator with timing records; a line saying there
/// are none otherwise.
pub fn timing_ui(ui: &mut Ui, reports: &[TimingReport]) {
    ui.separator();
    ui.strong("time per entity (decisions timed in the workbench)");
    if reports.is_empty() {
        ui.label(RichText::new("no decisions timed yet").weak());
        return;
    }
    for r in reports {
        // One label per annotator: the same line `kashif stats` prints.
        ui.label(format!("{}: {}", r.annotator, r.total.summary()));
        egui::Grid::new(("timing-days", &r.annotator))
            .striped(true)
            .num_columns(7)
            .spacing([10.0, 2.0])
            .show(ui, |ui| {
                for h in [
                    "day (UTC)",
                    "entities",
                    "per hour",
                    "s/entity",
                    "as proposed",
                    "corrected",
                    "drawn",
                ] {
                    ui.label(RichText::new(h).weak());
                }
                ui.end_row();
                for (day, f) in &r.days {
                    day_row_ui(ui, day, f);
                }
            });
    }
    plot_ui(ui, reports);
}

fn day_row_ui(ui: &mut Ui, day: &str, f: &TimeFigures) {
    let (a, c, d) = f.shares();
    ui.label(day);
    ui.label(f.entities.to_string());
    ui.label(opt(f.entities_per_hour()));
    ui.label(opt(f.seconds_per_entity()));
    ui.label(format!("{:.0} %", a * 100.0));
    ui.label(format!("{:.0} %", c * 100.0));
    ui.label(format!("{:.0} %", d * 100.0));
    ui.end_row();
}

/// Seconds per confirmed entity per day, one line per annotator; days are
/// numbered from the first day any annotator has records.
fn plot_ui(ui: &mut Ui, reports: &[TimingReport]) {
    let mut days: Vec<&str> = reports
        .iter()
        .flat_map(|r| r.days.iter().map(|(d, _)| d.as_str()))
        .collect();
    days.sort_unstable();
    days.dedup();
    let names: Vec<String> = days.iter().map(|d| d.to_string()).collect();
    ui.strong("seconds per entity, per day");
    Plot::new("review-timing")
        .height(150.0)
        .legend(Legend::default())
        .include_y(0.0)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .x_axis_formatter(move |mark, _| {
            let i = mark.value.round();
            if (mark.value - i).abs() < 1e-6 && i >= 0.0 {
                names.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .show(ui, |plot| {
            for (k, r) in reports.iter().enumerate() {
                let pts: Vec<[f64; 2]> = r
                    .days
                    .iter()
                    .filter_map(|(d, f)| {
                        let x = days.iter().position(|x| x == d)? as f64;
                        Some([x, f.seconds_per_entity()?])
                    })
                    .collect();
                let colour = COLOURS[k % COLOURS.len()];
                plot.line(
                    Line::new(r.annotator.clone(), PlotPoints::from(pts.clone())).color(colour),
                );
                plot.points(
                    Points::new(r.annotator.clone(), PlotPoints::from(pts))
                        .radius(3.0)
                        .color(colour),
                );
            }
        });
}
