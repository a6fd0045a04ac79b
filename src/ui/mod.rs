//! The workbench UI: the eframe app, its panels, and the article view that
//! shows Arabic right to left with cosmic-text. Knows nothing of files: it
//! sends [`model::Command`]s to the [`model::AppModel`], whose backend the
//! binary provides.

pub mod adjudicate;
pub mod adjudicate_ui;
pub mod app;
pub mod article_view;
pub mod atlas;
pub mod direction;
pub mod export_dialog;
pub mod fonts;
pub mod gold;
pub mod gold_ui;
pub mod layout;
pub mod model;
pub mod picker;
pub mod review;
pub mod review_ui;
pub mod save_picker;
pub mod session_model;
pub mod text_block;
pub mod words;
pub mod work;

pub use app::KashifApp;
pub use article_view::{ArticleInput, ArticleView, EntityRef, ViewEvent};
pub use model::{AppModel, Backend, Command, DocEntry, Loaded};
