//! The one writer: every write transaction of the server goes through one thread that owns a
//! connection of its own, and the writes waiting when it comes free are committed together
//! (group commit), each in a savepoint of its own.
//!
//! Why: SQLite lets one writer in at a time, and with `synchronous = FULL` each commit waits for
//! the disk. Committed one by one, thirty-two partners redeeming at once wait for thirty-two
//! disk flushes in a row; committed together, for one. Each write still succeeds or fails on its
//! own: a refusal rolls back to its savepoint and leaves the others' changes in, and no one is
//! answered before the commit that holds their write has reached the disk. The writes of a batch
//! run one after another in the order they arrived, each seeing the ones before it, exactly as
//! if each had its own transaction.

use std::panic::{catch_unwind, AssertUnwindSafe};

use rusqlite::{Connection, Transaction, TransactionBehavior};
use tokio::sync::{mpsc, oneshot};

use super::error::StoreError;

/// The most writes committed together.
const MOST_PER_COMMIT: usize = 64;

/// A write waiting for its turn.
pub(super) trait Job: Send {
    /// Run in the shared transaction; whether its changes are to be kept.
    fn run(&mut self, tx: &Transaction) -> bool;
    /// Answer, once the transaction is committed (`Ok`) or failed.
    fn answer(self: Box<Self>, committed: Result<(), &StoreError>);
}

/// A caller's write: the closure, then what it returned, then where the answer goes.
pub(super) struct Write<T, E, F> {
    pub f: Option<F>,
    pub out: Option<Result<T, E>>,
    pub reply: oneshot::Sender<Result<T, E>>,
    pub span: tracing::Span,
}

impl<T, E, F> Job for Write<T, E, F>
where
    T: Send,
    E: From<StoreError> + Send,
    F: FnOnce(&Transaction) -> Result<T, E> + Send,
{
    fn run(&mut self, tx: &Transaction) -> bool {
        let _in_request = self.span.enter();
        let Some(f) = self.f.take() else { return false };
        // A write that panics is a failed write, not a stopped writer.
        let out = catch_unwind(AssertUnwindSafe(|| f(tx)))
            .unwrap_or_else(|_| Err(E::from(StoreError::internal("a write panicked"))));
        let kept = out.is_ok();
        self.out = Some(out);
        kept
    }

    fn answer(self: Box<Self>, committed: Result<(), &StoreError>) {
        let out = match (committed, self.out) {
            (_, Some(Err(refused))) => Err(refused),
            (Ok(()), Some(done)) => done,
            (Ok(()), None) => Err(E::from(StoreError::internal("a write was never run"))),
            (Err(e), _) => Err(E::from(StoreError::internal(format!("the commit failed: {e}")))),
        };
        // The caller may have gone away (its request dropped): nothing to answer then.
        let _ = self.reply.send(out);
    }
}

pub(super) type Queue = mpsc::UnboundedSender<Box<dyn Job>>;

/// Start the writer on `conn`: it runs until every sender of the queue it returns is dropped.
pub(super) fn start(conn: Connection) -> std::io::Result<Queue> {
    let (queue, jobs) = mpsc::unbounded_channel();
    std::thread::Builder::new().name("mitra-writer".into()).spawn(move || run(conn, jobs))?;
    Ok(queue)
}

fn run(mut conn: Connection, mut jobs: mpsc::UnboundedReceiver<Box<dyn Job>>) {
    while let Some(first) = jobs.blocking_recv() {
        let mut batch = vec![first];
        while batch.len() < MOST_PER_COMMIT {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let committed = commit(&mut conn, &mut batch);
        if let Err(e) = &committed {
            tracing::error!(cause = %e, writes = batch.len(), "a group of writes could not be committed");
        }
        for job in batch {
            job.answer(committed.as_ref().map(|_| ()));
        }
    }
}

/// Run `batch` in one transaction, each write in a savepoint, and commit.
fn commit(conn: &mut Connection, batch: &mut [Box<dyn Job>]) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    for job in batch.iter_mut() {
        tx.execute_batch("SAVEPOINT mitra_write")?;
        if job.run(&tx) {
            tx.execute_batch("RELEASE mitra_write")?;
        } else {
            tx.execute_batch("ROLLBACK TO mitra_write; RELEASE mitra_write")?;
        }
    }
    tx.commit()?;
    Ok(())
}
