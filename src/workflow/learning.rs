//! Learning from what the annotator marks done: a cheap memory update at
//! once, and retraining on a background thread whose end the status bar
//! announces ("new proposals ready").

use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use crate::annotation::Span;

use super::waker::Waker;

/// What learns from gold annotations. The real one (the proposer's memory of
/// gold strings and its model) lives in `kashif::propose`.
pub trait Learner: Send + Sync {
    /// Called on the UI thread as soon as a document is marked done; must be
    /// quick (update an exact-string memory).
    fn remember(&self, doc_id: &str, text: &str, entities: &[Span]);
    /// Slow retraining, called on a background thread. `Ok` carries a short
    /// message for the status bar (e.g. the new model's score).
    fn retrain(&self) -> Result<String, String>;
}

/// What the status bar shows about learning.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum LearnStatus {
    #[default]
    Idle,
    Training,
    /// Retraining finished; proposals from now on use the new model.
    Ready(String),
    Failed(String),
}

#[derive(Default)]
struct Shared {
    status: LearnStatus,
    /// A retrain finished since the session last looked.
    fresh: bool,
    /// Runs asked for, and how many of those requests the finished runs cover.
    requested: u64,
    covered: u64,
}

/// A background thread that retrains when asked; requests that arrive while
/// it trains are folded into one more run.
pub(crate) struct LearnWorker {
    pub learner: Arc<dyn Learner>,
    shared: Arc<Mutex<Shared>>,
    tx: Option<Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl LearnWorker {
    pub fn new(learner: Arc<dyn Learner>, waker: Waker) -> LearnWorker {
        let shared: Arc<Mutex<Shared>> = Arc::default();
        let (tx, rx) = channel::<()>();
        let (l, s) = (learner.clone(), shared.clone());
        let thread = std::thread::Builder::new()
            .name("kashif-learn".into())
            .spawn(move || {
                while rx.recv().is_ok() {
                    while rx.try_recv().is_ok() {}
                    let covering = {
                        let mut g = s.lock().unwrap_or_else(|e| e.into_inner());
                        g.status = LearnStatus::Training;
                        g.requested
                    };
                    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| l.retrain()));
                    let status = match r {
                        Ok(Ok(msg)) => LearnStatus::Ready(msg),
                        Ok(Err(msg)) => LearnStatus::Failed(msg),
                        Err(_) => LearnStatus::Failed("retraining failed (panicked)".into()),
                    };
                    {
                        let mut g = s.lock().unwrap_or_else(|e| e.into_inner());
                        g.status = status;
                        g.fresh = true;
                        g.covered = covering;
                    }
                    waker.wake();
                }
            })
            .ok();
        LearnWorker {
            learner,
            shared,
            tx: Some(tx),
            thread,
        }
    }

    /// Starts (or queues) a retraining run.
    pub fn retrain(&self) {
        if let Some(tx) = &self.tx {
            let mut g = self.shared.lock().unwrap_or_else(|e| e.into_inner());
            g.requested += 1;
            g.status = LearnStatus::Training;
            drop(g);
            let _ = tx.send(());
        }
    }

    pub fn status(&self) -> LearnStatus {
        self.shared
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .status
            .clone()
    }

    /// Blocks until every requested run has finished (tests).
    pub fn wait(&self) {
        loop {
            {
                let g = self.shared.lock().unwrap_or_else(|e| e.into_inner());
                if g.covered >= g.requested || self.thread.is_none() {
                    return;
                }
            }
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
    }

    /// Whether a run finished since the last call (then proposals should be
    /// asked for again).
    pub fn take_fresh(&self) -> bool {
        let mut g = self.shared.lock().unwrap_or_else(|e| e.into_inner());
        std::mem::take(&mut g.fresh)
    }
}

impl Drop for LearnWorker {
    /// Closes the channel; a run in progress finishes on its own (a long
    /// retraining must not hold up closing the window).
    fn drop(&mut self) {
        self.tx = None;
        drop(self.thread.take());
    }
}
