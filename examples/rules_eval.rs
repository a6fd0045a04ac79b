//! Scores the gazetteer and the rules alone on the held-out part of a CoNLL
//! file (the last 10% of sentences, as `kashif train` holds out).
//!
//! `cargo run --release --example rules_eval -- ../shared/data/anercorp/train.conll`
//!
//! Given a folder of `.txt` articles instead, it lists what the gazetteer,
//! the rules and the dates propose in each (`-- seeds`).
//!
//! Exact token-span matching per label; a proposal that starts after a
//! proclitic counts from the token holding it (ANERcorp keeps clitics on).

use std::collections::{BTreeMap, HashSet};

use kashif::annotation::Proposal;
use kashif::propose::gazetteer::Gazetteer;
use kashif::propose::words::Words;
use kashif::propose::{dates, rules};

type Spans = HashSet<(usize, usize, usize, String)>;

fn main() -> anyhow::Result<()> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "../shared/data/anercorp/train.conll".into());
    if std::path::Path::new(&path).is_dir() {
        return list_folder(&path);
    }
    let text = std::fs::read_to_string(&path).map_err(|e| anyhow::anyhow!("{path}: {e}"))?;
    let mut sents: Vec<Vec<(String, String)>> = vec![Vec::new()];
    for line in text.lines() {
        let cols: Vec<&str> = line.split_whitespace().collect();
        match cols.as_slice() {
            [] => {
                if !sents.last().is_some_and(|s| s.is_empty()) {
                    sents.push(Vec::new());
                }
            }
            [tok] => sents
                .last_mut()
                .into_iter()
                .for_each(|s| s.push((tok.to_string(), "O".into()))),
            [tok, .., tag] => sents
                .last_mut()
                .into_iter()
                .for_each(|s| s.push((tok.to_string(), tag.to_string()))),
        }
    }
    sents.retain(|s| !s.is_empty());
    let held = ((sents.len() as f64) * 0.1).round() as usize;
    let heldout = &sents[sents.len() - held..];
    println!(
        "{path}: {} sentences, held out the last {}",
        sents.len(),
        heldout.len()
    );

    // Speed: all three proposers over every sentence of the file, after a
    // warm-up pass that builds the embedded lexicons.
    let token_lists: Vec<Vec<&str>> = sents
        .iter()
        .map(|s| s.iter().map(|(t, _)| t.as_str()).collect())
        .collect();
    let run_all = |lists: &[Vec<&str>]| {
        let mut n = 0;
        for toks in lists {
            let words = Words::from_tokens(toks);
            n += Gazetteer::builtin().find(&words).len();
            n += rules::propose_words(&words).len() + dates::propose_words(&words).len();
        }
        n
    };
    run_all(&token_lists[..1]);
    let started = std::time::Instant::now();
    let found = run_all(&token_lists);
    let secs = started.elapsed().as_secs_f64();
    let tokens: usize = token_lists.iter().map(Vec::len).sum();
    println!(
        "speed: {tokens} tokens in {secs:.3} s = {:.0} tokens/s (gazetteer + rules + dates, {found} proposals)",
        tokens as f64 / secs
    );

    let mut gold = Spans::new();
    let mut by_source: BTreeMap<&str, Spans> = BTreeMap::new();
    for (si, sent) in heldout.iter().enumerate() {
        for (s, e, label) in entities(sent) {
            gold.insert((si, s, e, label));
        }
        let toks: Vec<&str> = sent.iter().map(|(t, _)| t.as_str()).collect();
        let words = Words::from_tokens(&toks);
        let gaz = Gazetteer::builtin().propose_words(&words, kashif::annotation::Source::Gazetteer);
        let rule = rules::propose_words(&words);
        let date = dates::propose_words(&words);
        for (name, props) in [("gazetteer", &gaz), ("rules", &rule), ("dates", &date)] {
            for p in props.iter() {
                if let Some((s, e)) = token_span(&words, p) {
                    let set = by_source.entry(name).or_default();
                    set.insert((si, s, e, p.label.clone()));
                    by_source.entry("gazetteer+rules").or_default().insert((
                        si,
                        s,
                        e,
                        p.label.clone(),
                    ));
                }
            }
        }
    }
    // RULES_EVAL_ERRORS=gazetteer:LOC lists that source's misses and false alarms.
    if let Ok(spec) = std::env::var("RULES_EVAL_ERRORS")
        && let Some((src, label)) = spec.split_once(':')
    {
        let pred = by_source.get(src).cloned().unwrap_or_default();
        let show = |(si, s, e, l): &(usize, usize, usize, String)| {
            let toks: Vec<&str> = heldout[*si][*s..*e]
                .iter()
                .map(|(t, _)| t.as_str())
                .collect();
            let ctx: Vec<&str> = heldout[*si]
                [s.saturating_sub(3)..(*e + 3).min(heldout[*si].len())]
                .iter()
                .map(|(t, _)| t.as_str())
                .collect();
            format!("{l} [{}]   … {} …", toks.join(" "), ctx.join(" "))
        };
        for g in gold.iter().filter(|g| g.3 == label && !pred.contains(g)) {
            println!("MISS {}", show(g));
        }
        for p in pred.iter().filter(|p| p.3 == label && !gold.contains(p)) {
            let gl = gold
                .iter()
                .find(|g| g.0 == p.0 && g.1 == p.1 && g.2 == p.2)
                .map_or("-", |g| g.3.as_str());
            println!("FALSE(gold {gl}) {}", show(p));
        }
    }
    let date_count = by_source.get("dates").map_or(0, |d| d.len());
    println!("dates: {date_count} DATE proposals on the held-out part (ANERcorp has no DATE gold)");
    for (name, pred) in by_source.iter().filter(|(n, _)| **n != "dates") {
        println!("\n== {name}");
        println!(
            "{:<6} {:>6} {:>6} {:>6} {:>6} {:>6}",
            "label", "gold", "pred", "P", "R", "F1"
        );
        let mut labels: Vec<&str> = vec!["PER", "LOC", "ORG", "MISC"];
        labels.dedup();
        for label in labels.iter().map(|l| Some(*l)).chain([None]) {
            let g: Spans = gold
                .iter()
                .filter(|s| label.is_none_or(|l| s.3 == l))
                .cloned()
                .collect();
            let p: Spans = pred
                .iter()
                .filter(|s| label.map_or(s.3 != "DATE", |l| s.3 == l))
                .cloned()
                .collect();
            let tp = g.intersection(&p).count() as f64;
            let (pr, rc) = (tp / (p.len().max(1) as f64), tp / (g.len().max(1) as f64));
            let f1 = if pr + rc > 0.0 {
                2.0 * pr * rc / (pr + rc)
            } else {
                0.0
            };
            println!(
                "{:<6} {:>6} {:>6} {:>6.3} {:>6.3} {:>6.3}",
                label.unwrap_or("all"),
                g.len(),
                p.len(),
                pr,
                rc,
                f1
            );
        }
    }
    Ok(())
}

/// IOB2 entities as (first token, end token exclusive, label); PERS → PER.
fn entities(sent: &[(String, String)]) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let mut open: Option<(usize, String)> = None;
    for (i, (_, tag)) in sent
        .iter()
        .chain([(String::new(), "O".to_string())].iter())
        .enumerate()
    {
        let (bio, label) = tag.split_once('-').unwrap_or((tag.as_str(), ""));
        let label = if label == "PERS" { "PER" } else { label };
        let continues = bio == "I" && open.as_ref().is_some_and(|(_, l)| l == label);
        if !continues {
            if let Some((s, l)) = open.take() {
                out.push((s, i, l));
            }
            if bio == "B" || bio == "I" {
                open = Some((i, label.to_string()));
            }
        }
    }
    out
}

/// The token range (end exclusive) a proposal covers.
fn token_span(words: &Words, p: &Proposal) -> Option<(usize, usize)> {
    let s = words
        .words
        .iter()
        .position(|w| w.start <= p.start && p.start < w.end)?;
    let e = words
        .words
        .iter()
        .rposition(|w| w.start < p.end && p.end <= w.end)?;
    Some((s, e + 1))
}

/// Prints every proposal for each article of a folder.
fn list_folder(dir: &str) -> anyhow::Result<()> {
    let corpus = kashif::corpus::Corpus::load(std::path::Path::new(dir))?;
    for doc in &corpus.documents {
        println!("== {}", doc.id);
        let mut all = Gazetteer::builtin().propose(&doc.text);
        all.extend(rules::propose(&doc.text));
        all.extend(dates::propose(&doc.text));
        all.sort_by_key(|p| (p.start, p.end));
        for p in all {
            println!(
                "{:>6}..{:<6} {:<5} {:<9?} {:.2} {}",
                p.start, p.end, p.label, p.source, p.confidence, p.text
            );
        }
    }
    Ok(())
}
