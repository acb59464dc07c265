//! Reusable pieces of the pages.

pub mod badges;
pub mod chart;
pub mod error;
pub mod explanation;
pub mod header;
pub mod loaded;
pub mod rules;
pub mod scheme_card;
pub mod tier;
pub mod what_if;
