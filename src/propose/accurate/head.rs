//! The accurate tier's classification head refitted on done documents
//! (issue 22): a correction `ΔW·(h − μ) + Δb` added to the encoder's
//! scores, fitted on the stored words of the neighbour memory
//! ([`super::knn::KnnMemory`]) against their gold tags.
//!
//! Why: the neighbour vote moves a word's tag only where a stored word is
//! very near, and a strong vote on the model's own tags cost points
//! (docs/model.md, "The accurate tier learns"). A refitted head instead
//! learns a direction in the encoder's space that separates the project's
//! convention (what its annotators tag, and where the base data disagrees)
//! and reaches every word along it. Retraining the encoder is out of reach
//! on a laptop CPU; the head is 9 × 384 numbers and fits in a fraction of a
//! second.
//!
//! How: multinomial logistic regression on the encoder's scores plus the
//! correction, `p = softmax(z₀ + ΔW·(h − μ) + Δb)`, full-batch Adam for
//! [`HeadConfig::epochs`] steps from zero, with an L2 penalty that pulls
//! the correction towards zero: maximum a posteriori adaptation around the
//! base model, as in Chelba and Acero (2004, "Adaptation of maximum
//! entropy capitalizer: little data can help a lot"), where the base
//! model's weights are the prior's mean. A word whose gold tag the model
//! does not have (a project's `NORP`) counts as `O` here: only the
//! neighbour vote can propose a new label.
//!
//! Shapes: states `dim` floats (384), scores one per model tag (9), `μ` the
//! states' mean.

use candle_core::{Device, Tensor};

/// How the head correction is fitted.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HeadConfig {
    /// Adam steps over all stored words (0: no correction).
    pub epochs: usize,
    /// Adam's step size.
    pub rate: f32,
    /// L2 penalty on the correction (weights and biases, beside the mean
    /// loss a word).
    pub l2: f32,
    /// Weight of the replayed base data ([`Replay`]) against the done
    /// documents' words: the loss is the done words' mean loss plus
    /// `replay` × the replayed words' mean loss (0: no replay).
    pub replay: f32,
}

impl HeadConfig {
    /// No correction: the encoder's head as shipped.
    pub const OFF: HeadConfig = HeadConfig {
        epochs: 0,
        rate: 0.0,
        l2: 0.0,
        replay: 0.0,
    };
}

/// Words of the base data the encoder was trained on, replayed beside the
/// done documents' words when the head is refitted (the issue's "refit on
/// done documents with replay of the base data"): the correction must keep
/// the base model's answers on them, so it cannot spend itself on what a
/// few articles of one story happen to share.
///
/// Shapes as [`HeadShift::fit`]'s: `states` `n × dim`, `scores` `n ×
/// labels`, `gold` `n` tag indices.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Replay {
    pub states: Vec<f32>,
    pub scores: Vec<f32>,
    pub gold: Vec<usize>,
}

impl Replay {
    /// Words in it.
    pub fn len(&self) -> usize {
        self.gold.len()
    }

    pub fn is_empty(&self) -> bool {
        self.gold.is_empty()
    }
}

/// A fitted correction to the encoder's scores.
#[derive(Debug, Clone, PartialEq)]
pub struct HeadShift {
    dim: usize,
    /// `labels × dim`, row-major.
    w: Vec<f32>,
    b: Vec<f32>,
    mean: Vec<f32>,
}

impl HeadShift {
    /// Fits the correction on `n` words: `states` (`n × dim` floats,
    /// row-major), `scores` (`n × labels`, the encoder's raw scores of the
    /// same words) and `gold` (each word's tag index, `< labels`).
    /// With `replay` (and [`HeadConfig::replay`] above 0) the base data's
    /// words are fitted too, at that weight. `None` when there is nothing
    /// to fit (no words, no steps) or the shapes disagree or the
    /// arithmetic fails.
    pub fn fit(
        states: &[f32],
        scores: &[f32],
        gold: &[usize],
        dim: usize,
        labels: usize,
        config: HeadConfig,
        replay: Option<&Replay>,
    ) -> Option<HeadShift> {
        let n_done = gold.len();
        let shapes_fit = |states: &[f32], scores: &[f32], gold: &[usize]| {
            states.len() == gold.len() * dim
                && scores.len() == gold.len() * labels
                && gold.iter().all(|&g| g < labels)
        };
        if n_done == 0
            || config.epochs == 0
            || dim == 0
            || labels == 0
            || !shapes_fit(states, scores, gold)
        {
            return None;
        }
        let replay = replay.filter(|r| config.replay > 0.0 && !r.is_empty());
        if let Some(r) = replay
            && !shapes_fit(&r.states, &r.scores, &r.gold)
        {
            return None;
        }
        // Each word's share of the loss: the done words' mean, plus the
        // replayed words' mean at the replay weight.
        let n_replay = replay.map_or(0, Replay::len);
        let n = n_done + n_replay;
        let mut weight = vec![1.0 / n_done as f32; n_done];
        if n_replay > 0 {
            weight.extend(std::iter::repeat_n(
                config.replay / n_replay as f32,
                n_replay,
            ));
        }
        let all = |done: &[f32], more: Option<&[f32]>| -> Vec<f32> {
            let mut v = done.to_vec();
            v.extend_from_slice(more.unwrap_or(&[]));
            v
        };
        let states = all(states, replay.map(|r| r.states.as_slice()));
        let scores = all(scores, replay.map(|r| r.scores.as_slice()));
        let gold: Vec<usize> = gold
            .iter()
            .chain(replay.map_or(&[][..], |r| r.gold.as_slice()))
            .copied()
            .collect();
        let fitted = || -> candle_core::Result<HeadShift> {
            let cpu = Device::Cpu;
            // The centre: the done words' mean (what the correction is
            // about), not the replayed words'.
            let mut mean = vec![0f32; dim];
            for row in states.chunks_exact(dim).take(n_done) {
                for (m, v) in mean.iter_mut().zip(row) {
                    *m += v / n_done as f32;
                }
            }
            let centred: Vec<f32> = states
                .chunks_exact(dim)
                .flat_map(|row| row.iter().zip(&mean).map(|(v, m)| v - m))
                .collect();
            let x = Tensor::from_vec(centred, (n, dim), &cpu)?;
            let z0 = Tensor::from_vec(scores, (n, labels), &cpu)?;
            let share = Tensor::from_vec(weight, (n, 1), &cpu)?;
            let mut one_hot = vec![0f32; n * labels];
            for (i, &g) in gold.iter().enumerate() {
                one_hot[i * labels + g] = 1.0;
            }
            let y = Tensor::from_vec(one_hot, (n, labels), &cpu)?;
            let mut w = Tensor::zeros((labels, dim), candle_core::DType::F32, &cpu)?;
            let mut b = Tensor::zeros(labels, candle_core::DType::F32, &cpu)?;
            let (mut mw, mut vw) = (w.zeros_like()?, w.zeros_like()?);
            let (mut mb, mut vb) = (b.zeros_like()?, b.zeros_like()?);
            let (beta1, beta2, eps) = (0.9f64, 0.999f64, 1e-8f64);
            for step in 1..=config.epochs {
                let z = (z0.clone() + x.matmul(&w.t()?)?)?.broadcast_add(&b)?;
                let p = candle_nn::ops::softmax_last_dim(&z)?;
                let g = (p - &y)?.broadcast_mul(&share)?;
                let gw = (g.t()?.matmul(&x)? + (&w * config.l2 as f64)?)?;
                let gb = (g.sum(0)? + (&b * config.l2 as f64)?)?;
                let c1 = 1.0 - beta1.powi(step as i32);
                let c2 = 1.0 - beta2.powi(step as i32);
                let adam = |m: &mut Tensor,
                            v: &mut Tensor,
                            grad: &Tensor,
                            param: &Tensor|
                 -> candle_core::Result<Tensor> {
                    *m = ((&*m * beta1)? + (grad * (1.0 - beta1))?)?;
                    *v = ((&*v * beta2)? + (grad.sqr()? * (1.0 - beta2))?)?;
                    let step = ((&*m / c1)? / ((&*v / c2)?.sqrt()? + eps)?)?;
                    param - (step * config.rate as f64)?
                };
                w = adam(&mut mw, &mut vw, &gw, &w)?;
                b = adam(&mut mb, &mut vb, &gb, &b)?;
            }
            let w = w.flatten_all()?.to_vec1::<f32>()?;
            let b = b.to_vec1::<f32>()?;
            Ok(HeadShift { dim, w, b, mean })
        };
        fitted().ok()
    }

    /// Adds the correction for a word whose encoder state is `state` to
    /// its scores `row` (one per model tag). A state of another length is
    /// left as it is.
    pub fn apply(&self, state: &[f32], row: &mut [f32]) {
        if state.len() != self.dim {
            return;
        }
        let centred: Vec<f32> = state.iter().zip(&self.mean).map(|(h, m)| h - m).collect();
        for ((z, wk), b) in row
            .iter_mut()
            .zip(self.w.chunks_exact(self.dim))
            .zip(&self.b)
        {
            let dot: f32 = wk.iter().zip(&centred).map(|(w, c)| w * c).sum();
            *z += dot + b;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ON: HeadConfig = HeadConfig {
        epochs: 200,
        rate: 0.05,
        l2: 0.0,
        replay: 0.0,
    };

    /// Two directions in a 2-d space, the base model scoring both `O`:
    /// the fitted correction learns that the first is `B-X`.
    #[test]
    fn a_correction_learns_what_the_base_scores_miss() {
        let states = [1.0, 0.0, 0.9, 0.1, 0.0, 1.0, 0.1, 0.9];
        let scores = [2.0, 0.0, 2.0, 0.0, 2.0, 0.0, 2.0, 0.0];
        let gold = [1, 1, 0, 0];
        let h = HeadShift::fit(&states, &scores, &gold, 2, 2, ON, None).expect("fits");
        let mut row = vec![2.0, 0.0];
        h.apply(&[0.95, 0.05], &mut row);
        assert!(row[1] > row[0], "{row:?}");
        let mut row = vec![2.0, 0.0];
        h.apply(&[0.05, 0.95], &mut row);
        assert!(row[0] > row[1], "{row:?}");
    }

    /// A strong penalty keeps the base model's answer.
    #[test]
    fn the_penalty_keeps_the_base_model() {
        let states = [1.0, 0.0, 0.0, 1.0];
        let scores = [2.0, 0.0, 2.0, 0.0];
        let gold = [1, 0];
        let strong = HeadConfig { l2: 100.0, ..ON };
        let h = HeadShift::fit(&states, &scores, &gold, 2, 2, strong, None).expect("fits");
        let mut row = vec![2.0, 0.0];
        h.apply(&[1.0, 0.0], &mut row);
        assert!(row[0] > row[1], "{row:?}");
    }

    /// A done word's direction is `B-X`, but base words near it are `O`:
    /// without replay the correction carries `B-X` onto them, with the base
    /// words replayed it keeps their `O` and still learns the done word.
    #[test]
    fn replayed_base_words_keep_the_base_answer() {
        let states = [1.0, 0.0, 1.0, 0.0];
        let scores = [2.0, 0.0, 2.0, 0.0];
        let gold = [1, 1];
        let mut replay = Replay::default();
        for i in 0..8 {
            let a = 0.5 + i as f32 / 40.0;
            replay.states.extend([a, 1.0 - a]);
            replay.scores.extend([2.0, 0.0]);
            replay.gold.push(0);
        }
        let base_word = [0.6, 0.4];
        let mut alone = vec![2.0, 0.0];
        HeadShift::fit(&states, &scores, &gold, 2, 2, ON, Some(&replay))
            .expect("fits")
            .apply(&base_word, &mut alone);
        assert!(alone[1] > alone[0], "replay weight 0 ignores it: {alone:?}");
        let with = HeadConfig { replay: 1.0, ..ON };
        let h = HeadShift::fit(&states, &scores, &gold, 2, 2, with, Some(&replay)).expect("fits");
        let mut kept = vec![2.0, 0.0];
        h.apply(&base_word, &mut kept);
        assert!(kept[0] > kept[1], "{kept:?}");
        let mut learnt = vec![2.0, 0.0];
        h.apply(&[1.0, 0.0], &mut learnt);
        assert!(learnt[1] > learnt[0], "{learnt:?}");
        // Replayed words of the wrong shape: no fit.
        let bad = Replay {
            gold: vec![0],
            ..Replay::default()
        };
        assert_eq!(
            HeadShift::fit(&states, &scores, &gold, 2, 2, with, Some(&bad)),
            None
        );
    }

    #[test]
    fn nothing_to_fit_gives_no_correction() {
        assert_eq!(HeadShift::fit(&[], &[], &[], 2, 2, ON, None), None);
        assert_eq!(
            HeadShift::fit(&[1.0, 0.0], &[0.0, 0.0], &[0], 2, 2, HeadConfig::OFF, None),
            None
        );
        // A gold index past the labels, or shapes that disagree.
        assert_eq!(
            HeadShift::fit(&[1.0, 0.0], &[0.0, 0.0], &[2], 2, 2, ON, None),
            None
        );
        assert_eq!(
            HeadShift::fit(&[1.0], &[0.0, 0.0], &[0], 2, 2, ON, None),
            None
        );
    }
}
