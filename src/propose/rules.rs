//! Trigger rules: a title names a person, an organisation head starts an
//! organisation name, a place cue announces a place.
//!
//! Triggers are matched on normalised words through their proclitic
//! readings (`ورئيس` is `رئيس`), and every span keeps the proclitic of its
//! first word out. Names stop at punctuation, numbers, triggers and at
//! tokens that ANERcorp's training part almost never has inside a name
//! (`assets/gazetteer/stopwords.txt`).

use std::collections::HashSet;
use std::sync::OnceLock;

use super::gazetteer::Gazetteer;
use super::words::{Word, Words};
use crate::annotation::{Proposal, Source};
use crate::arabic::Split;

/// Titles and roles that come before a person's name (normalised).
const PERSON_TITLES: &[&str] = &[
    "الرئيس",
    "رئيس",
    "الرئيسه",
    "رئيسه",
    "الوزير",
    "وزير",
    "الوزيره",
    "وزيره",
    "وزيرا",
    "السيد",
    "السيده",
    "الشيخ",
    "الامير",
    "الاميره",
    "الملك",
    "الملكه",
    "المستشار",
    "مستشار",
    "المستشاره",
    "المتحدث",
    "متحدث",
    "المتحدثه",
    "الناطق",
    "ناطق",
    "المبعوث",
    "مبعوث",
    "السفير",
    "سفير",
    "الجنرال",
    "اللواء",
    "العقيد",
    "العميد",
    "المشير",
    "الدكتور",
    "الدكتوره",
    "الاستاذ",
    "البروفيسور",
    "النائب",
    "نائب",
    "الزعيم",
    "زعيم",
    "القائد",
    "قائد",
    "المدرب",
    "مدرب",
    "اللاعب",
    "لاعب",
    "الكاتب",
    "الكاتبه",
    "الشاعر",
    "الروائي",
    "الفنان",
    "الفنانه",
    "الممثل",
    "الممثله",
    "المطرب",
    "المطربه",
    "المخرج",
    "الصحفي",
    "مساعد",
    "مساعده",
    "البابا",
    "المرشح",
    "السناتور",
    "السيناتور",
    "الحاخام",
    "الامين",
    "امين",
    "المدير",
    "مدير",
    "المديره",
    "محافظ",
    "المحافظ",
    "حاكم",
    "الحاكم",
    "نظيره",
    "نظيرها",
    "المفوض",
    "مفوض",
    "الدبلوماسي",
    "المسؤول",
    "مسؤول",
    "المراسل",
    "مراسل",
    "القاضي",
    "المدعي",
    "النجم",
    "الامبراطور",
];

/// Words that may follow a title before the name: the office and the
/// country (`وزير الخارجية الأمريكي`, `رئيس وزراء أرمينيا`, `المتحدث باسم`).
const ROLE_WORDS: &[&str] = &[
    "وزراء",
    "خارجيه",
    "دفاع",
    "داخليه",
    "باسم",
    "عام",
    "الدوله",
    "دوله",
    "شؤون",
    "لشؤون",
    "العام",
    "وزاره",
    "مجلس",
    "حكومه",
    "جمهوريه",
    "الجمهوريه",
    "السابق",
    "الحالي",
    "المنتهيه",
    "ولايته",
    "الاسبق",
];

/// Heads of organisation names (normalised, without article).
const ORG_HEADS: &[&str] = &[
    "وزاره",
    "حزب",
    "منظمه",
    "مجلس",
    "لجنه",
    "وكاله",
    "شركه",
    "جامعه",
    "بنك",
    "مصرف",
    "اتحاد",
    "جمعيه",
    "هيئه",
    "حركه",
    "جبهه",
    "صندوق",
    "مؤسسه",
    "معهد",
    "محكمه",
    "نادي",
    "منتدي",
    "تنظيم",
    "تحالف",
    "ائتلاف",
    "برلمان",
    "صحيفه",
    "مجموعه",
    "قناه",
    "اذاعه",
    "سفاره",
    "كليه",
    "اكاديميه",
    "مفوضيه",
    "مركز",
    "فريق",
    "منتخب",
    "ديوان",
    "رابطه",
    "نقابه",
    "بورصه",
    "جيش",
    "الكونغرس",
];

/// Place cues: the next word names a place (normalised, article kept as
/// written: `العاصمة` is a cue, `عاصمة` is too).
const PLACE_CUES: &[&str] = &[
    "مدينه",
    "المدينه",
    "العاصمه",
    "عاصمه",
    "اقليم",
    "الاقليم",
    "منطقه",
    "ولايه",
    "محافظه",
    "بلده",
    "البلده",
    "قريه",
    "القريه",
    "جزيره",
    "جزر",
    "نهر",
    "جبل",
    "جبال",
    "بحيره",
    "مقاطعه",
    "مخيم",
    "ميناء",
    "صحراء",
    "بلدات",
    "مدن",
    "عاصمتها",
    "عاصمته",
];

/// Words starting with ال that end a complement: relative pronouns, `إلى`
/// and time words (`مجلس الأمن الأسبوع المقبل` stops before `الأسبوع`).
const COMPLEMENT_STOPS: &[&str] = &[
    "الذي",
    "التي",
    "الذين",
    "اللذين",
    "اللتين",
    "اللذان",
    "اللتان",
    "اللاتي",
    "اللواتي",
    "الي",
    "الا",
    "الان",
    "اليوم",
    "الاسبوع",
    "الشهر",
    "العام",
    "الماضي",
    "المقبل",
    "الجاري",
    "القادم",
    "الحالي",
    "السابق",
    "الاخير",
    "الاخيره",
    "امس",
    "اللذي",
];

const PER_CONFIDENCE: f32 = 0.6;
const ORG_CONFIDENCE: f32 = 0.55;
const LOC_CONFIDENCE: f32 = 0.6;
const MAX_NAME: usize = 3;
const MAX_COMPLEMENT: usize = 4;

struct Lexicon {
    titles: HashSet<&'static str>,
    roles: HashSet<&'static str>,
    heads: HashSet<&'static str>,
    cues: HashSet<&'static str>,
    complement_stops: HashSet<&'static str>,
    stopwords: HashSet<&'static str>,
}

fn lexicon() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(|| Lexicon {
        titles: PERSON_TITLES.iter().copied().collect(),
        roles: ROLE_WORDS.iter().copied().collect(),
        heads: ORG_HEADS.iter().copied().collect(),
        cues: PLACE_CUES.iter().copied().collect(),
        complement_stops: COMPLEMENT_STOPS.iter().copied().collect(),
        stopwords: include_str!("../../assets/gazetteer/stopwords.txt")
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .collect(),
    })
}

/// The reading of `w` under which it is in `set` (whole word first).
fn reading_in(w: &Word, set: &HashSet<&'static str>) -> Option<Split> {
    if !w.is_word() {
        return None;
    }
    w.splits.iter().copied().find(|s| {
        set.contains(w.key(s).as_str()) || (s.article && set.contains(s.stem(w.text).as_str()))
    })
}

/// Whether a word starts with the article (a bare alef: `إلهام` does not).
fn definite(w: &Word) -> bool {
    w.splits.iter().any(|s| s.is_whole() && s.article)
}

/// A proclitic followed by the article (`والرئيس`, `بالعاصمة`, `للحكومة`):
/// such a word starts a new phrase, it does not continue a name.
fn clitic_and_article(w: &Word) -> bool {
    w.splits.iter().any(|s| s.entity_start > 0 && s.article)
}

/// Looks like a nisba adjective (`الأمريكي`, `جبلية`), not a name. Names end
/// in ي too (`أنتوني`, `دبي`), so only definite words count with it.
fn adjective_like(w: &Word) -> bool {
    let n = &w.norm;
    n.ends_with("يه")
        || n.ends_with("يين")
        || n.ends_with("يون")
        || (definite(w) && n.ends_with('ي'))
}

fn is_trigger(lex: &Lexicon, w: &Word) -> bool {
    reading_in(w, &lex.titles).is_some()
        || reading_in(w, &lex.heads).is_some()
        || reading_in(w, &lex.cues).is_some()
}

/// `و` + a common word (`وقال`): a new clause, not the rest of a name.
fn conjoined_common_word(lex: &Lexicon, w: &Word) -> bool {
    w.norm.chars().count() > 3
        && w.norm
            .strip_prefix('و')
            .is_some_and(|rest| lex.stopwords.contains(rest))
}

/// Whether `w` can continue a name already started.
fn continues_name(lex: &Lexicon, w: &Word) -> bool {
    w.is_word()
        && !lex.stopwords.contains(w.norm.as_str())
        && !is_trigger(lex, w)
        && !clitic_and_article(w)
        && !conjoined_common_word(lex, w)
}

/// Whether `w` can start a name: as `continues_name`, and not definite,
/// not an adjective, not a known place or organisation.
fn starts_name(lex: &Lexicon, gaz: &Gazetteer, words: &Words, i: usize) -> bool {
    let w = &words.words[i];
    continues_name(lex, w)
        && !definite(w)
        && !w
            .splits
            .iter()
            .any(|s| !s.is_whole() && lex.stopwords.contains(s.key(w.text).as_str()))
        && gaz.match_at(words, i).is_none_or(|m| m.label == "PER")
}

/// Title + (office, country) + 1–3 name words → PER.
fn persons(lex: &Lexicon, gaz: &Gazetteer, words: &Words, out: &mut Vec<Proposal>) {
    let ws = &words.words;
    for i in 0..ws.len() {
        if reading_in(&ws[i], &lex.titles).is_none() {
            continue;
        }
        // Skip the office and country: definite words, role words, known
        // places and organisations, at most four.
        let mut j = i + 1;
        while j < ws.len() && j <= i + 4 {
            let w = &ws[j];
            let known = gaz.match_at(words, j).filter(|m| m.label != "PER");
            if let Some(m) = known {
                j = m.last + 1;
            } else if w.is_word()
                && (definite(w)
                    || lex.roles.contains(w.norm.as_str())
                    || reading_in(w, &lex.heads).is_some())
                && !lex.complement_stops.contains(w.norm.as_str())
            {
                j += 1;
            } else {
                break;
            }
        }
        if j >= ws.len() || !starts_name(lex, gaz, words, j) {
            continue;
        }
        let mut last = j;
        while last + 1 < ws.len() && last + 1 < j + MAX_NAME && continues_name(lex, &ws[last + 1]) {
            last += 1;
        }
        out.push(words.proposal(j, 0, last, "PER", PER_CONFIDENCE, Source::Rule));
    }
}

/// Organisation head + definite complement (or a name) → ORG.
fn organisations(lex: &Lexicon, words: &Words, out: &mut Vec<Proposal>) {
    let ws = &words.words;
    for i in 0..ws.len() {
        let w = &ws[i];
        let Some(split) = reading_in(w, &lex.heads) else {
            continue;
        };
        let head_definite = split.article || (split.is_whole() && definite(w));
        let mut last = i;
        let mut j = i + 1;
        while j < ws.len() && j <= i + MAX_COMPLEMENT {
            let c = &ws[j];
            let ok = c.is_word()
                && definite(c)
                && !clitic_and_article(c)
                && !lex.complement_stops.contains(c.norm.as_str())
                && (!head_definite || adjective_like(c));
            if !ok {
                break;
            }
            last = j;
            j += 1;
        }
        if last == i && !head_definite {
            // An indefinite head may take a bare name: `شركة نوكيا`.
            while j < ws.len() && j <= i + 2 && continues_name(lex, &ws[j]) && !definite(&ws[j]) {
                last = j;
                j += 1;
            }
        }
        if last > i {
            out.push(words.proposal(
                i,
                split.entity_start,
                last,
                "ORG",
                ORG_CONFIDENCE,
                Source::Rule,
            ));
        }
    }
}

/// Place cue + the next word (or the known place there) → LOC.
fn places(lex: &Lexicon, gaz: &Gazetteer, words: &Words, out: &mut Vec<Proposal>) {
    let ws = &words.words;
    for i in 0..ws.len() {
        if reading_in(&ws[i], &lex.cues).is_none() {
            continue;
        }
        let mut j = i + 1;
        if ws
            .get(j)
            .is_some_and(|w| matches!(w.text, "\"" | "«" | "“" | "'"))
        {
            j += 1;
        }
        if j >= ws.len() {
            continue;
        }
        if let Some(m) = gaz.match_at(words, j) {
            if m.label == "LOC" {
                out.push(words.proposal(
                    j,
                    m.skip,
                    m.last,
                    "LOC",
                    LOC_CONFIDENCE.max(m.confidence),
                    Source::Rule,
                ));
            }
            continue;
        }
        let w = &ws[j];
        if continues_name(lex, w)
            && !adjective_like(w)
            && !lex.complement_stops.contains(w.norm.as_str())
        {
            let mut last = j;
            while last + 1 < ws.len()
                && last + 1 < j + MAX_NAME
                && continues_name(lex, &ws[last + 1])
                && !adjective_like(&ws[last + 1])
            {
                last += 1;
            }
            out.push(words.proposal(j, 0, last, "LOC", LOC_CONFIDENCE, Source::Rule));
        }
    }
}

/// Every rule's proposals over tokens (dates are in `dates`).
pub fn propose_words(words: &Words) -> Vec<Proposal> {
    let lex = lexicon();
    let gaz = Gazetteer::builtin();
    let mut out = Vec::new();
    persons(lex, gaz, words, &mut out);
    organisations(lex, words, &mut out);
    places(lex, gaz, words, &mut out);
    out.sort_by(|a, b| {
        (a.start, std::cmp::Reverse(a.end)).cmp(&(b.start, std::cmp::Reverse(b.end)))
    });
    out
}

/// Every rule's proposals for a document text.
pub fn propose(text: &str) -> Vec<Proposal> {
    propose_words(&Words::from_text(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str, label: &str) -> Vec<String> {
        propose(text)
            .into_iter()
            .filter(|p| p.label == label)
            .map(|p| p.text)
            .collect()
    }

    #[test]
    fn titles_with_office_and_country_name_the_person() {
        let s = "وقال وزير الخارجية الأمريكي أنتوني بلينكين في ختام المحادثات";
        assert_eq!(found(s, "PER"), vec!["أنتوني بلينكين"]);
        let s = "عقد الرئيس الأذربايجاني إلهام علييف ورئيس الوزراء الأرميني نيكول باشينيان اجتماعا";
        assert_eq!(found(s, "PER"), vec!["إلهام علييف", "نيكول باشينيان"]);
        let s = "وكان السيد بلينكين ، الذي رعى المحادثات";
        assert_eq!(found(s, "PER"), vec!["بلينكين"]);
        let s = "وقال المتحدث باسم وزارة الخارجية ماثيو ميللر إن";
        assert_eq!(found(s, "PER"), vec!["ماثيو ميللر"]);
        let s = "تحدث مع رئيس وزراء أرمينيا باشينيان يوم الاثنين";
        assert_eq!(found(s, "PER"), vec!["باشينيان"]);
    }

    #[test]
    fn a_title_without_a_name_proposes_nothing() {
        assert!(found("وقال وزير الخارجية إن المحادثات كانت صريحة", "PER").is_empty());
        assert!(found("ورحب الرئيس الروسي بالمحادثات", "PER").is_empty());
        assert!(found("رئيس الوزراء", "PER").is_empty());
    }

    #[test]
    fn organisation_heads_take_their_complement_and_drop_clitics() {
        assert_eq!(
            found("وقالت وزارة الخارجية الأرمينية إن المحادثات", "ORG"),
            vec!["وزارة الخارجية الأرمينية"]
        );
        assert_eq!(
            found("وفق بيان لوزارة الدفاع الأرمينية .", "ORG"),
            vec!["وزارة الدفاع الأرمينية"]
        );
        assert_eq!(
            found("ناقش مجلس الأمن الأسبوع المقبل القرار", "ORG"),
            vec!["مجلس الأمن"]
        );
        assert_eq!(found("أعلنت شركة نوكيا أمس", "ORG"), vec!["شركة نوكيا"]);
        assert_eq!(
            found("برعاية رئيس المجلس الأوروبي شارل ميشيل", "ORG"),
            vec!["المجلس الأوروبي"]
        );
        assert!(found("قال إن المجلس قرر", "ORG").is_empty());
    }

    #[test]
    fn place_cues_name_the_next_word() {
        assert_eq!(
            found("زار الرئيس مدينة خانكيندي .", "LOC"),
            vec!["خانكيندي"]
        );
        assert_eq!(
            found("مواجهات عسكرية في إقليم \"كاراباخ\" ، في ظل", "LOC"),
            vec!["كاراباخ"]
        );
        assert_eq!(
            found("منطقة ناغورنو كاراباخ ، يغلب عليها", "LOC"),
            vec!["ناغورنو كاراباخ"]
        );
        assert!(found("بالقرب من العاصمة الفيدرالية .", "LOC").is_empty());
        assert!(found("وهي منطقة جبلية يسكنها الأرمن", "LOC").is_empty());
        assert_eq!(found("في العاصمة القاهرة", "LOC"), vec!["القاهرة"]);
    }
}
