//! Shared by the command-line tests: the real `kashif` binary run on a
//! corpus and an annotations folder.

use std::path::Path;
use std::process::{Command, Output};

/// `kashif ARGS --corpus CORPUS --annotations ANNOTATIONS`, waited for.
pub fn kashif(args: &[&str], corpus: &Path, annotations: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kashif"))
        .args(args)
        .arg("--corpus")
        .arg(corpus)
        .arg("--annotations")
        .arg(annotations)
        .output()
        .unwrap()
}
