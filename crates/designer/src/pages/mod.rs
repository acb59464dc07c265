//! One component per route of the designer.

pub mod catalog;
pub mod claims;
pub mod close;
pub mod editor;
pub mod files;
pub mod imports;
pub mod partners;
pub mod programs;
pub mod versions;

use leptos::prelude::*;
use mitra::session::AppState;

/// The session's token. Read it before an `async` block: there is no reactive owner (and so no
/// context) inside one.
pub fn token() -> String {
    expect_context::<AppState>().session.get_untracked().map(|s| s.token).unwrap_or_default()
}

/// Today in the reader's clock, as a date input writes it (`YYYY-MM-DD`).
pub fn today_iso() -> String {
    let d = js_sys::Date::new_0();
    format!("{:04}-{:02}-{:02}", d.get_full_year(), d.get_month() + 1, d.get_date())
}
