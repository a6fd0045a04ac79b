//! The accurate tier: multilingual-e5-small (a 12-layer, 384-wide
//! XLM-RoBERTa encoder, MIT) fine-tuned for PER/LOC/ORG/MISC on ANERcorp's
//! training part, run on the CPU with candle, its pieces cut by the
//! `tokenizers` crate. Slower than the fast tagger (about a thousand words a
//! second rather than hundreds of thousands) and more accurate: see
//! docs/model.md ("The accurate tier") for how it was made and measured.
//!
//! The files live in one folder (default `assets/encoder/` of the source
//! tree, or `$KASHIF_ENCODER`), written by `scripts/encoder/export_accurate.py`:
//! `config.json` (transformers' XLM-RoBERTa configuration with `id2label`),
//! `tokenizer.json` (the pruned SentencePiece unigram vocabulary) and
//! `model.safetensors` (int8 rows, see [`weights`]).
//!
//! Alignment: each word is cut into pieces on its own (a metaspace before
//! it, as in the running sentence); the word's tag is read from its FIRST
//! piece, as in the fine-tune. Tags come out as IOB2 (an `I-` that does not
//! continue its label is read as `B-`), with the first piece's softmax
//! probability as the word's confidence.

pub mod decode;
pub mod head;
pub mod knn;
pub mod weights;
pub mod windows;

use std::path::{Path, PathBuf};
use std::time::Instant;

use candle_core::{DType, Device, Tensor};
use candle_nn::{Linear, Module, VarBuilder};
use candle_transformers::models::xlm_roberta::{Config, XLMRobertaModel};
use tokenizers::Tokenizer;

/// Pieces one word may bring (longer words, a URL say, are cut: the label
/// is read from the first piece anyway).
pub const MAX_WORD_PIECES: usize = 64;

/// Pieces (with padding) per forward pass when tagging many sentences.
const BATCH_PIECES: usize = 4096;

/// Why the encoder could not be loaded or run.
#[derive(Debug, thiserror::Error)]
pub enum EncoderError {
    #[error("{}: the accurate tier's file is missing (build it with scripts/encoder/export_accurate.py, or point KASHIF_ENCODER at its folder)", path.display())]
    Missing { path: PathBuf },
    #[error("{}: not a usable encoder file: {reason}", path.display())]
    Corrupt { path: PathBuf, reason: String },
    #[error("the encoder failed on a sentence: {0}")]
    Inference(String),
}

/// What was loaded, for status lines and `--timings`.
#[derive(Debug, Clone)]
pub struct EncoderInfo {
    pub dir: PathBuf,
    pub layers: usize,
    pub pieces: usize,
    /// Bytes of the three files on disk.
    pub bytes: u64,
    pub load_ms: f64,
}

/// Sentences of the base data a head refit replays
/// ([`AccurateTagger::base_replay`]).
pub const REPLAY_SENTENCES: usize = 300;

/// Per sentence, per word: the classifier's scores (one per label) and,
/// when asked for, the encoder's state of the word (empty otherwise).
#[derive(Debug, Clone, Default)]
pub struct WordRows {
    pub logits: Vec<Vec<Vec<f32>>>,
    pub states: Vec<Vec<Vec<f32>>>,
}

/// Per word of one sentence: the IOB2 tag index (into
/// [`AccurateTagger::labels`]) and the first piece's probability of it.
#[derive(Debug, Clone, PartialEq)]
pub struct TaggedWords {
    pub tags: Vec<usize>,
    pub confidence: Vec<f32>,
}

/// The loaded encoder, its classifier and tokenizer. `Send + Sync`: one
/// instance serves every thread.
pub struct AccurateTagger {
    model: XLMRobertaModel,
    classifier: Linear,
    tokenizer: Tokenizer,
    /// IOB2 tag names, by the classifier's output index (`O`, `B-PER`, …;
    /// the file's `PERS` read as `PER`, see [`kashif_tag`]).
    pub labels: Vec<String>,
    /// How text is cut into windows (from `config.json`).
    pub context: Context,
    /// Logits are divided by this before the softmax that gives a word's
    /// confidence (the label, the arg-max, does not change): fitted so that
    /// confidences match precision (docs/model.md, "Calibration").
    pub temperature: f32,
    /// IOB2's rule over [`Self::labels`], for reading a sentence's tags as
    /// one sequence.
    paths: decode::Iob2Paths,
    hidden_size: usize,
    pad: u32,
    bos: u32,
    eos: u32,
    unk: u32,
    pub info: EncoderInfo,
    /// The base data's words for a head refit with replay, read and
    /// encoded on first use ([`Self::base_replay`]).
    replay: std::sync::OnceLock<Result<std::sync::Arc<head::Replay>, String>>,
}

#[derive(serde::Deserialize)]
struct HfConfig {
    hidden_size: usize,
    num_hidden_layers: usize,
    num_attention_heads: usize,
    intermediate_size: usize,
    vocab_size: usize,
    max_position_embeddings: usize,
    type_vocab_size: usize,
    layer_norm_eps: f64,
    pad_token_id: u32,
    id2label: std::collections::BTreeMap<String, String>,
    /// How the model was fine-tuned to read text (written by
    /// `export_accurate.py`): `sentence` or `document`.
    #[serde(default)]
    kashif_context: Option<String>,
    /// Softmax temperature for the confidences (written by
    /// `export_accurate.py --temperature`; 1 when absent).
    #[serde(default)]
    kashif_temperature: Option<f32>,
}

/// What one encoder window may hold: the words of one sentence (a long
/// one cut into overlapping windows), or a whole document's sentences as
/// one running text, so each sentence is read with its neighbours (a
/// model fine-tuned with `finetune.py --pack`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    Sentence,
    Document,
}

/// A tag in Kashif's label names: ANERcorp's `PERS` is `PER`, as in the
/// fast tagger and the schema (`B-PERS` → `B-PER`).
pub fn kashif_tag(tag: &str) -> String {
    match tag.split_once('-') {
        Some((bi, "PERS")) => format!("{bi}-PER"),
        _ => tag.to_string(),
    }
}

/// The folder the accurate tier is read from: `$KASHIF_ENCODER` when set,
/// else `assets/encoder` of the source tree this binary was built from.
pub fn default_dir() -> PathBuf {
    match std::env::var_os("KASHIF_ENCODER") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/encoder"),
    }
}

fn read(path: &Path) -> Result<Vec<u8>, EncoderError> {
    std::fs::read(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => EncoderError::Missing {
            path: path.to_path_buf(),
        },
        _ => EncoderError::Corrupt {
            path: path.to_path_buf(),
            reason: e.to_string(),
        },
    })
}

impl AccurateTagger {
    /// Loads `dir/config.json`, `dir/tokenizer.json` and
    /// `dir/model.safetensors`. Errors name the file at fault.
    pub fn load(dir: &Path) -> Result<AccurateTagger, EncoderError> {
        let t0 = Instant::now();
        let config_path = dir.join("config.json");
        let tok_path = dir.join("tokenizer.json");
        let model_path = dir.join("model.safetensors");
        let config_bytes = read(&config_path)?;
        let hf: HfConfig =
            serde_json::from_slice(&config_bytes).map_err(|e| EncoderError::Corrupt {
                path: config_path.clone(),
                reason: e.to_string(),
            })?;
        let tok_bytes = read(&tok_path)?;
        let tokenizer = Tokenizer::from_bytes(&tok_bytes).map_err(|e| EncoderError::Corrupt {
            path: tok_path.clone(),
            reason: e.to_string(),
        })?;
        let special = |piece: &str| {
            tokenizer
                .token_to_id(piece)
                .ok_or_else(|| EncoderError::Corrupt {
                    path: tok_path.clone(),
                    reason: format!("no {piece} piece"),
                })
        };
        let (pad, bos, eos, unk) = (
            special("<pad>")?,
            special("<s>")?,
            special("</s>")?,
            special("<unk>")?,
        );
        let mut labels = Vec::new();
        for k in 0..hf.id2label.len() {
            match hf.id2label.get(&k.to_string()) {
                Some(l) => labels.push(kashif_tag(l)),
                None => {
                    return Err(EncoderError::Corrupt {
                        path: config_path,
                        reason: format!("id2label has no entry {k}"),
                    });
                }
            }
        }
        let context = match hf.kashif_context.as_deref() {
            None | Some("sentence") => Context::Sentence,
            Some("document") => Context::Document,
            Some(other) => {
                return Err(EncoderError::Corrupt {
                    path: config_path,
                    reason: format!("kashif_context {other:?} is neither sentence nor document"),
                });
            }
        };
        let model_bytes = read(&model_path)?;
        let tensors = weights::load(&model_path, &model_bytes)?;
        let corrupt = |e: candle_core::Error| EncoderError::Corrupt {
            path: model_path.clone(),
            reason: e.to_string(),
        };
        let cfg = Config {
            hidden_size: hf.hidden_size,
            layer_norm_eps: hf.layer_norm_eps,
            attention_probs_dropout_prob: 0.0,
            hidden_dropout_prob: 0.0,
            num_attention_heads: hf.num_attention_heads,
            position_embedding_type: "absolute".into(),
            intermediate_size: hf.intermediate_size,
            hidden_act: candle_nn::Activation::Gelu,
            num_hidden_layers: hf.num_hidden_layers,
            vocab_size: hf.vocab_size,
            max_position_embeddings: hf.max_position_embeddings,
            type_vocab_size: hf.type_vocab_size,
            pad_token_id: hf.pad_token_id,
        };
        if tokenizer.get_vocab_size(true) > hf.vocab_size {
            return Err(EncoderError::Corrupt {
                path: tok_path,
                reason: format!(
                    "{} pieces but the model has {} embedding rows",
                    tokenizer.get_vocab_size(true),
                    hf.vocab_size
                ),
            });
        }
        let vb = VarBuilder::from_tensors(tensors, DType::F32, &Device::Cpu);
        let model = XLMRobertaModel::new(&cfg, vb.pp("roberta")).map_err(corrupt)?;
        let classifier = candle_nn::linear(hf.hidden_size, labels.len(), vb.pp("classifier"))
            .map_err(corrupt)?;
        let bytes = [&config_bytes, &tok_bytes, &model_bytes]
            .iter()
            .map(|b| b.len() as u64)
            .sum();
        Ok(AccurateTagger {
            model,
            classifier,
            paths: decode::Iob2Paths::new(&labels),
            labels,
            context,
            temperature: hf
                .kashif_temperature
                .filter(|t| t.is_finite() && *t > 0.0)
                .unwrap_or(1.0),
            hidden_size: hf.hidden_size,
            pad,
            bos,
            eos,
            unk,
            replay: std::sync::OnceLock::new(),
            info: EncoderInfo {
                dir: dir.to_path_buf(),
                layers: hf.num_hidden_layers,
                pieces: tokenizer.get_vocab_size(true),
                bytes,
                load_ms: t0.elapsed().as_secs_f64() * 1000.0,
            },
            tokenizer,
        })
    }

    /// The pieces of each word: at most [`MAX_WORD_PIECES`], `<unk>` for a
    /// word that normalises to nothing (a lone zero-width mark).
    fn word_pieces<S: AsRef<str>>(&self, words: &[S]) -> Result<Vec<Vec<u32>>, EncoderError> {
        let mut out = vec![Vec::new(); words.len()];
        if words.is_empty() {
            return Ok(out);
        }
        let words: Vec<&str> = words.iter().map(|w| w.as_ref()).collect();
        let enc = self
            .tokenizer
            .encode(words.as_slice(), false)
            .map_err(|e| EncoderError::Inference(e.to_string()))?;
        for (&id, word) in enc.get_ids().iter().zip(enc.get_word_ids()) {
            if let Some(v) = word.and_then(|w| out.get_mut(w as usize))
                && v.len() < MAX_WORD_PIECES
            {
                v.push(id);
            }
        }
        for v in &mut out {
            if v.is_empty() {
                v.push(self.unk);
            }
        }
        Ok(out)
    }

    /// Raw classifier scores (one `Vec` of [`Self::labels`]`.len()` a word)
    /// of every word of every sentence, each sentence read on its own
    /// whatever [`Self::context`] says, read from the word's first piece in
    /// its best window ([`windows::best_window`]). Windows of all sentences
    /// are sorted by length and run in batches of about 4,096 pieces.
    pub fn word_logits<S: AsRef<str>>(
        &self,
        sents: &[Vec<S>],
    ) -> Result<Vec<Vec<Vec<f32>>>, EncoderError> {
        Ok(self.word_rows(sents, false)?.logits)
    }

    /// [`Self::word_logits`], and with `states` also each word's encoder
    /// state: the final layer's hidden vector of its first piece (the
    /// classifier's input, `hidden_size` floats: 384 for the shipped
    /// encoder), which the nearest-neighbour memory ([`knn`]) compares.
    pub fn word_rows<S: AsRef<str>>(
        &self,
        sents: &[Vec<S>],
        states: bool,
    ) -> Result<WordRows, EncoderError> {
        struct Win {
            sent: usize,
            ids: Vec<u32>,
            /// (word index in the sentence, position of its first piece)
            firsts: Vec<(usize, usize)>,
        }
        let mut wins: Vec<Win> = Vec::new();
        let mut best: Vec<Vec<usize>> = Vec::with_capacity(sents.len());
        let mut first_win: Vec<usize> = Vec::with_capacity(sents.len());
        for (si, s) in sents.iter().enumerate() {
            let pieces = self.word_pieces(s)?;
            let lens: Vec<usize> = pieces.iter().map(Vec::len).collect();
            let ranges = windows::windows(&lens, windows::WINDOW_PIECES, windows::OVERLAP_PIECES);
            best.push(windows::best_window(&lens, &ranges));
            first_win.push(wins.len());
            for r in ranges {
                let mut ids = vec![self.bos];
                let mut firsts = Vec::with_capacity(r.len());
                for w in r {
                    firsts.push((w, ids.len()));
                    let room =
                        windows::WINDOW_PIECES + 1 - ids.len().min(windows::WINDOW_PIECES + 1);
                    ids.extend(pieces[w].iter().take(room.max(1)));
                }
                ids.push(self.eos);
                wins.push(Win {
                    sent: si,
                    ids,
                    firsts,
                });
            }
        }
        let k = self.labels.len();
        let mut out = WordRows {
            logits: sents.iter().map(|s| vec![vec![0.0; k]; s.len()]).collect(),
            states: if states {
                sents.iter().map(|s| vec![Vec::new(); s.len()]).collect()
            } else {
                Vec::new()
            },
        };
        let mut order: Vec<usize> = (0..wins.len()).collect();
        order.sort_by_key(|&i| wins[i].ids.len());
        let mut at = 0;
        while at < order.len() {
            let mut end = at + 1;
            while end < order.len() && wins[order[end]].ids.len() * (end + 1 - at) <= BATCH_PIECES {
                end += 1;
            }
            let batch: Vec<&Win> = order[at..end].iter().map(|&i| &wins[i]).collect();
            let (logits, hidden) = self.forward(
                &batch.iter().map(|w| w.ids.as_slice()).collect::<Vec<_>>(),
                states,
            )?;
            for (n, (&wi, rows)) in order[at..end].iter().zip(logits).enumerate() {
                let w = &wins[wi];
                let index = wi - first_win[w.sent];
                for &(word, pos) in &w.firsts {
                    if best[w.sent][word] == index
                        && let Some(row) = rows.get(pos)
                    {
                        out.logits[w.sent][word] = row.clone();
                        if let Some(h) = hidden.get(n).and_then(|h| h.get(pos)) {
                            out.states[w.sent][word] = h.clone();
                        }
                    }
                }
            }
            at = end;
        }
        Ok(out)
    }

    /// One forward pass over equal-purpose sequences (padded to the
    /// longest): per sequence, per position, the classifier's scores, and
    /// with `states` the final hidden vectors (else empty).
    #[allow(clippy::type_complexity)]
    fn forward(
        &self,
        seqs: &[&[u32]],
        states: bool,
    ) -> Result<(Vec<Vec<Vec<f32>>>, Vec<Vec<Vec<f32>>>), EncoderError> {
        let err = |e: candle_core::Error| EncoderError::Inference(e.to_string());
        let len = seqs.iter().map(|s| s.len()).max().unwrap_or(0);
        let mut ids = Vec::with_capacity(seqs.len() * len);
        let mut mask = Vec::with_capacity(seqs.len() * len);
        for s in seqs {
            ids.extend_from_slice(s);
            ids.extend(std::iter::repeat_n(self.pad, len - s.len()));
            mask.extend(std::iter::repeat_n(1f32, s.len()));
            mask.extend(std::iter::repeat_n(0f32, len - s.len()));
        }
        let shape = (seqs.len(), len);
        let ids = Tensor::from_vec(ids, shape, &Device::Cpu).map_err(err)?;
        let mask = Tensor::from_vec(mask, shape, &Device::Cpu).map_err(err)?;
        let types = ids.zeros_like().map_err(err)?;
        let hidden = self
            .model
            .forward(&ids, &mask, &types, None, None, None)
            .map_err(err)?;
        let logits = self.classifier.forward(&hidden).map_err(err)?;
        let mut rows = logits.to_vec3::<f32>().map_err(err)?;
        for (r, s) in rows.iter_mut().zip(seqs) {
            r.truncate(s.len());
        }
        let hidden = if states {
            let mut h = hidden.to_vec3::<f32>().map_err(err)?;
            for (r, s) in h.iter_mut().zip(seqs) {
                r.truncate(s.len());
            }
            h
        } else {
            Vec::new()
        };
        Ok((rows, hidden))
    }

    /// IOB2 tags and confidences of every word of every sentence. With
    /// [`Context::Document`] the sentences are read as one running text
    /// (one document, or the CoNLL input of `kashif tag`), cut into
    /// overlapping windows; IOB2 is repaired within each sentence.
    pub fn tag_sentences<S: AsRef<str>>(
        &self,
        sents: &[Vec<S>],
    ) -> Result<Vec<TaggedWords>, EncoderError> {
        Ok(self.tagged(self.sentence_logits(sents)?, self.temperature))
    }

    /// The classifier scores [`Self::tag_sentences`] reads: per sentence,
    /// per word, one score per label, the sentences read as
    /// [`Self::context`] says.
    pub fn sentence_logits<S: AsRef<str>>(
        &self,
        sents: &[Vec<S>],
    ) -> Result<Vec<Vec<Vec<f32>>>, EncoderError> {
        Ok(self.sentence_rows(sents, false)?.logits)
    }

    /// [`Self::sentence_logits`], and with `states` each word's encoder
    /// state too (see [`Self::word_rows`]).
    pub fn sentence_rows<S: AsRef<str>>(
        &self,
        sents: &[Vec<S>],
        states: bool,
    ) -> Result<WordRows, EncoderError> {
        match self.context {
            Context::Sentence => self.word_rows(sents, states),
            Context::Document => {
                let all: Vec<&str> = sents.iter().flatten().map(|w| w.as_ref()).collect();
                let flat = self.word_rows(&[all], states)?;
                let split = |rows: Vec<Vec<Vec<f32>>>| -> Vec<Vec<Vec<f32>>> {
                    let mut flat = rows.into_iter().next().unwrap_or_default();
                    let mut out = Vec::with_capacity(sents.len());
                    let mut rest = flat.drain(..);
                    for s in sents {
                        out.push(rest.by_ref().take(s.len()).collect());
                    }
                    out
                };
                Ok(WordRows {
                    logits: split(flat.logits),
                    states: if states {
                        split(flat.states)
                    } else {
                        Vec::new()
                    },
                })
            }
        }
    }

    /// Tags (the best IOB2 sequence of each sentence: [`decode`]) and
    /// confidences (each word's softmax probability of its tag at
    /// temperature `t`) from scores as [`Self::sentence_logits`] gives them.
    pub fn tagged(&self, logits: Vec<Vec<Vec<f32>>>, t: f32) -> Vec<TaggedWords> {
        logits
            .into_iter()
            .map(|words| {
                let tags = self.paths.best(&words);
                let confidence = words
                    .iter()
                    .zip(&tags)
                    .map(|(row, &tag)| decode::softmax_at(row, tag, t))
                    .collect();
                TaggedWords { tags, confidence }
            })
            .collect()
    }

    /// Words of the base data replayed when the head is refitted
    /// ([`head::Replay`]): [`REPLAY_SENTENCES`] sentences spread evenly
    /// (every `k`-th) over the shipped ANERcorp part the encoder was
    /// fine-tuned on (`assets/train/anercorp_train90.conll` beside the
    /// encoder's folder), encoded once per tagger: 8,499 words, tens of
    /// seconds on two cores (call it off the UI thread). Later calls return
    /// the same set, or the same error.
    ///
    /// # Errors
    /// The file's path with what failed: missing, not CoNLL, or the
    /// encoder's error.
    pub fn base_replay(&self) -> Result<std::sync::Arc<head::Replay>, String> {
        self.replay
            .get_or_init(|| {
                let path = self
                    .info
                    .dir
                    .parent()
                    .unwrap_or(Path::new("."))
                    .join("train/anercorp_train90.conll");
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                let sents = crate::propose::iob::read_conll(&text, true)
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                let step = (sents.len() / REPLAY_SENTENCES).max(1);
                let picked: Vec<_> = sents.iter().step_by(step).take(REPLAY_SENTENCES).collect();
                let toks: Vec<Vec<&str>> = picked
                    .iter()
                    .map(|s| s.tokens.iter().map(String::as_str).collect())
                    .collect();
                let rows = self
                    .sentence_rows(&toks, true)
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                let outside = self.labels.iter().position(|l| l == "O").unwrap_or(0);
                let mut replay = head::Replay::default();
                for ((s, logits), states) in picked.iter().zip(&rows.logits).zip(&rows.states) {
                    for ((tag, row), state) in s.tags.iter().zip(logits).zip(states) {
                        // `read_conll` already reads `PERS` as `PER`,
                        // the name `labels` has too.
                        replay.states.extend_from_slice(state);
                        replay.scores.extend_from_slice(row);
                        replay
                            .gold
                            .push(self.labels.iter().position(|l| l == tag).unwrap_or(outside));
                    }
                }
                Ok(std::sync::Arc::new(replay))
            })
            .clone()
    }

    /// Floats in a word's encoder state ([`Self::word_rows`]).
    pub fn hidden_size(&self) -> usize {
        self.hidden_size
    }

    /// The name of tag index `k` (`O` when out of range).
    pub fn tag_name(&self, k: usize) -> &str {
        self.labels.get(k).map_or("O", String::as_str)
    }
}
