//! One component per route.
//!
//! Every page but the two a visit starts on (sign-in and the dashboard) is its own piece of wasm,
//! fetched the first time its route is visited (Leptos's lazy routes, split out of the app's wasm
//! by `scripts/build-portal.mjs`): a phone downloads the shell with those two pages first, and a
//! page such as the statement or a claim form only when it is opened. The two first pages stay
//! in the shell because code shared by several lazy pages is cut into many small pieces: a
//! first page made lazy cost some hundred requests on a first visit.

pub mod account;
pub mod claims;
pub mod dashboard;
pub mod funds;
pub mod leaderboard;
pub mod rewards;
pub mod scheme;
pub mod set_password;
pub mod sign_in;
pub mod statement;
pub mod tier;

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
                #[leptos::wasm_split::wasm_split($group, wasm_split_path = ::leptos::wasm_split)]
                fn $view() -> leptos::prelude::AnyView {
                    use leptos::prelude::IntoAny;
                    $page().into_any()
                }
                $view().await
            }
        }
    };
}

// What a partner checks on their standing.
lazy_page!(SchemeRoute, progress, scheme_view, scheme::SchemePage);
lazy_page!(TierRoute, progress, tier_view, tier::TierPage);
lazy_page!(LeaderboardRoute, progress, leaderboard_view, leaderboard::LeaderboardPage);
// Money: postings, claims and funds.
lazy_page!(StatementRoute, money, statement_view, statement::StatementPage);
lazy_page!(ClaimsRoute, money, claims_view, claims::ClaimsPage);
lazy_page!(NewClaimRoute, money, new_claim_view, claims::NewClaimPage);
lazy_page!(FundsRoute, money, funds_view, funds::FundsPage);
// Rewards.
lazy_page!(RewardsRoute, rewards, rewards_view, rewards::RewardsPage);
lazy_page!(RewardsHistoryRoute, rewards, rewards_history_view, rewards::RewardsHistoryPage);
lazy_page!(RewardItemRoute, rewards, reward_item_view, rewards::RewardItemPage);
// The account.
lazy_page!(AccountRoute, account, account_view, account::AccountPage);
lazy_page!(SetPasswordRoute, account, set_password_view, set_password::SetPasswordPage);
