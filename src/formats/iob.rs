//! spaCy's `.iob` input (what `spacy convert -c iob` reads): one sentence
//! per line, tokens separated by spaces, each `word|TAG` or `word|POS|TAG`,
//! tags in IOB1 or IOB2. Read only.

use std::path::Path;

use super::conll::TokenReader;
use super::{FileImport, FormatError, ImportOptions};

/// Reads a spaCy `.iob` file into one document: tokens joined by one space,
/// each line a sentence (a newline between them). A `-DOCSTART-` line starts
/// a new document; blank lines are skipped.
///
/// # Errors
/// No token has a tag, or most tags are invalid (not an `.iob` file).
pub fn import(
    path: &Path,
    contents: &str,
    options: &ImportOptions,
) -> Result<FileImport, FormatError> {
    let mut reader = TokenReader::new(path);
    let mut pos = false;
    for (n, line) in contents.lines().enumerate() {
        let line_no = n + 1;
        let mut fields = line.split_whitespace().peekable();
        match fields.peek() {
            None => continue,
            Some(f) if f.starts_with("-DOCSTART-") => {
                reader.start_doc(None, line_no + 1);
                continue;
            }
            Some(_) => {}
        }
        for f in fields {
            let parts: Vec<&str> = f.split('|').collect();
            match parts.as_slice() {
                [word] => reader.token(word, &[], line_no),
                [word, tag] => reader.token(word, &[tag], line_no),
                [word, .., tag] => {
                    pos = true;
                    reader.token(word, &[tag], line_no)
                }
                [] => {}
            }
        }
        reader.end_sentence();
    }
    let (docs, issues, scheme) = reader.finish(options)?;
    Ok(FileImport {
        docs,
        issues,
        shape: format!(
            "spaCy .iob (one sentence per line, {}; {scheme})",
            if pos { "word|POS|TAG" } else { "word|TAG" }
        ),
        reading: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_per_line_with_or_without_pos() {
        for f in [
            "قال|VERB|O الملك|NOUN|B-PER عبدالله|NOUN|I-PER\nفي|PREP|O الأردن|NOUN|I-LOC\n",
            "قال|O الملك|B-PER عبدالله|I-PER\n\nفي|O الأردن|I-LOC",
        ] {
            let r = import(Path::new("t.iob"), f, &ImportOptions::default()).unwrap();
            assert_eq!(r.docs.len(), 1);
            assert_eq!(r.docs[0].text, "قال الملك عبدالله\nفي الأردن");
            let got: Vec<_> = r.docs[0]
                .spans
                .iter()
                .map(|s| (s.start, s.end, s.label.as_str()))
                .collect();
            assert_eq!(got, [(4, 17, "PER"), (21, 27, "LOC")]);
        }
        // Not .iob: refused, not read as O.
        assert!(
            import(
                Path::new("t.iob"),
                "a b c\nd e\n",
                &ImportOptions::default()
            )
            .is_err()
        );
        assert!(
            import(
                Path::new("t.iob"),
                "a|X b|Y c|O\n",
                &ImportOptions::default()
            )
            .is_err()
        );
    }
}
