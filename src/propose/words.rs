//! The tokens a proposer looks at, each with its matching form and its
//! proclitic readings, and the one place that turns a token range into a
//! `Proposal` with char offsets.

use crate::annotation::{Proposal, Source};
use crate::arabic::{Split, TokenKind, normalize, splits, tokenize};

/// One token as proposers see it.
#[derive(Debug, Clone)]
pub struct Word<'a> {
    pub text: &'a str,
    /// Char offsets in the document (for CoNLL input: of the tokens joined by
    /// single spaces).
    pub start: usize,
    pub end: usize,
    pub kind: TokenKind,
    /// Normalised form (see `arabic::normalize`).
    pub norm: String,
    /// Proclitic readings, whole word first (only the whole one for
    /// non-Arabic tokens).
    pub splits: Vec<Split>,
}

impl<'a> Word<'a> {
    fn new(text: &'a str, start: usize, end: usize, kind: TokenKind) -> Self {
        let splits = if kind == TokenKind::Arabic {
            splits(text)
        } else {
            vec![Split::WHOLE]
        };
        Word {
            text,
            start,
            end,
            kind,
            norm: normalize(text).into_string(),
            splits,
        }
    }

    /// Whether the token is made of letters (a name can start here).
    pub fn is_word(&self) -> bool {
        matches!(self.kind, TokenKind::Arabic | TokenKind::Latin) && !self.norm.is_empty()
    }

    /// Normalised lookup key of this token under `split`.
    pub fn key(&self, split: &Split) -> String {
        if split.is_whole() && !split.article {
            self.norm.clone()
        } else {
            split.key(self.text)
        }
    }
}

/// The tokens of one text.
#[derive(Debug, Clone)]
pub struct Words<'a> {
    text: String,
    /// Char → byte offsets of `text`, so a proposal's text is cut in O(1)
    /// (a scan from the start per proposal made a long article quadratic).
    idx: crate::text::CharIndex,
    pub words: Vec<Word<'a>>,
}

impl<'a> Words<'a> {
    /// Tokenizes a document.
    pub fn from_text(text: &'a str) -> Self {
        let words = tokenize(text)
            .into_iter()
            .map(|t| Word::new(t.text, t.start, t.end, t.kind))
            .collect();
        Words {
            text: text.to_string(),
            idx: crate::text::CharIndex::new(text),
            words,
        }
    }

    /// Takes tokens as given (CoNLL), laid out as if joined by single spaces.
    pub fn from_tokens(tokens: &[&'a str]) -> Self {
        let mut words = Vec::with_capacity(tokens.len());
        let mut at = 0;
        for tok in tokens {
            let len = tok.chars().count();
            let kind = tokenize(tok).first().map_or(TokenKind::Punct, |t| t.kind);
            words.push(Word::new(tok, at, at + len, kind));
            at += len + 1;
        }
        let text = tokens.join(" ");
        Words {
            idx: crate::text::CharIndex::new(&text),
            text,
            words,
        }
    }

    pub fn len(&self) -> usize {
        self.words.len()
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The proposal covering words `first..=last`, starting `skip` chars into
    /// the first word (past a proclitic).
    pub fn proposal(
        &self,
        first: usize,
        skip: usize,
        last: usize,
        label: &str,
        confidence: f32,
        source: Source,
    ) -> Proposal {
        let start = self.words[first].start + skip;
        let end = self.words[last].end;
        let text = self
            .idx
            .slice(&self.text, start, end)
            .unwrap_or_default()
            .to_string();
        Proposal {
            start,
            end,
            label: label.to_string(),
            text,
            confidence,
            source,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::propose::{dates, gazetteer::Gazetteer, rules};
    use crate::text::slice_chars;
    use proptest::prelude::*;

    fn newsish() -> impl Strategy<Value = String> {
        let words = [
            "وزير",
            "الخارجية",
            "أنتوني",
            "بلينكين",
            "وأذربيجان",
            "بالولايات",
            "المتحدة",
            "لبنان",
            "مدينة",
            "العاصمة",
            "وزارة",
            "الدفاع",
            "يوم",
            "الخميس",
            "تشرين",
            "الثاني",
            "(نوفمبر)",
            "١٥",
            "2023",
            "عام",
            "،",
            "“",
            "”",
            ".",
            "ـ",
            "وَ",
            "ل",
            "بن",
            "آل",
            "Siyasət",
            "أيلول/سبتمبر",
            "\u{200F}",
            "الخامس",
            "من",
            "مايو",
            "/",
        ];
        proptest::collection::vec(proptest::sample::select(words.to_vec()), 0..30)
            .prop_map(|ws| ws.join(" "))
    }

    proptest! {
        /// Whatever the text, every proposal's text is exactly its chars.
        #[test]
        fn proposals_slice_their_text(text in newsish()) {
            let mut all = Gazetteer::builtin().propose(&text);
            all.extend(rules::propose(&text));
            all.extend(dates::propose(&text));
            for p in all {
                prop_assert!(p.start < p.end);
                prop_assert_eq!(slice_chars(&text, p.start, p.end), Some(p.text.as_str()));
            }
        }

        #[test]
        fn conll_tokens_lay_out_like_joined_text(text in newsish()) {
            let toks: Vec<&str> = text.split(' ').filter(|t| !t.is_empty()).collect();
            let words = Words::from_tokens(&toks);
            let joined = toks.join(" ");
            for w in &words.words {
                prop_assert_eq!(slice_chars(&joined, w.start, w.end), Some(w.text));
            }
        }
    }
}
