//! No needless retraining (issue 25, point 6): the workbench retrains the
//! model on the shipped base data plus every done document, and keeps the
//! result in `annotations/.kashif-cache/`. This times the two starts the
//! annotator sees: the first (nothing kept: trains and keeps the model) and
//! the next one with nothing new done (loads the kept model), through the
//! same `ModelProposer::retrain` the workbench runs in the background.
//! Before them, a retraining cancelled half-way (how soon it stops, and
//! that it keeps nothing), and with the first, when its progress bar
//! reached each tenth (how evenly it moves over the stages).
//!
//! The gold: the seed articles (`seeds/`), each taken as done with the
//! shipped model's proposals as its entities.
//!
//!     cargo run --release --example retrain_cache

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use kashif::annotation::{Origin, Span};
use kashif::corpus::Corpus;
use kashif::propose::bundled;
use kashif::propose::proposer::Proposer as Combined;
use kashif::propose::train::TrainControl;
use kashif::workflow::{Base, Learner, ModelProposer};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let seeds = Corpus::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds"))?;
    let cache = tempfile_dir()?;
    let start = || -> Result<ModelProposer, Box<dyn std::error::Error>> {
        let model = Arc::new(bundled::load()?);
        let shipped = Combined::new(model.clone());
        let p =
            ModelProposer::with_base(Combined::new(model), Base::Shipped).with_cache(cache.clone());
        for doc in &seeds.documents {
            let gold: Vec<Span> = shipped
                .propose(&doc.text)
                .into_iter()
                .map(|q| Span {
                    text: q.text.clone(),
                    ..Span::new(q.start, q.end, q.label, Origin::Manual)
                })
                .collect();
            p.remember(&doc.id, &doc.text, &gold);
        }
        Ok(p)
    };
    // Cancelled half-way (the status bar's Cancel): how soon it stops.
    let cancelled_at: Arc<Mutex<Option<Instant>>> = Arc::default();
    let at = cancelled_at.clone();
    let control = TrainControl::with_listener(move |c| {
        if c.fraction() >= 0.5 && c.cancel() {
            at.lock()
                .unwrap_or_else(|e| e.into_inner())
                .get_or_insert_with(Instant::now);
        }
    });
    let t = Instant::now();
    let r = start()?.retrain(&control);
    let stopped = cancelled_at
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .map(|c| c.elapsed().as_secs_f64());
    println!(
        "cancelled at 50 %:        {r:?} after {:.2} s, {:.2} s after the cancel",
        t.elapsed().as_secs_f64(),
        stopped.unwrap_or(f64::NAN)
    );
    // The progress bar's fraction over time: when each tenth was reached.
    let marks: Arc<Mutex<Vec<f64>>> = Arc::default();
    let (m, t) = (marks.clone(), Instant::now());
    let control = TrainControl::with_listener(move |c| {
        let mut m = m.lock().unwrap_or_else(|e| e.into_inner());
        while (m.len() as f32) < (c.fraction() * 10.0).floor() {
            m.push(t.elapsed().as_secs_f64());
        }
    });
    let msg = start()?.retrain(&control)?;
    println!(
        "first start (retrains):  {:.2} s  {msg}",
        t.elapsed().as_secs_f64()
    );
    let marks = marks.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let marks: Vec<String> = marks
        .iter()
        .enumerate()
        .map(|(i, s)| format!("{}0 % {s:.1} s", i + 1))
        .collect();
    println!("  progress reached: {}", marks.join(", "));
    let t = Instant::now();
    let msg = start()?.retrain(&TrainControl::new())?;
    println!(
        "next start (nothing new): {:.2} s  {msg}",
        t.elapsed().as_secs_f64()
    );
    std::fs::remove_dir_all(&cache)?;
    Ok(())
}

/// A fresh folder for the cache under the system's temp folder.
fn tempfile_dir() -> std::io::Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("kashif-retrain-cache-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
