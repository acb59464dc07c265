//! Writes committed together (the writer's group commit): each still kept or refused on its
//! own, in the order they came, and answered only once committed.

mod common;

use mitra_server::storage::{Db, StoreError};

/// Rows a test writes: a table of its own, so nothing else counts.
fn rows(db: &Db) -> Vec<i64> {
    let conn = db.blocking().unwrap();
    let mut stmt = conn.prepare("SELECT n FROM written ORDER BY n").unwrap();
    stmt.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn writes_sent_together_are_kept_or_refused_each_on_its_own() {
    let s = common::start().await;
    let db = s.state.db.clone();
    db.write(|tx| tx.execute_batch("CREATE TABLE written (n INTEGER NOT NULL UNIQUE)").map_err(StoreError::from))
        .await
        .unwrap();
    // 200 writes at once: each inserts its number; every third then refuses (its insert must
    // not stay), every seventh panics, and each that inserted `n` also checks it sees every
    // earlier kept row of its batch it depends on (here: its own row).
    let writes: Vec<_> = (0..200i64)
        .map(|n| {
            let db = db.clone();
            tokio::spawn(async move {
                db.write(move |tx| {
                    tx.execute("INSERT INTO written (n) VALUES (?1)", [n])?;
                    let seen: i64 = tx.query_row("SELECT COUNT(*) FROM written WHERE n = ?1", [n], |r| r.get(0))?;
                    assert_eq!(seen, 1);
                    if n % 7 == 0 {
                        panic!("write {n} panics");
                    }
                    if n % 3 == 0 {
                        return Err(StoreError::conflict("refused", format!("write {n} refused")));
                    }
                    Ok(n)
                })
                .await
            })
        })
        .collect();
    let mut answers: Vec<Result<i64, StoreError>> = Vec::new();
    for w in writes {
        answers.push(w.await.unwrap());
    }
    let kept: Vec<i64> = (0..200).filter(|n| n % 7 != 0 && n % 3 != 0).collect();
    for (n, answer) in answers.iter().enumerate() {
        let n = n as i64;
        match answer {
            Ok(got) => assert!(*got == n && kept.contains(&n), "write {n} answered Ok"),
            Err(StoreError::Internal(_)) => assert_eq!(n % 7, 0, "write {n}: {answer:?}"),
            Err(e) => assert_eq!((n % 3, e.code()), (0, Some("refused")), "write {n}: {e:?}"),
        }
    }
    // What each answer said is what is on disk; and the writer still writes.
    assert_eq!(rows(&db), kept);
    db.write(|tx| tx.execute("INSERT INTO written (n) VALUES (1000)", []).map_err(StoreError::from)).await.unwrap();
    assert_eq!(rows(&db).last(), Some(&1000));
}

/// Whole-program evaluations and checkpoints run on the background thread, below the requests'
/// priority (nice 10 on Linux).
#[cfg(target_os = "linux")]
#[tokio::test]
async fn reads_that_can_wait_run_below_the_requests_priority() {
    let s = common::start().await;
    let here = mitra_server::storage::background::priority();
    let there = s
        .state
        .db
        .read_in_background(|_| Ok::<_, StoreError>(mitra_server::storage::background::priority()))
        .await
        .unwrap();
    assert_eq!(there, here + 10);
    // A request's read runs at the requests' priority.
    let request =
        s.state.db.read(|_| Ok::<_, StoreError>(mitra_server::storage::background::priority())).await.unwrap();
    assert_eq!(request, here);
}

/// A commit never copies the log into the database file (that would hold every write waiting
/// behind it): a thread beside the background's does, within a second or two, even while the
/// background thread is busy with a long evaluation.
#[tokio::test]
async fn the_log_is_copied_into_the_database_by_the_background_not_by_commits() {
    let s = common::start().await;
    let db = s.state.db.clone();
    let file = s.dir.join("test.db");
    db.write(|tx| {
        tx.execute_batch("CREATE TABLE written (n INTEGER NOT NULL UNIQUE, pad BLOB)").map_err(StoreError::from)
    })
    .await
    .unwrap();
    // A background read of 8 s, longer than the log may wait.
    let busy = db.clone();
    tokio::spawn(async move {
        busy.read_in_background(|_| {
            std::thread::sleep(std::time::Duration::from_secs(8));
            Ok::<_, StoreError>(())
        })
        .await
    });
    // ~8 MB (2,000 pages: twice the log size at which SQLite would checkpoint inside a commit).
    let before = std::fs::metadata(&file).unwrap().len();
    for batch in 0..20i64 {
        db.write(move |tx| {
            for n in 0..100 {
                tx.execute("INSERT INTO written (n, pad) VALUES (?1, zeroblob(4000))", [batch * 100 + n])?;
            }
            Ok::<_, StoreError>(())
        })
        .await
        .unwrap();
    }
    let conn = db.blocking().unwrap();
    // No connection checkpoints when it commits.
    let auto: i64 = conn.query_row("PRAGMA wal_autocheckpoint", [], |r| r.get(0)).unwrap();
    assert_eq!(auto, 0);
    drop(conn);
    let copied = async {
        while std::fs::metadata(&file).unwrap().len() < before + 8_000_000 {
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(5), copied).await.expect("the log was not checkpointed");
}
