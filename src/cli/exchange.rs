//! What the export, import, eval and agree commands share: format names on
//! the command line, and reading one annotator's files over the corpus.

use clap::ValueEnum;
use kashif::annotation::{DocAnnotations, Status};
use kashif::corpus::{Corpus, Document};
use kashif::formats::{Format, OffsetUnit};
use kashif::schema::Schema;
use kashif::store;
use kashif::workflow::gate;

use super::common::Folders;

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormatArg {
    Conll,
    /// Nested IOB, one tag column per nesting level (Wojood).
    ConllNested,
    Brat,
    Doccano,
    Spacy,
    Labelstudio,
    /// Prodigy `db-out` JSONL (import); exported as spaCy JSONL spans, which
    /// `prodigy db-in` reads.
    Prodigy,
    /// WebAnno TSV 3.3 (INCEpTION's export).
    Webanno,
    /// Hugging Face `datasets` rows: `tokens` + `ner_tags`.
    Hf,
    /// CoNLL-U with NER in MISC (import only).
    Conllu,
    /// spaCy `.iob`, a sentence per line (import only).
    Iob,
    /// Import: detect each file's shape (said in the summary).
    Auto,
}

impl FormatArg {
    /// The format named; `None` for `auto`.
    pub fn format(self) -> Option<Format> {
        Some(match self {
            FormatArg::Conll => Format::Conll,
            FormatArg::ConllNested => Format::ConllNested,
            FormatArg::Brat => Format::Brat,
            FormatArg::Doccano => Format::Doccano,
            FormatArg::Spacy | FormatArg::Prodigy => Format::Spacy,
            FormatArg::Labelstudio => Format::LabelStudio,
            FormatArg::Webanno => Format::Webanno,
            FormatArg::Hf => Format::Hf,
            FormatArg::Conllu => Format::Conllu,
            FormatArg::Iob => Format::Iob,
            FormatArg::Auto => return None,
        })
    }
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum OffsetsArg {
    /// Unicode scalars, as Python slices strings.
    #[default]
    Chars,
    /// UTF-16 code units, as JavaScript tools (Label Studio) count.
    Utf16,
}

impl From<OffsetsArg> for OffsetUnit {
    fn from(o: OffsetsArg) -> OffsetUnit {
        match o {
            OffsetsArg::Chars => OffsetUnit::Chars,
            OffsetsArg::Utf16 => OffsetUnit::Utf16,
        }
    }
}

/// One document with one annotator's annotations of it.
pub struct Annotated<'c> {
    pub doc: &'c Document,
    pub ann: DocAnnotations,
}

/// The corpus and schema, with the corpus's bad files reported on stderr.
pub fn open(folders: &Folders) -> anyhow::Result<(Corpus, Schema)> {
    let schema = folders.schema()?;
    let corpus = folders.corpus()?;
    for e in &corpus.errors {
        eprintln!("warning: {e}");
    }
    Ok((corpus, schema))
}

/// Fails unless `annotator` has a folder of annotations.
pub fn require_annotator(folders: &Folders, annotator: &str) -> anyhow::Result<()> {
    let known = store::annotators(&folders.annotations);
    if known.iter().any(|a| a == annotator) {
        return Ok(());
    }
    anyhow::bail!(
        "no annotations of {annotator:?} in {} (annotators there: {})",
        folders.annotations.display(),
        if known.is_empty() {
            "none".to_string()
        } else {
            known.join(", ")
        }
    )
}

/// What [`annotated`] does with a done document whose proposals are still
/// pending (the gate into "done" was gone around): always said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pending {
    /// Not gold: left out (export).
    LeaveOut,
    /// Kept, as the workbench's review keeps it (eval, agree).
    Keep,
}

/// Every document `annotator` has a file for (only those marked done unless
/// `all`; a done one with proposals pending is said, and left out or kept
/// as `pending` asks). Problems in files go to stderr; unreadable files and problems that
/// are errors set `failed`.
pub fn annotated<'c>(
    folders: &Folders,
    corpus: &'c Corpus,
    schema: &Schema,
    annotator: &str,
    all: bool,
    pending: Pending,
    failed: &mut bool,
) -> anyhow::Result<Vec<Annotated<'c>>> {
    let mut out = Vec::new();
    // An annotator whose files cannot be read at all (a damaged journal)
    // stops the command: going on would report or export nothing as if
    // the annotator had annotated nothing.
    let reader = store::Reader::open(&folders.annotations, annotator)?;
    for doc in &corpus.documents {
        match reader.read(doc, schema) {
            Ok(None) => {}
            Ok(Some(loaded)) => {
                for p in &loaded.problems {
                    eprintln!("{p}");
                    // What `kashif validate` calls an error fails the run
                    // here too (the entity is kept detached, not exported).
                    if p.severity == store::Severity::Error {
                        *failed = true;
                    }
                }
                // The gate into "done": a done document with proposals
                // nobody decided is not gold (written around the workbench):
                // said, and left out of what leaves Kashif as gold.
                if !all && let Some(why) = gate::done_with_pending(&loaded.annotations) {
                    let path = store::file_path(&folders.annotations, annotator, &doc.id);
                    if pending == Pending::LeaveOut {
                        eprintln!(
                            "warning: {}: marked done with {why}; not gold, left out (decide them in the workbench, or use --all)",
                            path.display()
                        );
                        continue;
                    }
                    eprintln!(
                        "warning: {}: marked done with {why}; counted as done here, but export leaves it out until they are decided",
                        path.display()
                    );
                }
                if all || loaded.annotations.status == Status::Done {
                    out.push(Annotated {
                        doc,
                        ann: loaded.annotations,
                    });
                }
            }
            Err(e) => {
                eprintln!("{e}");
                *failed = true;
            }
        }
    }
    Ok(out)
}
