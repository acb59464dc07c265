//! `/designer/files`: the designer without a server. The program, its partners and their facts
//! are opened from disk (JSON, or CSV for partners and facts: the files `mitra-eval` reads), and
//! the same editor and preview work on them; the edited program is downloaded as a file. Works
//! from any static host serving `dist/`.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::components::preview::Base;
use crate::engine::Load;
use crate::i18n::td_string;
use crate::pages::editor::{Editor, Loaded, Source};
use crate::words::{current, lang, tr};

/// A chosen file's name and text.
async fn chosen(input: NodeRef<leptos::html::Input>) -> Result<(String, String), Problem> {
    let element = input.get_untracked().ok_or(Problem::Missing)?;
    let el: &web_sys::HtmlInputElement = element.unchecked_ref();
    let file = el.files().and_then(|f| f.get(0)).ok_or(Problem::Missing)?;
    let text = wasm_bindgen_futures::JsFuture::from(file.text()).await.map_err(|_| Problem::Unreadable(file.name()))?;
    Ok((file.name(), text.as_string().ok_or_else(|| Problem::Unreadable(file.name()))?))
}

/// Why the files cannot be opened.
#[derive(Clone, Debug)]
enum Problem {
    Missing,
    Unreadable(String),
    /// What the reader says, naming the file and, for CSV, the line.
    Invalid(String),
    BadDate,
    /// The preview's worker could not start.
    Worker(crate::api::ApiError),
}

async fn open(
    program: NodeRef<leptos::html::Input>,
    partners: NodeRef<leptos::html::Input>,
    facts: NodeRef<leptos::html::Input>,
    as_of: String,
) -> Result<Loaded, Problem> {
    let today = as_of.parse().map_err(|_| Problem::BadDate)?;
    let (program_name, program_text) = chosen(program).await?;
    let (partners_name, partners_text) = chosen(partners).await?;
    let (facts_name, facts_text) = chosen(facts).await?;
    let invalid = |e: mitra_cli::InputError| Problem::Invalid(e.0);
    // Loaded as mitra-eval loads them: a program with problems is refused naming them.
    let definition = mitra_cli::program_text(&program_name, &program_text).map_err(invalid)?;
    // The partners and facts are read by the preview's worker, off this thread.
    let load = Load::Files { today, published: definition.clone(), partners: partners_name, facts: facts_name };
    let base = Base::start(load, vec![partners_text, facts_text], today).await.map_err(|e| match e.code.as_str() {
        "invalid_file" => Problem::Invalid(e.message),
        _ => Problem::Worker(e),
    })?;
    Ok(Loaded {
        program: definition.id.clone(),
        published: definition,
        draft: None,
        base,
        source: Source::Files { name: program_name },
    })
}

#[component]
pub fn FilesPage() -> impl IntoView {
    let (program, partners, facts) = (NodeRef::new(), NodeRef::new(), NodeRef::new());
    let as_of = RwSignal::new(super::today_iso());
    let opened = Action::new_unsync_local(move |_: &()| open(program, partners, facts, as_of.get_untracked()));
    let input = |id: &'static str, node: NodeRef<leptos::html::Input>, label: fn(crate::i18n::Locale) -> String| {
        view! {
            <div class="field">
                <label for=id>{tr(label)}</label>
                <input id=id type="file" accept=".json,.csv,application/json,text/csv" node_ref=node data-test=id/>
            </div>
        }
    };
    view! {
        {move || match opened.value().get() {
            Some(Ok(loaded)) => view! {
                <p class="notice" data-test="files-open">{td_string!(lang(current()), files_opened, program = loaded.published.name.clone(),
                    partners = loaded.base.loaded.partners.len(), facts = loaded.base.loaded.facts).to_string()}</p>
                <Editor loaded=loaded on_published=|_| {}/>
            }.into_any(),
            other => view! {
                <section class="card files">
                    <h1>{tr(|l| td_string!(l, files_title).to_string())}</h1>
                    <p class="hint">{tr(|l| td_string!(l, files_hint).to_string())}</p>
                    <form on:submit=move |ev| { ev.prevent_default(); opened.dispatch_local(()); }>
                        <div class="row">
                            {input("program-file", program, |l| td_string!(l, file_program).to_string())}
                            {input("partners-file", partners, |l| td_string!(l, file_partners).to_string())}
                            {input("facts-file", facts, |l| td_string!(l, file_facts).to_string())}
                            <div class="field">
                                <label for="as-of">{tr(|l| td_string!(l, as_of).to_string())}</label>
                                <input id="as-of" type="date" data-test="as-of" bind:value=as_of/>
                            </div>
                        </div>
                        <button type="submit" class="primary" data-test="open-files" disabled=move || opened.pending().get()>
                            {tr(|l| td_string!(l, open_files).to_string())}
                        </button>
                    </form>
                    {other.and_then(|r| r.err()).map(|p| view! { <p class="error" role="alert" data-test="files-error">{problem_text(&p)}</p> })}
                </section>
            }.into_any(),
        }}
    }
}

fn problem_text(p: &Problem) -> String {
    let l = lang(current());
    match p {
        Problem::Missing => td_string!(l, files_missing).to_string(),
        Problem::Unreadable(name) => td_string!(l, file_unreadable, name = name.clone()).to_string(),
        Problem::Invalid(why) => td_string!(l, files_invalid, why = why.clone()).to_string(),
        Problem::BadDate => td_string!(l, files_bad_date).to_string(),
        Problem::Worker(e) => crate::words::error_text(e),
    }
}
