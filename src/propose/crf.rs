//! Conditional random field training by stochastic gradient descent with L2
//! regularisation (the decaying-rate, weight-scaling scheme CRFsuite's
//! `l2sgd` uses), over the same dense feature ids as the perceptron.
//! Sequential and seeded, hence repeatable.

/// One training sentence: per token the feature ids (`ids[off[i]..off[i+1]]`).
pub(crate) struct Item<'a> {
    pub ids: &'a [u32],
    pub off: &'a [usize],
    pub gold: &'a [usize],
}

/// Settings of one run.
pub(crate) struct Sgd {
    pub epochs: usize,
    /// L2 strength (CRFsuite's `c2`).
    pub c2: f64,
    /// Learning rate at the start.
    pub eta0: f64,
}

/// Returns `(state weights nf × l, transition weights (l + 1) × l)`.
pub(crate) fn train(
    items: &[Item],
    order_of_epoch: &mut dyn FnMut(usize) -> Vec<usize>,
    nf: usize,
    l: usize,
    allowed: &[bool],
    cfg: &Sgd,
    progress: &mut dyn FnMut(usize),
) -> (Vec<f32>, Vec<f32>) {
    let n = items.len().max(1);
    let lambda = 2.0 * cfg.c2 / n as f64;
    let t0 = 1.0 / (lambda * cfg.eta0);
    let mut w = vec![0f64; nf * l];
    let mut tw = vec![0f64; (l + 1) * l];
    let mut scale = 1.0f64;
    let mut t = 0.0f64;
    let mut fb = ForwardBackward::default();
    for epoch in 0..cfg.epochs {
        for s in order_of_epoch(epoch) {
            let it = &items[s];
            let len = it.off.len() - 1;
            if len == 0 {
                continue;
            }
            let eta = 1.0 / (lambda * (t0 + t));
            t += 1.0;
            scale *= 1.0 - eta * lambda;
            if scale < 1e-9 {
                w.iter_mut().for_each(|x| *x *= scale);
                tw.iter_mut().for_each(|x| *x *= scale);
                scale = 1.0;
            }
            fb.run(it, &w, &tw, scale, l, allowed);
            let gain = eta / scale;
            for i in 0..len {
                let m = &fb.marg[i * l..(i + 1) * l];
                for &f in &it.ids[it.off[i]..it.off[i + 1]] {
                    let row = &mut w[f as usize * l..(f as usize + 1) * l];
                    for k in 0..l {
                        let obs = if k == it.gold[i] { 1.0 } else { 0.0 };
                        row[k] += gain * (obs - m[k]);
                    }
                }
            }
            // start transitions
            for k in 0..l {
                let obs = if k == it.gold[0] { 1.0 } else { 0.0 };
                tw[l * l + k] += gain * (obs - fb.marg[k]);
            }
            for i in 1..len {
                let pm = &fb.pair[i * l * l..(i + 1) * l * l];
                for (pc, p) in pm.iter().enumerate() {
                    tw[pc] -= gain * p;
                }
                tw[it.gold[i - 1] * l + it.gold[i]] += gain;
            }
        }
        progress(epoch + 1);
    }
    (
        w.iter().map(|x| (x * scale) as f32).collect(),
        tw.iter().map(|x| (x * scale) as f32).collect(),
    )
}

/// Scaled forward-backward over one sentence; reuses its buffers.
#[derive(Default)]
struct ForwardBackward {
    /// exp(emission - row max), n × l
    psi: Vec<f64>,
    trans: Vec<f64>,
    alpha: Vec<f64>,
    beta: Vec<f64>,
    norm: Vec<f64>,
    marg: Vec<f64>,
    pair: Vec<f64>,
}

impl ForwardBackward {
    fn run(&mut self, it: &Item, w: &[f64], tw: &[f64], scale: f64, l: usize, allowed: &[bool]) {
        let n = it.off.len() - 1;
        self.psi.clear();
        self.psi.resize(n * l, 0.0);
        for i in 0..n {
            let row = &mut self.psi[i * l..(i + 1) * l];
            for &f in &it.ids[it.off[i]..it.off[i + 1]] {
                for (k, x) in w[f as usize * l..(f as usize + 1) * l].iter().enumerate() {
                    row[k] += x;
                }
            }
            let m = row.iter().fold(f64::NEG_INFINITY, |a, &b| a.max(b * scale));
            for x in row.iter_mut() {
                *x = (*x * scale - m).exp();
            }
        }
        self.trans.clear();
        self.trans.extend(
            tw.iter()
                .zip(allowed)
                .map(|(&x, &ok)| if ok { (x * scale).exp() } else { 0.0 }),
        );
        let (psi, tr) = (&self.psi, &self.trans);
        self.alpha.clear();
        self.alpha.resize(n * l, 0.0);
        self.norm.clear();
        self.norm.resize(n, 1.0);
        for k in 0..l {
            self.alpha[k] = tr[l * l + k] * psi[k];
        }
        normalise(&mut self.alpha[0..l], &mut self.norm[0]);
        for i in 1..n {
            for c in 0..l {
                let mut s = 0.0;
                for p in 0..l {
                    s += self.alpha[(i - 1) * l + p] * tr[p * l + c];
                }
                self.alpha[i * l + c] = s * psi[i * l + c];
            }
            let (a, b) = self.alpha.split_at_mut(i * l);
            let _ = a;
            normalise(&mut b[..l], &mut self.norm[i]);
        }
        self.beta.clear();
        self.beta.resize(n * l, 1.0);
        for i in (0..n - 1).rev() {
            for p in 0..l {
                let mut s = 0.0;
                for c in 0..l {
                    s += tr[p * l + c] * psi[(i + 1) * l + c] * self.beta[(i + 1) * l + c];
                }
                self.beta[i * l + p] = s / self.norm[i + 1];
            }
        }
        self.marg.clear();
        self.marg.resize(n * l, 0.0);
        for i in 0..n {
            let mut z = 0.0;
            for k in 0..l {
                let v = self.alpha[i * l + k] * self.beta[i * l + k];
                self.marg[i * l + k] = v;
                z += v;
            }
            if z > 0.0 {
                self.marg[i * l..(i + 1) * l]
                    .iter_mut()
                    .for_each(|x| *x /= z);
            }
        }
        self.pair.clear();
        self.pair.resize(n * l * l, 0.0);
        for i in 1..n {
            let mut z = 0.0;
            for p in 0..l {
                for c in 0..l {
                    let v = self.alpha[(i - 1) * l + p]
                        * tr[p * l + c]
                        * psi[i * l + c]
                        * self.beta[i * l + c];
                    self.pair[i * l * l + p * l + c] = v;
                    z += v;
                }
            }
            if z > 0.0 {
                self.pair[i * l * l..(i + 1) * l * l]
                    .iter_mut()
                    .for_each(|x| *x /= z);
            }
        }
    }
}

fn normalise(v: &mut [f64], norm: &mut f64) {
    let s: f64 = v.iter().sum();
    if s > 0.0 {
        v.iter_mut().for_each(|x| *x /= s);
        *norm = s;
    } else {
        *norm = 1.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marginals_are_distributions_and_learning_fits_a_toy_task() {
        // labels: O=0, B-X=1, I-X=2; feature 0 says "X here", 1 says "O here"
        let l = 3;
        let allowed = crate::propose::model::allowed_for(&[
            "O".to_string(),
            "B-X".to_string(),
            "I-X".to_string(),
        ]);
        let ids = [1u32, 0, 0, 1];
        let off = [0usize, 1, 2, 3, 4];
        let gold = [0usize, 1, 2, 0];
        let items = [Item {
            ids: &ids,
            off: &off,
            gold: &gold,
        }];
        let mut fb = ForwardBackward::default();
        let w = vec![0.0; 2 * l];
        let tw = vec![0.0; (l + 1) * l];
        fb.run(&items[0], &w, &tw, 1.0, l, &allowed);
        for i in 0..4 {
            let s: f64 = fb.marg[i * l..(i + 1) * l].iter().sum();
            assert!((s - 1.0).abs() < 1e-9);
        }
        assert_eq!(fb.marg[2], 0.0, "no I-X at the start");
        let cfg = Sgd {
            epochs: 30,
            c2: 0.1,
            eta0: 0.1,
        };
        let (w, t) = train(&items, &mut |_| vec![0], 2, l, &allowed, &cfg, &mut |_| {});
        let e: Vec<f32> = [1usize, 0, 0, 1]
            .iter()
            .flat_map(|&f| w[f * l..(f + 1) * l].to_vec())
            .collect();
        let path = crate::propose::model::viterbi(&e, &t, &allowed, l);
        assert_eq!(path, gold);
    }
}
