//! The app's routes, and which pages load lazily. Part of the binary, not of the `mitra` library:
//! a lazily loaded page is an exported entry point of the wasm (the splitter cuts there), and an
//! export stays linked into whatever links the crate that defines it, such as the designer.
//!
//! Every page but the two a visit starts on (sign-in and the dashboard) is in a piece of wasm
//! fetched the first time one of its pages opens (Leptos's lazy routes, split out of the app's
//! wasm by `scripts/build-portal.mjs`): a phone downloads the shell with those two pages first,
//! and the statement or a claim form only when it is opened. The two first pages stay in the
//! shell because code shared by several lazy pages is cut into a piece per combination of
//! groups: with the dashboard lazy, a first visit took some hundred requests.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, Lazy};

use mitra::session::AppState;

/// The whole app: shared state and the routes.
#[component]
pub fn App() -> impl IntoView {
    let state = AppState::load();
    provide_context(state);
    state.declare_language();
    mitra::components::loaded::provide_dashboard(state);
    mitra::pages::rewards::provide_just_redeemed(state);
    view! {
        <Router>
            <mitra::components::header::Header/>
            <main class="page">
                <Routes fallback=mitra::NotFound>
                    <Route path=path!("/") view=mitra::Home/>
                    <Route path=path!("/sign-in") view=mitra::pages::sign_in::SignIn/>
                    <Route path=path!("/dashboard") view=mitra::pages::dashboard::DashboardPage/>
                    <Route path=path!("/schemes/:id") view={Lazy::<SchemeRoute>::new()}/>
                    <Route path=path!("/rewards") view={Lazy::<RewardsRoute>::new()}/>
                    <Route path=path!("/rewards/history") view={Lazy::<RewardsHistoryRoute>::new()}/>
                    <Route path=path!("/rewards/:id") view={Lazy::<RewardItemRoute>::new()}/>
                    <Route path=path!("/claims") view={Lazy::<ClaimsRoute>::new()}/>
                    <Route path=path!("/claims/new") view={Lazy::<NewClaimRoute>::new()}/>
                    <Route path=path!("/funds") view={Lazy::<FundsRoute>::new()}/>
                    <Route path=path!("/statement") view={Lazy::<StatementRoute>::new()}/>
                    <Route path=path!("/tier") view={Lazy::<TierRoute>::new()}/>
                    <Route path=path!("/leaderboard") view={Lazy::<LeaderboardRoute>::new()}/>
                    <Route path=path!("/account") view={Lazy::<AccountRoute>::new()}/>
                    <Route path=path!("/set-password") view={Lazy::<SetPasswordRoute>::new()}/>
                </Routes>
            </main>
        </Router>
    }
}

/// A route whose page loads lazily: `$route` is the type the router is given
/// (`Lazy::<$route>::new()`), `$page` the page's component, and `$group` the piece of wasm it
/// goes in. Pages of one group share a piece: fewer, larger pieces mean fewer requests on a
/// first visit (code used by several groups is cut into a piece per combination of groups).
macro_rules! lazy_page {
    ($route:ident, $group:ident, $view:ident, $page:path) => {
        #[doc = concat!("The lazily loaded route of [`", stringify!($page), "`].")]
        pub struct $route;

        impl leptos_router::LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            async fn view(_this: Self) -> leptos::prelude::AnyView {
                use leptos::prelude::IntoAny;
                // Fallible: a piece that cannot be fetched is said on the page, instead of
                // stopping the whole app (a panic aborts the wasm).
                #[leptos::wasm_split::wasm_split($group, wasm_split_path = ::leptos::wasm_split, fallible)]
                fn $view() -> Result<leptos::prelude::AnyView, leptos::wasm_split::SplitLoaderError> {
                    Ok($page().into_any())
                }
                match $view().await {
                    Ok(page) => page,
                    Err(_) => mitra::components::error::PageUnavailable().into_any(),
                }
            }
        }
    };
}

// What a partner checks on their standing.
lazy_page!(SchemeRoute, progress, scheme_view, mitra::pages::scheme::SchemePage);
lazy_page!(TierRoute, progress, tier_view, mitra::pages::tier::TierPage);
lazy_page!(LeaderboardRoute, progress, leaderboard_view, mitra::pages::leaderboard::LeaderboardPage);
// Money: postings, claims and funds.
lazy_page!(StatementRoute, money, statement_view, mitra::pages::statement::StatementPage);
lazy_page!(ClaimsRoute, money, claims_view, mitra::pages::claims::ClaimsPage);
lazy_page!(NewClaimRoute, money, new_claim_view, mitra::pages::claims::NewClaimPage);
lazy_page!(FundsRoute, money, funds_view, mitra::pages::funds::FundsPage);
// Rewards.
lazy_page!(RewardsRoute, rewards, rewards_view, mitra::pages::rewards::RewardsPage);
lazy_page!(RewardsHistoryRoute, rewards, rewards_history_view, mitra::pages::rewards::RewardsHistoryPage);
lazy_page!(RewardItemRoute, rewards, reward_item_view, mitra::pages::rewards::RewardItemPage);
// The account.
lazy_page!(AccountRoute, account, account_view, mitra::pages::account::AccountPage);
lazy_page!(SetPasswordRoute, account, set_password_view, mitra::pages::set_password::SetPasswordPage);
