//! How far the accurate tier's confidences can be trusted: a reliability
//! table on gold CoNLL (the held-out part of ANERcorp), for docs/model.md.
//!
//! Each predicted span's confidence is its lowest word probability (the
//! first piece's softmax, as `Proposer` uses it); spans are binned by
//! confidence and each bin's precision (exact span and label right) is set
//! beside its mean confidence. Also prints exact-span micro P/R/F1 and the
//! expected calibration error (ECE: the bins' |precision − confidence|
//! weighted by their share of spans).
//!
//!     tail -n +114822 ../shared/data/anercorp/train.conll > held.conll
//!     cargo run --release --example accurate_reliability -- held.conll [ENCODER_DIR] [--fit]
//!
//! With `--fit`, the temperature is chosen on the first half of the
//! sentences (lowest span-level ECE over 0.5, 0.6, …, 3.0) and the table is
//! printed for the second half at temperature 1 and at the chosen one: the
//! figure to give `export_accurate.py --temperature`.

use std::collections::HashSet;
use std::path::PathBuf;

use kashif::propose::accurate::{AccurateTagger, TaggedWords, default_dir};
use kashif::propose::iob::{Sentence, read_conll, spans};

/// Span counts of one table: per 0.1 bin (spans, right, sum of confidences),
/// and (right, predicted, gold) overall.
struct Table {
    bins: [(usize, usize, f64); 10],
    tp: usize,
    npred: usize,
    ngold: usize,
}

fn table(tagger: &AccurateTagger, gold: &[Sentence], tagged: &[TaggedWords]) -> Table {
    let mut t = Table {
        bins: [(0, 0, 0.0); 10],
        tp: 0,
        npred: 0,
        ngold: 0,
    };
    for (g, tw) in gold.iter().zip(tagged) {
        let want: HashSet<(usize, usize, String)> = spans(&g.tags)
            .into_iter()
            .map(|s| (s.start, s.end, s.label))
            .collect();
        t.ngold += want.len();
        let names: Vec<&str> = tw.tags.iter().map(|&k| tagger.tag_name(k)).collect();
        for s in spans(&names) {
            let c = tw.confidence[s.start..s.end]
                .iter()
                .copied()
                .fold(1.0f32, f32::min);
            let right = want.contains(&(s.start, s.end, s.label.clone()));
            t.npred += 1;
            t.tp += usize::from(right);
            let b = ((c * 10.0) as usize).min(9);
            t.bins[b].0 += 1;
            t.bins[b].1 += usize::from(right);
            t.bins[b].2 += f64::from(c);
        }
    }
    t
}

fn ece(t: &Table) -> f64 {
    t.bins
        .iter()
        .filter(|b| b.0 > 0)
        .map(|&(n, right, sum)| {
            (n as f64 / t.npred.max(1) as f64) * (right as f64 / n as f64 - sum / n as f64).abs()
        })
        .sum()
}

fn print(t: &Table, what: &str) {
    let p = t.tp as f64 / t.npred.max(1) as f64;
    let r = t.tp as f64 / t.ngold.max(1) as f64;
    println!(
        "{what}: exact-span micro P {p:.4} R {r:.4} F1 {:.4} ({} right of {} predicted, {} gold)",
        if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        },
        t.tp,
        t.npred,
        t.ngold
    );
    println!("| confidence | spans | right | precision | mean confidence |");
    println!("|---|---|---|---|---|");
    for (b, &(n, right, sum)) in t.bins.iter().enumerate() {
        if n > 0 {
            println!(
                "| {:.1}–{:.1} | {n} | {right} | {:.3} | {:.3} |",
                b as f64 / 10.0,
                (b + 1) as f64 / 10.0,
                right as f64 / n as f64,
                sum / n as f64
            );
        }
    }
    println!("expected calibration error (span level): {:.3}\n", ece(t));
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let fit = args.iter().any(|a| a == "--fit");
    let mut pos = args.iter().filter(|a| *a != "--fit");
    let gold_path = pos.next().ok_or_else(|| {
        anyhow::anyhow!("usage: accurate_reliability GOLD.conll [ENCODER_DIR] [--fit]")
    })?;
    let dir = pos.next().map_or_else(default_dir, PathBuf::from);
    let text = std::fs::read_to_string(gold_path)?;
    let gold = read_conll(&text, true)?;
    let tagger = AccurateTagger::load(&dir)?;
    let sents: Vec<Vec<&str>> = gold
        .iter()
        .map(|s| s.tokens.iter().map(String::as_str).collect())
        .collect();
    let t0 = std::time::Instant::now();
    let logits = tagger.sentence_logits(&sents)?;
    let secs = t0.elapsed().as_secs_f64();
    let words: usize = sents.iter().map(Vec::len).sum();
    println!(
        "{words} words in {secs:.2} s ({:.0} words/s in-process); temperature in the file: {}",
        words as f64 / secs,
        tagger.temperature
    );
    if !fit {
        let tagged = tagger.tagged(logits, tagger.temperature);
        print(&table(&tagger, &gold, &tagged), "all sentences");
        return Ok(());
    }
    let half = gold.len() / 2;
    let (fit_gold, test_gold) = gold.split_at(half);
    let (fit_logits, test_logits) = logits.split_at(half);
    let mut best = (f64::MAX, 1.0f32);
    for k in -5..=20 {
        let t = 1.0 + k as f32 / 10.0;
        let e = ece(&table(
            &tagger,
            fit_gold,
            &tagger.tagged(fit_logits.to_vec(), t),
        ));
        println!("fit half: temperature {t:.1} ECE {e:.3}");
        if e < best.0 {
            best = (e, t);
        }
    }
    println!("chosen temperature: {:.1}\n", best.1);
    let raw = tagger.tagged(test_logits.to_vec(), 1.0);
    print(
        &table(&tagger, test_gold, &raw),
        "second half, temperature 1",
    );
    let cal = tagger.tagged(test_logits.to_vec(), best.1);
    print(
        &table(&tagger, test_gold, &cal),
        &format!("second half, temperature {:.1}", best.1),
    );
    Ok(())
}
