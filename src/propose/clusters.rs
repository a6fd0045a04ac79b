//! Word clusters learned from unlabelled text, for the tagger's `clusters`
//! feature group.
//!
//! A name the labelled data never has still sits, in running news, where
//! names of its kind sit; skip-gram word vectors put it near them, and
//! k-means at three granularities turns that into ids a linear model can
//! weigh. The table is `assets/clusters/clusters.tsv` (built by
//! `scripts/build_clusters.py` from the ANT news corpus, WikiFANE text and
//! ANERcorp's training part; see `assets/clusters/SOURCES.md`), compiled into
//! the binary and read once, on first use.
//!
//! File layout: `#` comment lines, then `word<TAB>c64<TAB>c256<TAB>c1024`
//! with `word` in normalised form (`arabic::normalize`).

use std::collections::HashMap;
use std::sync::OnceLock;

/// Granularities per word (64, 256, 1,024 clusters).
pub const LEVELS: usize = 3;

/// Cluster ids of words, coarse to fine.
#[derive(Debug, Default, Clone)]
pub struct Clusters {
    map: HashMap<String, [u16; LEVELS]>,
}

/// A line of a cluster table that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cluster table line {line}: {why}")]
pub struct ClusterError {
    pub line: usize,
    pub why: String,
}

impl Clusters {
    /// Reads a table (layout in the module docs).
    pub fn parse(text: &str) -> Result<Clusters, ClusterError> {
        let mut map = HashMap::with_capacity(text.len() / 20);
        for (n, line) in text.lines().enumerate() {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let err = |why: &str| ClusterError {
                line: n + 1,
                why: why.to_string(),
            };
            let mut parts = line.split('\t');
            let word = parts.next().filter(|w| !w.is_empty());
            let word = word.ok_or_else(|| err("empty word"))?;
            let mut ids = [0u16; LEVELS];
            for id in &mut ids {
                let field = parts
                    .next()
                    .ok_or_else(|| err("fewer than 3 cluster ids"))?;
                *id = field.parse().map_err(|_| {
                    err(&format!("cluster id {field:?} is not a number below 65536"))
                })?;
            }
            if parts.next().is_some() {
                return Err(err("more than 3 cluster ids"));
            }
            map.insert(word.to_string(), ids);
        }
        Ok(Clusters { map })
    }

    /// The table shipped in the binary (empty if it were damaged; a unit
    /// test reads it, so a damaged table does not get past `cargo test`).
    pub fn bundled() -> &'static Clusters {
        static TABLE: OnceLock<Clusters> = OnceLock::new();
        TABLE.get_or_init(|| {
            Clusters::parse(include_str!("../../assets/clusters/clusters.tsv")).unwrap_or_default()
        })
    }

    /// Cluster ids of a normalised word, coarse to fine.
    pub fn get(&self, norm: &str) -> Option<[u16; LEVELS]> {
        self.map.get(norm).copied()
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_table_and_names_bad_lines() {
        let c = Clusters::parse("# header\nمصر\t1\t2\t3\nلبنان\t1\t2\t4\n").unwrap();
        assert_eq!(c.get("مصر"), Some([1, 2, 3]));
        assert_eq!(c.get("سوريا"), None);
        assert_eq!(c.len(), 2);
        let e = Clusters::parse("مصر\t1\t2\n").unwrap_err();
        assert_eq!(e.line, 1);
        let e = Clusters::parse("a\t1\t2\t3\nb\t1\tx\t3\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.to_string().contains("\"x\""), "{e}");
        assert!(Clusters::parse("a\t1\t2\t3\t4\n").is_err());
        assert!(Clusters::parse("a\t1\t2\t70000\n").is_err());
    }

    #[test]
    fn the_bundled_table_reads_and_groups_places_with_places() {
        let text = include_str!("../../assets/clusters/clusters.tsv");
        let c = Clusters::parse(text).unwrap();
        assert!(c.len() > 10_000, "{} words", c.len());
        assert_eq!(Clusters::bundled().len(), c.len());
        // Capitals share a coarse cluster more often than a capital and a verb.
        let coarse = |w: &str| c.get(w).map(|ids| ids[0]);
        assert!(coarse("بيروت").is_some() && coarse("قال").is_some());
        assert_ne!(coarse("بيروت"), coarse("قال"));
    }
}
