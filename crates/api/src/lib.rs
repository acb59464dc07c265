//! The JSON API's request and response types, shared by `mitra-server` (which serialises them)
//! and the app (which reads them), so the two cannot drift apart. Roles, posting kinds and
//! statuses are enums here, never free strings. Pure data: no I/O.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use mitra_scheme::model::{Fact, GroupBy, Partner};
use mitra_scheme::{Context, Program, ValidationError};

mod columns;
pub use columns::{FactColumns, ProgramData};

/// Every error the API answers: `{"error": {"code", "message", "details"}}`. Clients word it by
/// `code` (and `details`); `message` is the server's English, for logs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ErrorDetail {
    pub code: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<serde_json::Value>,
}

/// What a user may do: a partner's user sees their organisation; a designer runs programs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Partner,
    Designer,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Partner => "partner",
            Role::Designer => "designer",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "partner" => Some(Role::Partner),
            "designer" => Some(Role::Designer),
            _ => None,
        }
    }
}

/// A signed-in user.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct User {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    /// The partner organisation the user belongs to (partners only).
    pub partner: Option<String>,
}

/// `POST /api/sessions`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    pub email: String,
    pub password: String,
}

/// A session: the bearer token and who it is for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Session {
    pub token: String,
    pub expires_at: String,
    pub user: User,
}

/// `POST /api/password`: a password set with an invitation's or a reset's one-time token.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct SetPassword {
    pub token: String,
    pub password: String,
}

/// A program as a picker lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ProgramName {
    pub id: String,
    pub name: String,
    /// The name in other languages (see `mitra_scheme::model::localized`).
    #[serde(default, skip_serializing_if = "mitra_scheme::model::Names::is_empty")]
    pub names: mitra_scheme::model::Names,
}

/// `GET /api/me`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Me {
    pub user: User,
    /// The date figures are computed as of.
    #[cfg_attr(target_arch = "wasm32", serde(deserialize_with = "mitra_scheme::model::date::read"))]
    pub today: NaiveDate,
    /// The programs the user takes part in (a designer: every program).
    pub programs: Vec<ProgramName>,
}

/// What a ledger posting records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum PostingKind {
    /// A closed period's payout (or its correction, up or down).
    Accrual,
    /// Points spent on a reward.
    Redemption,
    /// A cancelled redemption's points given back.
    Refund,
    /// A designer's manual adjustment, with its reason as the memo.
    Adjustment,
}

impl PostingKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PostingKind::Accrual => "accrual",
            PostingKind::Redemption => "redemption",
            PostingKind::Refund => "refund",
            PostingKind::Adjustment => "adjustment",
        }
    }

    pub fn parse(s: &str) -> Option<PostingKind> {
        [PostingKind::Accrual, PostingKind::Redemption, PostingKind::Refund, PostingKind::Adjustment]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// One posting to a partner's account, as the partner sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Posting {
    pub id: i64,
    pub kind: PostingKind,
    pub scheme: Option<String>,
    pub period: Option<String>,
    pub memo: String,
    pub amount: Decimal,
    pub created_at: String,
}

/// A partner's balances in a program, and the points account's postings, newest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Ledger {
    pub points: Decimal,
    pub cash: Decimal,
    #[serde(default)]
    pub postings: Vec<Posting>,
}

/// Which postings a statement shows: `GET /api/partners/{id}/postings` (paged) and
/// `GET /api/partners/{id}/postings.csv` (all of them) take the same filters.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct StatementQuery {
    pub program: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instrument: Option<mitra_scheme::model::Instrument>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheme: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    /// 1-based; the JSON endpoint only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_page: Option<u32>,
}

/// One line of a partner's statement: a posting to one of their accounts (points, cash credit or
/// fund) and that account's balance right after it, counted over all its postings (not only the
/// ones a filter shows).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StatementLine {
    pub id: i64,
    pub created_at: String,
    pub instrument: mitra_scheme::model::Instrument,
    pub kind: PostingKind,
    pub scheme: Option<String>,
    pub period: Option<String>,
    pub memo: String,
    /// In the instrument's unit: whole points, or money at the program's decimals.
    pub amount: Decimal,
    pub balance: Decimal,
}

/// A page of a partner's statement, newest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StatementPage {
    pub lines: Vec<StatementLine>,
    /// Lines matching the filters, over all pages.
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
    /// The periods the partner's postings name, for the period filter (newest first).
    pub periods: Vec<String>,
    /// The balance of each account now.
    pub points: Decimal,
    pub cash: Decimal,
    pub fund: Decimal,
}

/// `GET /api/partners/{id}/dashboard?program=`: everything the app computes a partner's figures
/// from, the same way the server does.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Dashboard {
    /// Today where the program runs.
    #[cfg_attr(target_arch = "wasm32", serde(deserialize_with = "mitra_scheme::model::date::read"))]
    pub today: NaiveDate,
    pub program: Program,
    pub partner: Partner,
    pub facts: Vec<Fact>,
    pub context: Context,
    pub ledger: Ledger,
    /// Never sent: set by the app when the answer came from its offline copy (the service
    /// worker's), to when that copy was fetched (RFC 3339).
    #[serde(skip)]
    pub offline_as_of: Option<String>,
}

/// A leaderboard row as anyone may see it: rank, display name and measure.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BoardRow {
    pub rank: u32,
    pub name: String,
    pub measure: Decimal,
    /// The viewer's own organisation.
    pub you: bool,
}

/// One leaderboard: a scheme's period in one group, its top rows and the viewer's own.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Board {
    pub scheme: String,
    pub period: String,
    pub group_by: GroupBy,
    pub group: String,
    pub size: usize,
    pub rows: Vec<BoardRow>,
}

/// Where a redemption stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum RedemptionStatus {
    Completed,
    Cancelled,
}

impl RedemptionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RedemptionStatus::Completed => "completed",
            RedemptionStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<RedemptionStatus> {
        [RedemptionStatus::Completed, RedemptionStatus::Cancelled].into_iter().find(|k| k.as_str() == s)
    }
}

/// Where a claim stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ClaimStatus {
    Pending,
    Approved,
    Rejected,
}

impl ClaimStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ClaimStatus::Pending => "pending",
            ClaimStatus::Approved => "approved",
            ClaimStatus::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Option<ClaimStatus> {
        [ClaimStatus::Pending, ClaimStatus::Approved, ClaimStatus::Rejected].into_iter().find(|k| k.as_str() == s)
    }
}

/// One line of a claimed sale: a product of the program's list, units, value, and the serial
/// numbers of the units when the product has them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ClaimLine {
    pub sku: String,
    #[serde(default)]
    pub category: String,
    pub units: Decimal,
    pub value: Decimal,
    #[serde(default)]
    pub serials: Vec<String>,
}

/// What a partner claims: a sale (`POST /api/partners/{id}/claims`), or marketing spend to be
/// reimbursed from a fund scheme.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClaimRequest {
    Sale { program: String, invoice: String, date: NaiveDate, lines: Vec<ClaimLine> },
    Spend { program: String, scheme: String, date: NaiveDate, amount: Decimal, description: String },
}

impl ClaimRequest {
    pub fn program(&self) -> &str {
        match self {
            ClaimRequest::Sale { program, .. } | ClaimRequest::Spend { program, .. } => program,
        }
    }
}

/// A claim as stored: the request, its status, and the reason when rejected.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Claim {
    pub id: i64,
    pub partner: String,
    pub status: ClaimStatus,
    pub reason: Option<String>,
    pub created_at: String,
    /// Set when a designer should look at it (e.g. `same_invoice_as:12`: stored before numbers
    /// were compared under their normalised key, it matches an earlier claim).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flag: Option<String>,
    #[serde(flatten)]
    pub request: ClaimRequest,
}

/// A product of a program's product list, which claims pick their lines from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Product {
    pub sku: String,
    pub name: String,
    #[serde(default)]
    pub category: String,
}

/// A reward in a program's catalog, priced in points.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CatalogItem {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub category: String,
    /// Price in whole points.
    pub price: i64,
    /// Units left; `None` is unlimited.
    pub stock: Option<i64>,
    pub per_partner_limit: Option<i64>,
    pub min_tier: Option<String>,
    #[serde(default)]
    pub image: String,
    #[serde(default)]
    pub description: String,
    /// The name in other languages (see `mitra_scheme::model::localized`).
    #[serde(default, skip_serializing_if = "mitra_scheme::model::Names::is_empty")]
    pub names: mitra_scheme::model::Names,
}

/// `PUT /api/me/goal`: the reward a user saves up for in a program.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct SetGoal {
    pub program: String,
    pub item: String,
}

/// A user's goal in a program (`GET /api/me/goal?program=`, `null` when none): the item as the
/// catalog lists it now.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Goal {
    pub program: String,
    pub item: CatalogItem,
    pub set_at: String,
}

/// One item of a redemption request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct LineRequest {
    pub item: String,
    pub quantity: i64,
}

/// `POST /api/partners/{id}/redemptions` (with an `Idempotency-Key` header).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RedemptionRequest {
    pub program: String,
    pub lines: Vec<LineRequest>,
}

/// A redeemed line: the item, its price then, and its voucher code when it has one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RedeemedLine {
    pub item: String,
    pub name: String,
    pub quantity: i64,
    pub price: i64,
    /// Voucher codes are delivered at once.
    pub voucher_code: Option<String>,
}

/// A redemption as the partner sees it; `cancellable` says whether the partner may cancel it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Redemption {
    pub id: i64,
    pub program: String,
    pub partner: String,
    pub status: RedemptionStatus,
    pub total: i64,
    pub balance_after: Option<i64>,
    pub created_at: String,
    pub lines: Vec<RedeemedLine>,
    /// Whether the partner may still cancel it: in force, and nothing in it handed out yet.
    pub cancellable: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_read_what_they_write() {
        for r in [Role::Partner, Role::Designer] {
            assert_eq!(Role::parse(r.as_str()), Some(r));
            assert_eq!(serde_json::to_value(r).unwrap(), serde_json::json!(r.as_str()));
        }
        for k in [PostingKind::Accrual, PostingKind::Redemption, PostingKind::Refund, PostingKind::Adjustment] {
            assert_eq!(PostingKind::parse(k.as_str()), Some(k));
            assert_eq!(serde_json::to_value(k).unwrap(), serde_json::json!(k.as_str()));
        }
        for s in [RedemptionStatus::Completed, RedemptionStatus::Cancelled] {
            assert_eq!(RedemptionStatus::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_value(s).unwrap(), serde_json::json!(s.as_str()));
        }
        for s in [ClaimStatus::Pending, ClaimStatus::Approved, ClaimStatus::Rejected] {
            assert_eq!(ClaimStatus::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_value(s).unwrap(), serde_json::json!(s.as_str()));
        }
        assert_eq!(Role::parse("admin"), None);
    }

    #[test]
    fn a_claim_reads_what_it_writes() {
        let claim = Claim {
            id: 7,
            partner: "sinar-jaya".into(),
            status: ClaimStatus::Rejected,
            reason: Some("no invoice copy".into()),
            created_at: "2026-11-20T10:00:00Z".into(),
            flag: None,
            request: ClaimRequest::Sale {
                program: "p".into(),
                invoice: "SJ-1".into(),
                date: NaiveDate::from_ymd_opt(2026, 11, 12).unwrap(),
                lines: vec![ClaimLine {
                    sku: "WS-20L".into(),
                    category: "exterior".into(),
                    units: Decimal::from(2),
                    value: Decimal::new(250_000_050, 2),
                    serials: vec!["A1".into()],
                }],
            },
        };
        let json = serde_json::to_value(&claim).unwrap();
        assert_eq!(json["kind"], "sale");
        assert_eq!(json["lines"][0]["value"], "2500000.50");
        assert_eq!(serde_json::from_value::<Claim>(json).unwrap(), claim);
        let spend = serde_json::json!({ "id": 8, "partner": "x", "status": "pending", "reason": null,
            "created_at": "t", "kind": "spend", "program": "p", "scheme": "mdf", "date": "2026-11-01",
            "amount": "500000", "description": "Shop sign" });
        let read: Claim = serde_json::from_value(spend).unwrap();
        assert!(matches!(read.request, ClaimRequest::Spend { ref scheme, .. } if scheme == "mdf"));
    }
}

/// A program draft: a definition being edited, possibly invalid (`errors` says what to fix).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Draft {
    pub id: i64,
    pub program: String,
    pub definition: Program,
    /// Raised by every save; a save must name the revision it was made on.
    pub revision: i64,
    pub updated_at: String,
    pub errors: Vec<ValidationError>,
}

/// `POST /api/drafts`, `PUT /api/drafts/{id}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct SaveDraft {
    /// A program definition; it may still be invalid (validation says what to fix).
    pub definition: serde_json::Value,
    /// The revision this edit was made on (saves only): when another save came first, this one
    /// is refused (`draft_conflict`, with the other's draft in `details`) and nothing is lost.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<i64>,
}

/// One row of `GET /api/drafts?program=`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DraftSummary {
    pub id: i64,
    pub program: String,
    pub revision: i64,
    pub updated_at: String,
    /// How many problems validation finds in it.
    pub problems: usize,
}

/// `POST /api/drafts/{id}/publish`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Published {
    pub program: String,
    pub version: i64,
    /// Periods ending on or after this date are decided by the new version.
    pub effective_from: NaiveDate,
}

/// The `effective_from` of a program's first version: it decides every period, however early.
pub const SINCE_ALWAYS: NaiveDate = match NaiveDate::from_ymd_opt(1, 1, 1) {
    Some(d) => d,
    None => panic!("0001-01-01 is a date"),
};

/// One published version of a program (`GET /api/programs/{id}/versions`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Version {
    pub version: i64,
    pub published_at: String,
    pub effective_from: NaiveDate,
    pub definition: Program,
}

/// `POST /api/programs/{id}/close` (with `?dry_run=true`: what it would do, nothing written).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CloseReport {
    /// Journals posted (0 in a dry run).
    pub posted: usize,
    /// Per partner, scheme and closed period: the payout minus what was already posted.
    pub postings: Vec<ClosePosting>,
    /// Closed periods left unposted because their figure is not settled.
    pub skipped: Vec<CloseSkipped>,
    pub dry_run: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ClosePosting {
    pub partner: String,
    pub scheme: String,
    pub period: String,
    pub instrument: mitra_scheme::model::Instrument,
    pub amount: Decimal,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CloseSkipped {
    pub partner: String,
    pub scheme: String,
    pub period: String,
    /// `overflow` (the figure could not be computed) or `provisional` (it depends on figures
    /// the run did not have).
    pub reason: String,
}
