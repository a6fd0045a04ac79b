//! Corpus-wide search off the frame's thread: the search index built in
//! the background when a session opens, and a search that answers its
//! first documents at once and streams the rest in.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};

use rayon::prelude::*;

use crate::corpus::Document;
use crate::text::CharIndex;

use super::search::{Hit, find, hit};
use super::search_index::SearchIndex;
use super::waker::Waker;

/// Candidate documents searched before a corpus search returns: the first
/// results show at once, the rest stream in (see [`SearchJob`]).
pub const FIRST_DOCS: usize = 64;
/// Documents searched per message of a streaming search.
const CHUNK: usize = 64;
/// Chunks searched in parallel before their hits are sent, in order.
const GROUP_CHUNKS: usize = 8;

/// Builds the search index of `docs` on a background thread; `waker` is
/// called when it is ready.
pub(super) fn build_index(docs: Vec<Arc<Document>>, waker: Waker) -> Receiver<SearchIndex> {
    let (tx, rx) = channel();
    std::thread::Builder::new()
        .name("kashif-search-index".into())
        .spawn(move || {
            super::priority::lower_this_thread();
            let ix = SearchIndex::build(docs.iter().map(|d| d.text.as_str()));
            if tx.send(ix).is_ok() {
                waker.wake();
            }
        })
        .ok();
    rx
}

/// Hits of `query` in `doc` (a char index built for the occasion, not kept).
pub(super) fn hits_in(doc: &Document, query: &str) -> Vec<Hit> {
    let found = find(&doc.text, query);
    if found.is_empty() {
        return Vec::new();
    }
    let idx = CharIndex::new(&doc.text);
    found
        .into_iter()
        .map(|(s, e)| hit(&doc.id, &doc.text, &idx, s, e))
        .collect()
}

/// The rest of a corpus search, running on a background thread. Dropping
/// it stops the thread at its next document.
pub(super) struct SearchJob {
    rx: Receiver<Vec<Hit>>,
    cancel: Arc<AtomicBool>,
}

impl SearchJob {
    /// Searches `docs` for `query`, sending the hits of each [`CHUNK`]
    /// documents in corpus order; `waker` is called after each message.
    /// The chunks of a group are searched in parallel on the session's own
    /// threads ([`super::doc_settle::pool`]): on two cores «تونس» in 20,000
    /// documents went from 110–133 ms to the figure in the README.
    pub(super) fn start(docs: Vec<Arc<Document>>, query: String, waker: Waker) -> SearchJob {
        let (tx, rx) = channel();
        let cancel = Arc::new(AtomicBool::new(false));
        let stop = cancel.clone();
        std::thread::Builder::new()
            .name("kashif-search".into())
            .spawn(move || {
                let search = |chunk: &[Arc<Document>]| -> Option<Vec<Hit>> {
                    let mut hits = Vec::new();
                    for d in chunk {
                        if stop.load(Ordering::Relaxed) {
                            return None;
                        }
                        hits.extend(hits_in(d, &query));
                    }
                    Some(hits)
                };
                let pool = super::doc_settle::pool();
                let group = CHUNK * GROUP_CHUNKS;
                for docs in docs.chunks(group) {
                    let found: Vec<Option<Vec<Hit>>> = match pool {
                        Some(pool) => pool.install(|| docs.par_chunks(CHUNK).map(search).collect()),
                        None => docs.chunks(CHUNK).map(search).collect(),
                    };
                    for hits in found {
                        let Some(hits) = hits else { return };
                        if tx.send(hits).is_err() {
                            return;
                        }
                    }
                    waker.wake();
                }
            })
            .ok();
        SearchJob { rx, cancel }
    }

    /// Hits arrived since the last call, and whether the search is over.
    pub(super) fn take(&self) -> (Vec<Hit>, bool) {
        let mut out = Vec::new();
        loop {
            match self.rx.try_recv() {
                Ok(h) => out.extend(h),
                Err(TryRecvError::Empty) => return (out, false),
                Err(TryRecvError::Disconnected) => return (out, true),
            }
        }
    }

    /// Blocks until the search is over; every hit not taken yet.
    pub(super) fn finish(&self) -> Vec<Hit> {
        self.rx.iter().flatten().collect()
    }
}

impl Drop for SearchJob {
    fn drop(&mut self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}
