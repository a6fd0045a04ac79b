//! Issue 22: the accurate tier learns beyond memory. A project that tags
//! nationalities with a label of its own (`NORP`, which neither the base
//! data nor the encoder has) marks them in two documents; the accurate
//! tier's neighbour memory then proposes `NORP` on nationality words of a
//! third document that no done document contains, which exact memory
//! cannot do, and the encoder alone never does.

use std::sync::Arc;

use kashif::annotation::{Origin, Span};
use kashif::propose::accurate::{AccurateTagger, default_dir};
use kashif::propose::bundled;
use kashif::propose::proposer::Proposer as Combined;
use kashif::workflow::{AccurateProposer, Base, Learner, ModelProposer, Proposer};

const DONE_1: &str = "قال المسؤول الروسي إن الوفد الفرنسي التقى الجانب الأمريكي في جنيف. \
وأضاف أن الرئيس الإيراني رحب بالاتفاق، فيما انتقد الوزير التركي موقف الحكومة.";
const DONE_2: &str = "أعلن الجيش العراقي أن المقاتلين السوريين انسحبوا من المدينة. \
وقال الدبلوماسي المصري إن الوفد اللبناني سيزور القاهرة، ورحب الجانب الأردني بذلك.";
/// Nationality words none of the done documents has.
const UNSEEN: [&str; 5] = ["الألماني", "الإيطالي", "البريطاني", "الصيني", "الياباني"];
const NEW: &str = "قال المسؤول الألماني إن الوفد الإيطالي التقى الجانب البريطاني في برلين. \
وأضاف أن الرئيس الصيني رحب بالاتفاق، فيما انتقد الوزير الياباني موقف الحكومة.";

const NATIONALITIES: [&str; 11] = [
    "الروسي",
    "الفرنسي",
    "الأمريكي",
    "الإيراني",
    "التركي",
    "العراقي",
    "السوريين",
    "المصري",
    "اللبناني",
    "الأردني",
    "الجيش العراقي",
];

/// Every nationality word of `text` as a NORP span (char offsets).
fn norp_spans(text: &str) -> Vec<Span> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    for w in NATIONALITIES.iter().filter(|w| !w.contains(' ')) {
        let wc: Vec<char> = w.chars().collect();
        for s in 0..chars.len().saturating_sub(wc.len() - 1) {
            let end = s + wc.len();
            let before_ok = s == 0 || !chars[s - 1].is_alphabetic();
            let after_ok = end == chars.len() || !chars[end].is_alphabetic();
            if chars[s..end] == wc[..] && before_ok && after_ok {
                let mut sp = Span::new(s, end, "NORP", Origin::Manual);
                sp.text = w.to_string();
                out.push(sp);
            }
        }
    }
    out
}

fn norp_words(proposer: &dyn Proposer, text: &str) -> Vec<String> {
    proposer
        .propose("new", text)
        .into_iter()
        .filter(|p| p.label == "NORP")
        .map(|p| p.text.clone())
        .collect()
}

#[test]
fn a_new_label_reaches_unseen_words_of_its_kind_after_two_done_documents() {
    let tagger = Arc::new(AccurateTagger::load(&default_dir()).expect("the shipped encoder"));
    let model = Arc::new(bundled::load().expect("the shipped model"));
    let base = Arc::new(ModelProposer::with_base(
        Combined::new(model),
        Base::Nothing,
    ));
    for (id, text) in [("d1", DONE_1), ("d2", DONE_2)] {
        let spans = norp_spans(text);
        assert!(spans.len() >= 4, "{id}: {spans:?}");
        base.remember(id, text, &spans);
    }
    let with_knn = AccurateProposer::new(base.clone(), tagger.clone());
    let found = norp_words(&with_knn, NEW);
    let unseen: Vec<&str> = UNSEEN
        .iter()
        .copied()
        .filter(|w| found.iter().any(|f| f == w))
        .collect();
    assert!(
        unseen.len() >= 3,
        "NORP proposed on {found:?}; wanted at least 3 of {UNSEEN:?}"
    );
    // Nothing else is called a nationality.
    for f in &found {
        assert!(UNSEEN.contains(&f.as_str()), "NORP on {f:?}");
    }
    // The encoder alone has no NORP, and exact memory knows none of these.
    let without = AccurateProposer::with_knn(base, tagger, None);
    assert_eq!(norp_words(&without, NEW), Vec::<String>::new());
}
