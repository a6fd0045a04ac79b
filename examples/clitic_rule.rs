//! Precision and recall of the workbench's clitic rule
//! (`arabic::clitic_skip_by`, what a drag, a double-click or the keyboard
//! caret leaves out of a selection's first word) on ANERcorp's training
//! tokens, against the rule that knew only the open document.
//!
//! The tokens measured are the first tokens of gold names in the held-out
//! part of train.conll (from line 114,822, as the shipped model was trained
//! on the lines before) that start with و ف ب ل ك. ANERcorp keeps clitics
//! attached, so where the name starts inside such a token is read from the
//! gold boundaries elsewhere: the token starts with a proclitic when what
//! follows one of its proclitic readings starts a gold name somewhere in
//! the file (`وإسرائيل` → `إسرائيل`), or when a proclitic comes before the
//! article (`والأراضي`); else the name starts with the letter (`واشنطن`).
//! A rule's strip is right when it leaves out exactly that many letters.
//!
//! - "knowledge": the gazetteers, the shipped model's vocabulary (trained
//!   without the held-out part) and the words of the held-out part (the
//!   corpus being annotated);
//! - "document": the words of the token's own "document" (the 40
//!   sentences around it; ANERcorp has no document breaks), as before.
//!
//!     cargo run --release --example clitic_rule -- ../shared/data/anercorp/train.conll

use std::collections::HashSet;

use kashif::arabic::{Lexicon, Vocabulary, clitic_skip, clitic_skip_by, normalize, splits};
use kashif::propose::gazetteer::Gazetteer;
use kashif::propose::iob::read_conll;
use kashif::propose::lexicon::UNSEEN;
use kashif::propose::model::Model;

/// The first line of the held-out part (see docs/model.md).
const HELD_OUT_FROM: usize = 114_822;
/// Sentences that make up one "document" for the old rule.
const DOC_SENTENCES: usize = 40;

struct Knowledge<'a> {
    model: &'a Model,
    corpus: &'a Vocabulary,
}

impl Lexicon for Knowledge<'_> {
    fn is_name(&self, form: &str) -> bool {
        Gazetteer::builtin().label_of(form).is_some()
    }

    fn is_word(&self, form: &str) -> bool {
        let class = self.model.lexicon.word_class(form).0;
        self.corpus.contains(form) || (class != 0 && class != UNSEEN)
    }
}

#[derive(Default)]
struct Score {
    /// Tokens where the truth strips letters.
    truth: usize,
    /// Tokens where the rule strips letters.
    stripped: usize,
    /// Of those, stripped exactly as the truth says.
    right: usize,
}

impl Score {
    fn add(&mut self, truth: usize, got: usize) {
        self.truth += usize::from(truth > 0);
        self.stripped += usize::from(got > 0);
        self.right += usize::from(got > 0 && got == truth);
    }

    fn line(&self, name: &str) -> String {
        let pct = |a: usize, b: usize| 100.0 * a as f64 / b.max(1) as f64;
        format!(
            "{name}: stripped {} of which {} right: precision {:.1} %, recall {:.1} % (of {})",
            self.stripped,
            self.right,
            pct(self.right, self.stripped),
            pct(self.right, self.truth),
            self.truth
        )
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "../shared/data/anercorp/train.conll".into());
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() < HELD_OUT_FROM {
        return Err(format!("{path}: fewer than {HELD_OUT_FROM} lines").into());
    }
    let all = read_conll(&text, true)?;
    let held = read_conll(&lines[HELD_OUT_FROM - 1..].join("\n"), true)?;
    // Where gold names start, over the whole file.
    let starts: HashSet<String> = all
        .iter()
        .flat_map(|s| s.tokens.iter().zip(&s.tags))
        .filter(|(_, t)| t.starts_with("B-"))
        .map(|(w, _)| normalize(w).into_string())
        .collect();
    let model = kashif::propose::bundled::load()?;
    let mut corpus = Vocabulary::new();
    for s in &held {
        corpus.add(&s.tokens.join(" "));
    }
    let know = Knowledge {
        model: &model,
        corpus: &corpus,
    };
    let (mut new, mut old) = (Score::default(), Score::default());
    let mut wrong_new = Vec::new();
    for (k, s) in held.iter().enumerate() {
        let d0 = k / DOC_SENTENCES * DOC_SENTENCES;
        let mut doc: Option<Vocabulary> = None;
        for (w, tag) in s.tokens.iter().zip(&s.tags) {
            if !tag.starts_with("B-") || !w.starts_with(['و', 'ف', 'ب', 'ل', 'ك']) {
                continue;
            }
            let truth = truth_of(w, &starts);
            let got = clitic_skip_by(w, &know);
            let doc = doc.get_or_insert_with(|| {
                let mut v = Vocabulary::new();
                for s in &held[d0..(d0 + DOC_SENTENCES).min(held.len())] {
                    v.add(&s.tokens.join(" "));
                }
                v
            });
            let before = clitic_skip(w, |f| doc.contains(f));
            new.add(truth, got);
            old.add(truth, before);
            if got != truth && wrong_new.len() < 25 {
                wrong_new.push(format!("{w}: truth {truth}, rule {got}"));
            }
        }
    }
    println!(
        "held out: {} sentences; gold names starting with و ف ب ل ك: measured below",
        held.len()
    );
    println!("{}", new.line("knowledge (corpus, gazetteers, model)"));
    println!("{}", old.line("document only (before)"));
    for w in &wrong_new {
        println!("  differs: {w}");
    }
    Ok(())
}

/// Letters a gold name leaves out at the start of `word` (see the module
/// doc): the longest proclitic reading whose rest starts a gold name, else
/// a proclitic before the article, else none.
fn truth_of(word: &str, starts: &HashSet<String>) -> usize {
    let all = splits(word);
    let rest =
        |s: usize| -> String { normalize(&word.chars().skip(s).collect::<String>()).into_string() };
    let by_gold = all
        .iter()
        .map(|s| s.entity_start)
        .filter(|&s| s > 0 && word.chars().count() - s >= 3 && starts.contains(&rest(s)))
        .max();
    by_gold
        .or_else(|| {
            all.iter()
                .filter(|s| s.article && s.entity_start > 0)
                .map(|s| s.entity_start)
                .max()
        })
        .unwrap_or(0)
}
