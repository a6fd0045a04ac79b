//! Tokens and attached clitics, in char offsets.
//!
//! TEMPORARY: stands in for `kashif::arabic` until that module lands.

/// Letters, digits and the marks that belong to a word (diacritics, tatweel,
/// joiners) stay together; every other visible char is a token of its own.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
        || matches!(c, '\u{0610}'..='\u{061A}' | '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06ED}' | '\u{0640}' | '\u{200C}' | '\u{200D}')
}

/// Tokens of `text` as char ranges.
pub(crate) fn tokens(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut word: Option<usize> = None;
    for (i, c) in text.chars().enumerate() {
        if is_word_char(c) {
            word.get_or_insert(i);
            continue;
        }
        if let Some(s) = word.take() {
            out.push((s, i));
        }
        if !c.is_whitespace() {
            out.push((i, i + 1));
        }
    }
    if let Some(s) = word {
        out.push((s, crate::text::char_len(text)));
    }
    out
}

fn is_mark(c: char) -> bool {
    matches!(c, '\u{0610}'..='\u{061A}' | '\u{064B}'..='\u{065F}' | '\u{0670}')
}

/// Chars of `word` that are attached conjunctions and prepositions (و ف ب ل
/// ك), the article ال staying with the word; 0 when none.
pub(crate) fn proclitic_len(word: &str) -> usize {
    const PREFIXES: [&str; 16] = [
        "فبال", "وبال", "وكال", "وال", "فال", "بال", "كال", "لل", "ال", "وب", "ول", "فب", "و", "ف",
        "ب", "ل",
    ];
    let letters: Vec<(usize, char)> = word
        .chars()
        .enumerate()
        .filter(|(_, c)| !is_mark(*c))
        .collect();
    let plain: String = letters.iter().map(|(_, c)| c).collect();
    for p in PREFIXES {
        let n = p.chars().count();
        if plain.starts_with(p) && letters.len() >= n + 2 {
            // The article stays in the word: only the letters before it go.
            let clitics = if p.ends_with("ال") {
                n - 2
            } else if p == "لل" {
                1
            } else {
                n
            };
            return match letters.get(clitics) {
                Some((i, _)) if clitics > 0 => *i,
                _ => 0,
            };
        }
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_punctuation() {
        let t = "(واشنطن) قالَ: 𝒜 U.S.";
        let got: Vec<String> = tokens(t)
            .iter()
            .map(|&(s, e)| crate::text::slice_chars(t, s, e).unwrap().to_string())
            .collect();
        assert_eq!(
            got,
            ["(", "واشنطن", ")", "قالَ", ":", "𝒜", "U", ".", "S", "."]
        );
    }

    #[test]
    fn clitics_without_the_article() {
        assert_eq!(proclitic_len("وأذربيجان"), 1);
        assert_eq!(proclitic_len("بالولايات"), 1);
        assert_eq!(proclitic_len("وَبالعراق"), 3);
        assert_eq!(proclitic_len("للأمم"), 1);
        assert_eq!(proclitic_len("الولايات"), 0);
        assert_eq!(proclitic_len("وب"), 0);
    }
}
