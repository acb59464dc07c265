//! What a partner's statement needs to know about other partners, published by the server so
//! that the browser computes the same figures without seeing anyone else's data.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Rank thresholds and budget scales for every scheme and period that needs them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Context {
    #[serde(default)]
    pub ranks: Vec<RankBoard>,
    #[serde(default)]
    pub budgets: Vec<BudgetScale>,
}

/// The measures of every partner holding a rewarded rank in one group, best first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RankBoard {
    pub scheme: String,
    pub period: String,
    pub group: String,
    pub measures: Vec<Decimal>,
    /// A partner's measure in the group overflowed, so no rank in it can be decided.
    #[serde(default, skip_serializing_if = "is_false")]
    pub overflow: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// A scheme's budget for a period and the total of the rounded payouts it must cover.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BudgetScale {
    pub scheme: String,
    pub period: String,
    pub budget: Decimal,
    pub total: Decimal,
    /// A payout of the period overflowed (or their sum did): `total`, and so the scale factor,
    /// is undefined, and every non-zero payout of the period is unsettled.
    #[serde(default, skip_serializing_if = "is_false")]
    pub overflow: bool,
}

impl Context {
    /// The board of a scheme, period and group. Boards sorted by (scheme, period, group), as
    /// a population run publishes them, are found by binary search; others by a scan.
    pub fn rank_board(&self, scheme: &str, period: &str, group: &str) -> Option<&RankBoard> {
        let key = (scheme, period, group);
        self.ranks
            .binary_search_by(|b| (b.scheme.as_str(), b.period.as_str(), b.group.as_str()).cmp(&key))
            .ok()
            .map(|i| &self.ranks[i])
            .or_else(|| self.ranks.iter().find(|b| (b.scheme.as_str(), b.period.as_str(), b.group.as_str()) == key))
    }

    pub fn budget(&self, scheme: &str, period: &str) -> Option<&BudgetScale> {
        self.budgets.iter().find(|b| b.scheme == scheme && b.period == period)
    }

    /// This context with one partner's entries taken out of the rank boards: for each
    /// `(scheme, period, group, measure)` the partner was ranked with, one equal measure leaves
    /// that board (a partner holding a rewarded rank has their measure on it; one who does not
    /// has none equal to it). Ranking the partner's measure against what remains ranks it
    /// against the others alone (docs/semantics.md, "Population and context").
    pub fn without<'a>(&self, entries: impl IntoIterator<Item = (&'a str, &'a str, &'a str, Decimal)>) -> Context {
        let mut ctx = self.clone();
        for (scheme, period, group, measure) in entries {
            if let Some(board) =
                ctx.ranks.iter_mut().find(|b| b.scheme == scheme && b.period == period && b.group == group)
            {
                if let Some(pos) = board.measures.iter().position(|m| *m == measure) {
                    board.measures.remove(pos);
                }
            }
        }
        ctx
    }
}
