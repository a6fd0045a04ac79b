//! How long export, import, evaluation and agreement take on a long article.
//!
//! `cargo run --release --example exchange_speed [COPIES]`: the seed articles
//! joined and repeated COPIES times (default 6) into one document, entities
//! marked by string search, then every format exported and imported back,
//! and the document scored against a shifted copy of itself.

use std::path::Path;
use std::time::Instant;

use kashif::annotation::{Origin, Span};
use kashif::eval::{self, DocPair, DocTokens};
use kashif::formats::{self, DocSpans, ExportOptions, Format, ImportOptions, Output};

const NAMES: [(&str, &str); 9] = [
    ("أرمينيا", "LOC"),
    ("أذربيجان", "LOC"),
    ("واشنطن", "LOC"),
    ("الولايات المتحدة", "LOC"),
    ("بلينكين", "PER"),
    ("بلينكن", "PER"),
    ("موسكو", "LOC"),
    ("باشينيان", "PER"),
    ("علييف", "PER"),
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let copies: usize = std::env::args().nth(1).map_or(Ok(6), |a| a.parse())?;
    let corpus = kashif::corpus::Corpus::load(Path::new("seeds"))?;
    let one: Vec<&str> = corpus.documents.iter().map(|d| d.text.as_str()).collect();
    let text = vec![one.join("\n\n"); copies].join("\n\n");
    let mut spans = Vec::new();
    for (name, label) in NAMES {
        for (b, _) in text.match_indices(name) {
            let start = text[..b].chars().count();
            spans.push(Span {
                start,
                end: start + name.chars().count(),
                label: label.into(),
                origin: Origin::Manual,
                text: name.into(),
                proposed: None,
            });
        }
    }
    spans.sort_by(|a, b| a.key().cmp(&b.key()));
    let tokens = kashif::arabic::tokenize(&text).len();
    println!(
        "one document: {} chars, {tokens} tokens, {} entities",
        kashif::text::char_len(&text),
        spans.len()
    );
    let docs = [DocSpans {
        id: "long",
        text: &text,
        spans: &spans,
    }];
    for format in Format::ALL {
        for split_clitics in [false, true] {
            if split_clitics && format != Format::Conll {
                continue;
            }
            let t = Instant::now();
            let e = formats::export(
                format,
                &docs,
                ExportOptions {
                    split_clitics,
                    ..Default::default()
                },
            );
            let export_ms = t.elapsed().as_secs_f64() * 1e3;
            let t = Instant::now();
            let back = match &e.output {
                Output::File(s) => {
                    formats::import(format, Path::new("x"), s, &ImportOptions::default())?.docs
                }
                Output::Folder(f) if format == Format::Webanno => {
                    formats::import(
                        format,
                        Path::new("long.tsv"),
                        &f[0].1,
                        &ImportOptions::default(),
                    )?
                    .docs
                }
                Output::Folder(f) => {
                    formats::brat::import(
                        "long",
                        Path::new("x.ann"),
                        &f[1].1,
                        &f[0].1,
                        &ImportOptions::default(),
                    )?
                    .docs
                }
            };
            let placed = back[0].spans_on(&text).map_or(0, |s| s.len());
            let import_ms = t.elapsed().as_secs_f64() * 1e3;
            println!(
                "{:<12}{:<9} export {export_ms:>7.1} ms   import + place {import_ms:>7.1} ms   {placed} entities back, {} warnings",
                format.name(),
                if split_clitics { " split" } else { "" },
                e.warnings.len()
            );
        }
    }
    // Predictions: every other entity shifted by one char, so strict and
    // partial differ.
    let pred: Vec<Span> = spans
        .iter()
        .enumerate()
        .map(|(i, s)| Span {
            end: if i % 2 == 0 { s.end - 1 } else { s.end },
            ..s.clone()
        })
        .collect();
    let t = Instant::now();
    let r = eval::evaluate(&[DocPair {
        id: "long",
        gold: &spans,
        pred: &pred,
    }]);
    println!(
        "evaluate: {:.1} ms (strict F1 {:.3}, partial F1 {:.3})",
        t.elapsed().as_secs_f64() * 1e3,
        r.strict.micro.f1,
        r.partial.micro.f1
    );
    let t = Instant::now();
    let toks = kashif::arabic::tokenize(&text)
        .iter()
        .map(|t| (t.start, t.end))
        .collect();
    let a = eval::pair_agreement(
        "a",
        "b",
        &[DocTokens {
            tokens: toks,
            length: text.chars().count(),
            a: &spans,
            b: &pred,
        }],
    );
    println!(
        "agreement (tokenize + F1 + kappa): {:.1} ms (kappa {:.3})",
        t.elapsed().as_secs_f64() * 1e3,
        a.kappa_tokens.kappa.unwrap_or(f64::NAN)
    );
    Ok(())
}
