//! The designer's reusable pieces: the top bar and a program's tabs, the scheme form and its
//! fields, the JSON view, validation problems at their field, and the preview.

pub mod at;
pub mod fields;
pub mod header;
pub mod json_view;
pub mod preview;
pub mod problems;
pub mod scheme_form;
pub mod tiers_form;
