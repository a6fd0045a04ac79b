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
use kashif::propose::iob::{read_conll, spans};
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
    let label = |l: &str| {
        if l == "PERS" {
            "PER".to_string()
        } else {
            l.to_string()
        }
    };
    // Memory: name key -> label counts.
    let mut counts: HashMap<String, BTreeMap<String, usize>> = HashMap::new();
    for s in &train {
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
        if best.len() == 1 {
            index.insert(k);
            label_of.insert(k.clone(), best[0].clone());
        }
    }
    let (mut variants, mut variants_right) = (0usize, 0usize);
    let (mut exact, mut exact_right) = (0usize, 0usize);
    let mut wrong = Vec::new();
    for s in &held {
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
    let pct = |a: usize, b: usize| 100.0 * a as f64 / b.max(1) as f64;
    println!(
        "memory: {} names from {} sentences; held out: {} sentences",
        label_of.len(),
        train.len(),
        held.len()
    );
    println!(
        "spelling variants: {variants} proposed, {variants_right} right, precision {:.1} %",
        pct(variants_right, variants)
    );
    println!(
        "exact memory matches (for comparison): {exact} proposed, {exact_right} right, precision {:.1} %",
        pct(exact_right, exact)
    );
    for w in wrong {
        println!("  wrong: {w}");
    }
    Ok(())
}
