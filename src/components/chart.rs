//! A scheme's payout against its measure, drawn as SVG from the evaluator's own arithmetic
//! ([`mitra_scheme::eval::payout::base_at`]): the curve, the partner's point and the next
//! threshold.

use leptos::prelude::*;
use mitra_scheme::eval::payout::base_at;
use mitra_scheme::model::Scheme;
use mitra_scheme::Program;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use crate::components::scheme_card::{measure_text, payout_text};
use crate::i18n::td_string;
use crate::session::AppState;

const W: f64 = 600.0;
const H: f64 = 220.0;
/// Room for the axis labels.
const LEFT: f64 = 8.0;
const BOTTOM: f64 = 24.0;
const TOP: f64 = 16.0;
const SAMPLES: u32 = 120;

/// The slab bounds in the measure's unit.
fn bounds(scheme: &Scheme, target: Option<Decimal>) -> Vec<Decimal> {
    use mitra_scheme::model::{Payout, SlabBounds};
    match &scheme.payout {
        Payout::Slabs { slabs, bounds, .. } => slabs
            .iter()
            .filter_map(|s| match bounds {
                SlabBounds::Absolute => Some(s.from),
                SlabBounds::PercentOfTarget => target.and_then(|t| t.checked_mul(s.from)).map(|x| x / Decimal::ONE_HUNDRED),
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The measures the chart spans: from 0 to past the highest of the last slab bound, the
/// partner's measure and the next threshold.
fn span(scheme: &Scheme, target: Option<Decimal>, measure: Decimal, next: Option<Decimal>) -> Decimal {
    let last_bound = bounds(scheme, target).into_iter().max();
    let top = [last_bound, Some(measure), next].into_iter().flatten().max().unwrap_or_default();
    let top = top.checked_mul(Decimal::new(125, 2)).unwrap_or(top);
    if top > Decimal::ZERO { top } else { Decimal::ONE_HUNDRED }
}

/// The curve's points in chart coordinates, and the largest payout drawn.
fn curve(scheme: &Scheme, target: Option<Decimal>, max_x: Decimal) -> Option<(Vec<(f64, f64)>, f64)> {
    // Even samples, plus each slab bound and a hair below it, so a retroactive jump is drawn
    // as the step it is.
    let hair = max_x / Decimal::from(100_000);
    let mut xs: Vec<Decimal> = (0..=SAMPLES).map(|i| max_x * Decimal::from(i) / Decimal::from(SAMPLES)).collect();
    for b in bounds(scheme, target) {
        if b > hair && b < max_x {
            xs.extend([b - hair, b]);
        }
    }
    xs.sort();
    let points: Vec<(Decimal, Decimal)> =
        xs.into_iter().map(|x| base_at(scheme, target, x).map(|y| (x, y))).collect::<Option<_>>()?;
    let max_y = points.iter().map(|p| p.1).max()?.to_f64()?.max(1.0);
    let fx = max_x.to_f64()?;
    Some((
        points
            .iter()
            .filter_map(|(x, y)| Some((LEFT + x.to_f64()? / fx * (W - 2.0 * LEFT), H - BOTTOM - y.to_f64()? / max_y * (H - BOTTOM - TOP))))
            .collect(),
        max_y,
    ))
}

/// The chart, or nothing when the scheme's payout is not a function of its measure alone.
#[component]
pub fn PayoutChart(
    scheme: Scheme,
    program: Program,
    target: Option<Decimal>,
    measure: Decimal,
    next: Option<Decimal>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let max_x = span(&scheme, target, measure, next);
    let Some((points, max_y)) = curve(&scheme, target, max_x) else {
        return ().into_any();
    };
    let fx = max_x.to_f64().unwrap_or(1.0);
    let to_x = move |m: Decimal| LEFT + m.to_f64().unwrap_or(0.0).clamp(0.0, fx) / fx * (W - 2.0 * LEFT);
    let to_y = move |p: Decimal| H - BOTTOM - p.to_f64().unwrap_or(0.0) / max_y * (H - BOTTOM - TOP);
    let path: String = points.iter().enumerate().map(|(i, (x, y))| format!("{}{x:.1},{y:.1}", if i == 0 { "M" } else { " L" })).collect();
    let here = base_at(&scheme, target, measure).unwrap_or_default();
    let (you_x, you_y) = (to_x(measure), to_y(here));
    let next_x = next.map(to_x);
    let (s1, p1, s2, p2) = (scheme.clone(), program.clone(), scheme.clone(), program.clone());
    let instrument = scheme.instrument;
    let description = move || {
        let l = state.locale.get();
        let you = measure_text(l, &s1, &p1, measure);
        let pays = payout_text(l, instrument, &p1, here);
        match next {
            Some(n) => td_string!(l.i18n(), chart_label_next, measure = you, payout = pays, next = measure_text(l, &s1, &p1, n)).to_string(),
            None => td_string!(l.i18n(), chart_label, measure = you, payout = pays).to_string(),
        }
    };
    let axis_end = move || measure_text(state.locale.get(), &s2, &p2, max_x);
    view! {
        <figure class="chart" data-test="payout-chart">
            <svg viewBox=format!("0 0 {W} {H}") role="img" aria-label=description.clone() preserveAspectRatio="xMidYMid meet">
                <line class="axis" x1=LEFT y1=H - BOTTOM x2=W - LEFT y2=H - BOTTOM/>
                <path class="curve" d=path fill="none"/>
                {next_x.map(|x| view! { <line class="next" x1=x y1=TOP x2=x y2=H - BOTTOM/> })}
                <circle class="you" cx=you_x cy=you_y r="6"/>
                <text x=LEFT y=H - 6.0 class="tick">"0"</text>
                <text x=W - LEFT y=H - 6.0 class="tick" text-anchor="end">{axis_end}</text>
            </svg>
            <figcaption class="muted">{description}</figcaption>
        </figure>
    }
    .into_any()
}
