//! `kashif eval --pred proposals` scores the proposer itself against gold,
//! with the same figures as evaluating its proposals in the library.

use std::fs;
use std::process::Command;
use std::sync::Arc;

use kashif::annotation::{DocAnnotations, Edit, Origin, Span, Status};
use kashif::corpus::Corpus;
use kashif::eval::{self, DocPair};
use kashif::propose::bundled;
use kashif::propose::proposer::Proposer;
use kashif::store::Store;
use kashif::text::CharIndex;

#[test]
fn proposals_are_scored_like_the_library_scores_them() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir(root.join("seeds")).unwrap();
    for id in ["000_a5568e69e50189a5", "003_0acdc6091995a434"] {
        let from = format!("{}/seeds/{id}.txt", env!("CARGO_MANIFEST_DIR"));
        fs::copy(from, root.join(format!("seeds/{id}.txt"))).unwrap();
    }
    let corpus = Corpus::load(&root.join("seeds")).unwrap();
    // Gold: every occurrence of a few names, marked done.
    let mut corrected = 0;
    {
        let store = Store::open(&root.join("annotations"), "amina").unwrap();
        for doc in &corpus.documents {
            let idx = CharIndex::new(&doc.text);
            let mut ann = DocAnnotations::default();
            for (needle, label) in [("أذربيجان", "LOC"), ("أرمينيا", "LOC"), ("بلينكن", "PER")]
            {
                for (b, _) in doc.text.match_indices(needle) {
                    let s = idx.char_of(b);
                    let span = Span::new(s, s + needle.chars().count(), label, Origin::Manual);
                    Edit::Add(span).apply(&mut ann, &doc.text, &idx).unwrap();
                }
            }
            // One accepted model proposal the annotator relabelled: the
            // relabel records it as corrected, and eval counts it.
            let proposal = ann.entities[0].clone();
            ann.entities.remove(0);
            let label = proposal.label.clone();
            let accepted = Span {
                label: "ORG".into(),
                origin: Origin::Accepted(kashif::annotation::Source::Model),
                ..proposal
            };
            Edit::Add(accepted.clone())
                .apply(&mut ann, &doc.text, &idx)
                .unwrap();
            Edit::Relabel {
                span: accepted,
                label,
            }
            .apply(&mut ann, &doc.text, &idx)
            .unwrap();
            corrected += 1;
            ann.status = Status::Done;
            store.save(doc, &ann).unwrap();
        }
    }
    let out = Command::new(env!("CARGO_BIN_EXE_kashif"))
        .args(["eval", "--gold", "amina", "--pred", "proposals", "--json"])
        .current_dir(root)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        json["gold_origins"]["corrected"]["Model"],
        serde_json::json!(corrected),
        "{}",
        json["gold_origins"]
    );

    let proposer = Proposer::new(Arc::new(bundled::load().unwrap()));
    let gold: Vec<Vec<Span>> = corpus
        .documents
        .iter()
        .map(|d| {
            kashif::store::read(
                &root.join("annotations"),
                "amina",
                d,
                &kashif::schema::Schema::builtin(),
            )
            .unwrap()
            .unwrap()
            .annotations
            .entities
        })
        .collect();
    let pred: Vec<Vec<Span>> = corpus
        .documents
        .iter()
        .map(|d| {
            proposer
                .propose(&d.text)
                .into_iter()
                .map(|p| Span::new(p.start, p.end, p.label, Origin::Manual))
                .collect()
        })
        .collect();
    let pairs: Vec<DocPair> = corpus
        .documents
        .iter()
        .zip(gold.iter().zip(&pred))
        .map(|(d, (g, p))| DocPair {
            id: &d.id,
            gold: g,
            pred: p,
        })
        .collect();
    let report = eval::evaluate(&pairs);
    let total = &json["strict"]["total"];
    assert_eq!(json["documents"], 2);
    assert_eq!(total["tp"], report.strict.total.tp);
    assert_eq!(total["fp"], report.strict.total.fp);
    assert_eq!(total["fn"], report.strict.total.fn_);
    // The proposer finds some of these names, and proposes other things too.
    assert!(report.strict.total.tp > 0);
    assert!(report.strict.total.fp > 0);
}
