//! Gazetteer lookup: longest matches of known names over tokens.
//!
//! The lists under `assets/gazetteer/` (built by
//! `scripts/build_gazetteers.py`) are embedded, so the binary needs no files
//! at run time. Entries are keyed by normalised tokens joined by one space;
//! every prefix of an entry is recorded too, so a match extends token by
//! token and stops at the first prefix that leads nowhere.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use super::words::{Word, Words};
use crate::annotation::{Proposal, Source};
use crate::arabic::{normalize, tokenize};

/// One embedded list: file name, label, confidence of a match.
///
/// Confidences follow the lists' measured precision on held-out ANERcorp
/// (docs/rules.md); earlier lists win when a name is in several.
const LISTS: [(&str, &str, &str, f32); 6] = [
    (
        "mined_per.txt",
        include_str!("../../assets/gazetteer/mined_per.txt"),
        "PER",
        0.85,
    ),
    (
        "mined_org.txt",
        include_str!("../../assets/gazetteer/mined_org.txt"),
        "ORG",
        0.85,
    ),
    (
        "mined_misc.txt",
        include_str!("../../assets/gazetteer/mined_misc.txt"),
        "MISC",
        0.8,
    ),
    (
        "mined_loc.txt",
        include_str!("../../assets/gazetteer/mined_loc.txt"),
        "LOC",
        0.75,
    ),
    (
        "org.txt",
        include_str!("../../assets/gazetteer/org.txt"),
        "ORG",
        0.85,
    ),
    (
        "loc.txt",
        include_str!("../../assets/gazetteer/loc.txt"),
        "LOC",
        0.75,
    ),
];

/// A stripped reading must leave at least this many chars to match, so a
/// proclitic does not turn a common word into a two-letter place.
const MIN_STRIPPED_KEY: usize = 3;

#[derive(Debug, Clone, Default)]
struct Node {
    /// The entry ending here: label index and confidence.
    entry: Option<(usize, f32)>,
    /// Whether some longer entry starts with this prefix.
    continues: bool,
}

/// A set of names with their labels.
#[derive(Debug, Clone, Default)]
pub struct Gazetteer {
    labels: Vec<String>,
    nodes: HashMap<String, Node>,
    /// Common words (normalised): never a one-word match, never read as
    /// proclitic + name (`لجأوا` is not ل + جاوا).
    /// Shared, so that a list of a document's own names
    /// ([`Gazetteer::with_builtin_common_words`]) costs no copy of it.
    common: std::sync::Arc<HashSet<String>>,
}

/// One name found: words `first..=last`; the entity starts `skip` chars into
/// the first word (after a proclitic).
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    pub first: usize,
    pub last: usize,
    pub skip: usize,
    pub label: String,
    pub confidence: f32,
}

/// The matching key of a name: its tokens, normalised, joined by one space.
pub fn entry_key(name: &str) -> String {
    let norm = normalize(name);
    let tokens: Vec<&str> = tokenize(norm.as_str())
        .into_iter()
        .map(|t| t.text)
        .collect();
    tokens.join(" ")
}

/// Whether `name` is a country or a major city: CLDR territories and
/// time-zone exemplar cities and the ISO 3166 Arabic country names
/// (`assets/gazetteer/cities.txt`, a subset of `loc.txt` without the
/// subdivisions, many of which are also person names: `صلاح الدين`). Such a
/// name is a place whatever a model guesses (`باكو`, `يريفان` were proposed
/// as PER at 0.89 by both tiers); compared by [`entry_key`].
pub fn is_city_or_country(name: &str) -> bool {
    static CITIES: OnceLock<HashSet<String>> = OnceLock::new();
    CITIES
        .get_or_init(|| {
            include_str!("../../assets/gazetteer/cities.txt")
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(entry_key)
                .collect()
        })
        .contains(&entry_key(name))
}

impl Gazetteer {
    /// The lists shipped with Kashif.
    pub fn builtin() -> &'static Gazetteer {
        static BUILTIN: OnceLock<Gazetteer> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            let mut g = Gazetteer::default();
            for (_, text, label, confidence) in LISTS {
                g.add_list(text, label, confidence);
            }
            g.add_common_words(include_str!("../../assets/gazetteer/stopwords.txt"));
            g
        })
    }

    /// Adds every name of a list (one per line, `#` comments); names
    /// already present keep their first label.
    pub fn add_list(&mut self, text: &str, label: &str, confidence: f32) {
        for line in text.lines() {
            let line = line.trim();
            if !line.is_empty() && !line.starts_with('#') {
                self.add(line, label, confidence);
            }
        }
    }

    /// Known given and family names, normalised: the words of
    /// `assets/gazetteer/per_names.txt` (arabnamer's JRC-Names pairs,
    /// CC BY 4.0; name particles such as `عبد` dropped). Read once.
    pub fn given_names() -> &'static HashSet<String> {
        static NAMES: OnceLock<HashSet<String>> = OnceLock::new();
        NAMES.get_or_init(|| {
            include_str!("../../assets/gazetteer/per_names.txt")
                .lines()
                .map(str::trim)
                .filter(|l| !l.starts_with('#') && !l.is_empty())
                .map(|l| normalize(l).into_string())
                .collect()
        })
    }

    /// An empty list with the shipped lists' common words: names added to
    /// it never match a common word alone (`super::repeat`'s names of one
    /// document). The words are shared with [`Gazetteer::builtin`], not
    /// copied.
    pub fn with_builtin_common_words() -> Gazetteer {
        Gazetteer {
            common: Gazetteer::builtin().common.clone(),
            ..Gazetteer::default()
        }
    }

    /// Whether `norm` (a normalised word) is one of the common words, which
    /// never match alone.
    pub fn is_common(&self, norm: &str) -> bool {
        self.common.contains(norm)
    }

    /// Adds common words (one per line, `#` comments), which never match
    /// alone nor through a stripped reading.
    pub fn add_common_words(&mut self, text: &str) {
        let words = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'));
        std::sync::Arc::make_mut(&mut self.common)
            .extend(words.map(|w| normalize(w).into_string()));
    }

    /// Adds one name.
    pub fn add(&mut self, name: &str, label: &str, confidence: f32) {
        let key = entry_key(name);
        if key.is_empty() {
            return;
        }
        let label_ix = match self.labels.iter().position(|l| l == label) {
            Some(i) => i,
            None => {
                self.labels.push(label.to_string());
                self.labels.len() - 1
            }
        };
        for (i, c) in key.char_indices() {
            if c == ' ' {
                self.nodes
                    .entry(key[..i].to_string())
                    .or_default()
                    .continues = true;
            }
        }
        let node = self.nodes.entry(key).or_default();
        if node.entry.is_none() {
            node.entry = Some((label_ix, confidence));
        }
    }

    /// Number of names.
    pub fn len(&self) -> usize {
        self.nodes.values().filter(|n| n.entry.is_some()).count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The label of a name, looked up as written (normalised).
    pub fn label_of(&self, name: &str) -> Option<&str> {
        let (ix, _) = self.nodes.get(&entry_key(name))?.entry?;
        Some(&self.labels[ix])
    }

    /// Longest entry starting at word `i` read with its first key `first`:
    /// (last word, label index, confidence).
    fn longest_from(&self, words: &[Word], i: usize, first: String) -> Option<(usize, usize, f32)> {
        let mut key = first;
        let mut best = None;
        let mut j = i;
        while let Some(node) = self.nodes.get(&key) {
            if let Some((label, conf)) = node.entry {
                best = Some((j, label, conf));
            }
            if !node.continues || j + 1 >= words.len() {
                break;
            }
            j += 1;
            key.push(' ');
            key.push_str(&words[j].norm);
        }
        best
    }

    /// The longest match starting at word `i`: every proclitic reading is
    /// tried; the longest match wins and, among equals, the reading that
    /// strips least (so `لبنان` stays whole while `وأذربيجان` loses its و).
    pub fn match_at(&self, words: &Words, i: usize) -> Option<Match> {
        let ws = &words.words;
        let w = ws.get(i)?;
        if !w.is_word() {
            return None;
        }
        let mut best: Option<(usize, usize, usize, f32)> = None;
        let common = self.common.contains(&w.norm);
        for split in &w.splits {
            if !split.is_whole() && common {
                break;
            }
            let key = w.key(split);
            if !split.is_whole() && key.chars().count() < MIN_STRIPPED_KEY {
                continue;
            }
            if let Some((last, label, conf)) = self.longest_from(ws, i, key)
                && best.is_none_or(|b| last > b.0)
                && !(last == i && common)
            {
                best = Some((last, split.entity_start, label, conf));
            }
        }
        best.map(|(last, skip, label, confidence)| Match {
            first: i,
            last,
            skip,
            label: self.labels[label].clone(),
            confidence,
        })
    }

    /// Non-overlapping longest matches, left to right.
    pub fn find(&self, words: &Words) -> Vec<Match> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < words.len() {
            match self.match_at(words, i) {
                Some(m) => {
                    i = m.last + 1;
                    out.push(m);
                }
                None => i += 1,
            }
        }
        out
    }

    /// Proposals for a document text.
    pub fn propose(&self, text: &str) -> Vec<Proposal> {
        self.propose_words(&Words::from_text(text), Source::Gazetteer)
    }

    /// Proposals over words already split (a text or CoNLL tokens), under
    /// `source`: the shipped lists, or the memory of annotators' gold.
    pub fn propose_words(&self, words: &Words, source: Source) -> Vec<Proposal> {
        self.find(words)
            .into_iter()
            .map(|m| words.proposal(m.first, m.skip, m.last, &m.label, m.confidence, source))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(String, String)> {
        Gazetteer::builtin()
            .propose(text)
            .into_iter()
            .map(|p| (p.text, p.label))
            .collect()
    }

    fn has(text: &str, want: &str, label: &str) -> bool {
        found(text).iter().any(|(t, l)| t == want && l == label)
    }

    #[test]
    fn guideline_cases_keep_clitics_out() {
        let text = "اقتربت أرمينيا وأذربيجان من اتفاق بالولايات المتحدة";
        let got = found(text);
        assert!(got.contains(&("أرمينيا".into(), "LOC".into())), "{got:?}");
        assert!(got.contains(&("أذربيجان".into(), "LOC".into())), "{got:?}");
        assert!(
            got.contains(&("الولايات المتحدة".into(), "LOC".into())),
            "{got:?}"
        );
    }

    #[test]
    fn offsets_are_document_chars() {
        let text = "(واشنطن) قال وزير خارجية لبنان";
        let ps = Gazetteer::builtin().propose(text);
        for p in &ps {
            assert_eq!(
                crate::text::slice_chars(text, p.start, p.end),
                Some(p.text.as_str())
            );
            assert_eq!(p.source, Source::Gazetteer);
        }
        assert!(
            ps.iter()
                .any(|p| p.text == "واشنطن" && p.start == 1 && p.end == 7),
            "{ps:?}"
        );
        assert!(ps.iter().any(|p| p.text == "لبنان"), "{ps:?}");
    }

    #[test]
    fn names_starting_like_proclitics_stay_whole() {
        for name in ["لبنان", "فرنسا", "بريطانيا", "كندا", "واشنطن"] {
            let text = format!("زار الوفد {name} أمس");
            assert!(has(&text, name, "LOC"), "{name}: {:?}", found(&text));
        }
        // ...and a real proclitic on them is still stripped.
        assert!(has("وصل إلى لندن وباريس", "باريس", "LOC"));
        assert!(has("زار الوفد ولبنان", "لبنان", "LOC"));
    }

    #[test]
    fn longest_match_wins_and_marks_do_not_matter() {
        assert_eq!(
            found("في الولايات المتّحدة"),
            vec![("الولايات المتّحدة".to_string(), "LOC".to_string())]
        );
        assert_eq!(
            found("قالت الأمم المتحدة"),
            vec![("الأمم المتحدة".to_string(), "ORG".to_string())]
        );
        assert_eq!(
            found("رئيس الوزراء توني بلير"),
            vec![("توني بلير".to_string(), "PER".to_string())]
        );
        assert_eq!(
            found("قال بلير"),
            vec![("بلير".to_string(), "PER".to_string())]
        );
    }

    #[test]
    fn lam_before_the_article_keeps_the_article_lam() {
        let mut g = Gazetteer::default();
        g.add("الولايات المتحدة", "LOC", 0.9);
        let ps = g.propose("دعم للولايات المتحدة");
        assert_eq!(ps.len(), 1);
        assert_eq!(ps[0].text, "لولايات المتحدة");
    }

    #[test]
    fn a_private_list_matches_multiword_names_only_in_full() {
        let mut g = Gazetteer::default();
        g.add("مجلس الأمن الدولي", "ORG", 0.9);
        g.add("مجلس الأمن", "ORG", 0.8);
        assert_eq!(g.len(), 2);
        let ps = g.propose("أمام مجلس الأمن الدولي ومجلس الأمن ومجلس الوزراء");
        let got: Vec<&str> = ps.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(got, vec!["مجلس الأمن الدولي", "مجلس الأمن"]);
        assert_eq!(g.label_of("مجلس الامن"), Some("ORG"));
    }

    #[test]
    fn common_words_neither_match_alone_nor_lose_a_proclitic() {
        let mut g = Gazetteer::default();
        g.add("جاوا", "LOC", 0.8);
        g.add("مالي", "LOC", 0.8);
        g.add_common_words("# comment\nلجأوا\nمالي\n");
        assert!(g.propose("في حال لجأوا الى السلاح").is_empty());
        assert!(g.propose("مركز مالي كبير").is_empty());
        assert_eq!(g.propose("زار جاوا ولجاوا").len(), 2);
    }

    #[test]
    fn conll_tokens_match_too() {
        let toks = ["زار", "وأذربيجان", "و", "الولايات", "المتحدة"];
        let words = Words::from_tokens(&toks);
        let ms = Gazetteer::builtin().find(&words);
        assert!(
            ms.iter()
                .any(|m| m.first == 1 && m.last == 1 && m.skip == 1 && m.label == "LOC"),
            "{ms:?}"
        );
        assert!(
            ms.iter()
                .any(|m| m.first == 3 && m.last == 4 && m.skip == 0),
            "{ms:?}"
        );
    }
}
