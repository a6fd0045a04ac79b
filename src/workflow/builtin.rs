//! The proposer this build has without a trained model: the gazetteers,
//! rules and dates of [`crate::propose`]. The model branch's combined
//! proposer (model + memory of gold strings) replaces it through the same
//! [`Proposer`] trait.

use std::collections::HashMap;

use crate::annotation::Proposal;
use crate::propose::{dates, gazetteer::Gazetteer, rules};

use super::proposals::Proposer;

/// Gazetteer, rule and date proposals; where several sources propose the
/// same range, only the most confident stays (one ghost box per place).
#[derive(Debug, Clone, Copy, Default)]
pub struct RulesProposer;

impl Proposer for RulesProposer {
    fn propose(&self, _doc_id: &str, text: &str) -> Vec<Proposal> {
        let mut all = Gazetteer::builtin().propose(text);
        all.extend(rules::propose(text));
        all.extend(dates::propose(text));
        let mut best: HashMap<(usize, usize), Proposal> = HashMap::new();
        for p in all {
            match best.get(&(p.start, p.end)) {
                Some(q) if q.confidence >= p.confidence => {}
                _ => {
                    best.insert((p.start, p.end), p);
                }
            }
        }
        let mut out: Vec<Proposal> = best.into_values().collect();
        out.sort_by(|a, b| a.key().cmp(&b.key()));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proposes_places_and_dates_once_per_range() {
        let text = "اقتربت أرمينيا وأذربيجان يوم الخميس 15 نوفمبر 2023 من اتفاق في واشنطن.";
        let ps = RulesProposer.propose("d", text);
        let texts: Vec<&str> = ps.iter().map(|p| p.text.as_str()).collect();
        assert!(texts.contains(&"أرمينيا"), "{texts:?}");
        assert!(texts.contains(&"أذربيجان"), "{texts:?}");
        assert!(ps.iter().any(|p| p.label == "DATE"), "{texts:?}");
        for (i, p) in ps.iter().enumerate() {
            assert!(!ps[..i].iter().any(|q| q.start == p.start && q.end == p.end));
        }
    }
}
