//! The generated gazetteer files: well formed, consistent with the matcher,
//! and — where the Debian sources are installed — exactly what the script
//! would build now.

use std::path::Path;
use std::process::Command;

use kashif::propose::gazetteer::Gazetteer;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/gazetteer");

fn entries(name: &str) -> Vec<String> {
    let text = std::fs::read_to_string(Path::new(DIR).join(name)).unwrap();
    assert!(text.ends_with('\n'), "{name} ends without a newline");
    let mut seen_entry = false;
    let mut out = Vec::new();
    for line in text.lines() {
        if line.starts_with('#') {
            assert!(!seen_entry, "{name}: comment after the first entry");
            continue;
        }
        seen_entry = true;
        assert!(
            !line.trim().is_empty() && line.trim() == line,
            "{name}: blank or padded line {line:?}"
        );
        out.push(line.to_string());
    }
    out
}

#[test]
fn lists_are_unique_and_nonempty() {
    for name in [
        "loc.txt",
        "org.txt",
        "mined_per.txt",
        "mined_loc.txt",
        "mined_org.txt",
        "mined_misc.txt",
        "stopwords.txt",
        "per_names.txt",
    ] {
        let list = entries(name);
        assert!(!list.is_empty(), "{name} is empty");
        let mut keys: Vec<String> = list
            .iter()
            .map(|e| kashif::propose::gazetteer::entry_key(e))
            .collect();
        let n = keys.len();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), n, "{name} has two spellings of one name");
    }
}

#[test]
fn months_and_weekdays_are_complete() {
    let months = entries("months.txt");
    for m in 1..=12 {
        let names = months
            .iter()
            .filter(|l| l.split_once('\t').is_some_and(|(n, _)| n == m.to_string()))
            .count();
        assert!(
            names >= 2,
            "month {m} needs its Gregorian and Levantine names, has {names}"
        );
    }
    assert_eq!(entries("weekdays.txt").len(), 7);
}

/// Every place and mined person name is found by the matcher when it
/// stands alone: the file format and the matcher's tokenization agree.
#[test]
fn every_name_is_found_alone() {
    let g = Gazetteer::builtin();
    let mut missed = Vec::new();
    for name in entries("loc.txt")
        .into_iter()
        .chain(entries("mined_per.txt"))
    {
        let ps = g.propose(&name);
        let whole = ps
            .iter()
            .any(|p| p.start == 0 && p.end == name.chars().count());
        if !whole {
            missed.push(name);
        }
    }
    assert!(missed.is_empty(), "not found alone: {missed:?}");
}

/// Reruns the script in check mode: the committed files must be exactly what
/// it builds from the installed sources (skipped, loudly, without them).
#[test]
fn script_rebuilds_the_same_files() {
    let cldr = Path::new("/usr/share/unicode/cldr/common/main/ar.xml");
    let iso = Path::new("/usr/share/locale/ar/LC_MESSAGES/iso_3166-1.mo");
    if !cldr.exists() || !iso.exists() || Command::new("python3").arg("--version").output().is_err()
    {
        // CI installs the sources (.ci/run), so there a missing one is a failure.
        assert!(
            std::env::var_os("CI").is_none(),
            "unicode-cldr-core, iso-codes or python3 missing in CI"
        );
        eprintln!(
            "SKIPPED: unicode-cldr-core, iso-codes or python3 missing; run scripts/build_gazetteers.py --check by hand"
        );
        return;
    }
    let out = Command::new("python3")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/scripts/build_gazetteers.py"
        ))
        .arg("--check")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stderr.contains("ANERcorp not found") {
        assert!(
            std::env::var_os("CI").is_none(),
            "ANERcorp training file not found in CI"
        );
        eprintln!("SKIPPED: ANERcorp training file not found");
        return;
    }
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        stderr
    );
}
