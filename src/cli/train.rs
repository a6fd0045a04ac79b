//! `kashif train`: train the tagger on a CoNLL file, report held-out scores.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::Args;

use kashif::annotation::Status;
use kashif::propose::features::Groups;
use kashif::propose::gold::sentences_of;
use kashif::propose::iob::{Score, Sentence, read_conll, spans};
use kashif::propose::model::Model;
use kashif::store;

use super::common::Folders;
use kashif::propose::train::{Algorithm, TrainConfig, maintained_gazetteer, train_with_extra};

#[derive(Args, Clone, Debug)]
pub struct TrainArgs {
    /// CoNLL training file (`token TAG` lines, IOB2).
    #[arg(long, default_value = "../shared/data/anercorp/train.conll")]
    pub data: PathBuf,
    /// Share of sentences, taken from the END of the file, held out for scoring.
    #[arg(long, default_value_t = 0.1)]
    pub holdout_fraction: f64,
    /// Where the model goes.
    #[arg(long, default_value = "assets/model/ner.model")]
    pub out: PathBuf,
    /// Train and score only; write no model.
    #[arg(long)]
    pub dry_run: bool,
    /// Perceptron passes over the data.
    #[arg(long, default_value_t = TrainConfig::default().epochs)]
    pub epochs: usize,
    /// Drop features seen fewer times than this.
    #[arg(long, default_value_t = TrainConfig::default().min_count)]
    pub min_count: u32,
    /// Leave out a feature group (repeatable): word, affix, stem, window,
    /// bigram, shape, lexicon, phrase, position, neighbour-lex, trigger,
    /// context-affix, char-ngram, document.
    #[arg(long)]
    pub without: Vec<String>,
    /// Add a feature group left out by default (repeatable): gazetteer, rules.
    #[arg(long)]
    pub with: Vec<String>,
    /// perceptron, crf (SGD) or lbfgs (CRF by L-BFGS; `--epochs` is then
    /// the most iterations, ~150 suit ANERcorp).
    #[arg(long, default_value = "perceptron")]
    pub algorithm: Algorithm,
    /// CRF: L2 strength.
    #[arg(long, default_value_t = TrainConfig::default().c2)]
    pub c2: f64,
    /// CRF: first learning rate.
    #[arg(long, default_value_t = TrainConfig::default().eta0)]
    pub eta0: f64,
    /// Training runs with different shuffles, weights averaged.
    #[arg(long, default_value_t = TrainConfig::default().ensemble)]
    pub ensemble: usize,
    /// Scores are divided by this for confidences (marginals); default 20
    /// for the perceptron, 1 for the CRF learners.
    #[arg(long)]
    pub temperature: Option<f32>,
    /// Weights smaller than this (absolute) are left out of the model file.
    #[arg(long, default_value_t = TrainConfig::default().prune)]
    pub prune: f32,
    /// Subtracted from every token's O score when tagging (more recall).
    #[arg(long, default_value_t = TrainConfig::default().outside_penalty)]
    pub outside_penalty: f32,
    /// Learn BIOES tags (begin, inside, end, single) instead of IOB2; the
    /// output is IOB2 either way.
    #[arg(long)]
    pub bioes: bool,
    /// Shuffle seed (training is deterministic for a given seed; seeds that
    /// differ only in the lowest bit give the same shuffle).
    #[arg(long, default_value_t = TrainConfig::default().seed)]
    pub seed: u64,
    /// Extra labelled data of another domain (CoNLL, same labels), e.g.
    /// `assets/train/wikifane.conll` (repeatable). Only trained on: the
    /// held-out part comes from `--data` alone.
    #[arg(long)]
    pub extra: Vec<PathBuf>,
    /// Perceptron: weight of an extra sentence's updates against a
    /// `--data` sentence's (in steps of 0.25).
    #[arg(long, default_value_t = TrainConfig::default().extra_weight)]
    pub extra_weight: f32,
    /// Domain-tagged feature copies (Daumé 2007) for `--data` and `--extra`.
    #[arg(long)]
    pub domain_copies: bool,
    /// `--extra` data feeds only the mined lexicon, not the weights.
    #[arg(long)]
    pub extra_lexicon_only: bool,
    /// `--extra` data is not trained on; its own lexicon fills in only
    /// words, stems and phrases the `--data` lexicon lacks.
    #[arg(long)]
    pub extra_lexicon_fill: bool,
    /// With `--extra-lexicon-fill`: fill in only persons (and non-entities).
    #[arg(long)]
    pub extra_fill_persons_only: bool,
    /// Also train on the documents annotators marked done.
    #[arg(long)]
    pub with_annotations: bool,
    #[command(flatten)]
    pub folders: Folders,
    /// Write the held-out sentences as CoNLL here (to score `kashif tag` on them).
    #[arg(long)]
    pub write_heldout: Option<PathBuf>,
}

/// Splits off the last `fraction` of sentences (at least one when any are held out).
pub fn split(data: Vec<Sentence>, fraction: f64) -> (Vec<Sentence>, Vec<Sentence>) {
    let n = data.len();
    let held = ((n as f64) * fraction.clamp(0.0, 1.0)).round() as usize;
    let mut train = data;
    let heldout = train.split_off(n - held.min(n));
    (train, heldout)
}

/// Held-out scores of a model; the held-out sentences are tagged as one
/// running text, as `kashif tag` does. Also returns, per confidence band,
/// (predicted spans, correct ones): how far the confidences can be trusted.
pub fn evaluate(model: &Model, heldout: &[Sentence]) -> (Score, Vec<(f32, usize, usize)>) {
    let sents: Vec<Vec<&str>> = heldout
        .iter()
        .map(|s| s.tokens.iter().map(String::as_str).collect())
        .collect();
    let mut score = Score::default();
    let mut bands: Vec<(f32, usize, usize)> = [0.0, 0.5, 0.8, 0.95, 0.99]
        .iter()
        .map(|&b| (b, 0, 0))
        .collect();
    for (s, t) in heldout.iter().zip(model.tag_document(&sents, true)) {
        let pred: Vec<&str> = t.tags.iter().map(|&t| model.tag_name(t)).collect();
        score.add(&s.tags, &pred);
        let gold = spans(&s.tags);
        for p in spans(&pred) {
            let c = t.confidence[p.start..p.end]
                .iter()
                .copied()
                .fold(1.0f32, f32::min);
            if let Some(b) = bands.iter_mut().rev().find(|b| c >= b.0) {
                b.1 += 1;
                b.2 += gold.contains(&p) as usize;
            }
        }
    }
    (score, bands)
}

/// Sentences of every document any annotator marked done.
fn done_documents(folders: &Folders) -> anyhow::Result<Vec<Sentence>> {
    let schema = folders.schema()?;
    let corpus = folders.corpus()?;
    let mut out = Vec::new();
    for annotator in store::annotators(&folders.annotations) {
        let reader = store::Reader::open(&folders.annotations, &annotator)?;
        for doc in &corpus.documents {
            let loaded = reader.read(doc, &schema)?;
            if let Some(l) = loaded
                && l.annotations.status == Status::Done
            {
                out.extend(sentences_of(&doc.text, &l.annotations.entities));
            }
        }
    }
    Ok(out)
}

pub fn run(args: TrainArgs) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(&args.data).with_context(|| {
        format!(
            "--data {}: cannot read the training file",
            args.data.display()
        )
    })?;
    let data = read_conll(&text, true).with_context(|| args.data.display().to_string())?;
    let total = data.len();
    let (mut train_part, heldout) = split(data, args.holdout_fraction);
    if args.with_annotations {
        let gold = done_documents(&args.folders)?;
        eprintln!(
            "adding {} sentences from documents marked done in {}",
            gold.len(),
            args.folders.annotations.display()
        );
        train_part.extend(gold);
    }
    let mut groups = Groups::default_set();
    for name in &args.with {
        groups.0 |=
            Groups::by_name(name).with_context(|| format!("unknown feature group {name:?}"))?;
    }
    for name in &args.without {
        let g = Groups::by_name(name).with_context(|| format!("unknown feature group {name:?}"))?;
        groups.0 &= !g;
    }
    let cfg = TrainConfig {
        groups,
        epochs: args.epochs,
        min_count: args.min_count,
        outside_penalty: args.outside_penalty,
        bioes: args.bioes,
        seed: args.seed,
        algorithm: args.algorithm,
        c2: args.c2,
        eta0: args.eta0,
        prune: args.prune,
        temperature: args.temperature,
        ensemble: args.ensemble,
        extra_weight: args.extra_weight,
        domain_copies: args.domain_copies,
        extra_lexicon_only: args.extra_lexicon_only,
        extra_lexicon_fill: args.extra_lexicon_fill,
        extra_fill_persons_only: args.extra_fill_persons_only,
        ..TrainConfig::default()
    };
    if !(args.extra_weight > 0.0 && args.extra_weight.is_finite()) {
        anyhow::bail!(
            "--extra-weight must be a positive number, got {}",
            args.extra_weight
        );
    }
    let mut extra = Vec::new();
    for path in &args.extra {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let sents = read_conll(&text, true).with_context(|| path.display().to_string())?;
        eprintln!("{}: {} extra sentences", path.display(), sents.len());
        extra.extend(sents);
    }
    eprintln!(
        "{}: {total} sentences; training on the first {}, holding out the last {}",
        args.data.display(),
        train_part.len(),
        heldout.len()
    );
    if let Some(first) = heldout.first() {
        eprintln!(
            "held-out part = `tail -n +{} {}`",
            first.line,
            args.data.display()
        );
    }
    if let Some(path) = &args.write_heldout {
        let mut out = String::new();
        for s in &heldout {
            for (t, g) in s.tokens.iter().zip(&s.tags) {
                out.push_str(&format!("{t} {g}\n"));
            }
            out.push('\n');
        }
        std::fs::write(path, out).with_context(|| format!("writing {}", path.display()))?;
    }
    let start = Instant::now();
    let model = train_with_extra(&train_part, &extra, &maintained_gazetteer(), &cfg, |e| {
        eprintln!(
            "epoch {e}/{} ({:.1} s)",
            cfg.epochs,
            start.elapsed().as_secs_f64()
        )
    })?;
    eprintln!(
        "trained in {:.1} s: {} features, {} labels",
        start.elapsed().as_secs_f64(),
        model.num_features(),
        model.labels.len()
    );
    if !heldout.is_empty() {
        println!("held-out exact-span scores ({} sentences):", heldout.len());
        let (score, bands) = evaluate(&model, &heldout);
        print!("{score}");
        println!("precision of predicted spans by confidence (lowest token marginal):");
        for (lo, n, ok) in bands {
            if n > 0 {
                println!(
                    "  >= {lo:<4}  {n:>5} spans  precision {:.3}",
                    ok as f64 / n as f64
                );
            }
        }
    }
    if !args.dry_run {
        let bytes = model.to_bytes();
        if let Some(dir) = args.out.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        std::fs::write(&args.out, &bytes)
            .with_context(|| format!("writing {}", args.out.display()))?;
        eprintln!("wrote {} ({} bytes)", args.out.display(), bytes.len());
    }
    Ok(ExitCode::SUCCESS)
}
