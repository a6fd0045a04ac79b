//! How good predicted entities are against gold, and how well annotators
//! agree: span matching, precision/recall/F1, Cohen's kappa, and merging two
//! annotators into one gold set.
//!
//! Pure functions over spans; the caller decides where gold and predictions
//! come from (an annotator's files, the proposer) and how to show the result
//! (CLI table, JSON, the review view).

mod adjudicate;
mod agreement;
mod consistency;
mod matching;
mod report;
mod review;
mod score;
pub mod timing;
mod unitizing;

pub use adjudicate::{Adjudication, Choice, Conflict, ConflictKind, adjudicate, ready_for_gold};
pub use agreement::{
    DocTokens, Kappa, PairAgreement, TokenLabels, cohen_kappa, pair_agreement, token_labels,
};
pub use consistency::{
    Annotated, DecisionCounts, DecisionRow, Finding, FindingKind, LeadReport, NoteRow, Place,
    consistency, lead_report, notes,
};
pub use matching::{DocMatch, Mode, match_spans};
pub use report::{Confusion, DocPair, DocReport, Example, Report, evaluate};
pub use review::{Mark, MarkKind, marks};
pub use score::{Counts, Prf, Scores};
pub use timing::{TimeFigures, TimingReport, timing_report};
pub use unitizing::{UnitizingAlpha, unitizing_alpha};
