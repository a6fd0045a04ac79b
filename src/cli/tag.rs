//! `kashif tag`: tag CoNLL tokens from standard input with the trained model.

use std::io::{BufWriter, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, bail};
use clap::{Args, ValueEnum};

use kashif::propose::accurate::AccurateTagger;
use kashif::propose::bundled;
use kashif::propose::iob::tags_of;
use kashif::propose::model::Model;
use kashif::propose::proposer::Proposer;
use std::sync::Arc;

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Format {
    /// One token a line (first column), blank line between sentences.
    Conll,
}

#[derive(Args, Clone, Debug)]
pub struct TagArgs {
    #[arg(long, value_enum, default_value = "conll")]
    pub format: Format,
    /// Output only these labels (comma-separated); the others become O.
    #[arg(long, value_delimiter = ',')]
    pub labels: Vec<String>,
    /// A model file instead of the one built into the program.
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Add the rules, dates and gazetteers to the model, as `propose` does
    /// (more recall, less precision on ANERcorp: see docs/model.md).
    #[arg(long)]
    pub with_rules: bool,
    /// With `--tagger accurate`: the fast tagger's share (0 to 1) of each
    /// word's tag distribution, mixed with the encoder's before decoding
    /// (docs/model.md, "Both tiers in one answer"). 0: the encoder alone.
    /// Ignored with the fast tier.
    #[arg(long, default_value_t = kashif::propose::proposer::DEFAULT_FAST_WEIGHT)]
    pub fast_weight: f32,
    /// Subtract this from every token's O score (overrides the model's own
    /// setting): more recall, less precision.
    #[arg(long)]
    pub outside_penalty: Option<f32>,
    /// Threads to tag with (default: every core). The output is the same
    /// whatever the number.
    #[arg(long)]
    pub jobs: Option<usize>,
    /// Print how long each step took (model load, read, tag, write) to
    /// standard error, in milliseconds.
    #[arg(long)]
    pub timings: bool,
    #[command(flatten)]
    pub tagger: super::common::TaggerArgs,
}

/// Tags CoNLL `input` into `out`, keeping blank lines; `keep` filters
/// labels. The sentences are tagged as one running text (the model looks at
/// nearby sentences for the same names). With a proposer, rules, dates and
/// gazetteers join the model (see `propose::proposer`).
pub fn tag_conll(
    model: &Model,
    accurate: Option<&AccurateTagger>,
    proposer: Option<&Proposer>,
    with_rules: bool,
    input: &str,
    keep: &[String],
    out: &mut impl Write,
) -> std::io::Result<()> {
    // Lines as they come: Some(token) or None for a blank line (read
    // again for the output rather than kept: 16 bytes a line).
    let lines = || input.lines().map(|l| l.split_whitespace().next());
    let mut sents: Vec<Vec<&str>> = Vec::new();
    let mut cur: Vec<&str> = Vec::new();
    for l in lines() {
        match l {
            Some(t) => cur.push(t),
            None if !cur.is_empty() => sents.push(std::mem::take(&mut cur)),
            None => {}
        }
    }
    if !cur.is_empty() {
        sents.push(cur);
    }
    let wanted = |l: &str| keep.is_empty() || keep.iter().any(|k| k == l);
    let mut write = |tags: &mut dyn Iterator<Item = &str>| -> std::io::Result<()> {
        for l in lines() {
            match l {
                Some(tok) => {
                    let tag = tags.next().unwrap_or("O");
                    out.write_all(tok.as_bytes())?;
                    out.write_all(b" ")?;
                    out.write_all(tag.as_bytes())?;
                    out.write_all(b"\n")?;
                }
                None => out.write_all(b"\n")?,
            }
        }
        Ok(())
    };
    match (proposer, accurate) {
        (Some(p), _) if !with_rules => {
            let tagged = p
                .model_tags(&sents)
                .map_err(|e| std::io::Error::other(e.to_string()))?;
            let mut tags = tagged.iter().flatten().map(|t| kept_or_outside(t, &wanted));
            write(&mut tags)
        }
        (Some(p), _) => {
            let tagged: Vec<String> = p
                .propose_tokens(&sents, wanted)
                .map_err(|e| std::io::Error::other(e.to_string()))?
                .into_iter()
                .zip(&sents)
                .flat_map(|(sp, s)| tags_of(&sp, s.len()))
                .collect();
            write(&mut tagged.iter().map(String::as_str))
        }
        (None, Some(acc)) => {
            let tagged = acc
                .tag_sentences(&sents)
                .map_err(|e| std::io::Error::other(e.to_string()))?;
            let names: Vec<&str> = (0..acc.labels.len())
                .map(|k| kept_or_outside(acc.tag_name(k), &wanted))
                .collect();
            let mut tags = tagged
                .iter()
                .flat_map(|t| t.tags.iter().map(|&k| names.get(k).copied().unwrap_or("O")));
            write(&mut tags)
        }
        (None, None) => {
            // The model's tag names, with unwanted labels as O.
            let names: Vec<&str> = (0..model.labels.len())
                .map(|k| kept_or_outside(model.tag_name(k), &wanted))
                .collect();
            let tagged = model.tag_document(&sents, false);
            let mut tags = tagged
                .iter()
                .flat_map(|t| t.tags.iter().map(|&k| names.get(k).copied().unwrap_or("O")));
            write(&mut tags)
        }
    }
}

/// `tag` itself, or `O` when its label is not one `wanted` keeps.
fn kept_or_outside<'a>(tag: &'a str, wanted: &impl Fn(&str) -> bool) -> &'a str {
    match tag.split_once('-') {
        Some((_, l)) if !wanted(l) => "O",
        _ => tag,
    }
}

pub fn run(args: TagArgs) -> anyhow::Result<ExitCode> {
    let Format::Conll = args.format;
    let pool = super::common::thread_pool(args.jobs)?;
    // The model loads on another thread while standard input is read.
    let start = Instant::now();
    let (model, load_ms, input, read_ms) = std::thread::scope(|s| {
        let loading = s.spawn(|| {
            let t = Instant::now();
            let model = match &args.model {
                Some(p) => bundled::load_file(p),
                None => bundled::load(),
            };
            let accurate = args.tagger.accurate();
            ((model, accurate), t.elapsed().as_secs_f64() * 1000.0)
        });
        let mut input = String::new();
        let read = std::io::stdin()
            .read_to_string(&mut input)
            .context("reading standard input");
        let read_ms = start.elapsed().as_secs_f64() * 1000.0;
        let (model, ms) = match loading.join() {
            Ok(loaded) => loaded,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        (model, ms, read.map(|_| input), read_ms)
    });
    let (model, accurate) = model;
    let mut model = model?;
    let accurate = accurate?;
    let input = input?;
    let read = Instant::now();
    if let Some(p) = args.outside_penalty {
        model.outside_penalty = p;
    }
    for l in &args.labels {
        if !model.types().contains(l) && l != "DATE" {
            bail!(
                "--labels: the model has no label {l:?} (it has {})",
                model.types().join(", ")
            );
        }
    }
    let mut out = BufWriter::with_capacity(1 << 16, std::io::stdout());
    if !(0.0..=1.0).contains(&args.fast_weight) {
        bail!("--fast-weight: {} is not between 0 and 1", args.fast_weight);
    }
    let blend = args.fast_weight > 0.0 && accurate.is_some();
    let proposer = (args.with_rules || blend).then(|| {
        let p = Proposer::new(Arc::new(model.clone())).with_fast_weight(args.fast_weight);
        match &accurate {
            Some(acc) => p.with_accurate(acc.clone()),
            None => p,
        }
    });
    pool.install(|| {
        tag_conll(
            &model,
            accurate.as_deref(),
            proposer.as_ref(),
            args.with_rules,
            &input,
            &args.labels,
            &mut out,
        )
    })
    .context("tagging standard input")?;
    out.flush().context("writing standard output")?;
    let done = Instant::now();
    if args.timings {
        let ms = |a: Instant, b: Instant| (b - a).as_secs_f64() * 1000.0;
        eprintln!(
            "kashif tag: model load {load_ms:.1} ms{}, read {read_ms:.1} ms (at the same time), tag and write {:.1} ms, {} threads",
            accurate.as_ref().map_or(String::new(), |a| format!(
                " (accurate tier: {:.1} ms, {:.1} MB)",
                a.info.load_ms,
                a.info.bytes as f64 / 1e6
            )),
            ms(read, done),
            pool.current_num_threads()
        );
    }
    // The process ends here: handing the model's ~100,000 small
    // allocations back one by one would only cost time (10–20 ms).
    std::mem::forget(proposer);
    std::mem::forget(model);
    std::mem::forget(input);
    Ok(ExitCode::SUCCESS)
}
