//! The languages the portal speaks, and the reader's choice (kept in the browser); errors from
//! the API worded by their code in the reader's language.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Locale {
    #[default]
    En,
    Id,
    Ms,
    Nl,
}

impl Locale {
    pub const ALL: [Locale; 4] = [Locale::En, Locale::Id, Locale::Ms, Locale::Nl];

    /// The BCP 47 tag `Intl` formats for.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::En => "en-GB",
            Locale::Id => "id-ID",
            Locale::Ms => "ms-MY",
            Locale::Nl => "nl-NL",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Id => "id",
            Locale::Ms => "ms",
            Locale::Nl => "nl",
        }
    }

    /// The language's own name, for the picker.
    pub fn name(self) -> &'static str {
        match self {
            Locale::En => "English",
            Locale::Id => "Bahasa Indonesia",
            Locale::Ms => "Bahasa Melayu",
            Locale::Nl => "Nederlands",
        }
    }

    /// The same language in the translation tables.
    pub fn i18n(self) -> crate::i18n::Locale {
        match self {
            Locale::En => crate::i18n::Locale::en,
            Locale::Id => crate::i18n::Locale::id,
            Locale::Ms => crate::i18n::Locale::ms,
            Locale::Nl => crate::i18n::Locale::nl,
        }
    }

    pub fn from_code(code: &str) -> Option<Locale> {
        let lang = code.split(['-', '_']).next()?.to_ascii_lowercase();
        Locale::ALL.into_iter().find(|l| l.code() == lang)
    }
}

/// An API error in the reader's language, from its stable code and details (never the server's
/// English message).
pub fn error_text(locale: Locale, error: &crate::api::ApiError) -> String {
    use crate::i18n::td_string;
    let l = locale.i18n();
    let detail = |k: &str| {
        let v = error.details.as_ref()?.get(k)?;
        Some(v.as_str().map_or_else(|| v.to_string(), String::from))
    };
    // A figure among the details, in the reader's format.
    let number = |k: &str| {
        let raw = detail(k)?;
        Some(raw.parse().map_or(raw, |d| crate::format::number(locale, d, 0)))
    };
    match error.code.as_str() {
        "unreachable" => td_string!(l, error_unreachable).to_string(),
        "bad_response" => td_string!(l, error_bad_response).to_string(),
        "unauthorized" => td_string!(l, error_unauthorized).to_string(),
        "invalid_credentials" => td_string!(l, error_invalid_credentials).to_string(),
        "too_many_attempts" => {
            td_string!(l, error_too_many_attempts, minutes = detail("minutes").unwrap_or_else(|| "15".into()))
                .to_string()
        }
        "missing_credentials" => td_string!(l, error_missing_credentials).to_string(),
        "too_long" => td_string!(
            l,
            error_too_long,
            field = detail("field").unwrap_or_default(),
            max = detail("max").unwrap_or_default()
        )
        .to_string(),
        "no_partner" => td_string!(l, error_no_partner).to_string(),
        "insufficient_points" => td_string!(
            l,
            error_insufficient_points,
            cost = number("cost").unwrap_or_default(),
            balance = number("balance").unwrap_or_default()
        )
        .to_string(),
        "out_of_stock" => td_string!(l, error_out_of_stock).to_string(),
        "limit_reached" => td_string!(l, error_limit_reached, limit = detail("limit").unwrap_or_default()).to_string(),
        "tier_too_low" => td_string!(l, error_tier_too_low).to_string(),
        "not_cancellable" => td_string!(l, error_not_cancellable).to_string(),
        "already_cancelled" => td_string!(l, error_already_cancelled).to_string(),
        "no_program" => td_string!(l, error_no_program).to_string(),
        "duplicate_invoice" => td_string!(l, error_duplicate_invoice, claim = detail("claim").unwrap_or_default()).to_string(),
        "duplicate_serial" => match error.details.as_ref().and_then(|d| d.get("claim")).and_then(|c| c.as_i64()) {
            Some(claim) => td_string!(l, error_duplicate_serial_own, serial = detail("serial").unwrap_or_default(), claim = claim).to_string(),
            None => td_string!(l, error_duplicate_serial_other, serial = detail("serial").unwrap_or_default()).to_string(),
        },
        "invoice_imported" => td_string!(l, error_invoice_imported).to_string(),
        "unknown_product" => td_string!(l, error_unknown_product, sku = detail("sku").unwrap_or_default()).to_string(),
        "fund_exceeded" => td_string!(l, error_fund_exceeded).to_string(),
        "invalid_claim" => td_string!(l, error_invalid_claim).to_string(),
        "not_a_fund" => td_string!(l, error_not_a_fund).to_string(),
        "download_failed" => td_string!(l, error_download_failed).to_string(),
        "invalid_page" => td_string!(l, error_invalid_page).to_string(),
        "forbidden" => td_string!(l, error_forbidden).to_string(),
        "not_found" => td_string!(l, error_not_found).to_string(),
        "invalid_token" => td_string!(l, error_invalid_token).to_string(),
        "weak_password" => {
            td_string!(l, password_too_short, min = detail("min").unwrap_or_else(|| "10".into())).to_string()
        }
        code => td_string!(l, error_other, code = code).to_string(),
    }
}

/// A period's name as the reader sees it: its label (`2026-Q4`, `2026-07`), or the words for a
/// scheme evaluated over its whole window (`window`).
pub fn period_name(locale: Locale, label: &str) -> String {
    if label == "window" {
        crate::i18n::td_string!(locale.i18n(), period_whole).to_string()
    } else {
        label.to_string()
    }
}

/// A program's, scheme's, tier's or badge's name in the reader's language, when its definition
/// gives one (`names`), else its default name.
pub fn named(locale: Locale, name: &str, names: &mitra_scheme::model::Names) -> String {
    mitra_scheme::model::localized(name, names, locale.code()).to_string()
}

/// A scheme's name, by id, in the reader's language (the id itself when the program has no such scheme).
pub fn scheme_name(locale: Locale, program: &mitra_scheme::Program, id: &str) -> String {
    program.schemes.iter().find(|s| s.id == id).map_or_else(|| id.to_string(), |s| named(locale, &s.name, &s.names))
}

/// A tier's name, by id, in the reader's language.
pub fn tier_name(locale: Locale, program: &mitra_scheme::Program, id: &str) -> String {
    program.tiers.iter().find(|t| t.id == id).map_or_else(|| id.to_string(), |t| named(locale, &t.name, &t.names))
}

/// A perk in words: the ones the portal knows are translated, others shown as the program names them.
pub fn perk(locale: Locale, id: &str) -> String {
    let l = locale.i18n();
    match id {
        "newsletter_feature" => crate::i18n::td_string!(l, perk_newsletter_feature).to_string(),
        "event_tickets" => crate::i18n::td_string!(l, perk_event_tickets).to_string(),
        "marketing_support" => crate::i18n::td_string!(l, perk_marketing_support).to_string(),
        "premium_listing" => crate::i18n::td_string!(l, perk_premium_listing).to_string(),
        other => other.replace('_', " "),
    }
}

/// A text in the reader's language that follows language changes: `tr(|l| td_string!(l.i18n(),
/// key).to_string())`. Every call site shares one view type (the words are boxed), so the app
/// carries one copy of the code that renders and updates such a text, not one per text.
pub fn tr(words: impl Fn(Locale) -> String + Send + Sync + 'static) -> impl leptos::prelude::IntoView {
    translated(Box::new(words))
}

fn translated(words: Box<dyn Fn(Locale) -> String + Send + Sync>) -> impl leptos::prelude::IntoView {
    use leptos::prelude::Get;
    let state = leptos::prelude::expect_context::<crate::session::AppState>();
    move || words(state.locale.get())
}

/// What a ledger posting was, in words: earned in a scheme's period, redeemed, refunded, or
/// adjusted with the designer's reason.
pub fn posting_text(
    locale: Locale,
    program: &mitra_scheme::Program,
    kind: crate::api::PostingKind,
    scheme: Option<&str>,
    period: Option<&str>,
    memo: &str,
) -> String {
    use crate::api::PostingKind;
    use crate::i18n::td_string;
    let i = locale.i18n();
    let scheme = scheme.map(|s| scheme_name(locale, program, s));
    let period = period.map(|x| period_name(locale, x));
    match (kind, scheme, period) {
        (PostingKind::Accrual, Some(s), Some(pd)) => td_string!(i, posting_accrual, scheme = s, period = pd).to_string(),
        (PostingKind::Accrual, _, _) => memo.to_string(),
        (PostingKind::Redemption, _, _) => td_string!(i, posting_redemption).to_string(),
        (PostingKind::Refund, _, _) => td_string!(i, posting_refund).to_string(),
        (PostingKind::Adjustment, _, _) => {
            let reason = memo.strip_prefix("Adjustment: ").unwrap_or(memo).to_string();
            td_string!(i, posting_adjustment, memo = reason).to_string()
        }
    }
}
