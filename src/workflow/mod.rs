//! The annotation workflow, without any GUI: a [`Session`] holds the corpus,
//! the annotator's store and every document's state, and changes only
//! through [`Command`]s applied in one place ([`Session::apply`]). Edits are
//! undoable in steps, saved in the background within a second, proposals
//! arrive from a background [`Proposer`], and marking a document done feeds
//! a [`Learner`]. The keyboard map is data ([`Keymap`]) so the shortcut
//! overlay and the key handling cannot disagree.
//!
//! The egui app (`ui`) translates input into commands and draws the state.

mod accurate;
mod apply;
mod autosave;
mod builtin;
mod bulk;
mod bulk_job;
mod caret;
mod command;
mod corpus_search;
mod doc_list;
mod doc_settle;
mod doc_state;
mod focus;
pub mod gate;
mod guidelines;
mod keymap;
mod learning;
mod memory;
mod model_proposer;
mod names;
pub mod priority;
mod proposals;
mod search;
mod search_index;
mod session;
mod settle;
mod steps;
mod timing;
mod undo;
mod waker;
mod words;

pub use accurate::{AccurateProposer, TierStatus, knn_memory_of};
pub use autosave::{SaveError, SaveStatus, SaveTiming};
pub use builtin::RulesProposer;
pub use bulk::{AnnotatePreview, LeftOut};
pub use bulk_job::{BACKGROUND_FROM, JobPhase, JobProgress, LANDING_TRIES};
pub use caret::{Caret, SessionLexicon};
pub use command::{Command, Outcome, WorkflowError};
pub use corpus_search::FIRST_DOCS;
pub use doc_list::{DocFilter, DocRow, Progress};
pub use doc_settle::proposals_for_document;
pub use doc_state::DocState;
pub use focus::{Focus, FocusKind, Items, first_from, last_before};
pub use guidelines::GUIDELINES;
pub use keymap::{Action, Binding, Chord, Key, Keymap, Modifiers, OverlayRow, UiAction, Where};
pub use learning::{CancelRetrain, LearnProgress, LearnStatus, Learner, RetrainError};
pub use memory::{LearningProposer, MEMORY_CONFIDENCE, VARIANT_CONFIDENCE};
pub use model_proposer::{Base, DEFAULT_GOLD_WEIGHT, ModelProposer, knows_name_with};
pub use names::{NameIndex, NameMatch, TokenForms, VARIANT_MIN_LETTERS, one_edit};
pub use proposals::{Proposer, Tier, fresh_proposals};
pub use search::{CONTEXT_CHARS, Hit, Scope, find, whole_word_occurrences};
pub use search_index::SearchIndex;
pub use session::{JobEnd, Session, VIEWS_KEPT};
pub use settle::Knowledge;
pub use steps::FOLLOW_BACKGROUND_FROM;
pub use undo::UNDO_LIMIT;
pub use words::{Direction, Edge, Side, WordEdges};
