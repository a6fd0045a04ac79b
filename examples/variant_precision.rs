//! Precision of the spelling-variant rule (src/workflow/names.rs) on
//! ANERcorp: the memory holds the names of the first 90 % of train.conll
//! (lines 1–114,821, as the shipped model was trained); the rule proposes on
//! the held-out rest (`tail -n +114822`), and a proposal is right when gold
//! has exactly that token span with that label. Exact memory matches are
//! counted beside it.
//!
//!     cargo run --release --example variant_precision -- ../shared/data/anercorp/train.conll

use std::collections::{BTreeMap, HashMap};

use kashif::arabic::name_key;
use kashif::propose::iob::{Sentence, read_conll, spans};
use kashif::workflow::NameIndex;

/// The first line of the held-out part (see docs/model.md).
const HELD_OUT_FROM: usize = 114_822;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "../shared/data/anercorp/train.conll".into());
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() < HELD_OUT_FROM {
        return Err(format!("{path}: fewer than {HELD_OUT_FROM} lines").into());
    }
    let train = read_conll(&lines[..HELD_OUT_FROM - 1].join("\n"), true)?;
    let held = read_conll(&lines[HELD_OUT_FROM - 1..].join("\n"), true)?;
    let m = measure(&train, &held);
    let pct = |a: usize, b: usize| 100.0 * a as f64 / b.max(1) as f64;
    println!(
        "memory: {} names from {} sentences; held out: {} sentences",
        m.names,
        train.len(),
        held.len()
    );
    println!(
        "spelling variants: {} proposed, {} right, precision {:.1} %",
        m.variants,
        m.variants_right,
        pct(m.variants_right, m.variants)
    );
    println!(
        "exact memory matches (for comparison): {} proposed, {} right, precision {:.1} %",
        m.exact,
        m.exact_right,
        pct(m.exact_right, m.exact)
    );
    for w in &m.wrong {
        println!("  wrong: {w}");
    }
    // More variants to count: every tenth of the file in turn, with memory
    // from the other nine tenths (sentences, contiguous).
    let all = read_conll(&text, true)?;
    let mut total = Measure::default();
    for f in 0..10 {
        let (a, b) = (all.len() * f / 10, all.len() * (f + 1) / 10);
        let train: Vec<_> = all[..a].iter().chain(&all[b..]).cloned().collect();
        let m = measure(&train, &all[a..b]);
        total.variants += m.variants;
        total.variants_right += m.variants_right;
        total.wrong.extend(m.wrong);
    }
    println!(
        "10-fold over the whole file: {} variants proposed, {} right, precision {:.1} %",
        total.variants,
        total.variants_right,
        pct(total.variants_right, total.variants)
    );
    for w in &total.wrong {
        println!("  wrong: {w}");
    }
    Ok(())
}

/// Counts of one run: memory from `train`, proposals on `held`.
#[derive(Default)]
struct Measure {
    names: usize,
    variants: usize,
    variants_right: usize,
    exact: usize,
    exact_right: usize,
    wrong: Vec<String>,
}

fn measure(train: &[Sentence], held: &[Sentence]) -> Measure {
    let label = |l: &str| {
        if l == "PERS" {
            "PER".to_string()
        } else {
            l.to_string()
        }
    };
    // Memory: name key -> label counts.
    let mut counts: HashMap<String, BTreeMap<String, usize>> = HashMap::new();
    for s in train {
        for sp in spans(&s.tags) {
            let key = name_key(&s.tokens[sp.start..sp.end].join(" "));
            *counts
                .entry(key)
                .or_default()
                .entry(label(&sp.label))
                .or_insert(0) += 1;
        }
    }
    let mut index = NameIndex::default();
    let mut label_of: HashMap<String, String> = HashMap::new();
    for (k, m) in &counts {
        let top = m.values().max().copied().unwrap_or(0);
        let best: Vec<&String> = m
            .iter()
            .filter(|(_, n)| **n == top)
            .map(|(l, _)| l)
            .collect();
        // As the session's memory does: every confirmed name is in the
        // index, so an exact spelling the annotator has seen (even with two
        // labels tied, which proposes nothing) is never taken for a variant
        // of another; only a single top label is proposed.
        index.insert(k);
        if best.len() == 1 {
            label_of.insert(k.clone(), best[0].clone());
        }
    }
    let (mut variants, mut variants_right) = (0usize, 0usize);
    let (mut exact, mut exact_right) = (0usize, 0usize);
    let mut wrong = Vec::new();
    for s in held {
        let gold: Vec<(usize, usize, String)> = spans(&s.tags)
            .into_iter()
            .map(|sp| (sp.start, sp.end, label(&sp.label)))
            .collect();
        let toks: Vec<&str> = s.tokens.iter().map(String::as_str).collect();
        for m in index.find(&toks, None) {
            let Some(l) = label_of.get(&m.key) else {
                continue;
            };
            let right = gold.contains(&(m.first, m.last + 1, l.clone()));
            if m.variant {
                variants += 1;
                variants_right += right as usize;
                if !right {
                    wrong.push(format!(
                        "{} ({l}, memory {:?})",
                        toks[m.first..=m.last].join(" "),
                        m.key
                    ));
                }
            } else {
                exact += 1;
                exact_right += right as usize;
            }
        }
    }
    Measure {
        names: label_of.len(),
        variants,
        variants_right,
        exact,
        exact_right,
        wrong,
    }
}
