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
            .map(|ps| SchemeFigures { total: Decimal::ZERO, periods: Vec::with_capacity(ps.len()), overflow: false })
            .collect();
        let status = draft_lines(program, partner, &pf, as_of, false, &periods, |si, period, line| {
            let scheme = &program.schemes[si];
            let measure = line.measure;
            let figures = if matches!(scheme.payout, Payout::Rank { .. }) {
                pending.push(PendingRank { partner: pi, scheme: si, period, line });
                PeriodFigures { measure, ..PeriodFigures::default() }
            } else {
                figures_of(settled(program, scheme, &line, None), measure)
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
        let f = &mut figures[p.partner].schemes[p.scheme].periods[p.period];
        *f = figures_of(settled(program, scheme, &p.line, Some(&context)), f.measure);
    }
    leaderboards.extend(latest_boards(program, &shown, &infos, &figures));

    // Pass 3: budgets over the rounded payouts, then the scaled payouts and totals.
    for (si, scheme) in program.schemes.iter().enumerate() {
        let Some(budget) = scheme.budget else { continue };
        for (pi, info) in infos[si].iter().enumerate() {
            // An overflowing payout, or a sum that overflows, leaves the scale factor undefined.
            let total = figures.iter().try_fold(Decimal::ZERO, |acc, f| {
                let line = &f.schemes[si].periods[pi];
                if line.overflow {
                    None
                } else {
                    acc.checked_add(line.payout)
                }
            });
            context.budgets.push(BudgetScale {
                scheme: scheme.id.clone(),
                period: info.label.clone(),
                budget,
                total: total.unwrap_or_default(),
                overflow: total.is_none(),
            });
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
            unsettled: 0,
            overflow: false,
        })
        .collect();
    let mut tiers = BTreeMap::new();
    for f in &mut figures {
        for (si, (scheme, sf)) in program.schemes.iter().zip(&mut f.schemes).enumerate() {
            for (pi, pf) in sf.periods.iter_mut().enumerate() {
                if !pf.overflow {
                    match budgeted(program, scheme, &infos[si][pi].label, pf.payout, Some(&context)) {
                        Budgeted::Unchanged => {}
                        Budgeted::Scaled { payout, .. } => pf.payout = payout,
                        Budgeted::Unknown => pf.provisional = true,
                        Budgeted::Overflow => *pf = PeriodFigures::overflowed(pf.measure, pf.rank),
                    }
                }
                if pf.overflow {
                    sf.overflow = true;
                    totals[si].unsettled += 1;
                    continue;
                }
                match sf.total.checked_add(pf.payout) {
                    Some(sum) => sf.total = sum,
                    None => sf.overflow = true,
                }
            }
            match totals[si].total.checked_add(sf.total) {
                Some(sum) => totals[si].total = sum,
                None => totals[si].overflow = true,
            }
            totals[si].partners_paid += usize::from(sf.total > Decimal::ZERO);
        }
        *tiers.entry(f.tier.clone().unwrap_or_default()).or_insert(0) += 1;
    }
    Population { as_of, schemes: totals, partners: figures, leaderboards, tiers, context }
}

/// A line's figures from what [`settled`] found (`None`: it overflowed).
fn figures_of(settled: Option<(Decimal, Option<u32>, bool)>, measure: Option<Decimal>) -> PeriodFigures {
    match settled {
        Some((payout, rank, provisional)) => PeriodFigures { measure, rank, payout, provisional, overflow: false },
        None => PeriodFigures::overflowed(measure, None),
    }
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
    // Each board's ranked lines, and whether a line of the group overflowed its measure (then
    // the group cannot be ranked: that partner might stand anywhere).
    let mut groups: BTreeMap<Board, (Vec<(Decimal, usize)>, bool)> = BTreeMap::new();
    for p in pending {
        let scheme = &program.schemes[p.scheme];
        let group = p.line.group.unwrap_or_default();
        if p.line.overflow {
            groups.entry((p.scheme, p.period, group)).or_default().1 = true;
        } else if let Some(m) = rankable(scheme, &p.line) {
            groups.entry((p.scheme, p.period, group)).or_default().0.push((m, p.partner));
        }
    }
    let mut boards = Vec::new();
    let mut leaderboards = Vec::new();
    for ((si, pi, group), (entries, overflow)) in groups {
        let scheme = &program.schemes[si];
        let Payout::Rank { group_by, amounts } = &scheme.payout else { continue };
        let rows = ranked(entries, shown);
        let period = infos[si][pi].label.clone();
        boards.push(RankBoard {
            scheme: scheme.id.clone(),
            period: period.clone(),
            group: group.to_string(),
            measures: rows.iter().take_while(|r| r.rank as usize <= amounts.len()).map(|r| r.measure).collect(),
            overflow,
        });
        leaderboards.push(Leaderboard {
            scheme: scheme.id.clone(),
            period,
            group_by: *group_by,
            group: group.into(),
            rows,
            overflow,
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
        // A measure that overflowed has no place on the board.
        let overflow = figures.iter().any(|f| {
            let line = &f.schemes[si].periods[pi];
            line.overflow && line.measure.is_none()
        });
        if entries.is_empty() && !overflow {
            continue;
        }
        out.push(Leaderboard {
            scheme: scheme.id.clone(),
            period: infos[si][pi].label.clone(),
            group_by: GroupBy::All,
            group: String::new(),
            rows: ranked(entries, shown),
            overflow,
        });
    }
    out
}

/// The run of `program`, given `run`, a run of `before` over the same partners, facts and date
/// (taken, so that its unchanged figures are reused without a copy).
///
/// When the two programs differ only in some of their schemes (same schemes in the same places,
/// same tiers, badges and money), only those schemes are evaluated again, across every partner,
/// and spliced into `run`: a scheme's figures, ranks, budget scales and leaderboards depend on
/// that scheme alone, on the partner's facts and on the tiers. Anything else (a tier edited, a
/// scheme added or removed) is a full [`population`] run. Either way the result equals
/// `population(program, partners, facts, as_of)`.
pub fn update(
    before: &Program,
    run: Population,
    program: &Program,
    partners: &[Partner],
    facts: &FactTable,
    as_of: NaiveDate,
) -> Population {
    let Some(changed) = changed_schemes(before, &run, program, as_of) else {
        return population(program, partners, facts, as_of);
    };
    if changed.is_empty() {
        return run;
    }
    let mut part = Program { schemes: changed.iter().map(|&i| program.schemes[i].clone()).collect(), ..program.clone() };
    // Schemes that never look at a tier are evaluated without working tiers out at all.
    if !part.schemes.iter().any(crate::eval::reads_tier) {
        part.tiers.clear();
    }
    let fresh = population(&part, partners, facts, as_of);
    splice(before, run, program, &changed, fresh)
}

/// The indices of the schemes that differ, when nothing but schemes in place differs.
fn changed_schemes(before: &Program, run: &Population, program: &Program, as_of: NaiveDate) -> Option<Vec<usize>> {
    fn frame(p: &Program) -> (&str, u32, &[crate::model::Tier], &[crate::model::Badge], usize) {
        (&p.currency, p.decimals, &p.tiers, &p.badges, p.schemes.len())
    }
    if run.as_of != as_of || frame(before) != frame(program) || run.schemes.len() != program.schemes.len() {
        return None;
    }
    // Ids must stay unique for the splice to find each scheme's boards and budgets.
    let mut ids: Vec<&str> = program.schemes.iter().chain(&before.schemes).map(|s| s.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    let changed: Vec<usize> = (0..program.schemes.len()).filter(|&i| before.schemes[i] != program.schemes[i]).collect();
    // Every id is either unchanged in place or belongs to a changed scheme (old or new id).
    let distinct = program.schemes.len() * 2 - program.schemes.iter().zip(&before.schemes).filter(|(a, b)| a.id == b.id).count();
    (ids.len() == distinct).then_some(changed)
}

/// `run` with the schemes at `changed` replaced by those of `fresh` (a run of just those schemes).
fn splice(before: &Program, mut out: Population, program: &Program, changed: &[usize], fresh: Population) -> Population {
    let Population { schemes, partners: figures, leaderboards, context, .. } = fresh;
    for (p, f) in out.partners.iter_mut().zip(figures) {
        for (&i, s) in changed.iter().zip(f.schemes) {
            p.schemes[i] = s;
        }
    }
    for (&i, s) in changed.iter().zip(schemes) {
        out.schemes[i] = s;
    }
    let gone: Vec<&str> = changed.iter().map(|&i| before.schemes[i].id.as_str()).collect();
    out.context.ranks.retain(|b| !gone.contains(&b.scheme.as_str()));
    out.context.ranks.extend(context.ranks);
    out.context.ranks.sort_by(|a, b| (&a.scheme, &a.period, &a.group).cmp(&(&b.scheme, &b.period, &b.group)));

    // Budgets and leaderboards in the order a full run lists them: budgets by scheme; the rank
    // schemes' boards by scheme, then the others' latest boards by scheme.
    let (old_budgets, old_boards) = (std::mem::take(&mut out.context.budgets), std::mem::take(&mut out.leaderboards));
    let source = |i: usize| if changed.contains(&i) { (&context.budgets, &leaderboards) } else { (&old_budgets, &old_boards) };
    let mut budgets = Vec::with_capacity(old_budgets.len());
    for (i, s) in program.schemes.iter().enumerate() {
        budgets.extend(source(i).0.iter().filter(|b| b.scheme == s.id).cloned());
    }
    out.context.budgets = budgets;
    let mut boards = Vec::with_capacity(old_boards.len());
    for rank in [true, false] {
        for (i, s) in program.schemes.iter().enumerate() {
            if matches!(s.payout, Payout::Rank { .. }) == rank {
                boards.extend(source(i).1.iter().filter(|b| b.scheme == s.id).cloned());
            }
        }
    }
    out.leaderboards = boards;
    out
}
