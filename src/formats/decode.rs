//! Turning the bytes of an import file into text: UTF-8 (its BOM dropped),
//! UTF-16 with a BOM (decoded, reported), any encoding named with
//! `--encoding` (decoded with `encoding_rs`), and a refusal naming the likely
//! encoding and the fix for anything else, so that no mojibake is ever stored
//! as gold text. Byte order marks in the middle of a file (two BOM-saved
//! files joined with `cat`) are removed from line starts and reported, so
//! they cannot hide a `-DOCSTART-` or glue themselves to a token.

use std::path::Path;

use encoding_rs::{Encoding, ISO_8859_6, UTF_16BE, UTF_16LE, WINDOWS_1256};

use super::FormatError;

/// A decoded file and what decoding it took.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Decoded {
    pub text: String,
    /// `(line, message)` for each thing worth saying (line 0: the whole file).
    pub notes: Vec<(usize, String)>,
}

/// What a binary file most likely is, from its first bytes.
pub(crate) fn binary_kind(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0x78, 0x01 | 0x5e | 0x9c | 0xda, ..] => {
            Some("binary file (zlib-compressed, looks like a spaCy DocBin `.spacy` file)")
        }
        [0x1f, 0x8b, ..] => Some("binary file (gzip-compressed)"),
        [b'P', b'K', 3, 4, ..] => Some("binary file (a zip archive)"),
        _ if bytes.iter().take(4096).any(|&b| b == 0) => Some("binary file (it holds NUL bytes)"),
        _ => None,
    }
}

/// Whether `text` reads as text: no control chars but TAB, LF and CR.
fn plausible_text(text: &str) -> bool {
    !text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
}

/// The UTF-16 byte order of a file without a BOM, when it decodes cleanly
/// as such and holds NUL bytes (the high byte of every ASCII char).
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    if !bytes.len().is_multiple_of(2) || !bytes.contains(&0) {
        return None;
    }
    [UTF_16LE, UTF_16BE].into_iter().find(|enc| {
        let (text, errors) = enc.decode_without_bom_handling(bytes);
        let ascii = text.chars().filter(char::is_ascii).count();
        !errors && plausible_text(&text) && 4 * ascii >= text.chars().count()
    })
}

/// Whether bytes that are not UTF-8 read as Arabic in Windows-1256: most of
/// their non-ASCII chars are Arabic letters.
/// Whether `text` holds a Latin-1 letter (U+00C0..U+00FF) touching an
/// Arabic letter: Arabic read in the wrong legacy code page (`بنêومêو`, an
/// ISO-8859-6 file read as Windows-1256).
fn latin_inside_arabic(text: &str) -> Option<String> {
    let arabic = |c: char| ('\u{0621}'..='\u{064A}').contains(&c);
    let latin = |c: char| ('\u{00C0}'..='\u{00FF}').contains(&c) && c != '×' && c != '÷';
    let chars: Vec<char> = text.chars().collect();
    (0..chars.len()).find_map(|i| {
        let c = chars[i];
        let near = |j: Option<usize>| j.and_then(|j| chars.get(j)).is_some_and(|&d| arabic(d));
        (latin(c) && (near(i.checked_sub(1)) || near(Some(i + 1)))).then(|| {
            let from = i.saturating_sub(4);
            chars[from..(i + 5).min(chars.len())].iter().collect()
        })
    })
}

/// Whether the bytes read as ISO-8859-6 give Arabic only (every byte
/// mapped), where Windows-1256 would put Latin letters among them.
fn looks_like_iso8859_6(bytes: &[u8]) -> bool {
    let (text, errors) = ISO_8859_6.decode_without_bom_handling(bytes);
    if errors || !text.chars().any(|c| ('\u{0621}'..='\u{064A}').contains(&c)) {
        return false;
    }
    let (cp, _) = WINDOWS_1256.decode_without_bom_handling(bytes);
    latin_inside_arabic(&cp).is_some()
}

fn looks_like_cp1256(bytes: &[u8]) -> bool {
    let (text, _) = WINDOWS_1256.decode_without_bom_handling(bytes);
    let (mut arabic, mut other) = (0usize, 0usize);
    for c in text.chars().filter(|c| !c.is_ascii()) {
        if ('\u{0600}'..='\u{06FF}').contains(&c) {
            arabic += 1;
        } else {
            other += 1;
        }
    }
    arabic > 0 && arabic >= 4 * other
}

/// The iconv command that re-saves `path` as UTF-8.
fn iconv(from: &str, path: &Path) -> String {
    let p = path.display();
    format!("iconv -f {from} -t UTF-8 {p} > {p}.utf8")
}

/// Decodes an import file's bytes.
///
/// `encoding` is a WHATWG label (`windows-1256`, `utf-16le`, `latin1`...)
/// given by the user; without it the file must be UTF-8 (a BOM is dropped)
/// or UTF-16 with a BOM. `line_starts`: remove byte order marks found at the
/// start of a later line (line formats; brat's offsets count them, so it
/// passes `false`).
///
/// # Errors
/// A binary file (named by kind), an unknown `--encoding` label, bytes the
/// encoding cannot decode, or a file that is not UTF-8: the error names the
/// byte offset and line, the likely encoding (UTF-16 without BOM,
/// Windows-1256) and the fix (`--encoding`, or `iconv`).
pub(crate) fn decode(
    path: &Path,
    bytes: &[u8],
    encoding: Option<&str>,
    line_starts: bool,
) -> Result<Decoded, FormatError> {
    let mut notes = Vec::new();
    let text = if let Some(label) = encoding {
        let Some(enc) = Encoding::for_label(label.trim().as_bytes()) else {
            return Err(FormatError::new(
                path,
                0,
                format!(
                    "--encoding {label:?} is not an encoding name (try windows-1256, utf-16le, utf-16be, iso-8859-6, utf-8)"
                ),
            ));
        };
        // A file already in UTF-8 read through a legacy encoding becomes
        // mojibake (`ط²ط§ط±`): refused, not stored.
        if enc != encoding_rs::UTF_8
            && std::str::from_utf8(bytes).is_ok()
            && (!bytes.is_ascii() || enc == UTF_16LE || enc == UTF_16BE)
        {
            return Err(FormatError::new(
                path,
                0,
                format!(
                    "the file is UTF-8 already: --encoding {} would read it as mojibake; import it without --encoding",
                    enc.name()
                ),
            ));
        }
        let (text, used, errors) = enc.decode(bytes);
        if errors {
            let at = text.find('\u{FFFD}').unwrap_or(0);
            let (line, col) = super::error::line_col(&text, at);
            return Err(FormatError::at(
                path,
                line,
                col,
                format!("bytes that are not valid {}", used.name()),
            ));
        }
        if let Some(bad) = latin_inside_arabic(&text) {
            let hint = if used == WINDOWS_1256 && looks_like_iso8859_6(bytes) {
                " It reads as ISO-8859-6: --encoding iso-8859-6".to_string()
            } else {
                String::new()
            };
            return Err(FormatError::new(
                path,
                0,
                format!(
                    "read as {} it has Latin letters inside Arabic words («{bad}»): not that encoding.{hint}",
                    used.name()
                ),
            ));
        }
        notes.push((
            0,
            format!("decoded from {} (--encoding); stored as UTF-8", used.name()),
        ));
        text.into_owned()
    } else if let Some((enc, bom)) = Encoding::for_bom(bytes) {
        if enc == encoding_rs::UTF_8 {
            // brat's offsets count a BOM of the .txt: it keeps it.
            utf8(path, if line_starts { &bytes[bom..] } else { bytes })?
        } else {
            let (text, errors) = enc.decode_without_bom_handling(&bytes[bom..]);
            if errors {
                let at = text.find('\u{FFFD}').unwrap_or(0);
                let (line, col) = super::error::line_col(&text, at);
                return Err(FormatError::at(
                    path,
                    line,
                    col,
                    format!(
                        "starts with a {} byte order mark but holds bytes that are not {0}",
                        enc.name()
                    ),
                ));
            }
            let order = if enc == UTF_16LE {
                "LE, BOM FF FE"
            } else {
                "BE, BOM FE FF"
            };
            notes.push((
                0,
                format!(
                    "decoded from UTF-16 ({order}: Windows Notepad's \"Unicode\"); stored as UTF-8"
                ),
            ));
            text.into_owned()
        }
    } else {
        utf8(path, bytes)?
    };
    if !line_starts {
        return Ok(Decoded { text, notes });
    }
    // A BOM at the start of a later line: files saved with one, joined.
    let mut out = String::with_capacity(text.len());
    for (n, line) in text.split_inclusive('\n').enumerate() {
        match line.strip_prefix('\u{FEFF}') {
            Some(rest) => {
                notes.push((
                    n + 1,
                    "byte order mark (U+FEFF) at the start of the line removed: files saved with a BOM joined into one".to_string(),
                ));
                out.push_str(rest);
            }
            None => out.push_str(line),
        }
    }
    Ok(Decoded { text: out, notes })
}

/// UTF-8 text, or an error naming what the bytes look like.
fn utf8(path: &Path, bytes: &[u8]) -> Result<String, FormatError> {
    let compressed = binary_kind(bytes).filter(|k| !k.contains("NUL"));
    if let Some(enc) = utf16_without_bom(bytes).filter(|_| compressed.is_none()) {
        let order = if enc == UTF_16LE { "le" } else { "be" };
        return Err(FormatError::new(
            path,
            0,
            format!(
                "not UTF-8: looks like UTF-16 {} without a byte order mark (a NUL byte beside every ASCII char); read it with --encoding utf-16{order}, or save it as UTF-8: {}",
                order.to_uppercase(),
                iconv(&format!("UTF-16{}", order.to_uppercase()), path)
            ),
        ));
    }
    if let Some(kind) = binary_kind(bytes) {
        let hint = if kind.contains("DocBin") {
            format!(" — {DOCBIN_HINT}")
        } else {
            " — not a text export".to_string()
        };
        return Err(FormatError::new(path, 0, format!("{kind}{hint}")));
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(e) => {
            let at = e.valid_up_to();
            let before = std::str::from_utf8(&bytes[..at]).unwrap_or("");
            let (line, col) = super::error::line_col(before, at);
            let guess = if looks_like_iso8859_6(bytes) {
                format!(
                    "looks like ISO-8859-6 (Arabic); read it with --encoding iso-8859-6, or save it as UTF-8: {}",
                    iconv("ISO-8859-6", path)
                )
            } else if looks_like_cp1256(bytes) {
                format!(
                    "looks like Windows-1256 (Arabic); read it with --encoding windows-1256, or save it as UTF-8: {}",
                    iconv("WINDOWS-1256", path)
                )
            } else {
                format!(
                    "if it is in a legacy encoding, read it with --encoding NAME (windows-1256, iso-8859-6, latin1...), or save it as UTF-8: {}",
                    iconv("NAME", path)
                )
            };
            Err(FormatError::at(
                path,
                line,
                col,
                format!(
                    "not UTF-8 (invalid byte 0x{:02X} at byte offset {at}); {guess}",
                    bytes[at]
                ),
            ))
        }
    }
}

/// What to run instead, for a spaCy DocBin (Kashif reads text formats only).
const DOCBIN_HINT: &str = "Kashif's spacy importer reads JSONL `{\"text\", \"spans\": [{\"start\", \"end\", \"label\"}]}`; \
convert it with spaCy first: python -c \"import sys, json, spacy; from spacy.tokens import DocBin; \
nlp = spacy.blank('ar'); [print(json.dumps({'text': d.text, 'spans': [{'start': e.start_char, 'end': e.end_char, 'label': e.label_} for e in d.ents]}, ensure_ascii=False)) \
for d in DocBin().from_disk(sys.argv[1]).get_docs(nlp.vocab)]\" train.spacy > train.jsonl";

#[cfg(test)]
mod tests {
    use super::*;

    const AR: &str = "فرانكفورت B-LOC\nأعلن O\n";

    fn p() -> &'static Path {
        Path::new("f.conll")
    }

    #[test]
    fn utf16_with_a_bom_is_decoded_and_said() {
        for (bom, enc) in [(&[0xFF, 0xFE][..], UTF_16LE), (&[0xFE, 0xFF][..], UTF_16BE)] {
            let mut bytes = bom.to_vec();
            for u in AR.encode_utf16() {
                let b = if enc == UTF_16LE {
                    u.to_le_bytes()
                } else {
                    u.to_be_bytes()
                };
                bytes.extend(b);
            }
            let d = decode(p(), &bytes, None, true).unwrap();
            assert_eq!(d.text, AR);
            assert!(d.notes[0].1.contains("UTF-16"), "{:?}", d.notes);
            // Without its BOM it is refused, named, with the fix.
            let e = decode(p(), &bytes[2..], None, true).unwrap_err();
            assert!(e.message.contains("looks like UTF-16"), "{e}");
            assert!(e.message.contains("--encoding utf-16"), "{e}");
        }
    }

    #[test]
    fn windows_1256_is_refused_with_the_fix_or_decoded_when_asked() {
        let (bytes, _, _) = WINDOWS_1256.encode(AR);
        let e = decode(p(), &bytes, None, true).unwrap_err();
        assert_eq!(e.line, 1);
        assert!(e.message.contains("byte offset 0"), "{e}");
        assert!(e.message.contains("Windows-1256"), "{e}");
        assert!(e.message.contains("iconv -f WINDOWS-1256 -t UTF-8"), "{e}");
        let d = decode(p(), &bytes, Some("windows-1256"), true).unwrap();
        assert_eq!(d.text, AR);
        assert!(d.notes[0].1.contains("windows-1256"), "{:?}", d.notes);
        // Latin-1 bytes are not called Arabic.
        let e = decode(p(), b"caf\xe9 O\n", None, true).unwrap_err();
        assert!(!e.message.contains("Windows-1256 (Arabic)"), "{e}");
        assert!(e.message.contains("--encoding"), "{e}");
        assert!(decode(p(), b"x", Some("klingon"), true).is_err());
    }

    #[test]
    fn a_legacy_encoding_never_turns_text_into_mojibake() {
        // UTF-8 already: --encoding windows-1256 is refused, not decoded.
        let e = decode(p(), AR.as_bytes(), Some("windows-1256"), true).unwrap_err();
        assert!(e.message.contains("UTF-8 already"), "{e}");
        // ASCII reads the same in any ASCII encoding.
        assert!(decode(p(), b"Paris B-LOC\n", Some("windows-1256"), true).is_ok());
        // ISO-8859-6 is named as such, and read as Windows-1256 it is refused.
        let (iso, _, bad) = ISO_8859_6.encode("بلينكين الرياض يريفان");
        assert!(!bad);
        let e = decode(p(), &iso, None, true).unwrap_err();
        assert!(e.message.contains("ISO-8859-6"), "{e}");
        let e = decode(p(), &iso, Some("windows-1256"), true).unwrap_err();
        assert!(e.message.contains("Latin letters inside Arabic"), "{e}");
        assert!(e.message.contains("iso-8859-6"), "{e}");
        let d = decode(p(), &iso, Some("iso-8859-6"), true).unwrap();
        assert_eq!(d.text, "بلينكين الرياض يريفان");
    }

    #[test]
    fn boms_at_later_line_starts_are_removed_and_reported() {
        let joined = "\u{FEFF}-DOCSTART- O\nقال O\n\u{FEFF}-DOCSTART- O\nفي O\n";
        let d = decode(p(), joined.as_bytes(), None, true).unwrap();
        assert_eq!(d.text, "-DOCSTART- O\nقال O\n-DOCSTART- O\nفي O\n");
        assert_eq!(d.notes.len(), 1);
        assert_eq!(d.notes[0].0, 3);
        // brat keeps them (its offsets count them).
        let d = decode(p(), joined.as_bytes(), None, false).unwrap();
        assert!(d.text.contains("\n\u{FEFF}-DOCSTART-"));
    }

    #[test]
    fn binary_files_are_named() {
        assert!(binary_kind(&[0x78, 0x9c, 1, 2]).unwrap().contains("DocBin"));
        assert!(binary_kind(b"{\"text\": 1}").is_none());
        let e = decode(p(), &[0x78, 0x9c, 0, 1, 2, 0xff], None, true).unwrap_err();
        assert!(e.message.contains("DocBin"), "{e}");
    }
}
