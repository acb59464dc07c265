//! The designer's words in the reader's language: its own translations, keyed like the portal's
//! and following the same language choice. A count of one has a text of its own (`…_single`),
//! since English and Dutch nouns take the plural otherwise ("1 row is wrong").

use leptos::prelude::*;

use mitra::locale::Locale;

/// The designer's translation table for the reader's language.
pub fn lang(locale: Locale) -> crate::i18n::Locale {
    match locale {
        Locale::En => crate::i18n::Locale::en,
        Locale::Id => crate::i18n::Locale::id,
        Locale::Ms => crate::i18n::Locale::ms,
        Locale::Nl => crate::i18n::Locale::nl,
    }
}

/// A text that follows language changes: `tr(|l| td_string!(l, key).to_string())`.
pub fn tr(words: impl Fn(crate::i18n::Locale) -> String + Send + Sync + 'static) -> impl IntoView {
    mitra::locale::tr(move |l| words(lang(l)))
}

/// The reader's language now, for code that builds a string.
pub fn current() -> Locale {
    expect_context::<mitra::session::AppState>().locale.get()
}

/// An error in the reader's language: the designer's own codes here, every other one as the
/// portal words it (by code, never the server's English).
pub fn error_text(e: &mitra::api::ApiError) -> String {
    let locale = current();
    let l = lang(locale);
    use crate::i18n::td_string;
    match e.code.as_str() {
        "no_file" => td_string!(l, error_no_file).to_string(),
        "worker_failed" => td_string!(l, error_worker_failed).to_string(),
        "duplicate_partner" => td_string!(l, error_duplicate_partner).to_string(),
        "invalid_id" => td_string!(l, error_invalid_id).to_string(),
        "missing_field" => td_string!(l, error_missing_field).to_string(),
        "unknown_parent" => td_string!(l, error_unknown_parent).to_string(),
        "stock_below_zero" => td_string!(l, error_stock_below_zero).to_string(),
        "stock_unlimited" => td_string!(l, error_stock_unlimited).to_string(),
        "invalid_stock_change" => td_string!(l, error_invalid_stock_change).to_string(),
        "invalid_item" => td_string!(l, error_invalid_item).to_string(),
        "duplicate_item" => td_string!(l, error_duplicate_item).to_string(),
        "unreadable_file" => td_string!(l, error_unreadable_file).to_string(),
        "invalid_csv" => td_string!(l, error_invalid_csv).to_string(),
        "empty_upload" => td_string!(l, error_empty_upload).to_string(),
        "reason_required" => td_string!(l, error_reason_required).to_string(),
        "invalid_program" => td_string!(l, error_invalid_program).to_string(),
        "program_changed" => td_string!(l, error_program_changed).to_string(),
        "invalid_definition" => td_string!(l, error_invalid_definition).to_string(),
        "zero_adjustment" => td_string!(l, error_zero_adjustment).to_string(),
        "invalid_invitation" => td_string!(l, error_invalid_invitation).to_string(),
        "invalid_amount" => td_string!(l, error_invalid_amount).to_string(),
        _ => mitra::locale::error_text(locale, e),
    }
}
