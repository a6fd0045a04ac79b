//! Conditional random field training with L2 regularisation, over the same
//! dense feature ids as the perceptron: by stochastic gradient descent (the
//! decaying-rate, weight-scaling scheme CRFsuite's `l2sgd` uses) or by
//! L-BFGS on the whole objective (as CRFsuite's default `lbfgs`).
//! Sequential or in a fixed number of chunks summed in order, hence
//! repeatable on any machine.

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
/// `progress` is told each finished epoch; `false` from it stops
/// (cancelled: see [`super::train::TrainControl`]).
pub(crate) fn train(
    items: &[Item],
    order_of_epoch: &mut dyn FnMut(usize) -> Vec<usize>,
    nf: usize,
    l: usize,
    allowed: &[bool],
    cfg: &Sgd,
    progress: &mut dyn FnMut(usize) -> bool,
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
        if !progress(epoch + 1) {
            break;
        }
    }
    (
        w.iter().map(|x| (x * scale) as f32).collect(),
        tw.iter().map(|x| (x * scale) as f32).collect(),
    )
}

/// Settings of an L-BFGS run.
pub(crate) struct Lbfgs {
    pub max_iterations: usize,
    /// L2 strength: the objective adds `c2 · |w|²`.
    pub c2: f64,
}

/// Chunks the objective is summed over, in order (fixed, so the sums and
/// thus the model do not depend on how many cores the machine has).
const CHUNKS: usize = 4;
/// Directions remembered by L-BFGS.
const MEMORY: usize = 10;

/// Negative log-likelihood of `items` plus the L2 term at `x` (state weights
/// `nf × l`, then transitions `(l + 1) × l`), and its gradient into `grad`.
fn objective(
    items: &[Item],
    x: &[f64],
    grad: &mut [f64],
    nw: usize,
    l: usize,
    allowed: &[bool],
    c2: f64,
) -> f64 {
    let per = items.len().div_ceil(CHUNKS).max(1);
    let parts: Vec<(f64, Vec<f64>)> = std::thread::scope(|sc| {
        let handles: Vec<_> = items
            .chunks(per)
            .map(|chunk| {
                sc.spawn(move || {
                    let mut g = vec![0f64; x.len()];
                    let mut fb = ForwardBackward::default();
                    let mut f = 0.0;
                    let (w, tw) = x.split_at(nw);
                    for it in chunk {
                        let n = it.off.len() - 1;
                        if n == 0 {
                            continue;
                        }
                        fb.run(it, w, tw, 1.0, l, allowed);
                        let mut gold = tw[l * l + it.gold[0]];
                        for i in 0..n {
                            let m = &fb.marg[i * l..(i + 1) * l];
                            for &fid in &it.ids[it.off[i]..it.off[i + 1]] {
                                let base = fid as usize * l;
                                gold += w[base + it.gold[i]];
                                for k in 0..l {
                                    g[base + k] += m[k];
                                }
                                g[base + it.gold[i]] -= 1.0;
                            }
                            if i > 0 {
                                gold += tw[it.gold[i - 1] * l + it.gold[i]];
                            }
                        }
                        for k in 0..l {
                            g[nw + l * l + k] += fb.marg[k];
                        }
                        g[nw + l * l + it.gold[0]] -= 1.0;
                        for i in 1..n {
                            let pm = &fb.pair[i * l * l..(i + 1) * l * l];
                            for (pc, p) in pm.iter().enumerate() {
                                g[nw + pc] += p;
                            }
                            g[nw + it.gold[i - 1] * l + it.gold[i]] -= 1.0;
                        }
                        f += fb.log_z - gold;
                    }
                    (f, g)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    grad.iter_mut().for_each(|g| *g = 0.0);
    let mut f = 0.0;
    for (pf, pg) in parts {
        f += pf;
        for (a, b) in grad.iter_mut().zip(pg) {
            *a += b;
        }
    }
    for (g, &xi) in grad.iter_mut().zip(x) {
        f += c2 * xi * xi;
        *g += 2.0 * c2 * xi;
    }
    f
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Trains by L-BFGS (backtracking line search); stops after
/// `max_iterations` or when the objective improved by less than 1e-5
/// (relative) over the last 10 iterations. Returns `(state weights nf × l,
/// transition weights (l + 1) × l)`. `progress` is told each iteration;
/// `false` from it stops (cancelled).
pub(crate) fn train_lbfgs(
    items: &[Item],
    nf: usize,
    l: usize,
    allowed: &[bool],
    cfg: &Lbfgs,
    progress: &mut dyn FnMut(usize) -> bool,
) -> (Vec<f32>, Vec<f32>) {
    let nw = nf * l;
    let dim = nw + (l + 1) * l;
    let mut x = vec![0f64; dim];
    let mut g = vec![0f64; dim];
    let mut f = objective(items, &x, &mut g, nw, l, allowed, cfg.c2);
    let mut hist: std::collections::VecDeque<(Vec<f64>, Vec<f64>, f64)> = Default::default();
    let mut past = vec![f];
    let mut xn = vec![0f64; dim];
    let mut gn = vec![0f64; dim];
    for iter in 0..cfg.max_iterations {
        // two-loop recursion: d = -H g
        let mut q = g.clone();
        let mut alphas = Vec::with_capacity(hist.len());
        for (s, y, rho) in hist.iter().rev() {
            let a = rho * dot(s, &q);
            q.iter_mut().zip(y).for_each(|(qi, yi)| *qi -= a * yi);
            alphas.push(a);
        }
        let gamma = hist
            .back()
            .map_or(1.0 / dot(&g, &g).sqrt().max(1e-12), |(s, y, _)| {
                dot(s, y) / dot(y, y).max(1e-300)
            });
        q.iter_mut().for_each(|v| *v *= gamma);
        for ((s, y, rho), a) in hist.iter().zip(alphas.iter().rev()) {
            let b = rho * dot(y, &q);
            q.iter_mut().zip(s).for_each(|(qi, si)| *qi += si * (a - b));
        }
        let d: Vec<f64> = q.iter().map(|v| -v).collect();
        let slope = dot(&g, &d);
        if slope >= 0.0 {
            break;
        }
        let mut step = 1.0;
        let mut fnew;
        let mut tries = 0;
        loop {
            for ((xn, &xi), &di) in xn.iter_mut().zip(&x).zip(&d) {
                *xn = xi + step * di;
            }
            fnew = objective(items, &xn, &mut gn, nw, l, allowed, cfg.c2);
            tries += 1;
            if fnew <= f + 1e-4 * step * slope || tries >= 20 {
                break;
            }
            step *= 0.5;
        }
        if fnew > f {
            break;
        }
        let s: Vec<f64> = xn.iter().zip(&x).map(|(a, b)| a - b).collect();
        let y: Vec<f64> = gn.iter().zip(&g).map(|(a, b)| a - b).collect();
        let sy = dot(&s, &y);
        if sy > 1e-10 {
            if hist.len() == MEMORY {
                hist.pop_front();
            }
            hist.push_back((s, y, 1.0 / sy));
        }
        std::mem::swap(&mut x, &mut xn);
        std::mem::swap(&mut g, &mut gn);
        f = fnew;
        past.push(f);
        if !progress(iter + 1) {
            break;
        }
        if past.len() > 10 {
            let old = past[past.len() - 11];
            if (old - f) / f.abs().max(1e-12) < 1e-5 {
                break;
            }
        }
    }
    let (w, t) = x.split_at(nw);
    (
        w.iter().map(|&v| v as f32).collect(),
        t.iter().map(|&v| v as f32).collect(),
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
    /// log of the partition function (with `scale` applied to the scores).
    log_z: f64,
}

impl ForwardBackward {
    fn run(&mut self, it: &Item, w: &[f64], tw: &[f64], scale: f64, l: usize, allowed: &[bool]) {
        let n = it.off.len() - 1;
        self.psi.clear();
        self.psi.resize(n * l, 0.0);
        let mut log_z = 0.0;
        for i in 0..n {
            let row = &mut self.psi[i * l..(i + 1) * l];
            for &f in &it.ids[it.off[i]..it.off[i + 1]] {
                for (k, x) in w[f as usize * l..(f as usize + 1) * l].iter().enumerate() {
                    row[k] += x;
                }
            }
            let m = row.iter().fold(f64::NEG_INFINITY, |a, &b| a.max(b * scale));
            log_z += m;
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
        self.log_z = log_z + self.norm.iter().map(|v| v.ln()).sum::<f64>();
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
        let l = L;
        let (items, allowed) = toy();
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
        let (w, t) = train(&items, &mut |_| vec![0], 2, l, &allowed, &cfg, &mut |_| {
            true
        });
        assert_eq!(best_path(&w, &t, &allowed), GOLD);
    }

    // labels: O=0, B-X=1, I-X=2; feature 0 says "X here", 1 says "O here"
    const L: usize = 3;
    const IDS: [u32; 4] = [1, 0, 0, 1];
    const OFF: [usize; 5] = [0, 1, 2, 3, 4];
    const GOLD: [usize; 4] = [0, 1, 2, 0];

    /// The toy sentence and its transition mask.
    fn toy() -> ([Item<'static>; 1], Vec<bool>) {
        let allowed = crate::propose::model::allowed_for(&[
            "O".to_string(),
            "B-X".to_string(),
            "I-X".to_string(),
        ]);
        let item = Item {
            ids: &IDS,
            off: &OFF,
            gold: &GOLD,
        };
        ([item], allowed)
    }

    /// The best path of the toy sentence under learned weights.
    fn best_path(w: &[f32], t: &[f32], allowed: &[bool]) -> Vec<usize> {
        let e: Vec<f32> = IDS
            .iter()
            .flat_map(|&f| w[f as usize * L..(f as usize + 1) * L].to_vec())
            .collect();
        crate::propose::model::viterbi(&e, t, allowed, L)
    }

    #[test]
    fn the_objective_gradient_matches_finite_differences() {
        let l = L;
        let (items, allowed) = toy();
        let nw = 2 * l;
        let dim = nw + (l + 1) * l;
        // an arbitrary point, transitions included
        let x: Vec<f64> = (0..dim).map(|i| ((i * 7 % 5) as f64 - 2.0) * 0.3).collect();
        let mut g = vec![0.0; dim];
        let f = objective(&items, &x, &mut g, nw, l, &allowed, 0.1);
        assert!(f > 0.0);
        let mut scratch = vec![0.0; dim];
        for k in 0..dim {
            let h = 1e-6;
            let mut xp = x.clone();
            xp[k] += h;
            let mut xm = x.clone();
            xm[k] -= h;
            let num = (objective(&items, &xp, &mut scratch, nw, l, &allowed, 0.1)
                - objective(&items, &xm, &mut scratch, nw, l, &allowed, 0.1))
                / (2.0 * h);
            // forbidden transitions carry no likelihood, only the L2 term
            assert!((num - g[k]).abs() < 1e-5, "weight {k}: {num} vs {}", g[k]);
        }
    }

    #[test]
    fn lbfgs_fits_the_toy_task_and_is_repeatable() {
        let l = L;
        let (items, allowed) = toy();
        let cfg = Lbfgs {
            max_iterations: 50,
            c2: 0.01,
        };
        let mut iters = 0;
        let (w, t) = train_lbfgs(&items, 2, l, &allowed, &cfg, &mut |i| {
            iters = i;
            true
        });
        assert!(iters > 1);
        assert_eq!(best_path(&w, &t, &allowed), GOLD);
        let again = train_lbfgs(&items, 2, l, &allowed, &cfg, &mut |_| true);
        assert_eq!((w, t), again);
    }
}
