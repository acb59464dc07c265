//! Versioned schema migrations, applied in order on start; `PRAGMA user_version` records the
//! last one applied.

use rusqlite::{params, Connection, OptionalExtension};

/// Each entry is one migration; never edit a released one, append a new one.
const MIGRATIONS: &[&str] = &[
    // 1: programs, partners, accounts, sessions, facts and the ledger.
    r#"
    CREATE TABLE programs (
        id TEXT NOT NULL,
        version INTEGER NOT NULL,
        definition TEXT NOT NULL,
        published_at TEXT NOT NULL,
        PRIMARY KEY (id, version)
    );
    CREATE TABLE partners (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        partner_type TEXT NOT NULL,
        region TEXT NOT NULL,
        segment TEXT NOT NULL,
        enrolled TEXT NOT NULL,
        parent TEXT
    );
    CREATE TABLE program_partners (
        program_id TEXT NOT NULL,
        partner_id TEXT NOT NULL REFERENCES partners(id),
        PRIMARY KEY (program_id, partner_id)
    );
    CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        email TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('partner', 'designer')),
        partner_id TEXT REFERENCES partners(id)
    );
    CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id),
        expires_at TEXT NOT NULL
    );
    CREATE TABLE facts (
        id INTEGER PRIMARY KEY,
        partner_id TEXT NOT NULL REFERENCES partners(id),
        kind TEXT NOT NULL,
        date TEXT,
        body TEXT NOT NULL
    );
    CREATE INDEX facts_partner ON facts(partner_id);
    CREATE TABLE journal (
        id INTEGER PRIMARY KEY,
        program_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        scheme_id TEXT,
        period TEXT,
        memo TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE entries (
        journal_id INTEGER NOT NULL REFERENCES journal(id),
        account TEXT NOT NULL,
        amount INTEGER NOT NULL
    );
    CREATE INDEX entries_account ON entries(account);
    "#,
    // 2: the rewards catalog and redemptions.
    r#"
    CREATE TABLE catalog_items (
        id TEXT PRIMARY KEY,
        program_id TEXT NOT NULL,
        name TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('voucher', 'merchandise', 'experience', 'donation')),
        category TEXT NOT NULL,
        price INTEGER NOT NULL CHECK (price > 0),
        stock INTEGER CHECK (stock IS NULL OR stock >= 0),
        per_partner_limit INTEGER,
        min_tier TEXT,
        image TEXT NOT NULL DEFAULT '',
        description TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE redemptions (
        id INTEGER PRIMARY KEY,
        program_id TEXT NOT NULL,
        partner_id TEXT NOT NULL REFERENCES partners(id),
        user_id INTEGER NOT NULL REFERENCES users(id),
        idempotency_key TEXT NOT NULL,
        request_hash TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('completed', 'cancelled')),
        total INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (partner_id, idempotency_key)
    );
    CREATE TABLE redemption_lines (
        redemption_id INTEGER NOT NULL REFERENCES redemptions(id),
        item_id TEXT NOT NULL REFERENCES catalog_items(id),
        quantity INTEGER NOT NULL CHECK (quantity > 0),
        price INTEGER NOT NULL,
        voucher_code TEXT
    );
    CREATE INDEX redemption_lines_item ON redemption_lines(item_id);
    "#,
    // 3: imported sale lines, keyed so the same rows are never imported twice; the audit log.
    r#"
    CREATE TABLE sale_lines (
        partner_id TEXT NOT NULL REFERENCES partners(id),
        invoice TEXT NOT NULL,
        line INTEGER NOT NULL,
        fact_id INTEGER NOT NULL REFERENCES facts(id),
        PRIMARY KEY (partner_id, invoice, line)
    );
    CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id),
        action TEXT NOT NULL,
        detail TEXT NOT NULL,
        at TEXT NOT NULL
    );
    "#,
    // 4: claims of sales and marketing spend, and the serial numbers they name.
    r#"
    CREATE TABLE claims (
        id INTEGER PRIMARY KEY,
        program_id TEXT NOT NULL,
        partner_id TEXT NOT NULL REFERENCES partners(id),
        user_id INTEGER NOT NULL REFERENCES users(id),
        kind TEXT NOT NULL CHECK (kind IN ('sale', 'spend')),
        invoice TEXT,
        scheme_id TEXT,
        date TEXT NOT NULL,
        body TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
        reason TEXT,
        created_at TEXT NOT NULL,
        decided_at TEXT
    );
    CREATE INDEX claims_invoice ON claims(partner_id, invoice);
    CREATE TABLE claim_serials (
        serial TEXT PRIMARY KEY,
        claim_id INTEGER NOT NULL REFERENCES claims(id)
    );
    "#,
    // 5: one-time tokens (invitations, password resets), the mail outbox, failed sign-ins.
    r#"
    CREATE TABLE one_time_tokens (
        token_hash TEXT PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id),
        purpose TEXT NOT NULL CHECK (purpose IN ('invite', 'reset')),
        expires_at TEXT NOT NULL,
        used_at TEXT
    );
    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        to_email TEXT NOT NULL,
        subject TEXT NOT NULL,
        body TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE sign_in_failures (
        subject TEXT NOT NULL,
        at TEXT NOT NULL
    );
    CREATE INDEX sign_in_failures_subject ON sign_in_failures(subject, at);
    "#,
    // 6: program drafts, and the date from which a published version governs closed periods.
    r#"
    ALTER TABLE programs ADD COLUMN effective_from TEXT NOT NULL DEFAULT '0001-01-01';
    CREATE TABLE program_drafts (
        id INTEGER PRIMARY KEY,
        program_id TEXT NOT NULL,
        definition TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    "#,
    // 7: voided voucher codes (a cancelled redemption's codes are kept, marked void).
    r#"
    ALTER TABLE redemption_lines ADD COLUMN voucher_void_at TEXT;
    "#,
    // 8: invoice and serial numbers compared under a normalised key (filled in by
    // `backfill_keys`), and a flag on claims a designer should look at.
    r#"
    ALTER TABLE claims ADD COLUMN invoice_key TEXT;
    ALTER TABLE claims ADD COLUMN flag TEXT;
    ALTER TABLE claim_serials ADD COLUMN serial_key TEXT;
    CREATE INDEX claims_invoice_key ON claims(partner_id, invoice_key);
    CREATE INDEX claim_serials_key ON claim_serials(serial_key);
    "#,
    // 9: each program's product list; imported sale lines keyed by their invoice's match key
    // (filled in by `backfill_keys`), so a claim and an import never count one invoice twice.
    r#"
    CREATE TABLE products (
        program_id TEXT NOT NULL,
        sku TEXT NOT NULL,
        name TEXT NOT NULL,
        category TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (program_id, sku)
    );
    ALTER TABLE sale_lines ADD COLUMN invoice_key TEXT;
    CREATE INDEX sale_lines_invoice_key ON sale_lines(partner_id, invoice_key);
    "#,
    // 10: the reward each user saves up for, per program.
    r#"
    CREATE TABLE goals (
        user_id INTEGER NOT NULL REFERENCES users(id),
        program_id TEXT NOT NULL,
        item_id TEXT NOT NULL REFERENCES catalog_items(id),
        set_at TEXT NOT NULL,
        PRIMARY KEY (user_id, program_id)
    );
    "#,
    // 11: catalog items' names in other languages (JSON: language code to name).
    r#"
    ALTER TABLE catalog_items ADD COLUMN names TEXT NOT NULL DEFAULT '{}';
    "#,
    // 12: a draft's revision, raised by every save: a save made on an older revision is refused.
    r#"
    ALTER TABLE program_drafts ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
    CREATE INDEX program_drafts_program ON program_drafts(program_id);
    "#,
    // 13: sales imports staged in batches: their facts are written invisible (`staged_by` names
    // the import) with their sale lines beside them, and made visible together at the end.
    r#"
    ALTER TABLE facts ADD COLUMN staged_by INTEGER;
    CREATE INDEX facts_staged ON facts(staged_by) WHERE staged_by IS NOT NULL;
    CREATE TABLE staged_imports (
        id INTEGER PRIMARY KEY,
        program_id TEXT NOT NULL,
        started_at TEXT NOT NULL
    );
    CREATE TABLE staged_sale_lines (
        import_id INTEGER NOT NULL REFERENCES staged_imports(id),
        fact_id INTEGER NOT NULL REFERENCES facts(id),
        csv_line INTEGER NOT NULL,
        partner_id TEXT NOT NULL,
        invoice TEXT NOT NULL,
        line INTEGER NOT NULL,
        invoice_key TEXT NOT NULL
    );
    CREATE INDEX staged_sale_lines_import ON staged_sale_lines(import_id);
    "#,
    // 14: a first version decides every period: written as the first day of year 1 (an ISO
    // date every client reads), where it was chrono's earliest date.
    r#"
    UPDATE programs SET effective_from = '0001-01-01' WHERE effective_from LIKE '-%';
    "#,
];

pub fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    let done: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(done as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
        tx.commit()?;
    }
    let tx = conn.transaction()?;
    backfill_keys(&tx)?;
    tx.commit()
}

/// Fill in the match keys of claims and serials stored before keys existed. Rows whose keys now
/// collide with an earlier claim's (`UNI-100` and `uni‑100`, say) are kept as they are and
/// flagged for a designer, naming the earlier claim; nothing is deleted.
pub fn backfill_keys(conn: &Connection) -> rusqlite::Result<()> {
    use crate::input::match_key;
    let claims: Vec<(i64, String, String)> = conn
        .prepare(
            "SELECT id, partner_id, invoice FROM claims WHERE invoice IS NOT NULL AND invoice_key IS NULL ORDER BY id",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    for (id, partner, invoice) in claims {
        let key = match_key(&invoice);
        let earlier: Option<i64> = conn
            .query_row(
                "SELECT id FROM claims WHERE partner_id = ?1 AND invoice_key = ?2 AND status != 'rejected' AND id < ?3
                 ORDER BY id LIMIT 1",
                params![partner, key, id],
                |r| r.get(0),
            )
            .optional()?;
        conn.execute("UPDATE claims SET invoice_key = ?2 WHERE id = ?1", params![id, key])?;
        if let Some(e) = earlier {
            conn.execute("UPDATE claims SET flag = ?2 WHERE id = ?1", params![id, format!("same_invoice_as:{e}")])?;
        }
    }
    let lines: Vec<(String, String)> = conn
        .prepare("SELECT DISTINCT partner_id, invoice FROM sale_lines WHERE invoice_key IS NULL")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    for (partner, invoice) in lines {
        conn.execute(
            "UPDATE sale_lines SET invoice_key = ?3 WHERE partner_id = ?1 AND invoice = ?2",
            params![partner, invoice, match_key(&invoice)],
        )?;
    }
    let serials: Vec<(String, i64)> = conn
        .prepare("SELECT serial, claim_id FROM claim_serials WHERE serial_key IS NULL ORDER BY claim_id")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    for (serial, claim) in serials {
        let key = match_key(&serial);
        let earlier: Option<i64> = conn
            .query_row(
                "SELECT claim_id FROM claim_serials WHERE serial_key = ?1 AND claim_id != ?2 LIMIT 1",
                params![key, claim],
                |r| r.get(0),
            )
            .optional()?;
        conn.execute("UPDATE claim_serials SET serial_key = ?2 WHERE serial = ?1", params![serial, key])?;
        if let Some(e) = earlier {
            conn.execute(
                "UPDATE claims SET flag = ?2 WHERE id = ?1 AND flag IS NULL",
                params![claim, format!("same_serial_as:{e}")],
            )?;
        }
    }
    Ok(())
}
