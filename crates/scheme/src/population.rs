//! Every partner at once: ranks, leaderboards, budgets, totals, the tier distribution, and the
//! [`Context`] each partner's own statement needs to give the same figures.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::context::{BudgetScale, Context, RankBoard};
use crate::eval::facts::PartnerFacts;
use crate::eval::{draft, finish, rankable, settle, Draft};
use crate::model::{Fact, GroupBy, Partner, Payout, Program};
use crate::report::{BoardRow, Leaderboard, Population, SchemeTotal};

/// Evaluate all `partners` on `facts` (facts of partners not listed are ignored).
pub fn population(program: &Program, partners: &[Partner], facts: &[Fact], as_of: NaiveDate) -> Population {
    let index: HashMap<&str, usize> = partners.iter().enumerate().map(|(i, p)| (p.id.as_str(), i)).collect();
    let mut per_partner: Vec<PartnerFacts> = partners.iter().map(|_| PartnerFacts::default()).collect();
    for fact in facts {
        if let Some(&p) = index.get(fact.partner()) {
            per_partner[p].push(fact, as_of);
        }
    }
    for pf in &mut per_partner {
        pf.sort();
    }
    let drafts: Vec<Draft> = partners.iter().zip(&per_partner).map(|(p, pf)| draft(program, p, pf, as_of)).collect();

    let (ranks, leaderboards) = rank_boards(program, partners, &drafts);
    let mut context = Context { ranks, budgets: Vec::new() };
    context.budgets = budget_scales(program, &drafts, &context);

    let statements: Vec<_> = drafts.iter().map(|d| finish(d, Some(&context))).collect();

    let totals = program
        .schemes
        .iter()
        .enumerate()
        .map(|(i, s)| SchemeTotal {
            scheme: s.id.clone(),
            instrument: s.instrument,
            total: statements.iter().fold(Decimal::ZERO, |acc, st| acc.saturating_add(st.schemes[i].total)),
            partners_paid: statements.iter().filter(|st| st.schemes[i].total > Decimal::ZERO).count(),
        })
        .collect();
    let mut tiers = BTreeMap::new();
    for st in &statements {
        *tiers.entry(st.tier.tier.clone().unwrap_or_default()).or_insert(0) += 1;
    }
    Population { as_of, statements, leaderboards, totals, tiers, context }
}

/// For each scheme, period and group: the ranked partners (eligible, positive measure, gates
/// held) by measure, descending, ties sharing a rank. Rank schemes publish their rewarded ranks
/// in the context and are grouped by their attribute; other schemes get one board of everyone.
fn rank_boards(program: &Program, partners: &[Partner], drafts: &[Draft]) -> (Vec<RankBoard>, Vec<Leaderboard>) {
    let mut boards = Vec::new();
    let mut leaderboards = Vec::new();
    for (si, scheme) in program.schemes.iter().enumerate() {
        let (group_by, rewarded) = match &scheme.payout {
            Payout::Rank { group_by, amounts } => (*group_by, Some(amounts.len())),
            _ => (GroupBy::All, None),
        };
        let Some(period_count) = drafts.first().map(|d| d.schemes[si].lines.len()) else { continue };
        for pi in 0..period_count {
            let mut groups: BTreeMap<String, Vec<(Decimal, usize)>> = BTreeMap::new();
            for (p, d) in drafts.iter().enumerate() {
                let line = &d.schemes[si].lines[pi];
                if let Some(m) = rankable(scheme, line) {
                    groups.entry(partners[p].group(group_by)).or_default().push((m, p));
                }
            }
            let label = &drafts[0].schemes[si].lines[pi].line.label;
            for (group, mut entries) in groups {
                entries.sort_by(|a, b| b.0.cmp(&a.0).then(partners[a.1].id.cmp(&partners[b.1].id)));
                let mut rows = Vec::with_capacity(entries.len());
                for (i, (m, p)) in entries.iter().enumerate() {
                    let rank = if i > 0 && entries[i - 1].0 == *m { rows.last().map_or(1, |r: &BoardRow| r.rank) } else { i as u32 + 1 };
                    rows.push(BoardRow { partner: partners[*p].id.clone(), name: partners[*p].name.clone(), rank, measure: *m });
                }
                if let Some(n) = rewarded {
                    boards.push(RankBoard {
                        scheme: scheme.id.clone(),
                        period: label.clone(),
                        group: group.clone(),
                        measures: rows.iter().take_while(|r| r.rank as usize <= n).map(|r| r.measure).collect(),
                    });
                }
                leaderboards.push(Leaderboard { scheme: scheme.id.clone(), period: label.clone(), group_by, group, rows });
            }
        }
    }
    (boards, leaderboards)
}

/// For each scheme with a budget and each period: the budget and the total of the rounded
/// payouts (after rank rewards) it must cover.
fn budget_scales(program: &Program, drafts: &[Draft], context: &Context) -> Vec<BudgetScale> {
    let mut scales = Vec::new();
    for (si, scheme) in program.schemes.iter().enumerate() {
        let Some(budget) = scheme.budget else { continue };
        let Some(period_count) = drafts.first().map(|d| d.schemes[si].lines.len()) else { continue };
        for pi in 0..period_count {
            let total = drafts.iter().fold(Decimal::ZERO, |acc, d| {
                acc.saturating_add(settle(program, scheme, &d.schemes[si].lines[pi], Some(context)).rounded)
            });
            scales.push(BudgetScale {
                scheme: scheme.id.clone(),
                period: drafts[0].schemes[si].lines[pi].line.label.clone(),
                budget,
                total,
            });
        }
    }
    scales
}
