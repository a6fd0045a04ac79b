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
}

impl HeadConfig {
    /// No correction: the encoder's head as shipped.
    pub const OFF: HeadConfig = HeadConfig {
        epochs: 0,
        rate: 0.0,
        l2: 0.0,
    };
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
    /// `None` when there is nothing to fit (no words, no steps) or the
    /// arithmetic fails.
    pub fn fit(
        states: &[f32],
        scores: &[f32],
        gold: &[usize],
        dim: usize,
        labels: usize,
        config: HeadConfig,
    ) -> Option<HeadShift> {
        let n = gold.len();
        if n == 0
            || config.epochs == 0
            || dim == 0
            || labels == 0
            || states.len() != n * dim
            || scores.len() != n * labels
            || gold.iter().any(|&g| g >= labels)
        {
            return None;
        }
        let fitted = || -> candle_core::Result<HeadShift> {
            let cpu = Device::Cpu;
            let mut mean = vec![0f32; dim];
            for row in states.chunks_exact(dim) {
                for (m, v) in mean.iter_mut().zip(row) {
                    *m += v / n as f32;
                }
            }
            let centred: Vec<f32> = states
                .chunks_exact(dim)
                .flat_map(|row| row.iter().zip(&mean).map(|(v, m)| v - m))
                .collect();
            let x = Tensor::from_vec(centred, (n, dim), &cpu)?;
            let z0 = Tensor::from_vec(scores.to_vec(), (n, labels), &cpu)?;
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
                let g = ((p - &y)? / n as f64)?;
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
    };

    /// Two directions in a 2-d space, the base model scoring both `O`:
    /// the fitted correction learns that the first is `B-X`.
    #[test]
    fn a_correction_learns_what_the_base_scores_miss() {
        let states = [1.0, 0.0, 0.9, 0.1, 0.0, 1.0, 0.1, 0.9];
        let scores = [2.0, 0.0, 2.0, 0.0, 2.0, 0.0, 2.0, 0.0];
        let gold = [1, 1, 0, 0];
        let h = HeadShift::fit(&states, &scores, &gold, 2, 2, ON).expect("fits");
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
        let h = HeadShift::fit(&states, &scores, &gold, 2, 2, strong).expect("fits");
        let mut row = vec![2.0, 0.0];
        h.apply(&[1.0, 0.0], &mut row);
        assert!(row[0] > row[1], "{row:?}");
    }

    #[test]
    fn nothing_to_fit_gives_no_correction() {
        assert_eq!(HeadShift::fit(&[], &[], &[], 2, 2, ON), None);
        assert_eq!(
            HeadShift::fit(&[1.0, 0.0], &[0.0, 0.0], &[0], 2, 2, HeadConfig::OFF),
            None
        );
        // A gold index past the labels, or shapes that disagree.
        assert_eq!(
            HeadShift::fit(&[1.0, 0.0], &[0.0, 0.0], &[2], 2, 2, ON),
            None
        );
        assert_eq!(HeadShift::fit(&[1.0], &[0.0, 0.0], &[0], 2, 2, ON), None);
    }
}
