//! `/designer/programs/:id`: the program's schemes in a no-code form (or as JSON), validated as
//! they are typed, previewed across every partner, saved as a draft (a save made on an older
//! revision than the server's is refused and the other's version shown) and published after a
//! confirmation that shows what the change costs.

use std::sync::Arc;

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::words::error_text;
use mitra::components::error::ErrorPanel;
use mitra::locale::scheme_name;
use mitra_scheme::Program;

use crate::api::{self, ApiError, Draft, Published};
use crate::components::header::ProgramTabs;
use crate::components::json_view::JsonView;
use crate::components::preview::{Base, CostTable, Preview};
use crate::components::problems::{problem_text, Problems};
use crate::components::scheme_form::{SchemeAt, SchemeForm};
use crate::components::tiers_form::{BadgesForm, TiersForm};
use crate::engine::{Load, Summary};
use crate::i18n::td_string;
use crate::words::{current, lang, tr};

/// Where the program being edited comes from and goes to.
#[derive(Clone, PartialEq)]
pub enum Source {
    /// The server: drafts saved there, published there.
    Server,
    /// Files opened from disk (no server): the edited program is downloaded as a file.
    Files { name: String },
}

/// What the editor starts from.
#[derive(Clone)]
pub struct Loaded {
    pub program: String,
    /// The version in force (on the server), or the program as opened from a file.
    pub published: Program,
    pub draft: Option<Draft>,
    pub base: Base,
    pub source: Source,
}

async fn load(token: &str, id: &str) -> Result<Loaded, ApiError> {
    let published = api::program(token, id).await?;
    let draft = match api::drafts(token, id).await?.first() {
        Some(d) => Some(api::draft(token, d.id).await?),
        None => None,
    };
    let today = mitra::api::me(token).await?.today;
    // The preview's worker fetches the partners and facts itself: they never cross this thread.
    let url = mitra::api::url(&format!("/programs/{id}/data"));
    let load = Load::Server { url, token: token.to_string(), today, published: published.clone() };
    let base = Base::start(load, Vec::new(), today).await?;
    Ok(Loaded { program: id.to_string(), published, draft, base, source: Source::Server })
}

#[component]
pub fn EditorPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let token = super::token();
    let loaded = LocalResource::new(move || {
        let (id, token) = (id(), token.clone());
        async move { load(&token, &id).await }
    });
    // Kept outside the editor, which is rebuilt from the server after publishing.
    let published = RwSignal::new(None::<Published>);
    view! {
        {move || view! { <ProgramTabs program=id()/> }}
        {move || published.get().map(|p| view! {
            <p class="notice" role="status" data-test="published">
                {td_string!(lang(current()), published_note, version = p.version,
                    date = mitra::format::date(current(), p.effective_from)).to_string()}
            </p>
        })}
        <Suspense fallback=|| view! { <p class="loading">{tr(|l| td_string!(l, loading_program).to_string())}</p> }>
            {move || loaded.get().map(|r| match r {
                Err(e) => view! { <ErrorPanel error=e retry=move |_| loaded.refetch()/> }.into_any(),
                Ok(l) => view! {
                    <Editor loaded=l on_published=move |p| { published.set(Some(p)); loaded.refetch(); }/>
                }.into_any(),
            })}
        </Suspense>
    }
}

/// What the form shows: one scheme, the tiers, or the badges.
#[derive(Clone, Copy, PartialEq)]
enum Part {
    Scheme(usize),
    Tiers,
    Badges,
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Form,
    Json,
}

/// A copy of a scheme with an id no other scheme has.
fn cloned_scheme(p: &Program, i: usize, suffix: &str) -> mitra_scheme::model::Scheme {
    let mut s = p.schemes[i].clone();
    let mut n = 1;
    let base = s.id.clone();
    s.id = format!("{base}-{n}");
    while p.schemes.iter().any(|x| x.id == s.id) {
        n += 1;
        s.id = format!("{base}-{n}");
    }
    s.name = format!("{} ({suffix})", s.name);
    s.names.clear();
    s
}

#[component]
pub fn Editor(loaded: Loaded, #[prop(into)] on_published: Callback<Published>) -> impl IntoView {
    let source = loaded.source.clone();
    let on_server = source == Source::Server;
    let start = loaded.draft.as_ref().map_or_else(|| loaded.published.clone(), |d| d.definition.clone());
    let program = RwSignal::new(start.clone());
    let saved = RwSignal::new(start);
    let draft = RwSignal::new(loaded.draft.as_ref().map(|d| (d.id, d.revision)));
    let problems = Memo::new(move |_| program.with(mitra_scheme::validate));
    provide_context(Problems(problems));
    provide_context(loaded.base.choices());
    let base = loaded.base.clone();
    // The latest figures of the draft; while the draft has problems, those of its last valid
    // version stay shown.
    let summary = RwSignal::new(None::<Arc<Summary>>);
    let part = RwSignal::new(Part::Scheme(0));
    let selected = Signal::derive(move || match part.get() {
        Part::Scheme(i) => i,
        _ => usize::MAX,
    });
    let mode = RwSignal::new(Mode::Form);
    let dirty = move || program.with(|p| saved.with(|s| p != s));
    let selected_id = Signal::derive(move || program.with(|p| p.schemes.get(selected.get()).map(|s| s.id.clone())));

    let conflict = RwSignal::new(None::<Draft>);
    let error = RwSignal::new(None::<ApiError>);
    let token = super::token();
    let save = Action::new_local(move |(definition, at): &(Program, Option<(i64, i64)>)| {
        let (definition, at, token) = (definition.clone(), *at, token.clone());
        async move { api::save_draft(&token, at, &definition).await }
    });
    Effect::new(move || match save.value().get() {
        Some(Ok(d)) => {
            error.set(None);
            conflict.set(None);
            draft.set(Some((d.id, d.revision)));
            saved.set(d.definition);
        }
        Some(Err(e)) if e.code == "draft_conflict" => {
            conflict.set(e.details.and_then(|d| serde_json::from_value::<Draft>(d).ok()));
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let do_save = move || {
        save.dispatch((program.get_untracked(), draft.get_untracked()));
    };

    let confirming = RwSignal::new(false);
    let token = super::token();
    let publish = Action::new_local(move |(definition, at, dirty): &(Program, Option<(i64, i64)>, bool)| {
        let (definition, at, dirty, token) = (definition.clone(), *at, *dirty, token.clone());
        async move {
            // Publishing publishes what is on screen: saved first when it is not yet.
            let id = match at {
                Some((id, _)) if !dirty => id,
                _ => api::save_draft(&token, at, &definition).await?.id,
            };
            api::publish(&token, id).await
        }
    });
    Effect::new(move || match publish.value().get() {
        Some(Ok(p)) => {
            confirming.set(false);
            on_published.run(p);
        }
        Some(Err(e)) if e.code == "draft_conflict" => {
            confirming.set(false);
            conflict.set(e.details.and_then(|d| serde_json::from_value::<Draft>(d).ok()));
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });

    let today = base.today;
    view! {
        <div class="editor-bar" data-test="editor-bar">
            <p class="status" data-test="draft-status">
                {move || match (draft.get(), on_server) {
                    (_, false) => td_string!(lang(current()), editing_file).to_string(),
                    (Some((id, revision)), true) => td_string!(lang(current()), draft_status, id = id, revision = revision).to_string(),
                    (None, true) => td_string!(lang(current()), editing_published).to_string(),
                }}
                {move || dirty().then(|| view! { <span class="badge" data-test="unsaved">{td_string!(lang(current()), unsaved).to_string()}</span> })}
            </p>
            <p class="status" data-test="problem-count" class:error=move || !problems.with(Vec::is_empty)>
                {move || match problems.with(Vec::len) {
                    0 => td_string!(lang(current()), no_problems).to_string(),
                    1 => td_string!(lang(current()), problem_count_single).to_string(),
                    n => td_string!(lang(current()), problem_count, count = n).to_string(),
                }}
            </p>
            {match source.clone() {
                Source::Server => view! {
                    <button type="button" data-test="save" disabled=move || save.pending().get() || !dirty() on:click=move |_| { do_save(); }>
                        {tr(|l| td_string!(l, save_draft).to_string())}
                    </button>
                    <button type="button" class="primary" data-test="publish"
                        disabled=move || !problems.with(Vec::is_empty) || program.with(|p| *p == loaded.published)
                        on:click=move |_| confirming.set(true)>
                        {tr(|l| td_string!(l, publish).to_string())}
                    </button>
                }.into_any(),
                Source::Files { name } => view! {
                    <button type="button" class="primary" data-test="download"
                        on:click=move |_| {
                            let json = program.with_untracked(|p| serde_json::to_string_pretty(p).unwrap_or_default());
                            match mitra::api::save_file(&name, "application/json", json.as_bytes()) {
                                Ok(()) => saved.set(program.get_untracked()),
                                Err(e) => error.set(Some(ApiError::local("download_failed", format!("{e:?}")))),
                            }
                        }>
                        {tr(|l| td_string!(l, download_program).to_string())}
                    </button>
                }.into_any(),
            }}
        </div>
        {move || error.get().map(|e| view! {
            <p class="error" role="alert" data-test="editor-error" data-code=e.code.clone()>{error_text(&e)}</p>
        })}
        {move || conflict.get().map(|theirs| {
            let mine = program.get_untracked();
            let changed: Vec<String> = theirs.definition.schemes.iter()
                .filter(|s| mine.schemes.iter().find(|m| m.id == s.id) != Some(*s))
                .map(|s| scheme_name(current(), &theirs.definition, &s.id))
                .chain(mine.schemes.iter().filter(|m| !theirs.definition.schemes.iter().any(|s| s.id == m.id)).map(|m| m.name.clone()))
                .collect();
            let t2 = theirs.clone();
            view! {
                <section class="card conflict" role="alert" data-test="conflict">
                    <h2>{tr(|l| td_string!(l, conflict_title).to_string())}</h2>
                    <p>{td_string!(lang(current()), conflict_text, revision = theirs.revision,
                        when = mitra::format::date_time(current(), &theirs.updated_at)).to_string()}</p>
                    <p>{tr(|l| td_string!(l, conflict_changed).to_string())}" "<strong>{changed.join(", ")}</strong></p>
                    <details><summary>{tr(|l| td_string!(l, conflict_theirs).to_string())}</summary>
                        <pre>{serde_json::to_string_pretty(&theirs.definition).unwrap_or_default()}</pre>
                    </details>
                    <div class="row">
                        <button type="button" data-test="take-theirs" on:click=move |_| {
                            draft.set(Some((t2.id, t2.revision)));
                            saved.set(t2.definition.clone());
                            program.set(t2.definition.clone());
                            conflict.set(None);
                        }>{tr(|l| td_string!(l, take_theirs).to_string())}</button>
                        <button type="button" data-test="keep-mine" on:click=move |_| {
                            draft.set(Some((theirs.id, theirs.revision)));
                            conflict.set(None);
                            do_save();
                        }>{tr(|l| td_string!(l, keep_mine).to_string())}</button>
                    </div>
                </section>
            }
        })}
        <Show when=move || confirming.get()>
            <section class="card confirm" role="dialog" aria-modal="false" aria-labelledby="confirm-title" data-test="confirm-publish">
                <h2 id="confirm-title">{tr(|l| td_string!(l, confirm_title).to_string())}</h2>
                <p>{move || td_string!(lang(current()), confirm_text, date = mitra::format::date(current(), today)).to_string()}</p>
                {move || summary.get().map(|s| view! { <CostTable costs=s.costs.clone() program=program/> })}
                <div class="row">
                    <button type="button" class="primary" data-test="confirm" disabled=move || publish.pending().get()
                        on:click=move |_| { publish.dispatch((program.get_untracked(), draft.get_untracked(), dirty())); }>
                        {tr(|l| td_string!(l, confirm_publish).to_string())}
                    </button>
                    <button type="button" on:click=move |_| confirming.set(false)>{tr(|l| td_string!(l, cancel).to_string())}</button>
                </div>
            </section>
        </Show>
        <div class="editor">
            <nav class="scheme-list" aria-label=move || td_string!(lang(current()), schemes_label).to_string()>
                <h2>{tr(|l| td_string!(l, schemes_title).to_string())}</h2>
                <ul>
                    {move || program.with(|p| p.schemes.iter().enumerate().map(|(i, s)| {
                        let name = mitra::locale::named(current(), &s.name, &s.names);
                        let bad = problems.with(|all| all.iter().any(|e| e.item == "scheme" && e.id == s.id));
                        view! {
                            <li>
                                <button type="button" class="scheme-pick" data-test="pick-scheme" data-scheme=s.id.clone()
                                    aria-current=move || (selected.get() == i).then_some("true")
                                    on:click=move |_| part.set(Part::Scheme(i))>
                                    {name}
                                    {bad.then(|| view! { <span class="badge error" aria-label=td_string!(lang(current()), has_problems).to_string()>"!"</span> })}
                                </button>
                            </li>
                        }
                    }).collect_view())}
                </ul>
                <button type="button" data-test="clone-scheme" on:click=move |_| {
                    let suffix = td_string!(lang(current()), copy_suffix).to_string();
                    let i = selected.get_untracked();
                    program.update(|p| if i < p.schemes.len() {
                        let copy = cloned_scheme(p, i, &suffix);
                        p.schemes.push(copy);
                    });
                    part.set(Part::Scheme(program.with_untracked(|p| p.schemes.len().saturating_sub(1))));
                }>{tr(|l| td_string!(l, clone_scheme).to_string())}</button>
                <button type="button" class="scheme-pick" data-test="pick-tiers" aria-current=move || (part.get() == Part::Tiers).then_some("true")
                    on:click=move |_| part.set(Part::Tiers)>{tr(|l| td_string!(l, tiers_title).to_string())}</button>
                <button type="button" class="scheme-pick" data-test="pick-badges" aria-current=move || (part.get() == Part::Badges).then_some("true")
                    on:click=move |_| part.set(Part::Badges)>{tr(|l| td_string!(l, badges_title).to_string())}</button>
                <ProgramProblems/>
            </nav>
            <div class="editor-main">
                <div class="mode" role="group" aria-label=move || td_string!(lang(current()), view_label).to_string()>
                    <button type="button" aria-pressed=move || (mode.get() == Mode::Form).to_string() data-test="mode-form"
                        on:click=move |_| mode.set(Mode::Form)>{tr(|l| td_string!(l, mode_form).to_string())}</button>
                    <button type="button" aria-pressed=move || (mode.get() == Mode::Json).to_string() data-test="mode-json"
                        on:click=move |_| mode.set(Mode::Json)>{tr(|l| td_string!(l, mode_json).to_string())}</button>
                </div>
                {move || match mode.get() {
                    Mode::Json => view! { <JsonView program=program/> }.into_any(),
                    Mode::Form => match part.get() {
                        Part::Tiers => view! { <TiersForm program=program/> }.into_any(),
                        Part::Badges => view! { <BadgesForm program=program/> }.into_any(),
                        Part::Scheme(i) if program.with_untracked(|p| i < p.schemes.len()) => {
                            view! { <SchemeForm at=SchemeAt::new(program, i)/> }.into_any()
                        }
                        Part::Scheme(_) => view! { <p class="empty">{tr(|l| td_string!(l, no_schemes).to_string())}</p> }.into_any(),
                    }
                }}
            </div>
            <Preview base=base program=program summary=summary selected=selected_id stale=Signal::derive(move || !problems.with(Vec::is_empty))/>
        </div>
    }
}

/// Problems of the tiers, badges and program itself, which the scheme form does not show.
#[component]
fn ProgramProblems() -> impl IntoView {
    let problems = expect_context::<Problems>();
    move || {
        let others: Vec<_> = problems.0.with(|all| all.iter().filter(|p| p.item != "scheme").cloned().collect());
        (!others.is_empty()).then(|| {
            view! {
                <ul class="problems" data-test="program-problems">
                    {others.into_iter().map(|p| view! {
                        <li class="error">{format!("{} {} · {}: ", p.item, p.id, p.field)}{problem_text(&p)}</li>
                    }).collect_view()}
                </ul>
            }
        })
    }
}
