//! Learning from what the annotator marks done: a cheap memory update at
//! once, and retraining on a background thread whose progress the status
//! bar shows (with a Cancel button) and whose end it announces ("new
//! proposals ready").

use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use crate::annotation::Span;
use crate::propose::train::TrainControl;

use super::waker::Waker;

/// What learns from gold annotations. The real one (the proposer's memory of
/// gold strings and its model) lives in `kashif::propose`.
pub trait Learner: Send + Sync {
    /// Called on the UI thread as soon as a document is marked done; must be
    /// quick (update an exact-string memory).
    fn remember(&self, doc_id: &str, text: &str, entities: &[Span]);
    /// Slow retraining, called on a background thread. `Ok` carries a short
    /// message for the status bar (e.g. the new model's score). It reports
    /// its progress through `control` (the status bar's progress bar) and
    /// checks it for cancellation often (at least once per epoch): once
    /// cancelled it returns [`RetrainError::Cancelled`] soon, and it calls
    /// [`TrainControl::commit`] right before putting a new model in use,
    /// putting nothing in use (or in a cache) when that returns `false`.
    fn retrain(&self, control: &TrainControl) -> Result<String, RetrainError>;
}

/// Why a retraining put no new model in use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RetrainError {
    /// The annotator cancelled it (the Cancel button by its progress bar).
    #[error("retraining cancelled: the model in use is unchanged")]
    Cancelled,
    /// It failed (a base data file that cannot be read, ...); why.
    #[error("{0}")]
    Failed(String),
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
    /// The annotator cancelled it: the model in use is the one before.
    Cancelled,
}

/// How far the retraining running now is (the status bar's progress bar).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LearnProgress {
    /// 0 to 1 over all its stages; 0 while it waits to start.
    pub fraction: f32,
}

/// What cancelling the retraining did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelRetrain {
    /// Nothing was retraining or waiting to.
    NothingRunning,
    /// The run and any request waiting are cancelled: no model of theirs is
    /// ever put in use (the thread stops at its next check).
    Cancelled,
    /// Too late: the new model was already being put in use.
    Finished,
}

#[derive(Default)]
struct Shared {
    status: LearnStatus,
    /// A retrain finished since the session last looked.
    fresh: bool,
    /// Runs asked for, and how many of those requests the finished runs cover.
    requested: u64,
    covered: u64,
    /// Requests up to this one are cancelled (never run, or stopped).
    cancelled_upto: u64,
    /// The run in progress's control (its progress; cancelling it).
    control: Option<Arc<TrainControl>>,
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
                super::priority::lower_this_thread();
                while rx.recv().is_ok() {
                    while rx.try_recv().is_ok() {}
                    // The bar moves as training goes (the UI is woken).
                    let w = waker.clone();
                    let control = Arc::new(TrainControl::with_listener(move |_| w.wake()));
                    let covering = {
                        let mut g = s.lock().unwrap_or_else(|e| e.into_inner());
                        let covering = g.requested;
                        if covering <= g.cancelled_upto {
                            // Cancelled before it started (the status
                            // says so already).
                            g.covered = covering;
                            continue;
                        }
                        g.status = LearnStatus::Training;
                        g.control = Some(control.clone());
                        covering
                    };
                    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        l.retrain(&control)
                    }));
                    let status = match r {
                        // A learner that puts no model in use may not
                        // commit; a cancel that came first wins.
                        Ok(Ok(msg)) if control.commit() => LearnStatus::Ready(msg),
                        Ok(Ok(_)) | Ok(Err(RetrainError::Cancelled)) => LearnStatus::Cancelled,
                        Ok(Err(RetrainError::Failed(msg))) => LearnStatus::Failed(msg),
                        Err(_) => LearnStatus::Failed("retraining failed (panicked)".into()),
                    };
                    {
                        let mut g = s.lock().unwrap_or_else(|e| e.into_inner());
                        g.control = None;
                        g.covered = covering;
                        if status != LearnStatus::Cancelled {
                            g.status = status;
                            g.fresh = true;
                        } else if g.requested == covering {
                            // (A newer request waiting keeps "Training".)
                            g.status = status;
                        }
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

    /// The running retraining's progress; `None` when none runs or waits.
    pub fn progress(&self) -> Option<LearnProgress> {
        let g = self.shared.lock().unwrap_or_else(|e| e.into_inner());
        if g.status != LearnStatus::Training {
            return None;
        }
        // A cancelled run still winding down is not the one waiting.
        let fraction = g
            .control
            .as_ref()
            .filter(|c| !c.is_cancelled())
            .map_or(0.0, |c| c.fraction());
        Some(LearnProgress { fraction })
    }

    /// Cancels the retraining running and any request waiting: the model
    /// in use stays unchanged and nothing is kept in the cache; a later
    /// request starts a fresh retraining.
    pub fn cancel(&self) -> CancelRetrain {
        let mut g = self.shared.lock().unwrap_or_else(|e| e.into_inner());
        if g.covered >= g.requested || g.cancelled_upto >= g.requested {
            return CancelRetrain::NothingRunning;
        }
        if let Some(c) = &g.control
            && !c.is_cancelled()
            && !c.cancel()
        {
            return CancelRetrain::Finished;
        }
        g.cancelled_upto = g.requested;
        g.status = LearnStatus::Cancelled;
        CancelRetrain::Cancelled
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
    /// Closes the channel and cancels a run in progress (its thread stops
    /// at its next check, nothing waits for it: a long retraining must not
    /// hold up closing the window or opening another folder).
    fn drop(&mut self) {
        self.cancel();
        self.tx = None;
        drop(self.thread.take());
    }
}
