//! `/designer/programs/:id/versions`: every published version, when it was published and from
//! which day it decides periods, and what changed between any two, field by field.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use mitra::components::error::ErrorPanel;

use crate::api::{self, Version};
use crate::components::header::ProgramTabs;
use crate::diff::{changes, Change};
use crate::i18n::td_string;
use crate::words::{current, lang, tr};

#[component]
pub fn VersionsPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let token = super::token();
    let versions = LocalResource::new(move || {
        let (id, token) = (id(), token.clone());
        async move { api::versions(&token, &id).await }
    });
    view! {
        {move || view! { <ProgramTabs program=id()/> }}
        <h1>{tr(|l| td_string!(l, versions_title).to_string())}</h1>
        <Suspense fallback=|| view! { <p class="loading">{tr(|l| td_string!(l, loading).to_string())}</p> }>
            {move || versions.get().map(|r| match r {
                Err(e) => view! { <ErrorPanel error=e retry=move |_| versions.refetch()/> }.into_any(),
                Ok(list) => view! { <Versions list=list/> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Versions(list: Vec<Version>) -> impl IntoView {
    let n = list.len();
    let from = RwSignal::new(n.saturating_sub(2));
    let to = RwSignal::new(n.saturating_sub(1));
    let rows = list.clone();
    let pick = move |id: &'static str,
                     label: fn(crate::i18n::Locale) -> String,
                     chosen: RwSignal<usize>,
                     list: Vec<Version>| {
        view! {
            <div class="field">
                <label for=id>{tr(label)}</label>
                <select id=id data-test=id on:change=move |ev| chosen.set(event_target_value(&ev).parse().unwrap_or(0))>
                    {list.iter().enumerate().map(|(i, v)| {
                        let version = v.version;
                        view! { <option value=i.to_string() selected=move || chosen.get() == i>{move || td_string!(lang(current()), version_n, n = version).to_string()}</option> }
                    }).collect_view()}
                </select>
            </div>
        }
    };
    let l2 = list.clone();
    view! {
        <table class="figures" data-test="versions">
            <thead><tr>
                <th scope="col">{tr(|l| td_string!(l, col_version).to_string())}</th>
                <th scope="col">{tr(|l| td_string!(l, col_published_at).to_string())}</th>
                <th scope="col">{tr(|l| td_string!(l, col_decides_from).to_string())}</th>
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|v| {
                    let first = v.effective_from == mitra_api::SINCE_ALWAYS;
                    view! {
                        <tr data-test="version">
                            <th scope="row">{v.version}</th>
                            <td>{move || mitra::format::date_time(current(), &v.published_at)}</td>
                            <td>{move || if first { td_string!(lang(current()), every_period).to_string() } else { mitra::format::date(current(), v.effective_from) }}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        {(n > 1).then(|| view! {
            <h2>{tr(|l| td_string!(l, compare_title).to_string())}</h2>
            <div class="row">
                {pick("version-from", |l| td_string!(l, compare_from).to_string(), from, list.clone())}
                {pick("version-to", |l| td_string!(l, compare_to).to_string(), to, list.clone())}
            </div>
            {move || {
                let (a, b) = (&l2[from.get().min(n - 1)].definition, &l2[to.get().min(n - 1)].definition);
                let found = changes(a, b);
                if found.is_empty() {
                    view! { <p class="empty" data-test="no-changes">{tr(|l| td_string!(l, no_changes).to_string())}</p> }.into_any()
                } else {
                    view! {
                        <table class="figures" data-test="changes">
                            <thead><tr>
                                <th scope="col">{tr(|l| td_string!(l, col_field).to_string())}</th>
                                <th scope="col">{tr(|l| td_string!(l, col_before).to_string())}</th>
                                <th scope="col">{tr(|l| td_string!(l, col_after).to_string())}</th>
                            </tr></thead>
                            <tbody>{found.into_iter().map(|c| view! { <ChangeRow change=c/> }).collect_view()}</tbody>
                        </table>
                    }.into_any()
                }
            }}
        })}
    }
}

/// A value as the table shows it: short ones inline, whole items folded.
fn shown(v: Option<serde_json::Value>) -> AnyView {
    match v {
        None => view! { <span class="muted">"—"</span> }.into_any(),
        Some(serde_json::Value::String(s)) => view! { <code>{s}</code> }.into_any(),
        Some(v @ (serde_json::Value::Object(_) | serde_json::Value::Array(_))) => view! {
            <details><summary>{tr(|l| td_string!(l, whole_item).to_string())}</summary>
                <pre>{serde_json::to_string_pretty(&v).unwrap_or_default()}</pre></details>
        }
        .into_any(),
        Some(v) => view! { <code>{v.to_string()}</code> }.into_any(),
    }
}

#[component]
fn ChangeRow(change: Change) -> impl IntoView {
    let path = change.path.clone();
    view! {
        <tr data-test="change" data-path=path>
            <td><code>{change.path}</code></td>
            <td>{shown(change.before)}</td>
            <td>{shown(change.after)}</td>
        </tr>
    }
}
