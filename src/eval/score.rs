//! Counts of hits and misses, and the precision, recall and F1 they give.

use std::collections::BTreeMap;

use serde::Serialize;

/// True positives, false positives and false negatives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Counts {
    pub tp: usize,
    pub fp: usize,
    #[serde(rename = "fn")]
    pub fn_: usize,
}

impl Counts {
    pub fn add(&mut self, other: Counts) {
        self.tp += other.tp;
        self.fp += other.fp;
        self.fn_ += other.fn_;
    }

    pub fn is_empty(&self) -> bool {
        self.tp + self.fp + self.fn_ == 0
    }

    /// tp / (tp + fp); 0 when nothing was predicted.
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }

    /// tp / (tp + fn); 0 when there is no gold.
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }

    /// 2·tp / (2·tp + fp + fn), the harmonic mean of precision and recall;
    /// 0 when there is nothing at all.
    pub fn f1(&self) -> f64 {
        ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn_)
    }

    pub fn prf(&self) -> Prf {
        Prf {
            precision: self.precision(),
            recall: self.recall(),
            f1: self.f1(),
        }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// Precision, recall and F1.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Prf {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

/// Scores of one matching mode over a set of documents.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Scores {
    /// Every label seen in gold or predictions.
    pub per_label: BTreeMap<String, Counts>,
    /// All labels' counts summed.
    pub total: Counts,
    /// From `total`: every entity weighs the same.
    pub micro: Prf,
    /// Unweighted mean of the per-label precision, recall and F1: every label
    /// weighs the same, so rare labels count.
    #[serde(rename = "macro")]
    pub macro_avg: Prf,
}

impl Scores {
    pub fn from_labels(per_label: BTreeMap<String, Counts>) -> Scores {
        let mut total = Counts::default();
        let (mut p, mut r, mut f) = (0.0, 0.0, 0.0);
        for c in per_label.values() {
            total.add(*c);
            p += c.precision();
            r += c.recall();
            f += c.f1();
        }
        let n = per_label.len().max(1) as f64;
        Scores {
            micro: total.prf(),
            macro_avg: Prf {
                precision: p / n,
                recall: r / n,
                f1: f / n,
            },
            total,
            per_label,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prf_and_zero_division() {
        let c = Counts {
            tp: 3,
            fp: 1,
            fn_: 2,
        };
        assert_eq!(c.precision(), 0.75);
        assert_eq!(c.recall(), 0.6);
        assert!((c.f1() - 2.0 * 0.75 * 0.6 / 1.35).abs() < 1e-12);
        assert_eq!(Counts::default().prf(), Prf::default());
    }
}
