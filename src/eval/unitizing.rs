//! Krippendorff's unitizing alpha (αu): agreement on where units are and
//! what they are, over a continuum of characters, as INCEpTION reports it
//! beside Cohen's kappa (through DKPro Agreement).
//!
//! Definition (Krippendorff 1995, "On the reliability of unitizing
//! continuous data", Sociological Methodology 25; Content Analysis, 2004,
//! §12.4): for one category, each of the m coders divides the continuum
//! [0, L) into sections: units (w = 1, the category's spans) and the gaps
//! between them (w = 0). Two sections g (coder i) and h (coder j ≠ i), with
//! beginnings b and lengths l, disagree by
//!
//! - (b_g − b_h)² + (b_g + l_g − b_h − l_h)² when both are units and overlap;
//! - l_g² when g is a unit lying inside gap h (and l_h² the other way round);
//! - 0 otherwise.
//!
//! Observed disagreement D_o = Σ_{i≠j} Σ_g Σ_h δ²(g, h) / (m(m − 1)L²).
//! Expected disagreement, with N units over all coders:
//!
//! D_e = (2/L) Σ_units [ (N − 1)/3 · (2l³ − 3l² + l) + l² Σ_{gaps of all coders, l_gap ≥ l} (l_gap − l + 1) ]
//!       / [ mL(mL − 1) − Σ_units l(l − 1) ]
//!
//! and αu = 1 − D_o / D_e. Over several categories the disagreements are
//! summed before dividing (αu = 1 − ΣD_o / ΣD_e); each category's own value
//! is reported too. Units of length 1 on a continuum of length-1 positions
//! make αu the binary (nominal) α of those positions: the test recasts
//! Krippendorff's worked binary example (two observers, ten units, α =
//! 0.095; "Computing Krippendorff's Alpha-Reliability", 2011, section A) as
//! a unitizing and finds the same value.
//!
//! A coder's overlapping or nested spans of one category are merged into
//! one unit (sections of one coder do not overlap in the definition).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

/// αu over all categories and per category.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitizingAlpha {
    /// Length of the continuum (chars).
    pub length: usize,
    /// 1 − ΣD_o / ΣD_e; `None` when no coder marked anything (D_e = 0).
    pub alpha: Option<f64>,
    /// Per category (label): its own αu, `None` when nobody used it.
    pub per_label: BTreeMap<String, Option<f64>>,
}

impl UnitizingAlpha {
    /// αu per label on one line, as `kashif agree` prints it and the
    /// review panel shows it: `PER 0.912, LOC -` (three decimals; `-` for
    /// a label nobody used in a way that can be measured). Empty when there
    /// are no labels.
    pub fn per_label_line(&self) -> String {
        self.per_label
            .iter()
            .map(|(l, v)| match v {
                Some(v) => format!("{l} {v:.3}"),
                None => format!("{l} -"),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// One section of a coder's division of the continuum.
#[derive(Debug, Clone, Copy)]
struct Section {
    b: f64,
    l: f64,
    unit: bool,
}

/// αu for `coders`' spans `(start, end, label)` on one continuum of
/// `length` chars (documents placed one after another). Spans are clipped
/// to the continuum; empty ones are ignored.
pub fn unitizing_alpha(length: usize, coders: &[Vec<(usize, usize, &str)>]) -> UnitizingAlpha {
    let labels: BTreeSet<&str> = coders.iter().flatten().map(|s| s.2).collect();
    let (mut sum_o, mut sum_e) = (0.0, 0.0);
    let mut per_label = BTreeMap::new();
    for label in labels {
        let units: Vec<Vec<(usize, usize)>> = coders
            .iter()
            .map(|c| {
                merged(
                    c.iter()
                        .filter(|s| s.2 == label)
                        .map(|s| (s.0.min(length), s.1.min(length))),
                )
            })
            .collect();
        let (d_o, d_e) = disagreements(length, &units);
        sum_o += d_o;
        sum_e += d_e;
        per_label.insert(label.to_string(), (d_e > 0.0).then(|| 1.0 - d_o / d_e));
    }
    UnitizingAlpha {
        length,
        alpha: (sum_e > 0.0).then(|| 1.0 - sum_o / sum_e),
        per_label,
    }
}

/// Sorted, non-overlapping, non-empty unions of `spans`.
fn merged(spans: impl Iterator<Item = (usize, usize)>) -> Vec<(usize, usize)> {
    let mut v: Vec<(usize, usize)> = spans.filter(|s| s.0 < s.1).collect();
    v.sort_unstable();
    let mut out: Vec<(usize, usize)> = Vec::with_capacity(v.len());
    for (s, e) in v {
        match out.last_mut() {
            Some(last) if s < last.1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

/// A coder's units and the gaps between them, covering [0, length).
fn sections(length: usize, units: &[(usize, usize)]) -> Vec<Section> {
    let mut out = Vec::with_capacity(2 * units.len() + 1);
    let mut at = 0;
    let mut push = |b: usize, e: usize, unit: bool| {
        if b < e {
            out.push(Section {
                b: b as f64,
                l: (e - b) as f64,
                unit,
            });
        }
    };
    for &(s, e) in units {
        push(at, s, false);
        push(s, e, true);
        at = e;
    }
    push(at, length, false);
    out
}

/// δ² of section g (one coder) against h (another).
fn delta2(g: Section, h: Section) -> f64 {
    let d = g.b - h.b;
    match (g.unit, h.unit) {
        (true, true) if -g.l < d && d < h.l => d * d + (d + g.l - h.l).powi(2),
        (true, false) if h.l - g.l >= d && d >= 0.0 => g.l * g.l,
        (false, true) if h.l - g.l <= d && d <= 0.0 => h.l * h.l,
        _ => 0.0,
    }
}

/// (D_o, D_e) of one category, `units[i]` being coder i's merged units.
fn disagreements(length: usize, units: &[Vec<(usize, usize)>]) -> (f64, f64) {
    let (m, l_total) = (units.len() as f64, length as f64);
    let n_units: usize = units.iter().map(Vec::len).sum();
    if units.len() < 2 || length == 0 || n_units == 0 {
        return (0.0, 0.0);
    }
    let secs: Vec<Vec<Section>> = units.iter().map(|u| sections(length, u)).collect();
    // Observed: only sections that overlap can disagree (a unit inside a
    // gap overlaps it), and each coder's sections are sorted and disjoint.
    let mut observed = 0.0;
    for (i, a) in secs.iter().enumerate() {
        for (j, b) in secs.iter().enumerate() {
            if i == j {
                continue;
            }
            let mut k = 0;
            for g in a {
                while k < b.len() && b[k].b + b[k].l <= g.b {
                    k += 1;
                }
                let mut h = k;
                while h < b.len() && b[h].b < g.b + g.l {
                    observed += delta2(*g, b[h]);
                    h += 1;
                }
            }
        }
    }
    let d_o = observed / (m * (m - 1.0) * l_total * l_total);
    // Expected: every unit against units of its length shifted over it,
    // and against every gap long enough to hold it.
    let mut gaps: Vec<f64> = secs
        .iter()
        .flatten()
        .filter(|s| !s.unit)
        .map(|s| s.l)
        .collect();
    gaps.sort_by(f64::total_cmp);
    let mut suffix = vec![0.0; gaps.len() + 1];
    for i in (0..gaps.len()).rev() {
        suffix[i] = suffix[i + 1] + gaps[i];
    }
    let n = n_units as f64;
    let (mut sum, mut within) = (0.0, 0.0);
    for u in secs.iter().flatten().filter(|s| s.unit) {
        let l = u.l;
        let from = gaps.partition_point(|&g| g < l);
        let count = (gaps.len() - from) as f64;
        let fits = suffix[from] - (l - 1.0) * count;
        sum += (n - 1.0) / 3.0 * (2.0 * l.powi(3) - 3.0 * l * l + l) + l * l * fits;
        within += l * (l - 1.0);
    }
    let denominator = m * l_total * (m * l_total - 1.0) - within;
    let d_e = if denominator > 0.0 {
        2.0 / l_total * sum / denominator
    } else {
        0.0
    };
    (d_o, d_e)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Krippendorff's binary example (two observers, ten units; "Computing
    /// Krippendorff's Alpha-Reliability", 2011, section A: α = 0.095) as a
    /// unitizing of ten one-char positions: a 1 is a unit at that place.
    #[test]
    fn atomic_units_give_krippendorffs_binary_example() {
        let a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0];
        let b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0];
        let units = |v: &[i32]| -> Vec<(usize, usize, &str)> {
            v.iter()
                .enumerate()
                .filter(|(_, x)| **x == 1)
                .map(|(i, _)| (i, i + 1, "X"))
                .collect()
        };
        // Adjacent ones stay separate units of length 1 here: merge only
        // joins overlapping spans.
        let r = unitizing_alpha(10, &[units(&a), units(&b)]);
        let alpha = r.alpha.unwrap();
        // By hand: D_o = 8 / (2·1·10²) = 0.04; D_e = (2/10)·(6·14) / (20·19).
        let expected = 1.0 - 0.04 / (0.2 * 84.0 / 380.0);
        assert!((alpha - expected).abs() < 1e-12, "{alpha}");
        assert!((alpha - 0.095).abs() < 0.0005, "{alpha}");
    }

    #[test]
    fn identical_coders_agree_fully_and_the_order_of_coders_does_not_matter() {
        let a = vec![(3, 9, "PER"), (20, 26, "LOC"), (40, 45, "PER")];
        let r = unitizing_alpha(60, &[a.clone(), a.clone()]);
        assert_eq!(r.alpha, Some(1.0));
        assert_eq!(r.per_label["PER"], Some(1.0));
        let b = vec![(3, 8, "PER"), (22, 26, "LOC"), (50, 55, "ORG")];
        let ab = unitizing_alpha(60, &[a.clone(), b.clone()]);
        let ba = unitizing_alpha(60, &[b, a]);
        assert_eq!(ab, ba);
        let v = ab.alpha.unwrap();
        assert!(v < 1.0 && v > -1.0, "{v}");
        assert_eq!(ab.per_label.len(), 3);
    }

    #[test]
    fn closer_boundaries_agree_more() {
        let gold = vec![(10, 20, "LOC"), (40, 52, "PER")];
        let near = vec![(10, 21, "LOC"), (40, 52, "PER")];
        let far = vec![(14, 24, "LOC"), (40, 52, "PER")];
        let elsewhere = vec![(60, 70, "LOC"), (40, 52, "PER")];
        let a = |o: &Vec<(usize, usize, &str)>| {
            unitizing_alpha(100, &[gold.clone(), o.clone()])
                .alpha
                .unwrap()
        };
        assert!(a(&near) > a(&far), "{} {}", a(&near), a(&far));
        assert!(a(&far) > a(&elsewhere), "{} {}", a(&far), a(&elsewhere));
    }

    #[test]
    fn nothing_marked_has_no_alpha_and_overlaps_are_merged() {
        assert_eq!(unitizing_alpha(10, &[vec![], vec![]]).alpha, None);
        let nested = vec![(2, 8, "ORG"), (4, 6, "ORG")];
        let flat = vec![(2, 8, "ORG")];
        assert_eq!(
            unitizing_alpha(20, &[nested, flat.clone()]).alpha,
            unitizing_alpha(20, &[flat.clone(), flat]).alpha
        );
    }
}
