//! `kashif stats`: entity counts per document.

use std::process::ExitCode;

use clap::Args;
use kashif::annotation::Status;
use kashif::store;

use super::common::Folders;

#[derive(Args, Clone, Debug)]
pub struct StatsArgs {
    #[command(flatten)]
    pub folders: Folders,
    /// Only this annotator (default: every annotator with a folder).
    #[arg(long)]
    pub annotator: Option<String>,
}

/// One table per annotator: status, entity counts by label and pending
/// proposals for every document, then the totals and how much of the corpus
/// is done, how entities were decided (acceptance and correction rates per
/// label and source), the annotator's notes for the lead, and the time it
/// took ([`print_timing`]).
pub fn run(args: StatsArgs) -> anyhow::Result<ExitCode> {
    let schema = args.folders.schema()?;
    let corpus = args.folders.corpus()?;
    for e in &corpus.errors {
        eprintln!("{e}");
    }
    let annotators = match args.annotator {
        Some(a) => vec![a],
        None => store::annotators(&args.folders.annotations),
    };
    if annotators.is_empty() {
        println!(
            "no annotations yet in {} ({} documents in {})",
            args.folders.annotations.display(),
            corpus.documents.len(),
            args.folders.corpus.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let labels: Vec<&str> = schema.labels.iter().map(|l| l.name.as_str()).collect();
    let width = corpus
        .documents
        .iter()
        .map(|d| kashif::corpus::shown_id(&d.id).chars().count())
        .max()
        .unwrap_or(8)
        .max(8);
    let mut failed = false;
    for annotator in &annotators {
        let reader = store::Reader::open(&args.folders.annotations, annotator)?;
        println!("annotator {annotator}");
        print!("  {:width$}  {:11}", "document", "status");
        for l in &labels {
            print!(" {l:>5}");
        }
        println!(" {:>6} {:>8}", "total", "proposed");
        let mut totals = vec![0usize; labels.len()];
        let mut other = 0usize;
        let mut done = 0usize;
        let mut pending = 0usize;
        let mut decisions = kashif::eval::DecisionCounts::default();
        let mut noted = Vec::new();
        for doc in &corpus.documents {
            let ann = match reader.read(doc, &schema) {
                Ok(Some(l)) => {
                    for p in &l.problems {
                        eprintln!("{p}");
                    }
                    l.annotations
                }
                Ok(None) => Default::default(),
                Err(e) => {
                    eprintln!("{e}");
                    failed = true;
                    println!(
                        "  {:width$}  {:11}",
                        kashif::corpus::shown_id(&doc.id),
                        "unreadable"
                    );
                    continue;
                }
            };
            if ann.status == Status::Done {
                done += 1;
            }
            decisions.add(&ann);
            if !ann.notes.is_empty() {
                noted.push((doc, ann.clone()));
            }
            let counts = ann.counts();
            print!(
                "  {:width$}  {:11}",
                kashif::corpus::shown_id(&doc.id),
                ann.status.as_str()
            );
            for (i, l) in labels.iter().enumerate() {
                let n = counts.get(*l).copied().unwrap_or(0);
                totals[i] += n;
                print!(" {n:>5}");
            }
            other += counts
                .iter()
                .filter(|(l, _)| !labels.contains(&l.as_str()))
                .map(|(_, n)| n)
                .sum::<usize>();
            pending += ann.proposals.len();
            println!(" {:>6} {:>8}", ann.entities.len(), ann.proposals.len());
        }
        print!(
            "  {:width$}  {:11}",
            "total",
            format!("{done}/{} done", corpus.documents.len())
        );
        for n in &totals {
            print!(" {n:>5}");
        }
        println!(
            " {:>6} {:>8}",
            totals.iter().sum::<usize>() + other,
            pending
        );
        if other > 0 {
            println!("  ({other} entities have labels outside the schema)");
        }
        super::lead::print_decisions(&decisions);
        super::lead::print_notes(annotator, &noted);
        print_timing(&args.folders.annotations, annotator);
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The time `annotator`'s decisions took, from their timing file: entities
/// per hour, seconds per confirmed entity and the shares accepted as
/// proposed / corrected / drawn, over everything and per day (UTC). Lines
/// of the file that do not parse go to stderr as `file:line: why` and are
/// skipped; a file that cannot be read is named on stderr.
fn print_timing(annotations: &std::path::Path, annotator: &str) {
    let path = store::timing_path(annotations, annotator);
    let file = match store::read_timing(&path) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("{e}");
            return;
        }
    };
    for p in &file.problems {
        eprintln!("{p}");
    }
    if file.records.is_empty() {
        println!("  time: no decisions timed yet ({})", path.display());
        return;
    }
    let report = kashif::eval::timing_report(annotator, &file.records);
    println!("  time: {}", report.total.summary());
    for (day, f) in &report.days {
        println!("    {day}: {}", f.summary());
    }
}
