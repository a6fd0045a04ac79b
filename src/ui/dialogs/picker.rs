//! Choosing a folder, behind a trait so tests need no native dialog.

use std::path::PathBuf;

/// Asks the user for a folder of articles.
pub trait FolderPicker {
    fn pick_folder(&mut self) -> Option<PathBuf>;
}

/// The native dialog (rfd).
pub struct RfdPicker;

impl FolderPicker for RfdPicker {
    fn pick_folder(&mut self) -> Option<PathBuf> {
        rfd::FileDialog::new()
            .set_title("Open a folder of articles")
            .pick_folder()
    }
}
