//! Proclitic segmentation: which part of a word an entity span leaves out.
//!
//! Arabic glues conjunctions (و ف) and prepositions (ب ك ل) to the next word;
//! the annotation guidelines keep them OUT of an entity but keep the article
//! ال IN (`وأذربيجان` → `أذربيجان`, `بالولايات` → `الولايات`). Many names merely
//! start with these letters (`لبنان`, `واشنطن`, `فرنسا`), so segmentation
//! offers every reading and lets a lexicon decide; without one, the longest
//! reading is the usual guess.

use super::normalize::normalize;

/// One reading of a word as proclitics + (article) + stem. Offsets are chars
/// of the original word, so marks on the proclitic (`وَ`) stay out too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Split {
    /// Where an entity starts: after the conjunction/preposition, before
    /// the article.
    pub entity_start: usize,
    /// Whether the entity part starts with the article. After ل the article
    /// loses its alef (`للولايات` = ل + الولايات): the entity part is then
    /// `لولايات` and the lookup key restores `الولايات`.
    pub article: bool,
    /// Where the bare stem starts (after the article, if any).
    pub stem_start: usize,
}

impl Split {
    /// The reading that strips nothing.
    pub const WHOLE: Split = Split {
        entity_start: 0,
        article: false,
        stem_start: 0,
    };

    pub fn is_whole(&self) -> bool {
        self.entity_start == 0
    }

    /// The normalised bare stem of `word`, without proclitics and article.
    pub fn stem(&self, word: &str) -> String {
        normalize(&tail(word, self.stem_start)).into_string()
    }

    /// The normalised form to look the entity part up by: the stem with the
    /// article restored in full (`للولايات` → `الولايات`).
    pub fn key(&self, word: &str) -> String {
        if self.article {
            format!("ال{}", self.stem(word))
        } else {
            self.stem(word)
        }
    }
}

fn tail(word: &str, from: usize) -> String {
    word.chars().skip(from).collect()
}

const CONJUNCTIONS: [&str; 3] = ["", "و", "ف"];
const PREPOSITIONS: [&str; 4] = ["", "ب", "ك", "ل"];
/// Letters a stem must keep, so that `وا` or `بل` are never stripped bare.
const MIN_STEM: usize = 2;

/// Every reading of `word`: the whole word first, then by growing proclitic,
/// and for each proclitic the plain reading before the one with an article.
///
/// Covers conjunction? + preposition? + article? — which includes وبال وكال
/// فبال وال فال بال كال لل ال و ف ب ل ك and their relatives (ولل، وب، فل).
pub fn splits(word: &str) -> Vec<Split> {
    let n = normalize(word);
    let folded: Vec<char> = n.as_str().chars().collect();
    let orig = |i: usize| n.original_offset(i).unwrap_or(0);
    // Folding turns إلهام into الهام; only a bare alef starts an article.
    let bare_alef_at = |i: usize| {
        let o = orig(i);
        matches!(word.chars().nth(o), Some('ا' | 'ٱ'))
    };
    let article_at = |at: usize, after_lam: bool| {
        article_split(&folded, at, after_lam).filter(|_| after_lam || bare_alef_at(at))
    };
    let mut out = vec![Split::WHOLE];
    if let Some(s) = article_at(0, false) {
        out.push(Split {
            entity_start: 0,
            article: true,
            stem_start: orig(s),
        });
    }
    let mut prefixes: Vec<(usize, bool)> = Vec::new();
    for conj in CONJUNCTIONS {
        for prep in PREPOSITIONS {
            let p: Vec<char> = conj.chars().chain(prep.chars()).collect();
            if !p.is_empty() && folded.starts_with(&p) {
                prefixes.push((p.len(), prep == "ل"));
            }
        }
    }
    prefixes.sort();
    for (len, after_lam) in prefixes {
        if folded.len() < len + MIN_STEM {
            continue;
        }
        let entity_start = orig(len);
        out.push(Split {
            entity_start,
            article: false,
            stem_start: entity_start,
        });
        if let Some(s) = article_at(len, after_lam) {
            out.push(Split {
                entity_start,
                article: true,
                stem_start: orig(s),
            });
        }
    }
    out
}

/// Where the stem starts if an article follows position `at`, leaving a stem
/// of at least two letters. After ل the article is a lone ل.
fn article_split(folded: &[char], at: usize, after_lam: bool) -> Option<usize> {
    let rest = &folded[at..];
    let len = if after_lam {
        (rest.first() == Some(&'ل')).then_some(1)?
    } else {
        rest.starts_with(&['ا', 'ل']).then_some(2)?
    };
    (rest.len() >= len + MIN_STEM).then_some(at + len)
}

/// The usual reading when no lexicon can decide: the longest proclitic,
/// with the article if there is one.
pub fn segment(word: &str) -> Split {
    splits(word)
        .into_iter()
        .max_by_key(|s| (s.entity_start, s.stem_start))
        .unwrap_or(Split::WHOLE)
}

/// The proclitic readings of `word` that leave at least three letters of
/// name after the proclitic (both clitic rules weigh only these).
fn proclitic_readings(word: &str) -> Vec<Split> {
    let len = word.chars().count();
    let mut all = splits(word);
    all.retain(|s| s.entity_start > 0 && len - s.entity_start >= 3);
    all
}

/// Where the name may start after those readings, ascending, once each.
fn entity_starts(all: &[Split]) -> Vec<usize> {
    let mut starts: Vec<usize> = all.iter().map(|s| s.entity_start).collect();
    starts.sort_unstable();
    starts.dedup();
    starts
}

/// The chars an entity span leaves out at the start of `word`: the
/// guidelines' clitic rule, shared by the proposer and by word-snapped
/// selection in the workbench.
///
/// `known(form)` says whether a normalised word form (see [`normalize`]) is
/// a word the caller knows: the proposer asks its lexicon of names, the
/// workbench the words of the corpus. The rule, in order:
///
/// 1. the longest proclitic reading whose rest (at least 3 chars) is known
///    is stripped (`وأرمينيا` → `أرمينيا`, `وباشينيان` → `باشينيان` when
///    `باشينيان` is known even though `اشينيان` is not), and a proclitic
///    before the article whose rest is known with the article restored
///    (`للأمم` → `لأمم` when `الأمم` is known);
/// 2. a word known whole keeps its letters (`واشنطن`, `لبنان`);
/// 3. a preposition before the article is stripped (`بالولايات` → `الولايات`);
/// 4. a leading conjunction و ف alone is stripped (a ب ل ك after it is as
///    likely the name's own first letter);
/// 5. otherwise nothing (a lone ب ل ك before an unknown word: `بلينكين`).
///
/// Returns a char count (0 = keep the whole word).
pub fn clitic_skip(word: &str, known: impl Fn(&str) -> bool) -> usize {
    let all = proclitic_readings(word);
    if all.is_empty() {
        return 0;
    }
    let starts = entity_starts(&all);
    for &start in starts.iter().rev() {
        if known(normalize(&tail(word, start)).as_str()) {
            return start;
        }
    }
    // After ل the article keeps only its ل (`للأمم` = ل + `الأمم`): the
    // rest is looked up with the article restored, before the whole word
    // (the model's lexicon learnt `للأمم` itself as a name).
    if let Some(s) = all
        .iter()
        .filter(|s| s.article && s.entity_start > 0)
        .max_by_key(|s| s.entity_start)
        .filter(|s| known(s.key(word).as_str()))
    {
        return s.entity_start;
    }
    if known(normalize(word).as_str()) {
        return 0;
    }
    let best = all
        .iter()
        .max_by_key(|s| (s.entity_start, s.stem_start))
        .copied()
        .unwrap_or(Split::WHOLE);
    if best.article {
        best.entity_start
    } else if word.starts_with(['و', 'ف']) {
        starts[0]
    } else {
        0
    }
}

/// What the clitic rule may know about words besides the word it decides:
/// the whole corpus, the gazetteers, the model's vocabulary, the
/// annotator's gold. Forms are normalised ([`normalize`]).
pub trait Lexicon {
    /// Whether `form` is known as a name as it is written (a gazetteer
    /// entry, a name the annotator confirmed): a name known whole keeps its
    /// first letter (`واشنطن`, `لبنان`).
    fn is_name(&self, form: &str) -> bool;
    /// Whether `form` occurs as a word of its own (in the corpus, or in the
    /// model's vocabulary of names): evidence for a rest after a proclitic,
    /// not for a whole word (every word of the corpus occurs as itself, and
    /// the model learnt clitic-attached forms such as `للأمم` as names).
    fn is_word(&self, form: &str) -> bool;
}

/// Letters a rest known only as a word ([`Lexicon::is_word`]) must have:
/// shorter rests are common words (`كوفي` is not ك + `وفي`).
const MIN_WORD_REST: usize = 4;

/// [`clitic_skip`] decided with a [`Lexicon`] instead of the open document
/// alone. In order:
///
/// 1. the longest proclitic reading whose rest (3 letters or more) is a
///    known name is stripped (`ويريفان` → `يريفان` on its first mention);
/// 2. a word known whole as a name keeps its letters (`واشنطن`, `لبنان`);
/// 3. the longest reading whose rest (4 letters or more) is a known word
///    is stripped (`وباشينيان` when `باشينيان` occurs elsewhere);
/// 4. a proclitic before the article is stripped (`والأذربيجاني`);
/// 5. a lone conjunction و is stripped, when the rest has 4 letters or more
///    or is a known word (`وزير` stays whole);
/// 6. otherwise nothing: ف ب ل ك before an unknown word are as likely its
///    own first letter (`فولكسفاغن`, `بلينكين`).
///
/// Returns a char count (0 = keep the whole word).
pub fn clitic_skip_by(word: &str, lexicon: &dyn Lexicon) -> usize {
    let len = word.chars().count();
    let all = proclitic_readings(word);
    if all.is_empty() {
        return 0;
    }
    let starts = entity_starts(&all);
    let rest = |s: usize| normalize(&tail(word, s)).into_string();
    if let Some(&s) = starts.iter().rev().find(|&&s| lexicon.is_name(&rest(s))) {
        return s;
    }
    if lexicon.is_name(normalize(word).as_str()) {
        return 0;
    }
    let word_rest = starts
        .iter()
        .rev()
        .find(|&&s| len - s >= MIN_WORD_REST && lexicon.is_word(&rest(s)));
    if let Some(&s) = word_rest {
        return s;
    }
    let best = all
        .iter()
        .max_by_key(|s| (s.entity_start, s.stem_start))
        .copied()
        .unwrap_or(Split::WHOLE);
    if best.article {
        best.entity_start
    } else if word.starts_with('و') {
        // A three-letter rest nobody knows leaves the و its own: `وزير`
        // (minister) is not و + `زير`; `وعلي` is و + `علي` (a known word).
        let s = starts[0];
        if len - s >= MIN_WORD_REST || lexicon.is_word(&rest(s)) {
            s
        } else {
            0
        }
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entity(word: &str, s: &Split) -> String {
        tail(word, s.entity_start)
    }

    struct Lex {
        names: &'static [&'static str],
        words: &'static [&'static str],
    }

    impl Lexicon for Lex {
        fn is_name(&self, form: &str) -> bool {
            self.names.iter().any(|n| normalize(n).as_str() == form)
        }
        fn is_word(&self, form: &str) -> bool {
            self.words.iter().any(|n| normalize(n).as_str() == form)
        }
    }

    #[test]
    fn lexicon_rule_names_first_then_words_of_four_letters() {
        let lex = Lex {
            names: &["لبنان", "يريفان"],
            words: &["بنان", "وفي", "باشينيان", "للأمم", "كريم"],
        };
        let skip = |w: &str| clitic_skip_by(w, &lex);
        assert_eq!(skip("ويريفان"), 1);
        // A name known whole beats a rest that is only a word.
        assert_eq!(skip("لبنان"), 0);
        // Three letters are too few for a word to vouch for a rest.
        assert_eq!(skip("كوفي"), 0);
        assert_eq!(skip("وباشينيان"), 1);
        // The model knows `للأمم` as a name only clitic attached: as a word
        // it says nothing about the whole, and the article rule strips ل.
        assert_eq!(skip("للأمم"), 1);
        // A lone و goes; a lone ف before an unknown word stays.
        assert_eq!(skip("ومتعب"), 1);
        assert_eq!(skip("فولكسفاغن"), 0);
        assert_eq!(skip("وكريم"), 1);
        // Three letters nobody knows: the و is the word's own.
        assert_eq!(skip("وزير"), 0);
        let lex = Lex {
            names: &[],
            words: &["علي"],
        };
        assert_eq!(clitic_skip_by("وعلي", &lex), 1);
    }

    #[test]
    fn guideline_cases() {
        let w = "وأذربيجان";
        let s = segment(w);
        assert_eq!(entity(w, &s), "أذربيجان");
        assert_eq!(s.key(w), "اذربيجان");

        let w = "بالولايات";
        let s = segment(w);
        assert_eq!(entity(w, &s), "الولايات");
        assert!(s.article);
        assert_eq!(s.stem(w), "ولايات");
        assert_eq!(s.key(w), "الولايات");
    }

    #[test]
    fn listed_proclitics_strip_the_conjunction_but_keep_the_article() {
        for (word, ent, key) in [
            ("وبالعراق", "العراق", "العراق"),
            ("وكالعادة", "العادة", "العاده"),
            ("فبالتالي", "التالي", "التالي"),
            ("والقاهرة", "القاهرة", "القاهره"),
            ("فالحكومة", "الحكومة", "الحكومه"),
            ("كالعادة", "العادة", "العاده"),
            ("للولايات", "لولايات", "الولايات"),
            ("وللحكومة", "لحكومة", "الحكومه"),
            ("الخارجية", "الخارجية", "الخارجيه"),
            ("وموسكو", "موسكو", "موسكو"),
            ("فموسكو", "موسكو", "موسكو"),
            ("بروسيا", "روسيا", "روسيا"),
            ("لأرمينيا", "أرمينيا", "ارمينيا"),
            ("كرئيس", "رئيس", "رئيس"),
        ] {
            let s = segment(word);
            assert_eq!(entity(word, &s), ent, "{word}");
            assert_eq!(s.key(word), key, "{word}");
        }
    }

    #[test]
    fn marks_on_the_proclitic_stay_out() {
        let w = "وَبِالْعِرَاقِ";
        let s = segment(w);
        assert_eq!(entity(w, &s), "الْعِرَاقِ");
        assert_eq!(s.key(w), "العراق");
    }

    #[test]
    fn names_that_start_like_proclitics_keep_the_whole_reading() {
        for word in ["لبنان", "فرنسا", "بريطانيا", "كندا", "واشنطن", "باكو"]
        {
            let all = splits(word);
            assert_eq!(all[0], Split::WHOLE, "{word}");
            assert_eq!(all[0].key(word), normalize(word).into_string());
            // ...while a lexicon could also try the stripped one.
            assert!(all.len() > 1, "{word}");
        }
        // A stripped reading must leave two letters: "بل" and "وا" stay whole.
        assert_eq!(splits("بل"), vec![Split::WHOLE]);
        assert_eq!(splits("وا"), vec![Split::WHOLE]);
        assert_eq!(segment("وبه").entity_start, 1);
        // A hamza alef is no article: إلهام keeps its letters in the stem.
        assert!(!segment("إلهام").article);
        let w = "وإلهام";
        assert_eq!(
            (segment(w).entity_start, segment(w).stem(w)),
            (1, "الهام".to_string())
        );
    }

    #[test]
    fn readings_are_ordered_from_whole_to_longest() {
        let w = "وبالولايات";
        let got: Vec<(usize, bool, String)> = splits(w)
            .iter()
            .map(|s| (s.entity_start, s.article, s.key(w)))
            .collect();
        let want = [
            (0, false, "وبالولايات"),
            (1, false, "بالولايات"),
            (2, false, "الولايات"),
            (2, true, "الولايات"),
        ];
        let want: Vec<(usize, bool, String)> = want
            .iter()
            .map(|&(a, b, c)| (a, b, c.to_string()))
            .collect();
        assert_eq!(got, want);
        assert_eq!(segment(w).stem(w), "ولايات");
    }

    #[test]
    fn clitic_skip_strips_what_leaves_a_known_word() {
        let known = |words: &'static [&'static str]| {
            move |f: &str| words.iter().any(|w| normalize(w).as_str() == f)
        };
        let k = known(&["أرمينيا", "باشينيان", "واشنطن", "لبنان", "روسيا"]);
        let skip = |w: &str| tail(w, clitic_skip(w, k));
        assert_eq!(skip("وأرمينيا"), "أرمينيا");
        assert_eq!(skip("وباشينيان"), "باشينيان");
        assert_eq!(skip("بروسيا"), "روسيا");
        assert_eq!(skip("لأرمينيا"), "أرمينيا");
        assert_eq!(skip("واشنطن"), "واشنطن");
        assert_eq!(skip("لبنان"), "لبنان");
        // unknown rests: the article and the conjunction rules
        assert_eq!(skip("بالولايات"), "الولايات");
        assert_eq!(skip("وبلينكين"), "بلينكين");
        assert_eq!(skip("بلينكين"), "بلينكين");
        // a rest under three chars is never stripped
        assert_eq!(skip("وهو"), "وهو");
    }
}
