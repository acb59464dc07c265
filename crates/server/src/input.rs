//! What the API accepts at its edge, in one place: text lengths, the magnitude and scale of
//! amounts, sane dates, and the normalised keys under which invoice numbers and serials are
//! compared. Every handler checks its input here before anything is stored, so no stored value
//! can later make a read or a sum fail.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

/// An input a rule of its own refuses: a stable code the app words it by, a message naming the
/// field, and the details the app needs (the field, a limit).
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct Invalid {
    pub code: &'static str,
    pub message: String,
    pub details: Option<serde_json::Value>,
}

impl Invalid {
    fn new(code: &'static str, message: impl Into<String>) -> Self {
        Invalid { code, message: message.into(), details: None }
    }

    fn with_details(mut self, details: serde_json::Value) -> Self {
        self.details = Some(details);
        self
    }
}

/// Longest invoice number, serial number, SKU or other identifier.
pub const MAX_ID: usize = 64;
/// Longest name (people, items, partners).
pub const MAX_NAME: usize = 200;
/// Longest reason, description or other free text.
pub const MAX_TEXT: usize = 2_000;
/// Longest email address (RFC 5321's path limit).
pub const MAX_EMAIL: usize = 254;
/// Longest password: argon2 takes any length, but nobody needs more and hashing is bounded.
pub const MAX_PASSWORD: usize = 256;

/// The largest amount one posting, price, claim value or adjustment may carry, in the
/// instrument's smallest unit (10^15: a quadrillion rupiah, ten trillion ringgit). The ledger
/// stores 64-bit integers (up to 9.2 × 10^18), so thousands of the largest postings still sum
/// without overflow, and sums are taken in 128 bits regardless.
pub const MAX_MINOR: i64 = 1_000_000_000_000_000;

/// Largest number of units on one claimed sale line.
pub const MAX_UNITS: i64 = 1_000_000_000;

/// The dates a fact or claim may carry.
pub fn date_range() -> (NaiveDate, NaiveDate) {
    (NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default(), NaiveDate::from_ymd_opt(2099, 12, 31).unwrap_or_default())
}

/// A text field within `max` characters (after trimming); `what` names the field.
pub fn text(what: &str, value: &str, max: usize) -> Result<(), Invalid> {
    let n = value.trim().chars().count();
    if n > max {
        return Err(Invalid::new("too_long", format!("{what} is {n} characters long; at most {max} are allowed"))
            .with_details(serde_json::json!({ "field": what, "max": max })));
    }
    Ok(())
}

/// An identifier people type and links carry: 1 to [`MAX_ID`] characters, each a lower-case
/// ASCII letter, a digit, `-`, `_` or `.`.
pub fn id(what: &str, value: &str) -> Result<(), Invalid> {
    let fine = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.');
    if value.is_empty() || value.len() > MAX_ID || !value.chars().all(fine) {
        return Err(Invalid::new(
            "invalid_id",
            format!("{what} `{value}` must be 1 to {MAX_ID} lower-case letters, digits, `-`, `_` or `.`"),
        )
        .with_details(serde_json::json!({ "field": what })));
    }
    Ok(())
}

/// A money amount: at most `decimals` decimals (the program's), not negative, at most
/// [`MAX_MINOR`] smallest units.
pub fn money(what: &str, amount: Decimal, decimals: u32) -> Result<(), Invalid> {
    let bad = |m: String| {
        Invalid::new("invalid_amount", m).with_details(serde_json::json!({ "field": what, "decimals": decimals }))
    };
    if amount.is_sign_negative() && !amount.is_zero() {
        return Err(bad(format!("{what} cannot be negative")));
    }
    if amount.normalize().scale() > decimals {
        return Err(bad(format!("{what} has more than {decimals} decimals")));
    }
    let max = Decimal::new(MAX_MINOR, decimals);
    if amount > max {
        return Err(bad(format!("{what} is above the largest amount accepted ({max})")));
    }
    Ok(())
}

/// A whole number of units, 1 to [`MAX_UNITS`].
pub fn units(what: &str, units: Decimal) -> Result<(), Invalid> {
    if units <= Decimal::ZERO || units.fract() != Decimal::ZERO || units > Decimal::from(MAX_UNITS) {
        return Err(Invalid::new("invalid_units", format!("{what} must be a whole number from 1 to {MAX_UNITS}"))
            .with_details(serde_json::json!({ "field": what })));
    }
    Ok(())
}

/// A date within [`date_range`].
pub fn date(what: &str, date: NaiveDate) -> Result<(), Invalid> {
    let (from, to) = date_range();
    if date < from || date > to {
        return Err(Invalid::new("invalid_date", format!("{what} {date} is not between {from} and {to}"))
            .with_details(serde_json::json!({ "field": what })));
    }
    Ok(())
}

/// The key two invoice or serial numbers are compared under: Unicode NFKC (full-width letters
/// become ASCII), every dash (hyphens, non-breaking hyphens, dashes, minus) as `-`, format and
/// control characters (zero-width spaces, direction marks) removed, white space trimmed and
/// collapsed, lower case. The text is kept as entered; only the key is compared.
pub fn match_key(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.nfkc().flat_map(char::to_lowercase).nfkc() {
        let c = match c.general_category() {
            GeneralCategory::Format | GeneralCategory::Control if !c.is_whitespace() => continue,
            GeneralCategory::DashPunctuation => '-',
            _ if c == '\u{2212}' => '-',
            _ => c,
        };
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn look_alike_numbers_share_a_key() {
        let plain = match_key("uni-100");
        assert_eq!(plain, "uni-100");
        for variant in [
            "UNI-100",
            " uni-100 ",
            "UNI-\u{200B}100", // zero-width space
            "UNI\u{2011}100",  // non-breaking hyphen
            "ＵＮＩ－１００",  // full-width letters, digits and hyphen-minus
            "\u{200F}UNI-100", // right-to-left mark
            "uni\u{2013}100",  // en dash
            "UNI\u{00AD}-100", // soft hyphen (a format character)
        ] {
            assert_eq!(match_key(variant), plain, "{variant:?}");
        }
        assert_ne!(match_key("uni-1000"), plain);
        assert_eq!(match_key("INV  7\u{00A0}A"), "inv 7 a");
    }

    #[test]
    fn amounts_are_bounded_in_scale_and_size() {
        assert!(money("value", Decimal::new(125_000_050, 2), 2).is_ok());
        assert!(money("value", Decimal::new(1, 3), 2).is_err());
        assert!(money("value", Decimal::new(1, 1), 0).is_err());
        assert!(money("value", Decimal::new(10, 1), 0).is_ok(), "1.0 is a whole rupiah");
        assert!(money("value", Decimal::new(-1, 0), 0).is_err());
        assert!(money("value", Decimal::new(MAX_MINOR, 0), 0).is_ok());
        assert!(money("value", Decimal::new(MAX_MINOR + 1, 0), 0).is_err());
        assert!(money("value", Decimal::MAX, 2).is_err());
        assert!(units("units", Decimal::new(1, 27)).is_err());
        assert!(units("units", Decimal::ONE).is_ok());
    }
}
