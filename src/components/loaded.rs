//! A signed-in partner page's data: the dashboard bundle of the chosen program, loaded once per
//! session and program and shared by every page (switching pages fetches nothing), a loading
//! state while it comes, the error in place if it fails, and back to sign-in when the session
//! has ended.

use leptos::prelude::*;
use leptos_router::components::Redirect;

use crate::api::{self, ApiError, Dashboard, Session};
use crate::components::error::ErrorPanel;
use crate::i18n::td_string;
use crate::session::AppState;

/// The loaded bundle, provided to every page by [`provide_dashboard`].
#[derive(Clone, Copy)]
pub struct DashboardData(pub LocalResource<Result<Dashboard, ApiError>>);

/// The program shown: the one chosen in the header when the user takes part in it, else their
/// first.
pub fn shown_program(chosen: Option<&str>, programs: &[crate::api::ProgramName]) -> Option<String> {
    chosen
        .filter(|c| programs.iter().any(|p| p.id == *c))
        .map(String::from)
        .or_else(|| programs.first().map(|p| p.id.clone()))
}

async fn load(state: AppState, session: Session, chosen: Option<String>) -> Result<Dashboard, ApiError> {
    let me = api::me(&session.token).await?;
    let partner =
        session.user.partner.ok_or_else(|| ApiError::local("no_partner", "this account belongs to no partner"))?;
    let program = shown_program(chosen.as_deref(), &me.programs)
        .ok_or_else(|| ApiError::local("no_program", "the partner is in no program"))?;
    state.programs.set(me.programs);
    api::dashboard(&session.token, &partner, &program).await
}

/// Loads the chosen program's bundle whenever the session or the choice changes.
pub fn provide_dashboard(state: AppState) {
    let data = LocalResource::new(move || {
        let session = state.session.get();
        let chosen = state.program.get();
        async move {
            let session = session.ok_or_else(|| ApiError::local("signed_out", "sign in first"))?;
            load(state, session, chosen).await
        }
    });
    provide_context(DashboardData(data));
}

/// A view of the loaded data, type-erased: every page shares one instance of the loading
/// machinery below instead of each monomorphising its own (which cost tens of kilobytes of wasm
/// a page).
pub type DashboardView = std::sync::Arc<dyn Fn(Dashboard) -> AnyView + Send + Sync>;

/// Renders `view` with the partner's loaded data.
#[component]
pub fn WithDashboard<F, V>(view: F) -> impl IntoView
where
    F: Fn(Dashboard) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let view: DashboardView = std::sync::Arc::new(move |d| view(d).into_any());
    view! { <Loaded view=view/> }
}

/// [`WithDashboard`]'s body, not generic.
#[component]
fn Loaded(view: DashboardView) -> impl IntoView {
    let state = expect_context::<AppState>();
    let DashboardData(data) = expect_context::<DashboardData>();
    move || {
        if state.session.get().is_none() {
            return view! { <Redirect path="/sign-in"/> }.into_any();
        }
        let view = view.clone();
        view! {
            <Transition fallback=move || view! {
                <p class="loading">{crate::locale::tr(|l| td_string!(l.i18n(), loading_figures).to_string())}</p>
            }>
                {move || data.get().map(|result| match result {
                    Ok(d) => view(d),
                    Err(e) if e.code == "unauthorized" => {
                        state.session_ended.set(true);
                        state.set_session(None);
                        view! { <Redirect path="/sign-in"/> }.into_any()
                    }
                    Err(e) => view! { <ErrorPanel error=e retry=move || data.refetch()/> }.into_any(),
                })}
            </Transition>
        }
        .into_any()
    }
}
