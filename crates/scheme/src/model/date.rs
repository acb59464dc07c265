//! Calendar dates as the model and the API write them, `YYYY-MM-DD` (`2026-03-04`), read
//! without chrono's general format parser.
//!
//! chrono reads a date through the machinery that parses any strftime format (about 10 KB of
//! the portal's wasm); the browser reads dates the server wrote, in this one form, and in the
//! designer's JSON view dates a person typed. Its date fields use [`read`]
//! (`#[cfg_attr(target_arch = "wasm32", serde(deserialize_with))]`); the server keeps chrono's
//! reader. Both read every date the server writes and the short forms chrono reads (`2026-1-5`);
//! the tests compare them.

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer};

/// `YYYY-MM-DD`, a real calendar day; `None` for anything else. As chrono does, a month or day
/// of one digit is read too (`2026-1-5`, as a designer may type it).
pub fn parse(text: &str) -> Option<NaiveDate> {
    let digits =
        |s: &str, n: std::ops::RangeInclusive<usize>| n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    let (year, rest) = text.split_once('-')?;
    let (month, day) = rest.split_once('-')?;
    if !(digits(year, 4..=4) && digits(month, 1..=2) && digits(day, 1..=2)) {
        return None;
    }
    NaiveDate::from_ymd_opt(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?)
}

/// Reads a date with [`parse`], naming what is wrong when it is no date.
pub fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<NaiveDate, D::Error> {
    let text = compact_str::CompactString::deserialize(deserializer)?;
    parse(&text).ok_or_else(|| serde::de::Error::custom(format!("`{text}` is no date (YYYY-MM-DD)")))
}

/// [`read`] for a date that may be left out (with `#[serde(default)]`).
pub fn read_some<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<NaiveDate>, D::Error> {
    read(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Datelike;

    #[test]
    fn reads_every_day_chrono_writes_and_nothing_else() {
        // Every day of four years, a leap year among them, and the earliest date stored.
        let mut day = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
        while day.year() < 2029 {
            assert_eq!(parse(&day.to_string()), Some(day));
            day = day.succ_opt().unwrap();
        }
        assert_eq!(parse("0001-01-01"), NaiveDate::from_ymd_opt(1, 1, 1));
        for bad in [
            "2026-02-29",
            "2026-13-01",
            "2026-00-10",
            "26-01-05",
            "2026-01-05T00:00:00",
            " 2026-01-05",
            "2026/01/05",
            "",
            "2026-01-+5",
            "２０２６-01-05",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
            if chrono::NaiveDate::parse_from_str(bad, "%Y-%m-%d").is_err() {
                continue;
            }
            // What chrono reads but this does not is no form the server writes.
            assert_ne!(chrono::NaiveDate::parse_from_str(bad, "%Y-%m-%d").unwrap().to_string(), bad);
        }
    }

    /// A date typed in the designer's JSON view with a one-digit month or day reads as the
    /// server reads it.
    #[test]
    fn a_one_digit_month_or_day_reads_as_chrono_reads_it() {
        for typed in ["2026-1-05", "2026-01-5", "2026-1-5", "2026-12-9"] {
            assert_eq!(parse(typed), typed.parse::<NaiveDate>().ok(), "{typed}");
            assert!(parse(typed).is_some(), "{typed}");
        }
    }

    #[test]
    fn a_date_field_read_with_it_names_what_is_wrong() {
        #[derive(Debug, serde::Deserialize)]
        struct Dated {
            #[serde(deserialize_with = "read")]
            on: NaiveDate,
        }
        let ok: Dated = serde_json::from_str(r#"{"on": "2026-11-30"}"#).unwrap();
        assert_eq!(ok.on, NaiveDate::from_ymd_opt(2026, 11, 30).unwrap());
        let err = serde_json::from_str::<Dated>(r#"{"on": "2026-11-31"}"#).unwrap_err().to_string();
        assert!(err.contains("`2026-11-31` is no date (YYYY-MM-DD)"), "{err}");
        assert!(serde_json::from_str::<Dated>(r#"{"on": 20261130}"#).is_err());
    }
}
