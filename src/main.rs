//! The `kashif` command: the workbench (default) and its command-line tools.

mod cli;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "kashif",
    version,
    about = "Annotate named entities in Arabic news"
)]
struct Args {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Open the workbench (the default).
    Gui(cli::gui::GuiArgs),
    /// Check every annotation file against the corpus and the label schema.
    Validate(cli::validate::ValidateArgs),
    /// Entity counts per document, by label, with each document's status.
    Stats(cli::stats::StatsArgs),
    /// Train the entity tagger on a CoNLL file and report held-out scores.
    Train(cli::train::TrainArgs),
    /// Tag CoNLL tokens from standard input (IOB2 out).
    Tag(cli::tag::TagArgs),
    /// Exact-span P/R/F1 of a predicted IOB2 file against a gold one.
    Score(cli::score::ScoreArgs),
    /// Write entity proposals for every document into an annotator's files.
    Propose(cli::propose::ProposeArgs),
    /// Write one annotator's entities as CoNLL, brat, doccano, spaCy or Label Studio files.
    Export(cli::export::ExportArgs),
    /// Read another tool's files into one annotator's annotations.
    Import(cli::import::ImportArgs),
    /// Score predicted entities against gold: P/R/F1 per label, strict and partial.
    Eval(cli::eval::EvalArgs),
    /// Agreement between annotators: pairwise F1 and Cohen's kappa over tokens.
    Agree(cli::agree::AgreeArgs),
}

/// Lets a command-line tool end quietly when what reads its output goes
/// away (`kashif stats | head`), as Unix tools do: Rust ignores SIGPIPE, so
/// each print to the closed pipe would fail and `println!` panic with
/// "Broken pipe". The workbench keeps ignoring it: a closed pipe must never
/// end a session before its edits are saved.
fn quiet_on_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: called once at start, before any other thread exists;
    // SIG_DFL is a valid disposition for SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

fn main() -> std::process::ExitCode {
    let args = match Args::try_parse() {
        Ok(a) => a,
        Err(e) => {
            // Help, version, usage errors: printed like any tool's output.
            quiet_on_closed_pipe();
            e.exit()
        }
    };
    if !matches!(args.command, None | Some(Command::Gui(_))) {
        quiet_on_closed_pipe();
    }
    let result = match args.command {
        None => cli::gui::run(cli::gui::GuiArgs::default()),
        Some(Command::Gui(a)) => cli::gui::run(a),
        Some(Command::Validate(a)) => cli::validate::run(a),
        Some(Command::Stats(a)) => cli::stats::run(a),
        Some(Command::Train(a)) => cli::train::run(a),
        Some(Command::Tag(a)) => cli::tag::run(a),
        Some(Command::Score(a)) => cli::score::run(a),
        Some(Command::Propose(a)) => cli::propose::run(a),
        Some(Command::Export(a)) => cli::export::run(a),
        Some(Command::Import(a)) => cli::import::run(a),
        Some(Command::Eval(a)) => cli::eval::run(a),
        Some(Command::Agree(a)) => cli::agree::run(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("kashif: {e:#}");
            std::process::ExitCode::from(2)
        }
    }
}
