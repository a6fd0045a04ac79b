//! Dialogs outside any one mode: choosing a folder, choosing where to save,
//! and the export dialog.

pub mod export;
pub mod picker;
pub mod save_picker;
