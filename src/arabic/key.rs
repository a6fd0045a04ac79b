//! The one key under which the workbench treats two strings as "the same
//! name": what a correction reaches, what the memory of gold names matches,
//! what bulk accepts check against the annotator's decisions.
//!
//! It is search's normalisation ([`normalize`]: hamza forms, vowel marks,
//! tatweel, digit styles) with tokens joined by one space; its proclitic
//! readings ([`name_keys`]) also strip a conjunction or preposition glued to
//! the first word (و ف ب ل ك, and the لـ that swallows the article's alef).

use super::clitics::splits;
use super::normalize::normalize;
use super::tokenize::tokenize;

/// The normalised form of a name: tokens of the normalised text joined by
/// one space (`أذربيجانَ` → `اذربيجان`, `ناغورني  كاراباخ` → `ناغورني كاراباخ`).
pub fn name_key(text: &str) -> String {
    let norm = normalize(text);
    tokenize(norm.as_str())
        .into_iter()
        .map(|t| t.text)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every key `text` may stand for: [`name_key`] first (`لبنان` is a name as
/// written), then one per proclitic reading of its first word, shortest
/// proclitic first (`لناغورني كاراباخ` → `ناغورني كاراباخ`; `للولايات
/// المتحدة` → `الولايات المتحده`). No duplicates.
pub fn name_keys(text: &str) -> Vec<String> {
    let whole = name_key(text);
    let mut out = vec![whole.clone()];
    let trimmed = text.trim_start();
    let Some(first) = tokenize(trimmed).into_iter().next() else {
        return out;
    };
    if first.start != 0 {
        return out;
    }
    let rest: String = trimmed.chars().skip(first.end).collect();
    let rest = name_key(&rest);
    for s in splits(first.text) {
        if s.is_whole() {
            continue;
        }
        let head = if s.article {
            s.key(first.text)
        } else {
            normalize(&first.text.chars().skip(s.entity_start).collect::<String>()).into_string()
        };
        let key = if rest.is_empty() {
            head
        } else {
            format!("{head} {rest}")
        };
        if !out.contains(&key) {
            out.push(key);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_ignore_hamza_marks_tatweel_digits_and_spacing() {
        assert_eq!(name_key("أذربيجانَ"), "اذربيجان");
        assert_eq!(name_key("ناغورنـي   كاراباخ"), "ناغورني كاراباخ");
        assert_eq!(name_key("٢٣ أبريل"), name_key("23 ابريل"));
    }

    #[test]
    fn proclitic_readings_strip_the_glued_word() {
        let k = name_keys("لناغورني كاراباخ");
        assert_eq!(k[0], "لناغورني كاراباخ");
        assert!(k.contains(&"ناغورني كاراباخ".to_string()), "{k:?}");
        let k = name_keys("وأذربيجان");
        assert!(k.contains(&"اذربيجان".to_string()), "{k:?}");
        let k = name_keys("للولايات المتحدة");
        assert!(k.contains(&"الولايات المتحده".to_string()), "{k:?}");
        let k = name_keys("بالولايات المتحدة");
        assert!(k.contains(&"الولايات المتحده".to_string()), "{k:?}");
        // The name as written comes first: لبنان is a name of its own.
        assert_eq!(name_keys("لبنان")[0], "لبنان");
    }
}
