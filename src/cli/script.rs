//! `kashif gui --script FILE`: the workbench without a window, for tests
//! that need the real binary (a SIGKILL at a random moment of a session).
//!
//! Each line of the script is one of
//!
//! - a key chord as the shortcut overlay writes it (`Tab`, `Enter`, `2`,
//!   `Ctrl+Z`, `Alt+Shift+←`), dispatched through the same key table
//!   (`workflow::Keymap`) and app model (`ui::AppModel`) as the window;
//! - `select START END`: what a drag over chars `START..END` sends;
//! - `sleep MS`: a pause;
//! - empty, or a `#` comment.
//!
//! After each line is applied the runner prints `ack LINE` (1-based) on
//! stdout, flushed: the moment the window would show the edit; then, once
//! every edit so far is durable (its journal record `fdatasync`ed), `saved
//! LINE`: the moment the window's status bar would say "saved". No proposer
//! runs, so a script does not depend on timing.

use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;
use kashif::ui::AppModel;
use kashif::ui::model::Command;
use kashif::workflow::{Action, Chord, Command as W, Keymap};

use super::gui::{FsBackend, GuiArgs};

/// One parsed line.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    Key(Chord),
    Select(usize, usize),
    Sleep(u64),
}

fn parse_line(line: &str) -> Result<Option<Step>, String> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return Ok(None);
    }
    let words: Vec<&str> = line.split_whitespace().collect();
    let num = |w: &str| {
        w.parse::<u64>()
            .map_err(|_| format!("{w:?} is not a number"))
    };
    match words.as_slice() {
        ["select", a, b] => Ok(Some(Step::Select(num(a)? as usize, num(b)? as usize))),
        ["sleep", ms] => Ok(Some(Step::Sleep(num(ms)?))),
        [chord] => chord.parse().map(|c| Some(Step::Key(c))),
        _ => Err(format!(
            "{line:?}: expected a key, `select START END` or `sleep MS`"
        )),
    }
}

pub(super) fn run(args: &GuiArgs, script: &Path, backend: FsBackend) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(script)
        .with_context(|| format!("{}: cannot read", script.display()))?;
    let mut steps = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let step =
            parse_line(line).map_err(|e| anyhow::anyhow!("{}:{}: {e}", script.display(), i + 1))?;
        if let Some(s) = step {
            steps.push((i + 1, s));
        }
    }
    let Some(annotator) = args.annotator.clone() else {
        anyhow::bail!("--script needs --annotator");
    };
    let schema = backend.schema.clone();
    let keymap = Keymap::new(&schema);
    let mut backend = backend;
    backend.propose = false;
    let mut model = AppModel::new(schema, Box::new(backend));
    model.apply(Command::SetAnnotator(annotator));
    model.apply(Command::OpenFolder(args.folders.corpus.clone()));
    if let Some(e) = &model.session_error {
        anyhow::bail!("{e}");
    }
    if let Some(id) = &args.open {
        match model.docs.iter().position(|d| &d.document.id == id) {
            Some(i) => model.apply(Command::OpenDocument(i)),
            None => anyhow::bail!("--open {id}: no such document"),
        }
    }
    println!("ready");
    for (line, step) in steps {
        match step {
            Step::Sleep(ms) => std::thread::sleep(Duration::from_millis(ms)),
            Step::Select(start, end) => model.apply(Command::Work(W::Select { start, end })),
            Step::Key(chord) => match keymap.action(chord, false) {
                Some(Action::Run(cmd)) => model.apply(Command::Work(cmd.clone())),
                Some(Action::Ui(_)) => {}
                None => anyhow::bail!("{}:{line}: {chord} does nothing", script.display()),
            },
        }
        model.poll_session();
        println!("ack {line}");
        if let Some(s) = &model.session {
            match s.wait_durable() {
                Ok(()) => println!("saved {line}"),
                Err(e) => eprintln!("kashif: {line}: not saved: {e}"),
            }
        }
    }
    if let Some(s) = &model.session
        && let Err(errors) = s.flush()
    {
        for e in errors {
            eprintln!("kashif: save failed: {e}");
        }
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_parse() {
        assert_eq!(parse_line("  # x").unwrap(), None);
        assert_eq!(parse_line("select 3 9").unwrap(), Some(Step::Select(3, 9)));
        assert_eq!(parse_line("sleep 5").unwrap(), Some(Step::Sleep(5)));
        assert!(matches!(parse_line("Ctrl+Z").unwrap(), Some(Step::Key(_))));
        assert!(parse_line("select x 2").is_err());
        assert!(parse_line("Ctrl+Nope").is_err());
    }
}
