//! `kashif export`: one annotator's entities in another tool's format.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use kashif::formats::{self, DocSpans, ExportOptions, Format, OffsetUnit};

use super::common::Folders;
use super::exchange::{self, FormatArg, OffsetsArg};

#[derive(Args, Clone, Debug)]
pub struct ExportArgs {
    /// The format to write.
    #[arg(long, value_enum)]
    pub format: FormatArg,
    /// Whose annotations to export.
    #[arg(long)]
    pub annotator: String,
    /// The file to write (a folder for brat).
    #[arg(long)]
    pub out: PathBuf,
    /// Export every annotated document, not only those marked done.
    #[arg(long)]
    pub all: bool,
    /// CoNLL: put attached conjunctions and prepositions on their own lines,
    /// so tags cover exactly the entities.
    #[arg(long)]
    pub split_clitics: bool,
    /// CoNLL: a `# id = <document id>` line before each document instead of
    /// `-DOCSTART- O`, so an import can restore the ids.
    #[arg(long)]
    pub conll_ids: bool,
    /// JSON formats: count offsets in chars or in UTF-16 units.
    #[arg(long, value_enum, default_value_t = OffsetsArg::Chars)]
    pub offsets: OffsetsArg,
    #[command(flatten)]
    pub folders: Folders,
}

pub fn run(args: ExportArgs) -> anyhow::Result<ExitCode> {
    let writable = Format::ALL.map(Format::name).join(", ");
    let Some(format) = args.format.format() else {
        anyhow::bail!("--format auto is for import only; export formats: {writable}");
    };
    if !format.writable() {
        anyhow::bail!(
            "--format {}: Kashif reads it but does not write it; export formats: {writable}",
            format.name()
        );
    }
    let offsets = OffsetUnit::from(args.offsets);
    if offsets == OffsetUnit::Utf16 && !format.is_json() {
        anyhow::bail!("--offsets utf16 applies to doccano, spacy and labelstudio only");
    }
    if args.split_clitics && format != Format::Conll {
        anyhow::bail!("--split-clitics applies to conll only");
    }
    if args.conll_ids && !matches!(format, Format::Conll | Format::ConllNested) {
        anyhow::bail!("--conll-ids applies to conll and conll-nested only");
    }
    let (corpus, schema) = exchange::open(&args.folders)?;
    exchange::require_annotator(&args.folders, &args.annotator)?;
    let mut failed = false;
    let annotated = exchange::annotated(
        &args.folders,
        &corpus,
        &schema,
        &args.annotator,
        args.all,
        exchange::Pending::LeaveOut,
        &mut failed,
    )?;
    if annotated.is_empty() {
        eprintln!(
            "nothing to export: {} has no documents {}",
            args.annotator,
            if args.all {
                "annotated"
            } else {
                "marked done (use --all for the others)"
            }
        );
        return Ok(ExitCode::from(1));
    }
    let docs: Vec<DocSpans> = annotated
        .iter()
        .map(|a| DocSpans {
            id: &a.doc.id,
            text: &a.doc.text,
            spans: &a.ann.entities,
        })
        .collect();
    let options = ExportOptions {
        split_clitics: args.split_clitics,
        conll_ids: args.conll_ids,
        offsets,
    };
    let exported = formats::export(format, &docs, options);
    for w in &exported.warnings {
        eprintln!("warning: {w}");
    }
    let written = formats::write_export(&args.out, &exported)?;
    let entities: usize = docs.iter().map(|d| d.spans.len()).sum();
    println!(
        "exported {} document(s), {entities} entities, as {} to {} ({} file(s)); {} warning(s)",
        docs.len(),
        format.name(),
        args.out.display(),
        written.len(),
        exported.warnings.len()
    );
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
