//! The workbench UI: the eframe app, its panels, and the article view that
//! shows Arabic right to left with cosmic-text. Knows nothing of files: it
//! sends [`model::Command`]s to the [`model::AppModel`], whose backend the
//! binary provides.
//!
//! Grouped by mode, in layers that never import upwards (checked by
//! `tests/ui_modules.rs`):
//! - shared below everything: `text` (fonts, glyph atlas, cosmic-text layout,
//!   text blocks, words, direction), `article_view` (the article widget),
//!   `backend` (what files come through);
//! - the mode states `review` and `adjudicate` (their `mod.rs`), loaded
//!   through the backend;
//! - `model`: the app model and the one place commands are applied (with the
//!   editing session and the review/adjudication/export commands);
//! - each mode's `*_ui` functions next to its state (`annotate`, `review::ui`,
//!   `adjudicate::ui`), `read_only` (the article both review and adjudication
//!   show), `dialogs` (folder and save pickers, export), `modes` (the Mode
//!   menu and which mode owns the panels);
//! - `app`: the eframe app on top.
//!
//! Annotate, review and adjudicate never import one another.

pub mod adjudicate;
pub mod annotate;
pub mod app;
pub mod article_view;
pub mod backend;
pub mod dialogs;
pub mod lead_links;
pub mod model;
pub mod modes;
pub mod read_only;
pub mod review;
pub mod text;

pub use app::KashifApp;
pub use article_view::{ArticleInput, ArticleView, CaretMark, EntityRef, ViewEvent};
pub use backend::{Backend, DocEntry, Loaded};
pub use model::{AppModel, Command};
