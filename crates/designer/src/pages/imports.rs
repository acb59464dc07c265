//! `/designer/programs/:id/imports`: CSV uploads (sales, targets, certifications, referrals, the
//! product list). A file with bad rows imports nothing and every bad row is listed with its line
//! number and each problem (its column and, worded here by its code, what is wrong); a good one
//! says how many rows it took.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use wasm_bindgen::JsCast;

use crate::api::{self, ApiError, ImportReport};
use crate::components::header::ProgramTabs;
use crate::i18n::td_string;
use crate::words::{current, error_text, lang, tr};

#[component]
pub fn ImportsPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    view! {
        {move || view! { <ProgramTabs program=id()/> }}
        <h1>{tr(|l| td_string!(l, imports_title).to_string())}</h1>
        {move || {
            let program = id();
            view! {
                <Upload program=program.clone() what="sales"/>
                <Upload program=program.clone() what="targets"/>
                <Upload program=program.clone() what="certifications"/>
                <Upload program=program.clone() what="referrals"/>
                <Upload program=program what="products"/>
            }
        }}
    }
}

/// The text of the file chosen in `input`.
async fn file_text(input: &web_sys::HtmlInputElement) -> Result<String, ApiError> {
    let file = input.files().and_then(|f| f.get(0)).ok_or_else(|| ApiError::local("no_file", "choose a file"))?;
    let text = wasm_bindgen_futures::JsFuture::from(file.text())
        .await
        .map_err(|_| ApiError::local("unreadable_file", "the file cannot be read"))?;
    text.as_string().ok_or_else(|| ApiError::local("unreadable_file", "the file is not text"))
}

#[component]
fn Upload(program: String, what: &'static str) -> impl IntoView {
    let input = NodeRef::<leptos::html::Input>::new();
    let token = super::token();
    let upload = Action::new_local(move |_: &()| {
        let (program, token) = (program.clone(), token.clone());
        let element = input.get_untracked();
        async move {
            let element = element.ok_or_else(|| ApiError::local("no_file", "choose a file"))?;
            let el: &web_sys::HtmlInputElement = element.unchecked_ref();
            let text = file_text(el).await?;
            api::import(&token, &program, what, text).await
        }
    });
    let id = format!("upload-{what}");
    view! {
        <section class="card upload" data-test=format!("import-{what}")>
            <h2>{move || {
                let l = lang(current());
                match what {
                    "sales" => td_string!(l, import_sales).to_string(),
                    "targets" => td_string!(l, import_targets).to_string(),
                    "certifications" => td_string!(l, import_certifications).to_string(),
                    "referrals" => td_string!(l, import_referrals).to_string(),
                    _ => td_string!(l, import_products).to_string(),
                }
            }}</h2>
            <p class="hint">{move || {
                let l = lang(current());
                match what {
                    "sales" => td_string!(l, import_sales_columns).to_string(),
                    "targets" => td_string!(l, import_targets_columns).to_string(),
                    "certifications" => td_string!(l, import_certifications_columns).to_string(),
                    "referrals" => td_string!(l, import_referrals_columns).to_string(),
                    _ => td_string!(l, import_products_columns).to_string(),
                }
            }}</p>
            <form on:submit=move |ev| { ev.prevent_default(); upload.dispatch(()); }>
                <label for=id.clone()>{tr(|l| td_string!(l, csv_file).to_string())}</label>
                <input id=id type="file" accept=".csv,text/csv" node_ref=input data-test="file"/>
                <button type="submit" disabled=move || upload.pending().get()>{tr(|l| td_string!(l, upload).to_string())}</button>
            </form>
            {move || upload.value().get().map(|r| match r {
                Ok(report) => view! { <Report report=report/> }.into_any(),
                Err(e) => view! { <Refused error=e/> }.into_any(),
            })}
        </section>
    }
}

fn count(r: &ImportReport, key: &str) -> u64 {
    r.get(key).and_then(|v| v.as_u64().or_else(|| v.as_array().map(|a| a.len() as u64))).unwrap_or(0)
}

#[component]
fn Report(report: ImportReport) -> impl IntoView {
    let rows = count(&report, "rows");
    let lines: Vec<(&'static str, u64)> =
        ["imported", "already_imported", "already_claimed", "replaced", "added", "updated"]
            .into_iter()
            .filter(|k| report.contains_key(*k))
            .map(|k| (k, count(&report, k)))
            .collect();
    view! {
        <div class="notice" role="status" data-test="import-report">
            <p>{move || match rows {
                1 => td_string!(lang(current()), import_rows_single).to_string(),
                n => td_string!(lang(current()), import_rows, count = n).to_string(),
            }}</p>
            <ul>
                {lines.into_iter().map(|(k, n)| view! {
                    <li data-test=format!("report-{k}")>{move || {
                        let l = lang(current());
                        match k {
                            "imported" => td_string!(l, report_imported, count = n).to_string(),
                            "already_imported" => td_string!(l, report_already_imported, count = n).to_string(),
                            "already_claimed" => td_string!(l, report_already_claimed, count = n).to_string(),
                            "added" if n == 1 => td_string!(l, report_added_single).to_string(),
                            "added" => td_string!(l, report_added, count = n).to_string(),
                            "replaced" if n == 1 => td_string!(l, report_replaced_single).to_string(),
                            "replaced" => td_string!(l, report_replaced, count = n).to_string(),
                            _ if n == 1 => td_string!(l, report_updated_single).to_string(),
                            _ => td_string!(l, report_updated, count = n).to_string(),
                        }
                    }}</li>
                }).collect_view()}
            </ul>
        </div>
    }
}

/// One problem of a bad row in the reader's words: the column, and what is wrong by its code.
fn row_problem(column: &str, code: &str) -> String {
    let l = lang(current());
    let what = match code {
        "missing" => td_string!(l, row_missing).to_string(),
        "not_a_number" => td_string!(l, row_not_a_number).to_string(),
        "invalid_date" => td_string!(l, row_invalid_date).to_string(),
        "invalid_amount" => td_string!(l, row_invalid_amount).to_string(),
        "invalid_units" => td_string!(l, row_invalid_units).to_string(),
        "too_long" => td_string!(l, row_too_long).to_string(),
        "not_in_program" => td_string!(l, row_not_in_program).to_string(),
        "unknown_scheme" => td_string!(l, row_unknown_scheme).to_string(),
        "unknown_period" => td_string!(l, row_unknown_period).to_string(),
        "repeated_row" => td_string!(l, row_repeated_row).to_string(),
        "unreadable_row" => td_string!(l, row_unreadable_row).to_string(),
        _ => td_string!(l, row_invalid_fact).to_string(),
    };
    if column.is_empty() {
        what
    } else {
        format!("{column}: {what}")
    }
}

/// A refused upload: the bad rows by line, or the error in words.
#[component]
fn Refused(error: ApiError) -> impl IntoView {
    let rows: Vec<(u64, Vec<(String, String)>)> = match (&error.code[..], &error.details) {
        ("invalid_rows", Some(serde_json::Value::Array(rows))) => rows
            .iter()
            .map(|r| {
                let problems = r["problems"].as_array().map(Vec::as_slice).unwrap_or_default();
                let problems = problems
                    .iter()
                    .map(|p| {
                        (
                            p["column"].as_str().unwrap_or_default().to_string(),
                            p["code"].as_str().unwrap_or_default().to_string(),
                        )
                    })
                    .collect();
                (r["line"].as_u64().unwrap_or(0), problems)
            })
            .collect(),
        _ => Vec::new(),
    };
    if rows.is_empty() {
        let e = error.clone();
        return view! {
            <p class="error" role="alert" data-test="import-error" data-code=error.code.clone()>{move || error_text(&e)}</p>
        }
        .into_any();
    }
    let n = rows.len();
    view! {
        <div class="error" role="alert" data-test="import-error" data-code="invalid_rows">
            <p>{move || match n {
                1 => td_string!(lang(current()), bad_rows_single).to_string(),
                n => td_string!(lang(current()), bad_rows, count = n).to_string(),
            }}</p>
            <table class="figures">
                <thead><tr>
                    <th scope="col" class="num">{tr(|l| td_string!(l, col_line).to_string())}</th>
                    <th scope="col">{tr(|l| td_string!(l, col_reason).to_string())}</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|(line, problems)| {
                        let codes = problems.iter().map(|p| p.1.clone()).collect::<Vec<_>>().join(" ");
                        view! {
                            <tr data-test="bad-row" data-line=line data-codes=codes>
                                <td class="num">{line}</td>
                                <td>{move || problems.iter().map(|(c, code)| row_problem(c, code)).collect::<Vec<_>>().join("; ")}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}
