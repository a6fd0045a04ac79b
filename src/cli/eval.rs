//! `kashif eval`: predicted entities scored against gold.

use std::process::ExitCode;
use std::sync::Arc;

use clap::Args;
use kashif::annotation::{Origin, Span};
use kashif::corpus::Document;
use kashif::eval::{self, DocPair, Report, Scores};
use kashif::propose::bundled;
use kashif::propose::proposer::Proposer;
use kashif::schema::Schema;
use kashif::store;
use serde::Serialize;

use super::common::Folders;
use super::exchange;

#[derive(Args, Clone, Debug)]
pub struct EvalArgs {
    /// The annotator whose entities are the truth.
    #[arg(long)]
    pub gold: String,
    /// The annotator whose entities are scored, or `proposals` to score the
    /// proposer itself.
    #[arg(long)]
    pub pred: String,
    /// Score every gold document, not only those marked done.
    #[arg(long)]
    pub all: bool,
    /// Print the full report as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub folders: Folders,
    /// With `--pred proposals`: which tier gives the model's spans.
    #[command(flatten)]
    pub tagger: super::common::TaggerArgs,
}

/// Predicted entities of a document; `None` when the source has nothing for
/// it (the document is then left out rather than counted as all misses).
pub type Predict<'a> = Box<dyn FnMut(&Document) -> anyhow::Result<Option<Vec<Span>>> + 'a>;

/// The `--pred` name that scores the proposer instead of an annotator.
pub const PROPOSALS: &str = "proposals";

/// Where predictions come from, by name: an annotator's files, or
/// `proposals`: the proposer (model, rules, dates, gazetteers) run afresh on
/// each document. Its memory of saved entities stays empty, so the gold
/// annotator's own entities cannot leak into what is scored.
fn predictions<'a>(
    name: &'a str,
    folders: &'a Folders,
    schema: &'a Schema,
    tagger: &super::common::TaggerArgs,
) -> anyhow::Result<Predict<'a>> {
    if name == PROPOSALS {
        let mut proposer = Proposer::new(Arc::new(bundled::load()?));
        if let Some(acc) = tagger.accurate()? {
            proposer = proposer.with_accurate(acc);
        }
        eprintln!(
            "knowledge: the shipped model ({} tier), rules, dates and gazetteers; no memory, no retraining (no gold can leak into what is scored)",
            proposer.tier().name()
        );
        return Ok(Box::new(move |doc: &Document| {
            let spans = proposer
                .propose(&doc.text)
                .into_iter()
                .filter(|p| schema.contains(&p.label))
                .map(|p| Span {
                    text: p.text.clone(),
                    ..Span::new(p.start, p.end, p.label, Origin::Accepted(p.source))
                })
                .collect();
            Ok(Some(spans))
        }));
    }
    exchange::require_annotator(folders, name)?;
    let reader = store::Reader::open(&folders.annotations, name)?;
    Ok(Box::new(move |doc: &Document| {
        Ok(reader.read(doc, schema)?.map(|l| l.annotations.entities))
    }))
}

/// How the gold entities came to be: proposals accepted as they were,
/// proposals the annotator corrected (relabelled or resized), drawn by hand,
/// imported. With `--pred proposals` this says how often the proposer was
/// taken, fixed, or missed.
#[derive(Debug, Default, Serialize)]
struct Origins {
    accepted: std::collections::BTreeMap<String, usize>,
    corrected: std::collections::BTreeMap<String, usize>,
    manual: usize,
    imported: usize,
}

impl Origins {
    fn count<'a>(spans: impl IntoIterator<Item = &'a Span>) -> Origins {
        let mut o = Origins::default();
        for s in spans {
            match s.origin {
                Origin::Accepted(src) => *o.accepted.entry(format!("{src:?}")).or_default() += 1,
                Origin::Corrected(src) => *o.corrected.entry(format!("{src:?}")).or_default() += 1,
                Origin::Manual => o.manual += 1,
                Origin::Imported => o.imported += 1,
            }
        }
        o
    }

    fn line(&self) -> String {
        let part = |m: &std::collections::BTreeMap<String, usize>| {
            let n: usize = m.values().sum();
            let each: Vec<String> = m.iter().map(|(k, v)| format!("{k} {v}")).collect();
            if each.is_empty() {
                format!("{n}")
            } else {
                format!("{n} ({})", each.join(", "))
            }
        };
        format!(
            "gold entities by origin: accepted proposals {}, corrected proposals {}, manual {}, imported {}",
            part(&self.accepted),
            part(&self.corrected),
            self.manual,
            self.imported
        )
    }
}

#[derive(Serialize)]
struct JsonReport<'a> {
    gold: &'a str,
    pred: &'a str,
    skipped: &'a [String],
    gold_origins: &'a Origins,
    #[serde(flatten)]
    report: &'a Report,
}

pub fn run(args: EvalArgs) -> anyhow::Result<ExitCode> {
    let (corpus, schema) = exchange::open(&args.folders)?;
    exchange::require_annotator(&args.folders, &args.gold)?;
    let mut failed = false;
    let gold = exchange::annotated(
        &args.folders,
        &corpus,
        &schema,
        &args.gold,
        args.all,
        exchange::Pending::Keep,
        &mut failed,
    )?;
    let mut predict = predictions(&args.pred, &args.folders, &schema, &args.tagger)?;
    let mut preds = Vec::with_capacity(gold.len());
    let mut skipped = Vec::new();
    for g in &gold {
        match predict(g.doc)? {
            Some(p) => preds.push((g, p)),
            None => skipped.push(g.doc.id.clone()),
        }
    }
    let pairs: Vec<DocPair> = preds
        .iter()
        .map(|(g, p)| DocPair {
            id: &g.doc.id,
            gold: &g.ann.entities,
            pred: p,
        })
        .collect();
    let report = eval::evaluate(&pairs);
    let origins = Origins::count(pairs.iter().flat_map(|p| p.gold.iter()));
    if args.json {
        let out = JsonReport {
            gold: &args.gold,
            pred: &args.pred,
            skipped: &skipped,
            gold_origins: &origins,
            report: &report,
        };
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        print_report(&args, &report, &skipped);
        println!("{}", origins.line());
    }
    if pairs.is_empty() {
        eprintln!(
            "no documents to score: {} has none {}{}",
            args.gold,
            if args.all {
                "annotated"
            } else {
                "marked done (use --all for the others)"
            },
            if skipped.is_empty() {
                String::new()
            } else {
                format!(" that {} annotated too", args.pred)
            }
        );
        failed = true;
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn f3(x: f64) -> String {
    format!("{x:.3}")
}

fn print_scores(title: &str, s: &Scores) {
    println!("{title}");
    println!(
        "  {:<8} {:>5} {:>5} {:>5}  {:>6} {:>6} {:>6}",
        "label", "tp", "fp", "fn", "P", "R", "F1"
    );
    for (label, c) in &s.per_label {
        println!(
            "  {:<8} {:>5} {:>5} {:>5}  {:>6} {:>6} {:>6}",
            label,
            c.tp,
            c.fp,
            c.fn_,
            f3(c.precision()),
            f3(c.recall()),
            f3(c.f1())
        );
    }
    let t = s.total;
    println!(
        "  {:<8} {:>5} {:>5} {:>5}  {:>6} {:>6} {:>6}",
        "micro",
        t.tp,
        t.fp,
        t.fn_,
        f3(s.micro.precision),
        f3(s.micro.recall),
        f3(s.micro.f1)
    );
    println!(
        "  {:<8} {:>5} {:>5} {:>5}  {:>6} {:>6} {:>6}",
        "macro",
        "",
        "",
        "",
        f3(s.macro_avg.precision),
        f3(s.macro_avg.recall),
        f3(s.macro_avg.f1)
    );
}

fn print_report(args: &EvalArgs, r: &Report, skipped: &[String]) {
    println!(
        "gold: {}   predicted: {}   documents: {}{}",
        args.gold,
        args.pred,
        r.documents,
        if args.all {
            " (all annotated)"
        } else {
            " (marked done)"
        }
    );
    if !skipped.is_empty() {
        println!(
            "  left out, {} has no file for them: {}",
            args.pred,
            skipped.join(", ")
        );
    }
    print_scores("strict (same span and label)", &r.strict);
    print_scores(
        "partial (overlapping span, same label; one to one)",
        &r.partial,
    );
    println!("per document");
    let w = r
        .per_document
        .iter()
        .map(|d| d.id.chars().count())
        .max()
        .unwrap_or(8)
        .max(8);
    println!(
        "  {:<w$} {:>5} {:>5}  {:>9} {:>10}",
        "document", "gold", "pred", "strict F1", "partial F1"
    );
    for d in &r.per_document {
        let f = |c: &eval::Counts| {
            if c.is_empty() {
                "-".to_string()
            } else {
                f3(c.f1())
            }
        };
        println!(
            "  {:<w$} {:>5} {:>5}  {:>9} {:>10}",
            d.id,
            d.gold,
            d.pred,
            f(&d.strict),
            f(&d.partial)
        );
    }
    if r.confusions.is_empty() {
        println!("label confusions (same span, other label): none");
    } else {
        println!("label confusions (same span, other label)");
        for c in &r.confusions {
            let first = &c.examples[0];
            println!(
                "  {} → {}: {}   e.g. {} {}..{} \"{}\"",
                c.gold, c.pred, c.count, first.doc, first.start, first.end, first.text
            );
        }
    }
}
