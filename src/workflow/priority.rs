//! Background work yields the cores to the frame's thread.
//!
//! Proposing, retraining, a deferred follow-up's reading and a corpus
//! search's streaming are work nobody waits for; the frame's thread is what
//! the annotator waits for. On a laptop's two cores the two shared the CPU
//! evenly, and the frame's own parallel settling waited behind background
//! jobs queued in the same pool: 192-254 ms frames on an accept at 20,000
//! documents, off the CPU in `settle_docs` (perf `sched_switch` stacks,
//! issue 26). Threads doing background work run at a lower priority
//! ([`BACKGROUND_NICE`] added to their nice value), on pools of their own.

/// How much background threads add to their nice value (Linux: each step
/// of nice weighs a thread about 1.25 times less; at 10 the frame's thread
/// gets about nine tenths of a contended core).
pub const BACKGROUND_NICE: i32 = 10;

/// Lowers the calling thread's priority by [`BACKGROUND_NICE`] (to at most
/// 19). Threads it starts afterwards inherit it. Does nothing where the
/// system has no per-thread priority, or refuses.
pub fn lower_this_thread() {
    #[cfg(target_os = "linux")]
    if let Some(now) = this_thread_nice() {
        let target = (now + BACKGROUND_NICE).min(19);
        if target > now {
            // SAFETY: sets only the calling thread's scheduling value; no
            // memory is passed.
            unsafe {
                libc::setpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t, target);
            }
        }
    }
}

/// The calling thread's nice value (`None` where unknown).
pub fn this_thread_nice() -> Option<i32> {
    #[cfg(target_os = "linux")]
    // SAFETY: `gettid` and `getpriority` only read the calling thread's
    // scheduling value; errno is the thread's own.
    unsafe {
        let tid = libc::gettid() as libc::id_t;
        *libc::__errno_location() = 0;
        let now = libc::getpriority(libc::PRIO_PROCESS, tid);
        if now == -1 && *libc::__errno_location() != 0 {
            return None;
        }
        Some(now)
    }
    #[cfg(not(target_os = "linux"))]
    None
}

/// Makes rayon's global pool (tagging, the encoder's matrix products) run
/// at background priority, if it was not built yet: call at the start of
/// the workbench, before anything runs in parallel. Whether it took.
pub fn background_global_pool() -> bool {
    rayon::ThreadPoolBuilder::new()
        .thread_name(|i| format!("kashif-worker-{i}"))
        .start_handler(|_| lower_this_thread())
        .build_global()
        .is_ok()
}

/// Threads for work the frame does not wait for (a deferred follow-up's
/// reading, a corpus search's streaming, freeing what a decision
/// replaced): one per core (at most 8), at background priority, apart from
/// the pool the frame's own settling runs on
/// ([`super::doc_settle::pool`]). `None` when no thread could be started.
pub fn background_pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: std::sync::OnceLock<Option<rayon::ThreadPool>> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        let n = std::thread::available_parallelism().map_or(1, |n| n.get());
        rayon::ThreadPoolBuilder::new()
            .num_threads(n.min(8))
            .thread_name(|i| format!("kashif-background-{i}"))
            .start_handler(|_| lower_this_thread())
            .build()
            .ok()
    })
    .as_ref()
}

/// Runs `f` on `pool` when there is one (its parallel iterators then use
/// that pool's threads), else here.
pub(crate) fn on_pool<R: Send>(
    pool: Option<&rayon::ThreadPool>,
    f: impl FnOnce() -> R + Send,
) -> R {
    match pool {
        Some(pool) => pool.install(f),
        None => f(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_frames_settling_does_not_wait_behind_background_work() {
        let background = background_pool().expect("a pool");
        let (release, held) = std::sync::mpsc::channel::<()>();
        let held = std::sync::Arc::new(std::sync::Mutex::new(held));
        // every background thread busy until released
        for _ in 0..background.current_num_threads() {
            let held = held.clone();
            background.spawn(move || {
                let _ = held.lock().map(|rx| rx.recv());
            });
        }
        let (done, answer) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let n = super::super::doc_settle::pool().map(|p| p.install(|| 7));
            let _ = done.send(n);
        });
        let got = answer.recv_timeout(std::time::Duration::from_secs(20));
        for _ in 0..background.current_num_threads() {
            let _ = release.send(());
        }
        assert_eq!(
            got,
            Ok(Some(7)),
            "the settling pool waited for background work"
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn background_threads_run_below_the_caller() {
        let Some(mine) = this_thread_nice() else {
            panic!("no nice value on Linux");
        };
        let pool = background_pool().expect("a pool");
        let theirs = pool.install(this_thread_nice).expect("their nice value");
        assert_eq!(theirs, (mine + BACKGROUND_NICE).min(19));
        // a thread of its own, lowered, and one it starts inherit it
        let (own, child) = std::thread::spawn(|| {
            lower_this_thread();
            let own = this_thread_nice();
            let child = std::thread::spawn(this_thread_nice).join().ok().flatten();
            (own, child)
        })
        .join()
        .expect("joins");
        assert_eq!(own, Some((mine + BACKGROUND_NICE).min(19)));
        assert_eq!(child, own);
        // the caller is untouched
        assert_eq!(this_thread_nice(), Some(mine));
    }
}
