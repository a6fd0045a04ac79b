//! Tagging speed, model load time and peak memory.
//!
//! `cargo bench --bench tag [-- CONLL_FILE]` (default: the ANERcorp file at
//! `../shared/data/anercorp/train.conll`). Runs on one thread; prints figures,
//! asserts nothing.

use std::sync::Arc;
use std::time::Instant;

use kashif::corpus::Corpus;
use kashif::propose::bundled;
use kashif::propose::iob::read_conll;
use kashif::propose::proposer::Proposer;

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() -> anyhow::Result<()> {
    // One thread, as the figures say (tagging runs on rayon's pool, which
    // has a thread per core unless told otherwise).
    rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build_global()
        .map_err(|e| anyhow::anyhow!("one-thread pool: {e}"))?;
    let path = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .unwrap_or_else(|| {
            // the repository sits next to `shared/` (or two levels down, in a worktree)
            ["../shared", "../../shared"]
                .iter()
                .map(|d| format!("{d}/data/anercorp/train.conll"))
                .find(|p| std::path::Path::new(p).exists())
                .unwrap_or_else(|| "../shared/data/anercorp/train.conll".to_string())
        });

    let mut loads = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let m = bundled::load()?;
        loads.push(t.elapsed().as_secs_f64() * 1000.0);
        std::hint::black_box(&m);
    }
    loads.sort_by(f64::total_cmp);
    println!(
        "model load (embedded {}): best {:.1} ms, median {:.1} ms",
        bundled::MODEL_PATH,
        loads[0],
        loads[2]
    );
    let model = bundled::load()?;

    let text = std::fs::read_to_string(&path).map_err(|e| anyhow::anyhow!("{path}: {e}"))?;
    let sents = read_conll(&text, false)?;
    let toks: Vec<Vec<&str>> = sents
        .iter()
        .map(|s| s.tokens.iter().map(String::as_str).collect())
        .collect();
    let n: usize = toks.iter().map(Vec::len).sum();
    let mut best = f64::MAX;
    for _ in 0..3 {
        let t = Instant::now();
        let out = model.tag_document(&toks, false);
        best = best.min(t.elapsed().as_secs_f64());
        std::hint::black_box(out);
    }
    println!(
        "tag (two passes, document context): {n} tokens in {:.3} s = {:.0} tokens/s on one core",
        best,
        n as f64 / best
    );
    let t = Instant::now();
    let out = model.tag_document(&toks, true);
    let secs = t.elapsed().as_secs_f64();
    std::hint::black_box(out);
    println!("tag with confidences: {:.0} tokens/s", n as f64 / secs);

    if let Ok(corpus) = Corpus::load(std::path::Path::new("seeds")) {
        let proposer = Proposer::new(Arc::new(model.clone()));
        let chars: usize = corpus
            .documents
            .iter()
            .map(|d| d.text.chars().count())
            .sum();
        let t = Instant::now();
        let mut count = 0;
        for d in &corpus.documents {
            count += proposer.propose(&d.text).len();
        }
        let secs = t.elapsed().as_secs_f64();
        println!(
            "propose (model + rules + gazetteers) on seeds/: {} documents, {chars} chars, {count} proposals in {:.1} ms",
            corpus.documents.len(),
            secs * 1000.0
        );
    }
    match peak_rss_kib() {
        Some(k) => println!("peak memory (VmHWM): {:.1} MiB", k as f64 / 1024.0),
        None => println!("peak memory: /proc/self/status not readable"),
    }
    Ok(())
}
