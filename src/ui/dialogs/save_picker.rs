//! Choosing where an export goes, behind a trait so tests need no native
//! dialog (the binary uses rfd, tests a fake).

use std::path::PathBuf;

use crate::formats::Format;

/// Asks the user where to write an export of `format`: a file, or a folder
/// for formats that write one file pair per document.
pub trait SavePicker {
    fn pick_target(&mut self, format: Format) -> Option<PathBuf>;
}

/// The native dialog (rfd).
pub struct RfdSavePicker;

impl SavePicker for RfdSavePicker {
    fn pick_target(&mut self, format: Format) -> Option<PathBuf> {
        let title = format!("Export as {}", format.name());
        if format.is_folder() {
            return rfd::FileDialog::new().set_title(&title).pick_folder();
        }
        rfd::FileDialog::new()
            .set_title(&title)
            .set_file_name(format!("gold.{}", format.extension()))
            .add_filter(format.name(), &[format.extension()])
            .save_file()
    }
}

/// No dialog at all: nothing is ever picked (previews, tests that do not
/// export).
pub struct NoSavePicker;

impl SavePicker for NoSavePicker {
    fn pick_target(&mut self, _: Format) -> Option<PathBuf> {
        None
    }
}
