//! Gold labels in the file formats other tools read, and back.
//!
//! Every format is a pair of pure functions: export turns documents
//! ([`DocSpans`]) into file contents, import turns file contents into
//! [`ImportedDoc`]s, and [`place`] decides which corpus document each one
//! annotates. Nothing here prints or touches the store; [`read_files`] and
//! [`write_export`] are the only file access, and the caller (CLI or GUI)
//! decides what to do with warnings. Offsets are char offsets throughout;
//! [`OffsetUnit::Utf16`] converts at the edge.

pub mod brat;
pub mod conll;
pub mod conllu;
mod decode;
pub mod doccano;
mod error;
pub mod hf;
mod imported;
pub mod iob;
mod json;
pub mod labelstudio;
mod overlap;
mod placement;
mod read;
mod shapes;
mod sniff;
pub mod spacy;
pub mod webanno;
mod write;

pub use error::FormatError;
pub use imported::{
    FileImport, ImportOptions, ImportedDoc, Issue, IssueKind, OffsetUnit, Reading, TagColumn,
    is_layout,
};
pub use overlap::{Warning, outermost};
pub use placement::{Placement, id_problem, is_safe_id, place};
pub use read::{read_files, read_files_auto, read_path, read_path_auto};
pub use write::{WriteError, write_export};

use crate::annotation::Span;

/// One document to export: its id, its exact text and the entities to write.
#[derive(Debug, Clone, Copy)]
pub struct DocSpans<'a> {
    pub id: &'a str,
    pub text: &'a str,
    pub spans: &'a [Span],
}

/// The export and import formats Kashif speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// CoNLL IOB2, `token TAG`, one token per line.
    Conll,
    /// Nested IOB2, one tag column per nesting level (Wojood's shape):
    /// `token TAG TAG...`, outermost entity first.
    ConllNested,
    Brat,
    Doccano,
    Spacy,
    LabelStudio,
    /// WebAnno TSV 3.3, INCEpTION's default export (UTF-16 offsets).
    Webanno,
    /// Hugging Face `datasets` token-classification rows (JSONL `tokens` +
    /// `ner_tags`).
    Hf,
    /// CoNLL-U with NER in the MISC column (read only).
    Conllu,
    /// spaCy's `.iob`, one sentence per line, `word|POS|TAG` (read only).
    Iob,
}

impl Format {
    /// The formats Kashif writes (export menu, `kashif export`).
    pub const ALL: [Format; 8] = [
        Format::Conll,
        Format::ConllNested,
        Format::Brat,
        Format::Doccano,
        Format::Spacy,
        Format::LabelStudio,
        Format::Webanno,
        Format::Hf,
    ];

    /// The formats Kashif reads only.
    pub const READ_ONLY: [Format; 2] = [Format::Conllu, Format::Iob];

    /// The name used on the command line and in menus.
    pub fn name(self) -> &'static str {
        match self {
            Format::Conll => "conll",
            Format::ConllNested => "conll-nested",
            Format::Brat => "brat",
            Format::Doccano => "doccano",
            Format::Spacy => "spacy",
            Format::LabelStudio => "labelstudio",
            Format::Webanno => "webanno",
            Format::Hf => "hf",
            Format::Conllu => "conllu",
            Format::Iob => "iob",
        }
    }

    /// The format named `name` (see [`Format::name`]).
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL
            .into_iter()
            .chain(Format::READ_ONLY)
            .find(|f| f.name() == name)
    }

    /// Whether Kashif can write this format.
    pub fn writable(self) -> bool {
        Format::ALL.contains(&self)
    }

    /// Whether the format writes a folder (one file or file pair per
    /// document: brat, WebAnno TSV) rather than a single file.
    pub fn is_folder(self) -> bool {
        matches!(self, Format::Brat | Format::Webanno)
    }

    /// Whether the format is JSON with char offsets, the only kind whose
    /// offsets can be counted in UTF-16 units instead.
    pub fn is_json(self) -> bool {
        matches!(self, Format::Doccano | Format::Spacy | Format::LabelStudio)
    }

    /// The usual extension of the single output file (a save dialog's filter).
    pub fn extension(self) -> &'static str {
        match self {
            Format::Conll | Format::ConllNested => "conll",
            Format::Brat | Format::Webanno => "",
            Format::Doccano | Format::Spacy | Format::Hf => "jsonl",
            Format::LabelStudio => "json",
            Format::Conllu => "conllu",
            Format::Iob => "iob",
        }
    }
}

/// Choices that change what an export writes.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExportOptions {
    /// CoNLL only: attached conjunctions and prepositions get their own token.
    pub split_clitics: bool,
    /// CoNLL only: name each document in a `# id = ...` line (instead of a
    /// plain `-DOCSTART-` line), so an import can restore the ids.
    pub conll_ids: bool,
    /// JSON formats only: how offsets are counted (UTF-16 for Label Studio
    /// and other JavaScript tools when the text has chars outside the BMP).
    pub offsets: OffsetUnit,
}

impl ExportOptions {
    /// The choices as they apply to `format`: those it has no use for are
    /// dropped (a CoNLL-only choice for a JSON export, UTF-16 for CoNLL).
    pub fn for_format(format: Format, split_clitics: bool, conll_ids: bool, utf16: bool) -> Self {
        let conll = format == Format::Conll;
        ExportOptions {
            split_clitics: split_clitics && conll,
            conll_ids: conll_ids && (conll || format == Format::ConllNested),
            offsets: if utf16 && format.is_json() {
                OffsetUnit::Utf16
            } else {
                OffsetUnit::Chars
            },
        }
    }
}

/// What an export produced: file contents, and what the format could not hold.
#[derive(Debug, Clone, PartialEq)]
pub struct Exported {
    pub output: Output,
    pub warnings: Vec<Warning>,
}

/// The files of an export.
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    /// One file (written at the chosen path).
    File(String),
    /// Files at paths relative to a chosen folder.
    Folder(Vec<(std::path::PathBuf, String)>),
}

/// Exports `docs` in `format`. A read-only format ([`Format::READ_ONLY`])
/// gives an empty file and a warning saying so.
pub fn export(format: Format, docs: &[DocSpans], options: ExportOptions) -> Exported {
    match format {
        Format::Conll => conll::export(docs, options.split_clitics, options.conll_ids),
        Format::ConllNested => conll::export_nested(docs, options.conll_ids),
        Format::Brat => brat::export(docs),
        Format::Doccano => doccano::export(docs, options.offsets),
        Format::Spacy => spacy::export(docs, options.offsets),
        Format::LabelStudio => labelstudio::export(docs, options.offsets),
        Format::Webanno => webanno::export(docs),
        Format::Hf => hf::export(docs),
        Format::Conllu | Format::Iob => Exported {
            output: Output::File(String::new()),
            warnings: vec![Warning::new(
                "",
                format!("Kashif reads {} but does not write it", format.name()),
            )],
        },
    }
}

/// Imports the contents of one file: its documents, and every record
/// skipped or changed. `Err` only when nothing of the file can be read.
/// Brat needs two files per document and goes through [`brat::import`] (or
/// [`read_files`]) instead.
pub fn import(
    format: Format,
    path: &std::path::Path,
    contents: &str,
    options: &ImportOptions,
) -> Result<FileImport, FormatError> {
    match format {
        Format::Conll => conll::import(path, contents, options),
        Format::ConllNested => conll::import_nested(path, contents, options),
        Format::Webanno => webanno::import(path, contents, options),
        Format::Hf => hf::import(path, contents, options),
        Format::Conllu => conllu::import(path, contents, options),
        Format::Iob => iob::import(path, contents, options),
        Format::Doccano => doccano::import(path, contents, options),
        Format::Spacy => spacy::import(path, contents, options),
        Format::LabelStudio => labelstudio::import(path, contents, options),
        Format::Brat => Err(FormatError::new(
            path,
            0,
            "brat needs the .ann and the .txt of each document; use brat::import",
        )),
    }
}

/// Spans that can be written: inside the text, not empty. The others are
/// reported, never written.
fn valid_spans<'a>(doc: &DocSpans<'a>, warnings: &mut Vec<Warning>) -> Vec<&'a Span> {
    let len = crate::text::char_len(doc.text);
    let mut out = Vec::with_capacity(doc.spans.len());
    for s in doc.spans {
        if s.start >= s.end || s.end > len {
            warnings.push(Warning::new(
                doc.id,
                format!(
                    "{} {}..{} \"{}\" lies outside the text ({} chars) or is empty; not exported",
                    s.label, s.start, s.end, s.text, len
                ),
            ));
        } else {
            out.push(s);
        }
    }
    out
}

/// Warns about spans with whitespace at an edge, which the formats that
/// keep offsets (doccano, Label Studio, brat) write as they are but every
/// import (Kashif's, which trims spans by the guidelines, and the tools')
/// reads back without it: said, so the round trip loses nothing silently.
fn warn_edge_spaces(doc: &DocSpans, spans: &[&Span], warnings: &mut Vec<Warning>) {
    for s in spans {
        let t = crate::text::slice_chars(doc.text, s.start, s.end).unwrap_or_default();
        let lead = t.chars().take_while(|c| c.is_whitespace()).count();
        let trail = t.chars().rev().take_while(|c| c.is_whitespace()).count();
        if (lead > 0 || trail > 0) && lead < t.chars().count() {
            warnings.push(Warning::new(
                doc.id,
                format!(
                    "{} {}..{} \"{}\" has whitespace at an edge; written as it is, read back as {}..{}",
                    s.label,
                    s.start,
                    s.end,
                    t,
                    s.start + lead,
                    s.end - trail
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_with_whitespace_at_an_edge_are_said_by_every_offset_format() {
        let spans = vec![
            Span::manual_with_text(0, 5, "PER", " علي "),
            Span::manual_with_text(8, 11, "LOC", "مصر"),
        ];
        let text = " علي في مصر";
        let docs = [DocSpans {
            id: "d",
            text,
            spans: &spans,
        }];
        for f in [Format::Doccano, Format::LabelStudio, Format::Brat] {
            let e = export(f, &docs, ExportOptions::default());
            assert!(
                e.warnings
                    .iter()
                    .any(|w| w.message.contains("whitespace at an edge")
                        && w.message.contains("read back as 1..4")),
                "{f:?}: {:?}",
                e.warnings
            );
        }
    }

    #[test]
    fn options_a_format_cannot_use_are_dropped() {
        let all = |f| ExportOptions::for_format(f, true, true, true);
        let c = all(Format::Conll);
        assert!(c.split_clitics && c.conll_ids);
        assert_eq!(c.offsets, OffsetUnit::Chars);
        for f in [Format::Doccano, Format::Spacy, Format::LabelStudio] {
            let o = all(f);
            assert!(!o.split_clitics && !o.conll_ids);
            assert_eq!(o.offsets, OffsetUnit::Utf16, "{f:?}");
        }
        let b = all(Format::Brat);
        assert!(!b.split_clitics && !b.conll_ids);
        assert_eq!(b.offsets, OffsetUnit::Chars);
    }
}
