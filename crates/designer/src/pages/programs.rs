//! `/designer/`: every program, with links to edit its schemes and run it.

use leptos::prelude::*;
use leptos_router::components::A;

use mitra::components::error::ErrorPanel;
use mitra::locale::named;

use crate::api;
use crate::i18n::td_string;
use crate::words::tr;

#[component]
pub fn ProgramsPage() -> impl IntoView {
    let token = super::token();
    let programs = LocalResource::new(move || {
        let token = token.clone();
        async move {
            let mut out = Vec::new();
            for id in api::programs(&token).await? {
                out.push(api::program(&token, &id).await?);
            }
            Ok::<_, api::ApiError>(out)
        }
    });
    view! {
        <h1>{tr(|l| td_string!(l, programs_title).to_string())}</h1>
        <Suspense fallback=|| view! { <p class="loading">{tr(|l| td_string!(l, loading).to_string())}</p> }>
            {move || programs.get().map(|r| match r {
                Err(e) => view! { <ErrorPanel error=e retry=move |_| programs.refetch()/> }.into_any(),
                Ok(list) if list.is_empty() => view! {
                    <p class="empty">{tr(|l| td_string!(l, no_programs).to_string())}</p>
                }.into_any(),
                Ok(list) => view! {
                    <ul class="program-list">
                        {list.into_iter().map(|p| {
                            let name = p.name.clone();
                            let names = p.names.clone();
                            let schemes = p.schemes.len();
                            view! {
                                <li class="card" data-test="program">
                                    <h2><A href=format!("{}/programs/{}", crate::BASE, p.id)>{move || named(crate::words::current(), &name, &names)}</A></h2>
                                    <p class="muted">{tr(move |l| match schemes {
                                        1 => td_string!(l, program_summary_single, currency = p.currency.clone()).to_string(),
                                        n => td_string!(l, program_summary, schemes = n, currency = p.currency.clone()).to_string(),
                                    })}</p>
                                    <crate::components::header::ProgramTabs program=p.id.clone()/>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            })}
        </Suspense>
    }
}
