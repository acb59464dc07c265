//! One component per route. Which of them load lazily, and in which piece of wasm, is decided
//! by the app's binary (`src/routes.rs`).

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
