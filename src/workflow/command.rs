//! Every user intent as a value. The UI (keys, mouse, menus) only builds
//! these; [`super::Session::apply`] is the one place they take effect.

use crate::annotation::Status;

use super::focus::Focus;
use super::search::Scope;
use super::words::{Direction, Edge, Side};

/// One user intent.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Opens the document with this id.
    Open(String),
    NextDocument,
    PreviousDocument,
    /// Marks the current document done (teaching the learner) and opens the
    /// next document, after it in corpus order and wrapping, that is not done.
    /// Refused with [`WorkflowError::PendingProposals`] while proposals are
    /// pending in it (see [`super::gate`]): the UI then asks whether to
    /// reject them ([`Command::RejectPendingAndMarkDone`]) or go back to
    /// them ([`Command::FocusFirstPending`]).
    MarkDoneAndNext,
    /// Sets the current document's status; `Done` passes the same gate as
    /// [`Command::MarkDoneAndNext`].
    SetStatus(Status),
    /// The answer "reject them" to the gate: rejects the `pending` proposals
    /// of the current document (remembered like any rejection) and marks it
    /// done, one undo step; with `next`, then opens the next document not
    /// done. Refused with [`WorkflowError::PendingProposals`] when the
    /// document no longer holds exactly `pending` proposals (more arrived
    /// since the question was asked), so nothing is rejected unseen.
    RejectPendingAndMarkDone {
        pending: usize,
        next: bool,
    },
    /// The answer "go back to them": focuses the first pending proposal of
    /// the current document in reading order.
    FocusFirstPending,

    /// The view's selection, in chars (any order; empty clears it).
    Select {
        start: usize,
        end: usize,
    },
    /// Clears selection, caret and focus (Escape).
    ClearSelection,
    /// Moves the keyboard caret one word toward this side of the screen
    /// (mirrored in right-to-left paragraphs) and selects that word,
    /// trimmed by the guidelines; see [`super::caret`].
    MoveCaret {
        side: Side,
    },
    /// Puts the caret on the word at this char (or the next word) and
    /// selects it: where the arrows start when nothing is placed yet (the
    /// first word on screen).
    CaretAt(usize),
    /// Focuses this entity or proposal (a click on its box).
    Focus(Focus),
    /// Next / previous entity or proposal in reading order (Tab, Shift+Tab).
    FocusNext,
    FocusPrevious,

    /// Accepts the focused proposal, optionally under another label.
    AcceptFocused {
        label: Option<String>,
    },
    /// Rejects the focused proposal; it never comes back.
    RejectFocused,
    RelabelFocused(String),
    DeleteFocused,
    /// Creates an entity over the selection (trimmed of spaces).
    CreateFromSelection(String),
    /// A label key: with a selection, creates an entity; else with a focused
    /// proposal, accepts it under this label; else with a focused entity,
    /// relabels it.
    ApplyLabel(String),
    /// Gives the focused entity or proposal exactly these boundaries
    /// (dragging an edge); a proposal becomes a corrected entity.
    Resize {
        start: usize,
        end: usize,
    },
    /// Moves one boundary of the focused entity or proposal by one word, in
    /// logical order; a proposal becomes an entity recorded as corrected
    /// (fix before accept).
    MoveEdge {
        edge: Edge,
        direction: Direction,
    },
    /// The same as an arrow key names it: resolved by the direction of the
    /// item's paragraph (in right-to-left text Left moves toward the end).
    /// With nothing focused, the end edge is the caret's: the selection
    /// grows or shrinks by a word (Shift+arrows).
    MoveEdgeVisual {
        edge: Edge,
        side: Side,
    },

    /// Accepts every pending proposal of this label in the current document.
    /// Runs in the background on a large corpus (see
    /// [`super::Session::set_background_from`]): [`Outcome::Started`].
    AcceptAllOfLabel(String),
    /// Accepts every pending proposal with confidence `>=` this, current
    /// document. In the background as [`Command::AcceptAllOfLabel`].
    AcceptAllAbove(f32),
    /// Annotates every whole-word occurrence of `text` with `label`.
    /// See [`super::Session::preview_annotate_all`] for the count first.
    /// In the background as [`Command::AcceptAllOfLabel`].
    AnnotateAll {
        text: String,
        label: String,
        scope: Scope,
    },

    /// Cancels the bulk command running in the background: nothing of it
    /// is applied (Esc, or the button by its progress bar).
    CancelJob,
    /// Cancels the retraining running in the background (and any waiting):
    /// the model in use stays unchanged (the button by its progress bar).
    /// Marking a document done later starts a fresh one.
    CancelRetraining,

    /// Undoes the last step (one command = one step, bulk ones included); if
    /// that step changed another document, that document is opened.
    Undo,
    Redo,

    /// Searches and keeps the hits in [`super::Session::search_hits`].
    Search {
        query: String,
        scope: Scope,
    },
    /// Opens the document of search hit `i` and selects the hit.
    OpenHit(usize),
    /// Opens the next (`true`) or previous search hit after the one shown
    /// (the hit the selection is on), wrapping; the first or last when
    /// none is shown. Keys for going through the results.
    StepHit(bool),
    /// Sets the annotator's note ("ask the lead") on the current document
    /// (`at: None`) or on the entity at chars `at`; blank text removes it.
    /// One undo step.
    SetNote {
        at: Option<(usize, usize)>,
        text: String,
    },
}

/// What a command did, for the status bar.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Nothing to do; why.
    Nothing(String),
    /// Document, selection or focus changed; no annotation did.
    Moved,
    /// Annotations changed: `changes` entities or proposals in `documents`
    /// documents, recorded as one undo step.
    Edited { documents: usize, changes: usize },
    /// A search found this many hits.
    Found(usize),
    /// A bulk command started in the background (what it is): nothing
    /// changed yet. [`super::Session::poll`] applies it as one undo step
    /// when it is done; [`super::Session::take_job_end`] then says how it
    /// ended.
    Started(String),
}

/// Why a command was refused; the state is as it was.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WorkflowError {
    #[error("no document is open")]
    NoDocument,
    #[error("no document {0:?} in the corpus")]
    NoSuchDocument(String),
    #[error("{doc_id} is read-only: {reason}")]
    ReadOnly { doc_id: String, reason: String },
    #[error("nothing is focused")]
    NoFocus,
    #[error("the focused item is not a proposal")]
    NotAProposal,
    #[error("the focused item is not an entity")]
    NotAnEntity,
    #[error("nothing is selected")]
    NoSelection,
    #[error("label {0:?} is not in the label schema")]
    UnknownLabel(String),
    #[error("the boundary cannot move further that way")]
    CannotMove,
    #[error("no search hit {0}")]
    NoSuchHit(usize),
    /// The gate into "done": proposals are still pending in the document.
    #[error(
        "{doc_id} is not marked done: {pending} proposal(s) still pending; accept or reject them first"
    )]
    PendingProposals { doc_id: String, pending: usize },
    #[error(transparent)]
    Edit(#[from] crate::annotation::EditError),
}
