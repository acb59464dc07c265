//! Work that can wait, on a thread of its own at a lower scheduling priority (nice 10 on Linux),
//! so that on a busy machine the threads answering requests and the writer get the CPU first:
//!
//! - whole-program evaluations made to refresh the cache and to close periods, one at a time: a
//!   redemption or a statement does not queue behind seconds of evaluation, which only a
//!   designer closing periods (or nobody at all) waits for;
//! - WAL checkpoints (copying committed pages from the log into the database file), every
//!   second, on a thread of their own at the same priority. SQLite would otherwise run them
//!   inside a commit of the writer once the log passes a size, and every write waiting behind
//!   that commit (a redemption among them) would wait for the copy and its flush, ~80 ms on this
//!   machine. A passive checkpoint on another connection runs beside the writer instead.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc;
use std::time::Duration;

use super::Pool;

/// A read to run, given the whole thread.
pub(super) type Job = Box<dyn FnOnce() + Send>;

pub(super) type Queue = mpsc::Sender<Job>;

/// How much lower than the requests' threads the background runs (Linux's nice: 0 to 19).
const NICE: i32 = 10;

/// How often the log is checkpointed.
const CHECKPOINT_EVERY: Duration = Duration::from_secs(1);

/// Start the background thread, and beside it the checkpointer; both run until every sender of
/// the queue is dropped. The checkpointer has a thread of its own: behind evaluations of several
/// seconds each (one per change of the facts on a busy day), the log would grow by hundreds of
/// megabytes between checkpoints, and each would then copy and flush that much at once.
pub(super) fn start(pool: Pool) -> std::io::Result<Queue> {
    let (queue, jobs) = mpsc::channel::<Job>();
    // Dropped when the background thread ends, which stops the checkpointer.
    let (running, stopped) = mpsc::channel::<()>();
    let checkpoints = pool.clone();
    std::thread::Builder::new().name("mitra-checkpoint".into()).spawn(move || {
        lower_priority();
        while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(CHECKPOINT_EVERY) {
            checkpoint(&checkpoints);
        }
    })?;
    std::thread::Builder::new().name("mitra-background".into()).spawn(move || {
        let _running = running;
        lower_priority();
        // A read that panics fails its caller (its answer is dropped), not the thread.
        while let Ok(job) = jobs.recv() {
            drop(catch_unwind(AssertUnwindSafe(job)));
        }
    })?;
    Ok(queue)
}

/// Copy what the log holds into the database file, as far as no reader still needs it, without
/// waiting for or blocking anyone.
fn checkpoint(pool: &Pool) {
    let done = pool
        .get()
        .map_err(|e| e.to_string())
        .and_then(|conn| conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())).map_err(|e| e.to_string()));
    if let Err(cause) = done {
        tracing::warn!(%cause, "a WAL checkpoint failed");
    }
}

#[cfg(target_os = "linux")]
fn lower_priority() {
    // SAFETY: both calls only read or set this thread's own scheduling priority; a failure
    // leaves the priority as it was.
    let set = unsafe {
        let tid = libc::syscall(libc::SYS_gettid) as libc::id_t;
        libc::setpriority(libc::PRIO_PROCESS, tid, NICE)
    };
    if set != 0 {
        tracing::warn!(cause = %std::io::Error::last_os_error(), "the background thread runs at normal priority");
    }
}

#[cfg(not(target_os = "linux"))]
fn lower_priority() {}

/// This thread's scheduling priority (for the tests).
#[cfg(target_os = "linux")]
pub fn priority() -> i32 {
    // SAFETY: reads this thread's own priority. (-1 is also a valid answer; errno tells them
    // apart, and no error is possible for the calling thread.)
    unsafe { libc::getpriority(libc::PRIO_PROCESS, libc::syscall(libc::SYS_gettid) as libc::id_t) }
}
