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
//!     cargo run --release --example accurate_reliability -- held.conll [ENCODER_DIR]

use std::collections::HashSet;
use std::path::PathBuf;

use kashif::propose::accurate::{AccurateTagger, default_dir};
use kashif::propose::iob::{read_conll, spans};

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let gold_path = args
        .next()
        .ok_or_else(|| anyhow::anyhow!("usage: accurate_reliability GOLD.conll [ENCODER_DIR]"))?;
    let dir = args.next().map_or_else(default_dir, PathBuf::from);
    let text = std::fs::read_to_string(&gold_path)?;
    let gold = read_conll(&text, true)?;
    let tagger = AccurateTagger::load(&dir)?;
    let sents: Vec<Vec<&str>> = gold
        .iter()
        .map(|s| s.tokens.iter().map(String::as_str).collect())
        .collect();
    let t = std::time::Instant::now();
    let tagged = tagger.tag_sentences(&sents)?;
    let secs = t.elapsed().as_secs_f64();
    let words: usize = sents.iter().map(Vec::len).sum();
    // bins of 0.1 from 0.3 up: (spans, right, sum of confidences)
    let mut bins = [(0usize, 0usize, 0f64); 10];
    let (mut tp, mut npred, mut ngold) = (0usize, 0usize, 0usize);
    for (g, t) in gold.iter().zip(&tagged) {
        let want: HashSet<(usize, usize, String)> = spans(&g.tags)
            .into_iter()
            .map(|s| (s.start, s.end, s.label))
            .collect();
        ngold += want.len();
        let names: Vec<&str> = t.tags.iter().map(|&k| tagger.tag_name(k)).collect();
        for s in spans(&names) {
            let c = t.confidence[s.start..s.end]
                .iter()
                .copied()
                .fold(1.0f32, f32::min);
            let right = want.contains(&(s.start, s.end, s.label.clone()));
            npred += 1;
            tp += usize::from(right);
            let b = ((c * 10.0) as usize).min(9);
            bins[b].0 += 1;
            bins[b].1 += usize::from(right);
            bins[b].2 += f64::from(c);
        }
    }
    let p = tp as f64 / npred.max(1) as f64;
    let r = tp as f64 / ngold.max(1) as f64;
    println!(
        "{words} words in {secs:.2} s ({:.0} words/s in-process); exact-span micro P {p:.4} R {r:.4} F1 {:.4} ({tp} right of {npred} predicted, {ngold} gold)",
        words as f64 / secs,
        if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        }
    );
    println!("| confidence | spans | right | precision | mean confidence |");
    println!("|---|---|---|---|---|");
    let mut ece = 0.0;
    for (b, &(n, right, sum)) in bins.iter().enumerate() {
        if n == 0 {
            continue;
        }
        let prec = right as f64 / n as f64;
        let mean = sum / n as f64;
        ece += (n as f64 / npred.max(1) as f64) * (prec - mean).abs();
        println!(
            "| {:.1}–{:.1} | {n} | {right} | {prec:.3} | {mean:.3} |",
            b as f64 / 10.0,
            (b + 1) as f64 / 10.0
        );
    }
    println!("expected calibration error (span level): {ece:.3}");
    Ok(())
}
