//! With the bar for pages of their own fixed ([`kashif::heap::fix_mmap_threshold`]),
//! a big block freed goes back to the system at once, even after a bigger
//! one was freed (which, left to glibc, raises the bar above it). One test
//! in a process of its own: the setting is the whole process's.

#![cfg(all(target_os = "linux", target_env = "gnu"))]

use kashif::heap::fix_mmap_threshold;

fn rss_kib() -> u64 {
    kashif::heap::resident_kib().unwrap_or(0)
}

/// Allocates `mib` MiB and writes every page, so it is resident.
fn touched(mib: usize) -> Vec<u8> {
    let mut v = vec![0u8; mib << 20];
    for i in (0..v.len()).step_by(4096) {
        v[i] = 1;
    }
    v
}

#[test]
fn a_freed_big_block_leaves_the_resident_size() {
    fix_mmap_threshold(1 << 20);
    let run = std::thread::spawn(|| {
        // Left to glibc, freeing this raises the bar to 24 MiB.
        drop(std::hint::black_box(touched(24)));
        let block = touched(16);
        // Something small after it, so the block is not the arena's top.
        let pin = std::hint::black_box(Box::new([1u8; 64]));
        let full = rss_kib();
        drop(std::hint::black_box(block));
        let after = rss_kib();
        drop(pin);
        (full, after)
    });
    let (full, after) = run.join().unwrap();
    assert!(
        after + 12 * 1024 < full,
        "16 MiB freed, resident {full} -> {after} KiB"
    );
}
