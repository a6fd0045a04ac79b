//! The workbench hands freed heap memory back ([`kashif::heap::trim`]):
//! one test in a process of its own, so no other test's allocations move
//! the resident size it reads.

#![cfg(all(target_os = "linux", target_env = "gnu"))]

use kashif::heap::trim;

fn rss_kib() -> u64 {
    kashif::heap::resident_kib().unwrap_or(0)
}

#[test]
fn freed_small_blocks_below_a_live_one_are_handed_back() {
    // 64 MiB in 512-byte blocks, then one block kept above them: freeing
    // the rest leaves them in the arena (not at its top, so free()
    // cannot shrink it), still resident, until trimmed.
    let run = std::thread::spawn(|| {
        let mut blocks: Vec<Box<[u8; 512]>> = (0..131_072)
            .map(|i| Box::new([(i % 251) as u8; 512]))
            .collect();
        let keep = Box::new([7u8; 512]);
        let full = rss_kib();
        blocks.clear();
        blocks.shrink_to_fit();
        let freed = rss_kib();
        trim();
        let trimmed = rss_kib();
        assert_eq!(keep[0], 7);
        (full, freed, trimmed)
    });
    let (full, freed, trimmed) = run.join().expect("the allocating thread");
    assert!(
        freed + 16 * 1024 > full,
        "free() alone gave back {full} → {freed} KiB"
    );
    assert!(
        trimmed + 32 * 1024 < freed,
        "trim gave back too little: {freed} → {trimmed} KiB"
    );
}
