//! How long, and how much memory, importing one endless CoNLL stream takes:
//! ANERcorp as first distributed has no blank line at all (1.2 million
//! chars in one "sentence").
//!
//! `cargo run --release --example conll_stream_speed [FILE]` (default
//! `../shared/data/anercorp/train.conll`): the file's blank lines are
//! removed in memory (the original distribution's shape), written to a
//! temporary folder, then read, placed as a new corpus text and saved as
//! one annotator's file, as `kashif import --format conll --add-texts`
//! does. Prints the time of each step and the process's peak memory
//! (`VmHWM` of `/proc/self/status`, Linux only).

use std::path::PathBuf;
use std::time::Instant;

use kashif::annotation::{DocAnnotations, Status};
use kashif::corpus::{Corpus, Document};
use kashif::formats::{self, Format, ImportOptions, Placement};
use kashif::schema::Schema;
use kashif::store::Store;

/// Peak resident memory in MB, where the system says it.
fn peak_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let src = std::env::args().nth(1).map_or_else(
        || PathBuf::from("../shared/data/anercorp/train.conll"),
        PathBuf::from,
    );
    let original = std::fs::read_to_string(&src)?;
    let stream: String = original
        .lines()
        .filter(|l| !l.trim().is_empty())
        .flat_map(|l| [l, "\n"])
        .collect();
    drop(original);
    let dir = tempfile_dir()?;
    let file = dir.join("stream.conll");
    std::fs::write(&file, &stream)?;
    println!(
        "input: {} with its blank lines removed: {} chars, {} lines, no blank line",
        src.display(),
        stream.chars().count(),
        stream.lines().count()
    );
    drop(stream);
    let corpus_dir = dir.join("corpus");
    std::fs::create_dir_all(&corpus_dir)?;
    let schema = Schema::builtin();
    let options = ImportOptions {
        labels: Some(schema.labels.iter().map(|l| l.name.clone()).collect()),
        ..ImportOptions::default()
    };

    let all = Instant::now();
    let t = Instant::now();
    let mut files = formats::read_files(Format::Conll, std::slice::from_ref(&file), &options);
    let read = files.remove(0)?;
    let read_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let corpus = Corpus::load(&corpus_dir)?;
    let placements = formats::place(&read.docs, &corpus, true);
    let store = Store::open(&dir.join("ann"), "aner")?;
    let mut entities = 0;
    for p in placements {
        if let Placement::New { id, text, spans } = p {
            let doc = Document {
                path: corpus_dir.join(format!("{id}.txt")),
                id,
                text,
            };
            std::fs::write(&doc.path, &doc.text)?;
            entities += spans.len();
            store.save(
                &doc,
                &DocAnnotations {
                    status: Status::Done,
                    entities: spans,
                    ..Default::default()
                },
            )?;
        }
    }
    let write_s = t.elapsed().as_secs_f64();
    println!(
        "read and checked: {read_s:.2} s; placed and saved: {write_s:.2} s; total {:.2} s",
        all.elapsed().as_secs_f64()
    );
    println!(
        "{} document(s), {entities} entities, {} issue(s) reported ({} skipped); shape: {}",
        read.docs.len(),
        read.issues.len(),
        read.skipped(),
        read.shape
    );
    match peak_mb() {
        Some(mb) => println!("peak memory (VmHWM): {mb:.0} MB"),
        None => println!("peak memory: not available on this system"),
    }
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

/// A fresh folder under the system's temporary folder.
fn tempfile_dir() -> std::io::Result<PathBuf> {
    let d = std::env::temp_dir().join(format!("kashif-conll-speed-{}", std::process::id()));
    std::fs::create_dir_all(&d)?;
    Ok(d)
}
