//! Numbers, money and dates for the reader's locale, as CLDR says, through the browser's `Intl`
//! (Rp 1.250.000 · RM 1,250.00 · € 1.250,00). Decimals are handed to `Intl` as strings, so
//! figures are shown exactly, never through floating point.

use std::cell::RefCell;
use std::collections::HashMap;

use chrono::NaiveDate;
use js_sys::{Array, Intl, Object, Reflect};
use rust_decimal::Decimal;
use wasm_bindgen::JsValue;

use crate::locale::Locale;

fn options(pairs: &[(&str, JsValue)]) -> Object {
    let o = Object::new();
    for (k, v) in pairs {
        let _ = Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o
}

thread_local! {
    /// Formatters already built, by locale and options: building an `Intl` formatter costs far
    /// more than using one, and a what-if keystroke formats a dozen figures.
    static NUMBER_FORMATS: RefCell<HashMap<(Locale, String), Intl::NumberFormat>> = RefCell::new(HashMap::new());
    static DATE_FORMATS: RefCell<HashMap<(Locale, &'static str), Intl::DateTimeFormat>> = RefCell::new(HashMap::new());
}

/// The locale's number formatter for `opts` (`key` names them), built once.
fn number_format(locale: Locale, key: String, opts: &[(&str, JsValue)]) -> Intl::NumberFormat {
    NUMBER_FORMATS.with(|cache| {
        cache
            .borrow_mut()
            .entry((locale, key))
            .or_insert_with(|| {
                let locales = Array::of1(&JsValue::from_str(locale.tag()));
                Intl::NumberFormat::new(&locales, &options(opts))
            })
            .clone()
    })
}

/// The locale's date formatter for `opts` (`key` names them), built once.
fn date_format(locale: Locale, key: &'static str, opts: &[(&str, JsValue)]) -> Intl::DateTimeFormat {
    DATE_FORMATS.with(|cache| {
        cache
            .borrow_mut()
            .entry((locale, key))
            .or_insert_with(|| {
                let locales = Array::of1(&JsValue::from_str(locale.tag()));
                Intl::DateTimeFormat::new(&locales, &options(opts))
            })
            .clone()
    })
}

fn apply(nf: &Intl::NumberFormat, value: Decimal) -> String {
    nf.format()
        .call1(&JsValue::NULL, &JsValue::from_str(&value.to_string()))
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_else(|| value.to_string())
}

/// A plain number with the locale's grouping, up to `decimals` decimals.
pub fn number(locale: Locale, value: Decimal, decimals: u32) -> String {
    let nf = number_format(locale, format!("n{decimals}"), &[("maximumFractionDigits", JsValue::from(decimals))]);
    apply(&nf, value)
}

/// An amount of money in `currency`, with exactly `decimals` decimals.
pub fn money(locale: Locale, value: Decimal, currency: &str, decimals: u32) -> String {
    let nf = number_format(
        locale,
        format!("m{currency}{decimals}"),
        &[
            ("style", JsValue::from_str("currency")),
            ("currency", JsValue::from_str(currency)),
            ("minimumFractionDigits", JsValue::from(decimals)),
            ("maximumFractionDigits", JsValue::from(decimals)),
        ],
    );
    apply(&nf, value)
}

/// The calendar day of a server time stamp (RFC 3339, "2026-11-15T08:30:00Z"), as the server
/// wrote it.
pub fn day_of(stamp: &str) -> Option<NaiveDate> {
    mitra_scheme::model::date::parse(stamp.get(..10)?)
}

/// A calendar date, e.g. "15 Nov 2026" or "Nov 15, 2026".
pub fn date(locale: Locale, d: NaiveDate) -> String {
    let dtf = date_format(
        locale,
        "date",
        &[
            ("year", JsValue::from_str("numeric")),
            ("month", JsValue::from_str("short")),
            ("day", JsValue::from_str("numeric")),
            ("timeZone", JsValue::from_str("UTC")),
        ],
    );
    let js_date = js_sys::Date::new(&JsValue::from_str(&format!("{d}T00:00:00Z")));
    dtf.format().call1(&JsValue::NULL, &js_date).ok().and_then(|v| v.as_string()).unwrap_or_else(|| d.to_string())
}

/// An instant (RFC 3339) as a date and time in the reader's own time zone, e.g. "15 Nov 2026, 14:05".
pub fn date_time(locale: Locale, instant: &str) -> String {
    let dtf = date_format(
        locale,
        "date_time",
        &[("dateStyle", JsValue::from_str("medium")), ("timeStyle", JsValue::from_str("short"))],
    );
    let js_date = js_sys::Date::new(&JsValue::from_str(instant));
    dtf.format().call1(&JsValue::NULL, &js_date).ok().and_then(|v| v.as_string()).unwrap_or_else(|| instant.to_string())
}

/// An amount as a reader types it in their locale: grouping separators and spaces dropped, the
/// locale's decimal separator read as such ("9.500.000" is nine and a half million in Bahasa
/// Indonesia and Nederlands, "9,500,000" in English and Bahasa Melayu). `None` if it is no number.
pub fn parse_amount(locale: Locale, text: &str) -> Option<Decimal> {
    let (group, decimal) = match locale {
        Locale::En | Locale::Ms => (',', '.'),
        Locale::Id | Locale::Nl => ('.', ','),
    };
    let cleaned: String = text
        .trim()
        .chars()
        .filter(|c| *c != group && !c.is_whitespace() && *c != '\u{a0}')
        .map(|c| if c == decimal { '.' } else { c })
        .collect();
    cleaned.parse().ok()
}
