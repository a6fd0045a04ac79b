//! What `kashif stats` and `kashif validate --consistency` add for the
//! lead: how entities were decided (acceptance and correction rates per
//! label and source), the annotators' notes, and names labelled
//! inconsistently across the corpus and annotators.

use std::path::Path;

use kashif::annotation::DocAnnotations;
use kashif::corpus::Corpus;
use kashif::eval::{Annotated, DecisionCounts, consistency, notes};
use kashif::schema::Schema;
use kashif::store;

/// Prints the acceptance and correction table of one annotator's entities
/// (indented two spaces), rates in per cent of the entities that came from
/// proposals of that label (the proposer's label) and source.
pub fn print_decisions(counts: &DecisionCounts) {
    let rows = counts.rows();
    let (manual, imported) = counts.manual_and_imported();
    println!(
        "  how entities were decided: {manual} drawn by hand, {imported} imported; from proposals:"
    );
    if rows.is_empty() {
        println!("    none");
        return;
    }
    println!(
        "    {:8} {:10} {:>8} {:>8} {:>9} {:>10} {:>10}",
        "proposed", "source", "accepted", "in bulk", "corrected", "acceptance", "correction"
    );
    for r in rows {
        println!(
            "    {:8} {:10} {:>8} {:>8} {:>9} {:>9.1}% {:>9.1}%",
            r.label,
            format!("{:?}", r.source).to_lowercase(),
            r.accepted,
            r.bulk,
            r.corrected,
            100.0 * r.acceptance,
            100.0 * r.correction
        );
    }
}

/// Prints an annotator's notes, one per line (indented two spaces).
pub fn print_notes(annotator: &str, loaded: &[(&kashif::corpus::Document, DocAnnotations)]) {
    let docs: Vec<Annotated> = loaded
        .iter()
        .map(|(doc, ann)| Annotated {
            annotator,
            doc,
            ann,
        })
        .collect();
    let rows = notes(&docs);
    if rows.is_empty() {
        return;
    }
    println!("  notes for the lead:");
    for n in rows {
        println!("    {}", n.line());
    }
}

/// The consistency check over every annotator's readable files (unreadable
/// ones are validate's errors and are left out here): one line per finding
/// (`consistency: «name» ...: annotator/document start..end LABEL, ...`),
/// and one line per note (`note: annotator/document[ start..end]: text`).
pub fn consistency_findings(
    annotations: &Path,
    corpus: &Corpus,
    schema: &Schema,
) -> (Vec<String>, Vec<String>) {
    let mut loaded: Vec<(String, usize, DocAnnotations)> = Vec::new();
    for annotator in store::annotators(annotations) {
        for (d, doc) in corpus.documents.iter().enumerate() {
            if let Ok(Some(l)) = store::read(annotations, &annotator, doc, schema) {
                loaded.push((annotator.clone(), d, l.annotations));
            }
        }
    }
    let docs: Vec<Annotated> = loaded
        .iter()
        .map(|(a, d, ann)| Annotated {
            annotator: a,
            doc: &corpus.documents[*d],
            ann,
        })
        .collect();
    let findings = consistency(&docs)
        .iter()
        .map(|f| format!("consistency: {}", f.line()))
        .collect();
    let notes = notes(&docs)
        .iter()
        .map(|n| format!("note: {}", n.line()))
        .collect();
    (findings, notes)
}
