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
        Words {
            text: tokens.join(" "),
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
        let text = crate::text::slice_chars(&self.text, start, end)
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
