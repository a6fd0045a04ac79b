//! Proposals computed off the UI thread when a document opens.
//!
//! Merging them is not an undoable user edit: they are the machine's
//! suggestions, not the annotator's decisions. They are saved with the
//! document (so the file shows what was pending), and filtered so that a
//! rejected proposal, or one at the place of an existing entity, never
//! comes back.

use std::collections::{HashSet, VecDeque};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{Receiver, channel};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;

use crate::annotation::{DocAnnotations, Proposal};
use crate::corpus::Document;
pub use crate::propose::proposer::Tier;
use crate::text::CharIndex;

use super::waker::Waker;

/// Anything that suggests entities for a text: rules, gazetteers, a trained
/// model, the memory of gold strings. Called on a background thread.
pub trait Proposer: Send + Sync {
    fn propose(&self, doc_id: &str, text: &str) -> Vec<Proposal>;

    /// [`Proposer::propose`], or why this proposer could not answer (the
    /// worker shows the reason instead of the proposals). By default it
    /// always answers.
    fn try_propose(&self, doc_id: &str, text: &str) -> Result<Vec<Proposal>, String> {
        Ok(self.propose(doc_id, text))
    }

    /// Whether this proposer's data knows `key` (a [`crate::arabic::name_key`])
    /// as a name; decides whether a proclitic glued to a proposal's first
    /// word stays (`لبنان`) or goes (`لناغورني`). By default the shipped
    /// gazetteers.
    fn knows_name(&self, key: &str) -> bool {
        crate::propose::gazetteer::Gazetteer::builtin()
            .label_of(key)
            .is_some()
    }
}

/// The proposals of one document, back from a worker.
pub(crate) struct Answer {
    pub doc: usize,
    /// Which tier's worker answered (see [`ProposalWorker::new`]).
    pub tier: Tier,
    pub proposals: Result<Vec<Proposal>, String>,
}

struct Request {
    doc: usize,
    document: Arc<Document>,
}

/// The requests not taken up yet, shared with the worker thread.
#[derive(Default)]
struct Queue {
    waiting: VecDeque<Request>,
    /// Set when the session lets go: the thread ends after its current
    /// document without taking up the rest.
    closed: bool,
}

type Shared = Arc<(Mutex<Queue>, Condvar)>;

/// One background thread running one proposer over a queue of documents.
/// The fast tier's worker takes them in order; the accurate tier's (about
/// a second for a 1,000-word article) also takes the document the annotator
/// opens ahead of the others ([`ProposalWorker::request_first`]).
pub(crate) struct ProposalWorker {
    queue: Shared,
    rx: Receiver<Answer>,
    /// Requests sent whose answers were not received yet.
    pub outstanding: usize,
    thread: Option<JoinHandle<()>>,
}

/// The next request, waiting for one; `None` once the queue is closed.
fn next_request(queue: &Shared) -> Option<Request> {
    let (lock, ready) = &**queue;
    let mut q = lock.lock().unwrap_or_else(|e| e.into_inner());
    loop {
        if q.closed {
            return None;
        }
        if let Some(r) = q.waiting.pop_front() {
            return Some(r);
        }
        q = ready.wait(q).unwrap_or_else(|e| e.into_inner());
    }
}

impl ProposalWorker {
    /// Starts the thread; its answers carry `tier`.
    pub fn new(proposer: Arc<dyn Proposer>, tier: Tier, waker: Waker) -> ProposalWorker {
        let queue: Shared = Arc::default();
        let (answers, rx) = channel::<Answer>();
        let theirs = queue.clone();
        let thread = std::thread::Builder::new()
            .name(format!("kashif-propose-{}", tier.name()))
            .spawn(move || {
                super::priority::lower_this_thread();
                while let Some(r) = next_request(&theirs) {
                    let doc_id = r.document.id.as_str();
                    let text = r.document.text.as_str();
                    let proposals =
                        catch_unwind(AssertUnwindSafe(|| proposer.try_propose(doc_id, text)))
                            .unwrap_or_else(|_| {
                                Err(format!("{doc_id}: the proposer failed (panicked)"))
                            });
                    if answers
                        .send(Answer {
                            doc: r.doc,
                            tier,
                            proposals,
                        })
                        .is_err()
                    {
                        return;
                    }
                    waker.wake();
                }
            })
            .ok();
        ProposalWorker {
            queue,
            rx,
            outstanding: 0,
            thread,
        }
    }

    /// Queues document `doc` after those already waiting.
    pub fn request(&mut self, doc: usize, document: Arc<Document>) {
        self.enqueue(doc, document, false);
    }

    /// Queues document `doc` ahead of those waiting (the one the annotator
    /// just opened); one already waiting moves to the front.
    pub fn request_first(&mut self, doc: usize, document: Arc<Document>) {
        self.enqueue(doc, document, true);
    }

    fn enqueue(&mut self, doc: usize, document: Arc<Document>, first: bool) {
        if self.thread.is_none() {
            return;
        }
        let (lock, ready) = &*self.queue;
        let mut q = lock.lock().unwrap_or_else(|e| e.into_inner());
        match q.waiting.iter().position(|r| r.doc == doc) {
            // Already waiting: an urgent request moves it to the front.
            Some(_) if !first => return,
            Some(k) => {
                if let Some(r) = q.waiting.remove(k) {
                    q.waiting.push_front(r);
                }
            }
            None => {
                self.outstanding += 1;
                let r = Request { doc, document };
                if first {
                    q.waiting.push_front(r);
                } else {
                    q.waiting.push_back(r);
                }
            }
        }
        ready.notify_one();
    }

    /// Answers ready now, without waiting.
    pub fn try_answers(&mut self) -> Vec<Answer> {
        let got: Vec<Answer> = self.rx.try_iter().collect();
        self.outstanding = self.outstanding.saturating_sub(got.len());
        got
    }

    /// Waits for every outstanding answer (tests, benches).
    pub fn wait_answers(&mut self) -> Vec<Answer> {
        let mut got = Vec::new();
        while self.outstanding > 0 {
            match self.rx.recv() {
                Ok(a) => {
                    self.outstanding -= 1;
                    got.push(a);
                }
                Err(_) => {
                    self.outstanding = 0;
                }
            }
        }
        got
    }
}

impl Drop for ProposalWorker {
    /// Closing the queue ends the thread after its current document; it
    /// is not waited for, so closing the window never waits on a proposer.
    fn drop(&mut self) {
        let (lock, ready) = &*self.queue;
        lock.lock().unwrap_or_else(|e| e.into_inner()).closed = true;
        ready.notify_all();
        drop(self.thread.take());
    }
}

/// The proposals worth showing: inside the text (their `text` is taken from
/// the document), not rejected before, not at the place of an existing
/// entity (whatever its label), not already pending, no duplicates.
/// Hash lookups keep this linear: a long article can bring thousands.
pub fn fresh_proposals(
    doc: &DocAnnotations,
    text: &str,
    index: &CharIndex,
    proposals: Vec<Proposal>,
) -> Vec<Proposal> {
    let taken: HashSet<(usize, usize)> = doc.entities.iter().map(|s| (s.start, s.end)).collect();
    let seen: HashSet<(usize, usize, &str)> = doc
        .proposals
        .iter()
        .map(|p| (p.start, p.end, p.label.as_str()))
        .chain(
            doc.rejected
                .iter()
                .map(|r| (r.start, r.end, r.label.as_str())),
        )
        .collect();
    let mut out: Vec<Proposal> = Vec::new();
    let mut fresh: HashSet<(usize, usize, String)> = HashSet::new();
    for mut p in proposals {
        let Some(covered) = (p.start < p.end)
            .then(|| index.slice(text, p.start, p.end))
            .flatten()
        else {
            continue;
        };
        if taken.contains(&(p.start, p.end))
            || seen.contains(&(p.start, p.end, p.label.as_str()))
            || !fresh.insert((p.start, p.end, p.label.clone()))
        {
            continue;
        }
        p.text = covered.to_string();
        p.confidence = p.confidence.clamp(0.0, 1.0);
        out.push(p);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotation::{Origin, Rejected, Source, Span};

    const TEXT: &str = "اقتربت أرمينيا وأذربيجان من اتفاق";

    fn p(start: usize, end: usize, label: &str) -> Proposal {
        Proposal {
            start,
            end,
            label: label.into(),
            text: "wrong".into(),
            confidence: 1.5,
            source: Source::Model,
        }
    }

    #[test]
    fn rejected_taken_and_invalid_proposals_are_dropped() {
        let doc = DocAnnotations {
            entities: vec![Span {
                start: 7,
                end: 14,
                label: "LOC".into(),
                origin: Origin::Manual,
                text: "أرمينيا".into(),
                proposed: None,
            }],
            rejected: vec![Rejected {
                start: 16,
                end: 24,
                label: "ORG".into(),
                text: "أذربيجان".into(),
            }],
            ..Default::default()
        };
        let idx = CharIndex::new(TEXT);
        let got = fresh_proposals(
            &doc,
            TEXT,
            &idx,
            vec![
                p(7, 14, "PER"),  // place of an entity
                p(16, 24, "ORG"), // rejected
                p(16, 24, "LOC"), // fine
                p(16, 24, "LOC"), // duplicate
                p(30, 99, "LOC"), // outside
                p(3, 3, "LOC"),   // empty
            ],
        );
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].text, "أذربيجان");
        assert_eq!(got[0].confidence, 1.0);
    }
}
