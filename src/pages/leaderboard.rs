//! `/leaderboard`: every leaderboard of the partner's program, the top rows and the partner's
//! own highlighted, with the gap to the next rank up and, for rank schemes, what it pays.

use leptos::prelude::*;
use mitra_scheme::model::Payout;
use mitra_scheme::Program;

use crate::api::{self, Board, Dashboard};
use crate::components::error::ErrorPanel;
use crate::components::loaded::WithDashboard;
use crate::components::scheme_card::{measure_text, payout_text};
use crate::i18n::td_string;
use crate::session::AppState;

#[component]
pub fn LeaderboardPage() -> impl IntoView {
    view! { <WithDashboard view=|d| view! { <Leaderboards data=d/> }/> }
}

#[component]
fn Leaderboards(data: Dashboard) -> impl IntoView {
    let state = expect_context::<AppState>();
    let program_id = data.program.id.clone();
    let boards = LocalResource::new(move || {
        let (session, program) = (state.session.get(), program_id.clone());
        async move {
            let token = session.map(|s| s.token).unwrap_or_default();
            api::leaderboards(&token, &program).await
        }
    });
    let program = data.program.clone();
    view! {
        <section class="leaderboards">
            <h1>{crate::locale::tr(|l| td_string!(l.i18n(), leaderboard_title).to_string())}</h1>
            <Suspense fallback=move || view! {
                <p class="loading">{crate::locale::tr(|l| td_string!(l.i18n(), loading_figures).to_string())}</p>
            }>
                {move || boards.get().map(|result| match result {
                    Ok(list) if list.is_empty() => view! {
                        <p class="empty">{crate::locale::tr(|l| td_string!(l.i18n(), no_boards).to_string())}</p>
                    }.into_any(),
                    Ok(list) => list.into_iter()
                        .map(|b| view! { <BoardView board=b program=program.clone()/> })
                        .collect_view()
                        .into_any(),
                    Err(e) => view! { <ErrorPanel error=e retry=move || boards.refetch()/> }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn BoardView(board: Board, program: Program) -> impl IntoView {
    let state = expect_context::<AppState>();
    let l = move || state.locale.get();
    let Some(scheme) = program.schemes.iter().find(|s| s.id == board.scheme).cloned() else {
        return ().into_any();
    };
    let rank_amounts = match &scheme.payout {
        Payout::Rank { amounts, .. } => Some(amounts.clone()),
        _ => None,
    };
    // The viewer's way up: the measure of the nearest row ranked above, when it is shown.
    let own = board.rows.iter().position(|r| r.you);
    let up = own.and_then(|i| {
        let me = &board.rows[i];
        board.rows[..i].iter().rev().find(|r| r.rank < me.rank).map(|above| (above.rank, above.measure - me.measure))
    });
    let (s1, p1, s2, p2, p3) = (scheme.clone(), program.clone(), scheme.clone(), program.clone(), program.clone());
    let (period, group) = (board.period.clone(), board.group.clone());
    let title = move || {
        let period = crate::locale::period_name(l(), &period);
        let name = crate::locale::named(l(), &scheme.name, &scheme.names);
        if group.is_empty() {
            format!("{name} · {period}")
        } else {
            format!("{name} · {period} · {group}")
        }
    };
    let instrument = scheme.instrument;
    let rows = board
        .rows
        .iter()
        .map(|r| {
            let (s, p) = (s1.clone(), p1.clone());
            let (rank, name, measure, you) = (r.rank, r.name.clone(), r.measure, r.you);
            view! {
                <tr class:you=you aria-current=you.then_some("true") data-test=if you { "own-row" } else { "row" }>
                    <td>{rank}</td>
                    <th scope="row">{name}
                        {you.then(|| view! { " " <span class="badge-pill">{crate::locale::tr(|l| td_string!(l.i18n(), you_label).to_string())}</span> })}
                    </th>
                    <td class="num">{move || measure_text(l(), &s, &p, measure)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <article class="card board" data-scheme=board.scheme.clone() data-period=board.period.clone()>
            <h2>{title}</h2>
            <table>
                <thead><tr>
                    <th scope="col">{crate::locale::tr(|l| td_string!(l.i18n(), rank_col).to_string())}</th>
                    <th scope="col">{crate::locale::tr(|l| td_string!(l.i18n(), partner_col).to_string())}</th>
                    <th scope="col" class="num">{crate::locale::tr(|l| td_string!(l.i18n(), measure).to_string())}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
            {up.map(|(rank, gap)| {
                let pays = rank_amounts.as_ref().and_then(|a| a.get(rank as usize - 1).copied());
                view! {
                    <p data-test="gap-up">{move || td_string!(l().i18n(), gap_to_rank,
                        amount = measure_text(l(), &s2, &p2, gap), rank = rank).to_string()}</p>
                    {pays.map(|amount| view! {
                        <p data-test="rank-pays">{move || td_string!(l().i18n(), rank_pays, rank = rank,
                            amount = payout_text(l(), instrument, &p3, amount)).to_string()}</p>
                    })}
                }
            })}
        </article>
    }
    .into_any()
}
