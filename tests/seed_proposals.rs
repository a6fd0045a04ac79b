//! The proposals a new user sees on the five seed articles, with no gold at
//! all (the shipped model, rules, dates and gazetteers, as the workbench
//! proposes): the corpus's recurring names must come out as what they are.
//! Issue 11: `ناغورني كاراباخ` was proposed as a person at 0.97 and
//! `البيت الأبيض` as MISC.

use std::path::Path;
use std::sync::Arc;

use kashif::annotation::Proposal;
use kashif::arabic::normalize;
use kashif::corpus::Corpus;
use kashif::propose::bundled;
use kashif::propose::proposer::Proposer;

fn seed_proposals() -> Vec<(String, Vec<Proposal>)> {
    let corpus = Corpus::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds")).unwrap();
    assert_eq!(corpus.documents.len(), 5, "the five seed articles");
    let proposer = Proposer::new(Arc::new(bundled::load().unwrap()));
    corpus
        .documents
        .iter()
        .map(|d| (d.id.clone(), proposer.propose(&d.text)))
        .collect()
}

/// Normalised words of the Karabakh names the seeds use (and Artsakh).
const KARABAKH_WORDS: [&str; 5] = ["كاراباخ", "قره", "ناغورني", "ناغورنو", "ارتساخ"];

#[test]
#[ignore = "issue 11 item 2 is open: the shipped model still proposes ناغورني كاراباخ as PER and البيت الأبيض as MISC (docs/model.md, fifth round)"]
fn no_karabakh_name_is_proposed_as_a_person_and_the_white_house_is_an_organisation() {
    let all = seed_proposals();
    let mut karabakh_seen = 0;
    let mut white_house = Vec::new();
    for (doc, props) in &all {
        for p in props {
            let norm = normalize(&p.text).into_string();
            let words: Vec<&str> = norm.split_whitespace().collect();
            if words
                .iter()
                .any(|w| KARABAKH_WORDS.iter().any(|k| w.ends_with(k)))
            {
                karabakh_seen += 1;
                assert_ne!(
                    p.label, "PER",
                    "{doc}: {:?} proposed as a person ({:?}, {:.2})",
                    p.text, p.source, p.confidence
                );
            }
            if norm.contains("البيت الابيض") {
                white_house.push((doc.clone(), p.clone()));
            }
        }
    }
    // The names are there to be proposed (the test would pass vacuously
    // if the seeds changed).
    assert!(karabakh_seen > 0, "no Karabakh name proposed at all");
    assert_eq!(white_house.len(), 1, "{white_house:?}");
    let (doc, p) = &white_house[0];
    assert_eq!(normalize(&p.text).as_str(), "البيت الابيض", "{doc}: {p:?}");
    assert_eq!(p.label, "ORG", "{doc}: {p:?}");
}
