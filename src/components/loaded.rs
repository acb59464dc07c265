//! A signed-in partner page's data: the dashboard bundle loaded once per session and program,
//! a loading state while it comes, the error in place if it fails, and back to sign-in when the
//! session has ended.

use leptos::prelude::*;
use leptos_router::components::Redirect;

use crate::api::{self, ApiError, Dashboard};
use crate::components::error::ErrorPanel;
use crate::i18n::td_string;
use crate::session::AppState;

async fn load(token: String, partner: Option<String>) -> Result<Dashboard, ApiError> {
    let me = api::me(&token).await?;
    let partner = partner.ok_or_else(|| ApiError::local("no_partner", "this account belongs to no partner"))?;
    let program =
        me.programs.first().cloned().ok_or_else(|| ApiError::local("no_program", "the partner is in no program"))?;
    api::dashboard(&token, &partner, &program).await
}

/// Renders `view` with the partner's loaded data.
#[component]
pub fn WithDashboard<F, V>(view: F) -> impl IntoView
where
    F: Fn(Dashboard) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let state = expect_context::<AppState>();
    let data = LocalResource::new(move || {
        let session = state.session.get();
        async move {
            let session = session.ok_or_else(|| ApiError::local("unauthorized", "sign in first"))?;
            load(session.token, session.user.partner).await
        }
    });
    move || {
        if state.session.get().is_none() {
            return view! { <Redirect path="/sign-in"/> }.into_any();
        }
        let view = view.clone();
        view! {
            <Suspense fallback=move || view! {
                <p class="loading">{move || td_string!(state.locale.get().i18n(), loading_figures).to_string()}</p>
            }>
                {move || data.get().map(|result| match result {
                    Ok(d) => view(d).into_any(),
                    Err(e) if e.code == "unauthorized" => {
                        state.session_ended.set(true);
                        state.set_session(None);
                        view! { <Redirect path="/sign-in"/> }.into_any()
                    }
                    Err(e) => view! { <ErrorPanel error=e retry=move || data.refetch()/> }.into_any(),
                })}
            </Suspense>
        }
        .into_any()
    }
}
