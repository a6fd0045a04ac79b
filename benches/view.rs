//! Article view speed on a long article: `cargo bench --bench view`.
//!
//! The seeds repeated to 100,000 chars, with 2,000 entities (a quarter of
//! them proposals). Prints: first shaping + layout, a hit test, frames with
//! the view scrolled and hovered (CPU: egui pass + tessellation), and the
//! glyph atlas's memory after scrolling the whole article at three zooms.

mod common;

use std::time::{Duration, Instant};

use common::{annotations, article, ms, stats};
use egui::{Event, Modifiers, MouseWheelUnit, Pos2, RawInput, Rect, vec2};
use kashif::schema::Schema;
use kashif::ui::text::fonts::{font_system, install_egui_fonts};
use kashif::ui::text::layout::ArticleLayout;
use kashif::ui::{ArticleInput, ArticleView};

const WIDTH: f32 = 1000.0;
const HEIGHT: f32 = 800.0;

thread_local! {
    /// Vertices tessellated in the last frame (shows the frame painted text).
    static VERTICES: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    /// AccessKit nodes in the last frame's tree update.
    static NODES: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

fn wheel(dy: f32) -> Event {
    Event::MouseWheel {
        unit: MouseWheelUnit::Point,
        delta: vec2(0.0, dy),
        modifiers: Modifiers::NONE,
        phase: egui::TouchPhase::Move,
        source: egui::MouseWheelSource::Wheel,
    }
}

fn main() {
    let text = article();
    let ann = annotations(&text);
    let schema = Schema::builtin();
    println!(
        "article: {} chars, {} paragraphs, {} entities + {} proposals",
        text.chars().count(),
        text.split('\n').count(),
        ann.entities.len(),
        ann.proposals.len()
    );

    // First layout: shaping every paragraph and wrapping (median of 5 runs,
    // each with a fresh font system, so no shaping is cached).
    let mut first = Vec::new();
    let mut layout = None;
    for _ in 0..5 {
        let mut fs = font_system();
        let t = Instant::now();
        let mut l = ArticleLayout::new(&mut fs, &text);
        l.layout(&mut fs, WIDTH - 32.0, 20.0);
        first.push(ms(t.elapsed()));
        layout = Some((l, fs));
    }
    let (first_med, _, first_max) = stats(first);
    let (mut l, mut fs) = layout.expect("laid out");
    println!(
        "first layout (shape + wrap): median {first_med:.1} ms, max {first_max:.1} ms, {} lines",
        l.lines().len()
    );
    let t = Instant::now();
    l.layout(&mut fs, WIDTH - 132.0, 20.0);
    println!("re-wrap to a new width: {:.1} ms", ms(t.elapsed()));
    l.layout(&mut fs, WIDTH - 32.0, 20.0);

    // Hit tests at points spread over the article.
    let n = 100_000;
    let h = l.height();
    let t = Instant::now();
    let mut sum = 0usize;
    for i in 0..n {
        let x = (i * 7919 % 1000) as f32;
        let y = (i as f32 / n as f32) * h;
        sum += l.hit(x, y).map_or(0, |r| r.0);
    }
    let per_hit = ms(t.elapsed()) / n as f64;
    println!(
        "hit test: {:.2} µs each (checksum {})",
        per_hit * 1000.0,
        sum % 97
    );

    // Frames: the real widget in an egui pass, scrolled by the wheel each
    // frame with the pointer over the text, plus tessellation.
    let ctx = egui::Context::default();
    install_egui_fonts(&ctx);
    let mut view = ArticleView::new();
    let screen = Rect::from_min_size(Pos2::ZERO, vec2(WIDTH, HEIGHT));
    let run = |view: &mut ArticleView, events: Vec<Event>| -> Duration {
        let raw = RawInput {
            screen_rect: Some(screen),
            events,
            ..Default::default()
        };
        let t = Instant::now();
        let out = ctx.run_ui(raw, |ui| {
            let input = ArticleInput {
                doc_id: "bench",
                text: &text,
                annotations: &ann,
                schema: &schema,
                selection: None,
                focused: None,
                caret: None,
                lexicon: None,
            };
            view.ui(ui, &input);
        });
        let nodes = out
            .platform_output
            .accesskit_update
            .as_ref()
            .map_or(0, |u| u.nodes.len());
        NODES.with(|n| n.set(nodes));
        let meshes = ctx.tessellate(out.shapes, out.pixels_per_point);
        let elapsed = t.elapsed();
        let vertices: usize = meshes
            .iter()
            .map(|m| match &m.primitive {
                egui::epaint::Primitive::Mesh(m) => m.vertices.len(),
                _ => 0,
            })
            .sum();
        VERTICES.with(|v| v.set(vertices));
        elapsed
    };
    let t = Instant::now();
    run(&mut view, vec![]);
    println!(
        "first frame in the widget (shape + wrap + paint): {:.1} ms",
        ms(t.elapsed())
    );
    run(&mut view, vec![]);
    let mut frames = Vec::new();
    let hover = Pos2::new(WIDTH * 0.6, HEIGHT * 0.4);
    let top_char = |view: &ArticleView| view.hit(Pos2::new(WIDTH / 2.0, 20.0)).map_or(0, |r| r.0);
    let before = top_char(&view);
    for i in 0..600 {
        let events = vec![
            Event::PointerMoved(hover + vec2((i % 40) as f32 * 3.0, 0.0)),
            wheel(-100.0),
        ];
        frames.push(ms(run(&mut view, events)));
    }
    println!(
        "  scrolled from char {before} to char {} at the top; {} vertices in the last frame",
        top_char(&view),
        VERTICES.with(|v| v.get())
    );
    let (med, p95, max) = stats(frames.clone());
    println!(
        "scrolled + hovered frame (egui pass + tessellate): median {med:.2} ms, p95 {p95:.2} ms, max {max:.2} ms"
    );
    let steady = stats(frames[100..].to_vec());
    println!(
        "  after the first 100 frames: median {:.2} ms, p95 {:.2} ms",
        steady.0, steady.1
    );

    // The same with AccessKit on (a screen reader, or tests): a node per
    // entity near the view, and the article text, every frame.
    ctx.enable_accesskit();
    let mut frames = Vec::new();
    let mut max_nodes = 0;
    for i in 0..200 {
        let events = vec![
            Event::PointerMoved(hover + vec2((i % 40) as f32 * 3.0, 0.0)),
            wheel(if i < 100 { 100.0 } else { -100.0 }),
        ];
        frames.push(ms(run(&mut view, events)));
        max_nodes = max_nodes.max(NODES.with(|n| n.get()));
    }
    let (med, p95, _) = stats(frames);
    println!(
        "  with AccessKit on: median {med:.2} ms, p95 {p95:.2} ms (up to {max_nodes} nodes in an update)"
    );
    ctx.disable_accesskit();

    // Atlas memory after scrolling everything at several zooms, with the
    // shipped atlas and with a small one that must evict.
    for (size, zoom) in [
        (2048, 1.0),
        (2048, 1.5),
        (2048, 2.5),
        (512, 1.0),
        (512, 2.5),
    ] {
        if view.atlas().size() != size {
            view = ArticleView::with_atlas_size(size);
        }
        view.set_zoom(zoom);
        for _ in 0..800 {
            run(&mut view, vec![wheel(400.0)]);
        }
        for _ in 0..800 {
            run(&mut view, vec![wheel(-400.0)]);
        }
        let a = view.atlas();
        println!(
            "atlas {size}²: after scrolling at zoom {zoom}: {} glyphs, {:.1} MiB bound (texture + index), {} evictions, {} rasterised",
            a.len(),
            a.memory_bytes() as f64 / (1024.0 * 1024.0),
            a.evictions(),
            a.rasterised()
        );
    }
}
