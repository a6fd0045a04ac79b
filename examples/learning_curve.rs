//! The learning curve of the loop (issue 13, item 6): an annotator confirms
//! the gold of a stream of documents one after the other; after each, the
//! proposer remembers its names, and at 5, 10, 20 and 50 documents the model
//! is retrained on the shipped base data plus all gold so far, as the
//! workbench does when documents are marked done
//! (`kashif::workflow::ModelProposer::retrain`). It prints exact-span
//! proposal F1 (PER, LOC, ORG, MISC; token spans) on the next 10 documents,
//! (or as many as the stream has left, at least 5) against the static
//! shipped model on the same documents.
//!
//! Streams: the Wojood sample (`../shared/data/wojood-sample/`, its `test`,
//! `val` and `train` files in that order, a
//! domain the shipped model has not seen; outer tags only, classes mapped:
//! PERS → PER; GPE, LOC, FAC → LOC; ORG → ORG; NORP, EVENT, PRODUCT, LAW,
//! LANGUAGE, WEBSITE → MISC; the rest dropped; `$#$`-separated segments
//! joined into documents of about 300 tokens) and the held-out part of
//! ANERcorp (`tail -n +114822 train.conll`, sentences joined likewise).
//! Checkpoints the stream is too short for (fewer than 5 documents left
//! after them) are skipped and said so.
//!
//!     cargo run --release --example learning_curve -- ../shared/data

use std::sync::Arc;

use kashif::propose::base::base_sentences;
use kashif::propose::bundled;
use kashif::propose::iob::{Counts, Sentence, read_conll, spans};
use kashif::propose::proposer::Proposer;
use kashif::propose::train::{TrainConfig, maintained_gazetteer, train};

const DOC_TOKENS: usize = 300;
const CHECKPOINTS: [usize; 4] = [5, 10, 20, 50];
const NEXT: usize = 10;
/// Fewest documents after a checkpoint to score it on.
const MIN_NEXT: usize = 5;
const LABELS: [&str; 4] = ["PER", "LOC", "ORG", "MISC"];

type Doc = Vec<Sentence>;

fn wojood_label(c: &str) -> Option<&'static str> {
    Some(match c {
        "PERS" | "PER" => "PER",
        "GPE" | "LOC" | "FAC" => "LOC",
        "ORG" => "ORG",
        "NORP" | "EVENT" | "PRODUCT" | "LAW" | "LANGUAGE" | "WEBSITE" => "MISC",
        _ => return None,
    })
}

/// Wojood: `token TAG [TAG..]`; the first tag is the outermost level.
fn wojood(text: &str) -> Vec<Doc> {
    let mut segments: Vec<Doc> = vec![Vec::new()];
    let mut cur = Sentence::default();
    for line in text.lines() {
        let mut cols = line.split_whitespace();
        let Some(tok) = cols.next() else {
            if !cur.tokens.is_empty() {
                segments.last_mut().unwrap().push(std::mem::take(&mut cur));
            }
            continue;
        };
        if tok == "$#$" {
            if !cur.tokens.is_empty() {
                segments.last_mut().unwrap().push(std::mem::take(&mut cur));
            }
            segments.push(Vec::new());
            continue;
        }
        let tag = cols.next().unwrap_or("O");
        let mapped = match tag.split_once('-') {
            Some((p, c)) => wojood_label(c).map_or("O".to_string(), |l| format!("{p}-{l}")),
            None => "O".to_string(),
        };
        cur.tokens.push(tok.to_string());
        cur.tags.push(mapped);
    }
    if !cur.tokens.is_empty() {
        segments.last_mut().unwrap().push(cur);
    }
    join(segments.into_iter().flatten().collect::<Vec<_>>(), true)
}

/// Sentences joined into documents of about DOC_TOKENS tokens.
fn join(sents: Vec<Sentence>, _: bool) -> Vec<Doc> {
    let mut docs = Vec::new();
    let mut cur: Doc = Vec::new();
    let mut n = 0;
    for s in sents {
        n += s.tokens.len();
        cur.push(s);
        if n >= DOC_TOKENS {
            docs.push(std::mem::take(&mut cur));
            n = 0;
        }
    }
    if !cur.is_empty() {
        docs.push(cur);
    }
    docs
}

/// Exact token-span counts of `p`'s proposals on `docs` against their gold.
fn score(p: &Proposer, docs: &[Doc]) -> Counts {
    let mut c = Counts::default();
    for d in docs {
        let toks: Vec<Vec<&str>> = d
            .iter()
            .map(|s| s.tokens.iter().map(String::as_str).collect())
            .collect();
        let pred = p
            .propose_tokens(&toks, |l| LABELS.contains(&l))
            .expect("the fast tier has no encoder to fail");
        for (s, pr) in d.iter().zip(pred) {
            let gold: Vec<_> = spans(&s.tags)
                .into_iter()
                .filter(|g| LABELS.contains(&g.label.as_str()))
                .collect();
            c.gold += gold.len();
            c.pred += pr.len();
            c.tp += pr.iter().filter(|x| gold.contains(x)).count();
        }
    }
    c
}

fn remember(p: &mut Proposer, d: &Doc) {
    for s in d {
        for sp in spans(&s.tags) {
            p.remember(&s.tokens[sp.start..sp.end].join(" "), &sp.label);
        }
    }
}

fn curve(name: &str, docs: &[Doc]) -> Result<(), Box<dyn std::error::Error>> {
    let shipped = Arc::new(bundled::load()?);
    let base = base_sentences()?;
    let stat = Proposer::new(shipped.clone());
    let mut live = Proposer::new(shipped);
    let tokens: usize = docs.iter().flatten().map(|s| s.tokens.len()).sum();
    println!(
        "{name}: {} documents, {tokens} tokens; F1 on the next {NEXT} (or fewer)",
        docs.len()
    );
    println!("  after  static F1  learning F1  gain   (retrain time)");
    let mut done = 0;
    for &k in &CHECKPOINTS {
        if k + MIN_NEXT > docs.len() {
            println!("  {k:>5}  (stream too short: fewer than {MIN_NEXT} documents after it)");
            continue;
        }
        while done < k {
            remember(&mut live, &docs[done]);
            done += 1;
        }
        let mut data = base.clone();
        data.extend(docs[..k].iter().flatten().cloned());
        let t = std::time::Instant::now();
        let model = train(
            &data,
            &maintained_gazetteer(),
            &TrainConfig::default(),
            |_| {},
        )?;
        let took = t.elapsed();
        live.set_model(Arc::new(model));
        let next = &docs[k..(k + NEXT).min(docs.len())];
        let (a, b) = (score(&stat, next).f1(), score(&live, next).f1());
        println!(
            "  {k:>5}  {:>9.1}  {:>11.1}  {:>+5.1}   ({took:.1?})",
            100.0 * a,
            100.0 * b,
            100.0 * (b - a)
        );
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let data = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "../shared/data".into());
    // The whole sample, its test part first: 90-odd documents, enough for
    // every checkpoint.
    let mut text = String::new();
    for part in ["test", "val", "train"] {
        let w = format!("{data}/wojood-sample/{part}.txt");
        let t = std::fs::read_to_string(&w).map_err(|e| format!("{w}: {e}"))?;
        text.push_str(t.trim_end());
        text.push_str("\n\n");
    }
    curve("Wojood sample (test, val, train)", &wojood(&text))?;
    let a = format!("{data}/anercorp/train.conll");
    let text = std::fs::read_to_string(&a).map_err(|e| format!("{a}: {e}"))?;
    let held: Vec<&str> = text.lines().skip(114_821).collect();
    let sents = read_conll(&held.join("\n"), true).map_err(|e| format!("{a}: {e}"))?;
    curve("ANERcorp held-out (tail -n +114822)", &join(sents, false))?;
    Ok(())
}
