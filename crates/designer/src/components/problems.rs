//! Validation problems shown at the field they concern, in the reader's language: the evaluator's
//! `validate` runs on every edit, here in the browser, and each problem names its item (scheme,
//! tier, badge, program), the item's id and the field's path.

use leptos::prelude::*;

use mitra_scheme::ValidationError;

use crate::i18n::td_string;
use crate::words::{current, lang};

/// Every problem of the program being edited, recomputed as it changes.
#[derive(Clone, Copy)]
pub struct Problems(pub Memo<Vec<ValidationError>>);

/// Where the fields below this point belong: a scheme's id (kept in a signal, since the id is
/// itself editable).
#[derive(Clone, Copy)]
pub struct Item {
    pub kind: &'static str,
    pub id: Signal<String>,
}

/// The problems at `field` of the current item.
pub fn at(field: &str) -> Signal<Vec<ValidationError>> {
    let problems = expect_context::<Problems>();
    let item = use_context::<Item>();
    let field = field.to_string();
    Signal::derive(move || {
        let (kind, id) = item.map_or(("program", String::new()), |i| (i.kind, i.id.get()));
        problems.0.with(|all| {
            all.iter()
                .filter(|p| p.field == field && p.item == kind && (kind == "program" || p.id == id))
                .cloned()
                .collect()
        })
    })
}

/// A problem in words: translated by its code, with the evaluator's sentence (which names the
/// figures involved) kept for the codes the designer has no words for.
pub fn problem_text(p: &ValidationError) -> String {
    let l = lang(current());
    match p.problem.as_str() {
        "empty" => td_string!(l, problem_empty).to_string(),
        "invalid_currency" => td_string!(l, problem_invalid_currency).to_string(),
        "out_of_range" => td_string!(l, problem_out_of_range).to_string(),
        "duplicate_id" => td_string!(l, problem_duplicate_id).to_string(),
        "growth_not_allowed" => td_string!(l, problem_growth_not_allowed).to_string(),
        "negative" => td_string!(l, problem_negative).to_string(),
        "unknown_tier" => td_string!(l, problem_unknown_tier).to_string(),
        "unknown_scheme" => td_string!(l, problem_unknown_scheme).to_string(),
        "not_a_rank_scheme" => td_string!(l, problem_not_a_rank_scheme).to_string(),
        "ends_before_start" => td_string!(l, problem_ends_before_start).to_string(),
        "not_a_fund" => td_string!(l, problem_not_a_fund).to_string(),
        "first_bound_not_zero" => td_string!(l, problem_first_bound_not_zero).to_string(),
        "unordered_slabs" => td_string!(l, problem_unordered_slabs).to_string(),
        "unordered" => td_string!(l, problem_unordered).to_string(),
        "fixed_in_incremental" => td_string!(l, problem_fixed_in_incremental).to_string(),
        "rate_does_not_fit_measure" => td_string!(l, problem_rate_does_not_fit_measure).to_string(),
        "too_precise" => td_string!(l, problem_too_precise).to_string(),
        _ => td_string!(l, problem_other, detail = p.message.clone()).to_string(),
    }
}

/// The problems at one field, read by assistive technology with the field (`id` is what the
/// field's `aria-describedby` names).
#[component]
pub fn FieldProblems(id: String, problems: Signal<Vec<ValidationError>>) -> impl IntoView {
    view! {
        <ul class="problems" id=id role="list">
            {move || problems.get().into_iter().map(|p| view! {
                <li class="error" data-test="problem" data-code=p.problem.clone() data-field=p.field.clone()>
                    {problem_text(&p)}
                </li>
            }).collect_view()}
        </ul>
    }
}
