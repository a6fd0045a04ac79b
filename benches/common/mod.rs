//! The long-article fixture the view and wire benches share, so both
//! measure the same text and entities, and their timing summaries. Each
//! bench uses part of it (the scale bench only `ms`).
#![allow(dead_code)]

use std::time::Duration;

use kashif::annotation::{DocAnnotations, Origin, Proposal, Source, Span};
use kashif::ui::text::words::word_at;

/// Chars in the fixture article.
pub const TARGET_CHARS: usize = 100_000;
/// One-word boxes laid over it.
pub const ENTITIES: usize = 2_000;

/// The seeds (run from the repository root), repeated to `TARGET_CHARS`.
pub fn article() -> String {
    let mut seeds: Vec<_> = std::fs::read_dir("seeds")
        .expect("run from the repository root (seeds/)")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    seeds.sort();
    let texts: Vec<String> = seeds
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect();
    let mut text = String::new();
    'fill: loop {
        for t in &texts {
            text.push_str(t.trim_end());
            text.push_str("\n\n");
            if text.chars().count() >= TARGET_CHARS {
                break 'fill;
            }
        }
    }
    text.chars().take(TARGET_CHARS).collect()
}

/// `ENTITIES` one-word boxes spread evenly, every fourth a proposal (the
/// rest manual entities).
pub fn annotations(text: &str) -> DocAnnotations {
    let chars: Vec<char> = text.chars().collect();
    let labels = ["PER", "LOC", "ORG", "MISC", "DATE"];
    let step = chars.len() / ENTITIES;
    let mut ann = DocAnnotations::default();
    let mut last_end = 0;
    for k in 0..ENTITIES {
        let at = (k * step).max(last_end);
        let Some((s, e)) = (at..chars.len()).find_map(|i| word_at(&chars, i)) else {
            break;
        };
        last_end = e;
        let word: String = chars[s..e].iter().collect();
        let label = labels[k % labels.len()].to_string();
        if k % 4 == 3 {
            ann.proposals.push(Proposal {
                start: s,
                end: e,
                label,
                text: word,
                confidence: 0.6,
                source: Source::Model,
            });
        } else {
            ann.entities.push(Span {
                start: s,
                end: e,
                label,
                origin: Origin::Manual,
                text: word,
                proposed: None,
            });
        }
    }
    ann
}

/// Milliseconds of a duration, for printing.
pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Median, 95th percentile and maximum of the samples.
pub fn stats(mut v: Vec<f64>) -> (f64, f64, f64) {
    v.sort_by(|a, b| a.total_cmp(b));
    let p = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
    (p(0.5), p(0.95), v[v.len() - 1])
}
