//! Giving freed heap memory back to the operating system.
//!
//! glibc's allocator keeps what the workbench's threads freed (loading a
//! corpus, building the search index, a bulk job's views of thousands of
//! documents, a retraining's weights) inside its arenas, where it still
//! counts as the process's resident memory until something is allocated
//! there again. Issue 26 bounds the workbench's memory at 20,000 documents
//! (≤ 450 MB after 30 s): in the real workbench under Xvfb at 20,000 ANT
//! documents, 23 MiB of 454 were such freed memory, handed back by one
//! `malloc_trim(0)` (called from gdb, 2026-12-06). [`start_trimming`] does
//! that now and then for the workbench; elsewhere (another C library, other
//! systems) [`trim`] does nothing.

use std::time::Duration;

/// Returns freed heap memory to the operating system; whether any was
/// returned (always `false` where the C library has no `malloc_trim`).
/// Walks every arena: a few milliseconds, so not for a frame's thread.
pub fn trim() -> bool {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: malloc_trim only releases free pages of the allocator's
        // own arenas; it touches no memory in use.
        unsafe { libc::malloc_trim(0) == 1 }
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    {
        false
    }
}

/// The process's resident size now, in KiB (`VmRSS` of
/// `/proc/self/status`); `None` where there is no such file. For the tests
/// and benches that check what [`trim`] and [`fix_mmap_threshold`] give
/// back.
pub fn resident_kib() -> Option<u64> {
    std::fs::read_to_string("/proc/self/status")
        .ok()?
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
}

/// Lets the allocator keep at most `n` arenas. glibc gives threads arenas
/// of their own (up to 8 per core), and memory freed in one arena serves
/// only the threads using it: the workbench runs about 20 threads (tiers,
/// autosave, search, jobs, the renderer's), and at 20,000 documents after
/// 30 s it held 428.5 MiB with the default, 413.2 MiB with 4 arenas and
/// 408.6 MiB with 2 (trimming on in all three; Xvfb, 2026-12-06). Call
/// before threads start; does nothing where the C library has no
/// `mallopt`.
pub fn limit_arenas(n: i32) {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, n);
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    let _ = n;
}

/// Serves every allocation of at least `bytes` with pages of its own
/// (`mmap`), handed back the moment it is freed. glibc starts at 128 KiB
/// but raises that bar to the size of each such block freed (up to 32
/// MiB), after which a retraining's big buffers (feature tables, weights,
/// per-sentence ids) come from the arenas and stay resident once freed. In
/// the real workbench at 20,000 documents the peak while retraining went
/// from 751 MiB to 693 MiB with the bar fixed at 1 MiB (Xvfb, 2026-12-07,
/// `scripts/gui_retrain_memory.sh`). Call before threads start; does
/// nothing where the C library has no `mallopt`.
pub fn fix_mmap_threshold(bytes: i32) {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, bytes);
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    let _ = bytes;
}

/// The workbench's allocator settings, before any thread starts: at most
/// 4 arenas ([`limit_arenas`]) and pages of their own from 1 MiB
/// ([`fix_mmap_threshold`]). Benches of the workbench call it too, so they
/// measure what it holds.
pub fn configure_for_workbench() {
    limit_arenas(4);
    fix_mmap_threshold(1 << 20);
}

/// Trims the heap ([`trim`]) every `every` on a thread of its own, for as
/// long as the process lives (the workbench: its big frees come from
/// background work at moments the frame's thread does not see).
pub fn start_trimming(every: Duration) {
    let _ = std::thread::Builder::new()
        .name("kashif-heap-trim".into())
        .spawn(move || {
            loop {
                std::thread::sleep(every);
                trim();
            }
        });
}
