//! Calendar periods: a scheme's window cut into months or quarters, clipped to the window.

use chrono::{Datelike, Months, NaiveDate};

use crate::model::{PeriodKind, Window};

/// One evaluation period of a scheme.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Period {
    pub label: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
}

/// The label targets are keyed by: `window`, `YYYY-MM` or `YYYY-Qn` of the calendar period.
pub fn period_label(kind: PeriodKind, date: NaiveDate) -> String {
    match kind {
        PeriodKind::Window => "window".to_string(),
        PeriodKind::Month => format!("{:04}-{:02}", date.year(), date.month()),
        PeriodKind::Quarter => format!("{:04}-Q{}", date.year(), (date.month() - 1) / 3 + 1),
    }
}

fn calendar_start(kind: PeriodKind, date: NaiveDate) -> NaiveDate {
    let month = match kind {
        PeriodKind::Window => return date,
        PeriodKind::Month => date.month(),
        PeriodKind::Quarter => (date.month() - 1) / 3 * 3 + 1,
    };
    NaiveDate::from_ymd_opt(date.year(), month, 1).unwrap_or(date)
}

fn calendar_months(kind: PeriodKind) -> u32 {
    match kind {
        PeriodKind::Window => 0,
        PeriodKind::Month => 1,
        PeriodKind::Quarter => 3,
    }
}

/// The periods of a window that have started by `as_of`, in order. A window that ends before it
/// starts has no periods (validation reports it).
pub fn periods(window: Window, kind: PeriodKind, as_of: NaiveDate) -> Vec<Period> {
    let mut out = Vec::new();
    if window.end < window.start || as_of < window.start {
        return out;
    }
    if kind == PeriodKind::Window {
        out.push(Period { label: period_label(kind, window.start), start: window.start, end: window.end });
        return out;
    }
    let mut start = calendar_start(kind, window.start);
    while start <= window.end && start <= as_of {
        let Some(next) = start.checked_add_months(Months::new(calendar_months(kind))) else { break };
        let end = next.pred_opt().unwrap_or(next);
        let clipped =
            Period { label: period_label(kind, start), start: start.max(window.start), end: end.min(window.end) };
        if clipped.start <= as_of {
            out.push(clipped);
        }
        start = next;
    }
    out
}

/// The same dates shifted back by `months` (the baseline of a growth measure). The end is moved
/// to the end of its month when the period ends on a month end, so Feb 2025 maps to Feb 2024 whole.
pub fn shift_back(start: NaiveDate, end: NaiveDate, months: u32) -> Option<(NaiveDate, NaiveDate)> {
    let s = start.checked_sub_months(Months::new(months))?;
    let is_month_end = end.succ_opt().map(|d| d.day() == 1).unwrap_or(true);
    let e = if is_month_end {
        let first_next = end.succ_opt()?.checked_sub_months(Months::new(months))?;
        first_next.pred_opt()?
    } else {
        end.checked_sub_months(Months::new(months))?
    };
    Some((s, e))
}

/// The first day of a trailing window of `months` months that ends on `date`.
pub fn trailing_start(date: NaiveDate, months: u32) -> NaiveDate {
    date.checked_sub_months(Months::new(months)).and_then(|d| d.succ_opt()).unwrap_or(NaiveDate::MIN)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn quarters_are_calendar_aligned_and_clipped() {
        let w = Window { start: d("2026-02-15"), end: d("2026-08-10") };
        let p = periods(w, PeriodKind::Quarter, d("2026-12-31"));
        let got: Vec<_> = p.iter().map(|p| (p.label.as_str(), p.start, p.end)).collect();
        assert_eq!(
            got,
            vec![
                ("2026-Q1", d("2026-02-15"), d("2026-03-31")),
                ("2026-Q2", d("2026-04-01"), d("2026-06-30")),
                ("2026-Q3", d("2026-07-01"), d("2026-08-10")),
            ]
        );
    }

    #[test]
    fn periods_not_started_by_as_of_are_left_out() {
        let w = Window { start: d("2026-01-01"), end: d("2026-12-31") };
        let p = periods(w, PeriodKind::Month, d("2026-03-01"));
        assert_eq!(p.len(), 3);
        assert_eq!(p[1].end, d("2026-02-28"));
    }

    #[test]
    fn baseline_of_a_quarter_is_the_same_quarter_a_year_earlier() {
        assert_eq!(shift_back(d("2026-01-01"), d("2026-03-31"), 12), Some((d("2025-01-01"), d("2025-03-31"))));
        assert_eq!(shift_back(d("2025-02-01"), d("2025-02-28"), 12), Some((d("2024-02-01"), d("2024-02-29"))));
    }

    #[test]
    fn trailing_twelve_months_include_the_date() {
        assert_eq!(trailing_start(d("2026-06-30"), 12), d("2025-07-01"));
    }
}
