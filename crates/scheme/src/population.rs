//! Every partner at once: ranks, leaderboards, budgets, totals, the tier distribution, and the
//! [`Context`] each partner's own statement needs to give the same figures.
//!
//! A run keeps figures only (no explanations, no fact lists), so ten thousand partners fit in
//! little memory; a partner's full statement comes from [`crate::statement`] with the run's
//! context, through the same functions, so its figures are the same.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::context::{BudgetScale, Context, RankBoard};
use crate::eval::facts::{cmp_dec, PartnerFacts};
use crate::eval::{budgeted, draft_lines, rankable, scheme_periods, settled, Budgeted, LineDraft};
use crate::model::{GroupBy, Partner, Payout, Program};
use crate::report::{
    BoardRow, Leaderboard, PartnerFigures, PeriodFigures, PeriodInfo, Population, SchemeFigures, SchemeTotal,
};
use crate::table::FactTable;

/// A rank line waiting for the rank boards.
struct PendingRank<'p> {
    partner: usize,
    scheme: usize,
    period: usize,
    line: LineDraft<'p>,
}

/// Evaluate all `partners` on `facts` (facts of partners not listed are ignored).
pub fn population(program: &Program, partners: &[Partner], facts: &FactTable, as_of: NaiveDate) -> Population {
    let periods = scheme_periods(program, as_of);
    let infos: Vec<Vec<PeriodInfo>> = periods
        .iter()
        .map(|ps| {
            ps.iter()
                .map(|p| PeriodInfo { running: as_of <= p.end, label: p.label.clone(), start: p.start, end: p.end })
                .collect()
        })
        .collect();

    // Pass 1: each partner alone. Lines that do not depend on others are settled at once.
    let mut figures: Vec<PartnerFigures> = Vec::with_capacity(partners.len());
    let mut pending: Vec<PendingRank> = Vec::new();
    for (pi, partner) in partners.iter().enumerate() {
        let pf = PartnerFacts::new(facts, &partner.id, as_of);
        let mut schemes: Vec<SchemeFigures> = periods
            .iter()
            .map(|ps| SchemeFigures { total: Decimal::ZERO, periods: Vec::with_capacity(ps.len()) })
            .collect();
        let status = draft_lines(program, partner, &pf, as_of, false, &periods, |si, period, line| {
            let scheme = &program.schemes[si];
            let measure = line.measure;
            let figures = if matches!(scheme.payout, Payout::Rank { .. }) {
                pending.push(PendingRank { partner: pi, scheme: si, period, line });
                PeriodFigures { measure, rank: None, payout: Decimal::ZERO, provisional: false }
            } else {
                let (payout, rank, provisional) = settled(program, scheme, &line, None).unwrap_or_default();
                PeriodFigures { measure, rank, payout, provisional }
            };
            schemes[si].periods.push(figures);
        });
        figures.push(PartnerFigures { partner: partner.id.clone(), tier: status.tier, schemes });
    }

    // Pass 2: rank boards, then the rank lines.
    let shown: Vec<Shown> = partners.iter().map(|p| (Arc::from(p.id.as_str()), Arc::from(p.name.as_str()))).collect();
    let (mut ranks, mut leaderboards) = rank_boards(program, &shown, &infos, &pending);
    ranks.sort_by(|a, b| (&a.scheme, &a.period, &a.group).cmp(&(&b.scheme, &b.period, &b.group)));
    let mut context = Context { ranks, budgets: Vec::new() };
    for p in &pending {
        let scheme = &program.schemes[p.scheme];
        let (payout, rank, provisional) = settled(program, scheme, &p.line, Some(&context)).unwrap_or_default();
        let f = &mut figures[p.partner].schemes[p.scheme].periods[p.period];
        *f = PeriodFigures { measure: f.measure, rank, payout, provisional };
    }
    leaderboards.extend(latest_boards(program, &shown, &infos, &figures));

    // Pass 3: budgets over the rounded payouts, then the scaled payouts and totals.
    for (si, scheme) in program.schemes.iter().enumerate() {
        let Some(budget) = scheme.budget else { continue };
        for (pi, info) in infos[si].iter().enumerate() {
            let total =
                figures.iter().fold(Decimal::ZERO, |acc, f| acc.saturating_add(f.schemes[si].periods[pi].payout));
            context.budgets.push(BudgetScale { scheme: scheme.id.clone(), period: info.label.clone(), budget, total });
        }
    }
    let mut totals: Vec<SchemeTotal> = program
        .schemes
        .iter()
        .zip(&infos)
        .map(|(s, periods)| SchemeTotal {
            scheme: s.id.clone(),
            instrument: s.instrument,
            periods: periods.clone(),
            total: Decimal::ZERO,
            partners_paid: 0,
        })
        .collect();
    let mut tiers = BTreeMap::new();
    for f in &mut figures {
        for (si, (scheme, sf)) in program.schemes.iter().zip(&mut f.schemes).enumerate() {
            for (pi, pf) in sf.periods.iter_mut().enumerate() {
                match budgeted(program, scheme, &infos[si][pi].label, pf.payout, Some(&context)) {
                    Budgeted::Unchanged => {}
                    Budgeted::Scaled { payout, .. } => pf.payout = payout,
                    Budgeted::Unknown => pf.provisional = true,
                    Budgeted::Overflow => pf.payout = Decimal::ZERO,
                }
                sf.total = sf.total.saturating_add(pf.payout);
            }
            totals[si].total = totals[si].total.saturating_add(sf.total);
            totals[si].partners_paid += usize::from(sf.total > Decimal::ZERO);
        }
        *tiers.entry(f.tier.clone().unwrap_or_default()).or_insert(0) += 1;
    }
    Population { as_of, schemes: totals, partners: figures, leaderboards, tiers, context }
}

/// A partner's id and name as leaderboards show them: shared by every row of the partner, so a
/// row costs no copies of its texts.
type Shown = (Arc<str>, Arc<str>);

/// Rows of ranked partners (eligible, positive measure, gates held), by measure descending,
/// ties sharing a rank and shown in the order the partners were given.
fn ranked(mut entries: Vec<(Decimal, usize)>, shown: &[Shown]) -> Vec<BoardRow> {
    match entries.first().map(|e| e.0.scale()) {
        // One scale (the usual case): the mantissas order the measures, and compare cheaply.
        Some(scale) if entries.iter().all(|e| e.0.scale() == scale) => {
            entries.sort_unstable_by_key(|(m, p)| (std::cmp::Reverse(m.mantissa()), *p))
        }
        _ => entries.sort_unstable_by(|a, b| cmp_dec(&b.0, &a.0).then(a.1.cmp(&b.1))),
    }
    let mut rows: Vec<BoardRow> = Vec::with_capacity(entries.len());
    for (i, (m, p)) in entries.iter().enumerate() {
        let rank = match rows.last() {
            Some(last) if last.measure == *m => last.rank,
            _ => i as u32 + 1,
        };
        let (partner, name) = shown[*p].clone();
        rows.push(BoardRow { partner, name, rank, measure: *m });
    }
    rows
}

/// For each rank scheme, period and group: the leaderboard, and the measures at rewarded ranks
/// that the context publishes.
fn rank_boards(
    program: &Program,
    shown: &[Shown],
    infos: &[Vec<PeriodInfo>],
    pending: &[PendingRank],
) -> (Vec<RankBoard>, Vec<Leaderboard>) {
    // (scheme, period, group) -> (measure, partner) of each ranked line.
    type Board<'g> = (usize, usize, &'g str);
    let mut groups: BTreeMap<Board, Vec<(Decimal, usize)>> = BTreeMap::new();
    for p in pending {
        let scheme = &program.schemes[p.scheme];
        if let Some(m) = rankable(scheme, &p.line) {
            let group = p.line.group.unwrap_or_default();
            groups.entry((p.scheme, p.period, group)).or_default().push((m, p.partner));
        }
    }
    let mut boards = Vec::new();
    let mut leaderboards = Vec::new();
    for ((si, pi, group), entries) in groups {
        let scheme = &program.schemes[si];
        let Payout::Rank { group_by, amounts } = &scheme.payout else { continue };
        let rows = ranked(entries, shown);
        let period = infos[si][pi].label.clone();
        boards.push(RankBoard {
            scheme: scheme.id.clone(),
            period: period.clone(),
            group: group.to_string(),
            measures: rows.iter().take_while(|r| r.rank as usize <= amounts.len()).map(|r| r.measure).collect(),
        });
        leaderboards.push(Leaderboard {
            scheme: scheme.id.clone(),
            period,
            group_by: *group_by,
            group: group.into(),
            rows,
        });
    }
    (boards, leaderboards)
}

/// For every other scheme: one leaderboard of everyone with a positive measure in its latest
/// period.
fn latest_boards(
    program: &Program,
    shown: &[Shown],
    infos: &[Vec<PeriodInfo>],
    figures: &[PartnerFigures],
) -> Vec<Leaderboard> {
    let mut out = Vec::new();
    for (si, scheme) in program.schemes.iter().enumerate() {
        if matches!(scheme.payout, Payout::Rank { .. }) {
            continue;
        }
        let Some(pi) = infos[si].len().checked_sub(1) else { continue };
        let entries: Vec<(Decimal, usize)> = figures
            .iter()
            .enumerate()
            .filter_map(|(p, f)| f.schemes[si].periods[pi].measure.filter(|m| *m > Decimal::ZERO).map(|m| (m, p)))
            .collect();
        if entries.is_empty() {
            continue;
        }
        out.push(Leaderboard {
            scheme: scheme.id.clone(),
            period: infos[si][pi].label.clone(),
            group_by: GroupBy::All,
            group: String::new(),
            rows: ranked(entries, shown),
        });
    }
    out
}
