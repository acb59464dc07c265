//! The app's pages, one per route.

pub mod dashboard;
pub mod sign_in;
