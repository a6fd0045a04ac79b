//! `kashif agree`: how well annotators agree, pair by pair.

use std::process::ExitCode;

use clap::Args;
use kashif::arabic::tokenize;
use kashif::eval::{self, DocTokens, Kappa, PairAgreement};

use super::common::Folders;
use super::exchange;

#[derive(Args, Clone, Debug)]
pub struct AgreeArgs {
    /// Two or more annotators.
    #[arg(required = true, num_args = 2..)]
    pub annotators: Vec<String>,
    /// Compare every document both annotated, not only those both marked done.
    #[arg(long)]
    pub all: bool,
    /// Print the figures as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub folders: Folders,
}

pub fn run(args: AgreeArgs) -> anyhow::Result<ExitCode> {
    let (corpus, schema) = exchange::open(&args.folders)?;
    let mut failed = false;
    let mut sets = Vec::new();
    for a in &args.annotators {
        exchange::require_annotator(&args.folders, a)?;
        sets.push(exchange::annotated(
            &args.folders,
            &corpus,
            &schema,
            a,
            args.all,
            exchange::Pending::Keep,
            &mut failed,
        )?);
    }
    let mut results: Vec<PairAgreement> = Vec::new();
    for i in 0..sets.len() {
        for j in i + 1..sets.len() {
            let docs: Vec<_> = sets[i]
                .iter()
                .filter_map(|x| {
                    let y = sets[j].iter().find(|y| y.doc.id == x.doc.id)?;
                    let tokens = tokenize(&x.doc.text)
                        .iter()
                        .map(|t| (t.start, t.end))
                        .collect();
                    Some(DocTokens {
                        tokens,
                        length: x.doc.text.chars().count(),
                        a: &x.ann.entities,
                        b: &y.ann.entities,
                    })
                })
                .collect();
            results.push(eval::pair_agreement(
                &args.annotators[i],
                &args.annotators[j],
                &docs,
            ));
        }
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&results)?);
    } else {
        let k = |k: &Kappa| k.kappa.map_or("-".to_string(), |v| format!("{v:.3}"));
        println!(
            "documents {} by both{}",
            if args.all { "annotated" } else { "marked done" },
            if args.all {
                ""
            } else {
                " (use --all for the others)"
            }
        );
        let a = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.3}"));
        println!(
            "  {:<24} {:>5}  {:>9} {:>10}  {:>12} {:>19}  {:>8}",
            "pair",
            "docs",
            "strict F1",
            "partial F1",
            "kappa tokens",
            "kappa entity tokens",
            "alpha_u"
        );
        for r in &results {
            println!(
                "  {:<24} {:>5}  {:>9.3} {:>10.3}  {:>12} {:>19}  {:>8}",
                format!("{} / {}", r.a, r.b),
                r.documents,
                r.strict.f1(),
                r.partial.f1(),
                k(&r.kappa_tokens),
                k(&r.kappa_entity_tokens),
                a(r.alpha_u.alpha)
            );
            let labels = r.alpha_u.per_label_line();
            if !labels.is_empty() {
                println!("  {:<24} alpha_u by label: {labels}", "");
            }
        }
        println!(
            "  alpha_u: Krippendorff's unitizing alpha over characters (1 = same spans and labels)"
        );
    }
    if results.iter().all(|r| r.documents == 0) {
        eprintln!("no document was annotated by both annotators of any pair");
        failed = true;
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
