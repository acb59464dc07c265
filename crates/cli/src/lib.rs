//! Reading programs, partners and facts from files (JSON, or CSV for partners and facts), for
//! the `mitra-eval` command and for the designer opening files from disk in the browser (the
//! `*_text` readers take a file's name and text). Every error names the file, and for CSV the
//! line.

use std::path::Path;

use chrono::NaiveDate;
use mitra_scheme::model::{Fact, Partner, Program, Text};
use rust_decimal::Decimal;
use serde::Deserialize;

/// What went wrong reading an input, ready to print.
#[derive(Debug)]
pub struct InputError(pub String);

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InputError {}

/// A file's text (the readers refuse an empty one).
fn read(path: &Path) -> Result<String, InputError> {
    std::fs::read_to_string(path).map_err(|e| InputError(format!("{}: cannot read: {e}", path.display())))
}

/// A file named `*.csv` (any case) is read as CSV, any other as JSON.
fn is_csv(name: &str) -> bool {
    name.rsplit_once('.').is_some_and(|(_, e)| e.eq_ignore_ascii_case("csv"))
}

/// A text read from a file named `name`: an empty one is refused as such.
fn not_empty<'t>(name: &str, text: &'t str) -> Result<&'t str, InputError> {
    if text.trim().is_empty() {
        return Err(InputError(format!("{name}: the file is empty")));
    }
    Ok(text)
}

/// A program definition, parsed and validated.
pub fn program(path: &Path) -> Result<Program, InputError> {
    program_text(&path.display().to_string(), &read(path)?)
}

/// A program definition from the text of a file named `name`.
pub fn program_text(name: &str, text: &str) -> Result<Program, InputError> {
    mitra_scheme::load_program(not_empty(name, text)?).map_err(|e| InputError(format!("{name}: {e}")))
}

/// The columns of a partners CSV file, in order (`segment` and `parent` may be left out).
pub const PARTNER_COLUMNS: &str = "id,name,type,region,segment,enrolled,parent";
const PARTNER_OPTIONAL: &[&str] = &["segment", "parent"];
/// The columns of a facts CSV file, in order.
pub const FACT_COLUMNS: &str = "kind,partner,date,invoice,sku,category,units,value,course,referred,scheme,period";

/// Partners from a JSON array or a CSV file with the columns [`PARTNER_COLUMNS`].
pub fn partners(path: &Path) -> Result<Vec<Partner>, InputError> {
    partners_text(&path.display().to_string(), &read(path)?)
}

/// Partners from the text of a file named `name` (CSV when the name ends in `.csv`).
pub fn partners_text(path: &str, text: &str) -> Result<Vec<Partner>, InputError> {
    let text = not_empty(path, text)?;
    if !is_csv(path) {
        return serde_json::from_str(text).map_err(|e| InputError(format!("{path}: {e}")));
    }
    #[derive(Deserialize)]
    struct Row {
        id: String,
        name: String,
        #[serde(rename = "type")]
        partner_type: String,
        region: String,
        #[serde(default)]
        segment: String,
        enrolled: String,
        #[serde(default)]
        parent: String,
    }
    csv_rows(path, text, PARTNER_COLUMNS, PARTNER_OPTIONAL, |r: Row| {
        Ok(Partner {
            id: r.id,
            name: r.name,
            partner_type: r.partner_type,
            region: r.region,
            segment: r.segment,
            enrolled: date(&r.enrolled, "enrolled")?,
            parent: Some(r.parent).filter(|p| !p.is_empty()),
        })
    })
}

/// One CSV row of facts, as text: `kind` says which columns it uses.
#[derive(Deserialize)]
struct FactRow {
    kind: String,
    partner: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    invoice: String,
    #[serde(default)]
    sku: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    units: String,
    #[serde(default)]
    value: String,
    #[serde(default)]
    course: String,
    #[serde(default)]
    referred: String,
    #[serde(default)]
    scheme: String,
    #[serde(default)]
    period: String,
}

fn required(text: String, column: &str) -> Result<Text, String> {
    if text.is_empty() {
        Err(format!("`{column}` is required for this kind"))
    } else {
        Ok(text.into())
    }
}

fn date(text: &str, column: &str) -> Result<NaiveDate, String> {
    required(text.to_string(), column)?.parse().map_err(|_| format!("`{column}`: `{text}` is not a date (YYYY-MM-DD)"))
}

fn decimal(text: &str, column: &str) -> Result<Decimal, String> {
    required(text.to_string(), column)?.parse().map_err(|_| format!("`{column}`: `{text}` is not a number"))
}

impl FactRow {
    fn into_fact(self) -> Result<Fact, String> {
        Ok(match self.kind.as_str() {
            "sale" => Fact::Sale {
                date: date(&self.date, "date")?,
                invoice: self.invoice.into(),
                sku: required(self.sku, "sku")?,
                category: self.category.into(),
                units: decimal(&self.units, "units")?,
                value: decimal(&self.value, "value")?,
                partner: self.partner.into(),
            },
            "certification" => Fact::Certification {
                date: date(&self.date, "date")?,
                course: required(self.course, "course")?,
                partner: self.partner.into(),
            },
            "referral" => Fact::Referral {
                date: date(&self.date, "date")?,
                referred: required(self.referred, "referred")?,
                partner: self.partner.into(),
            },
            "marketing_spend" => Fact::MarketingSpend {
                date: date(&self.date, "date")?,
                scheme: required(self.scheme, "scheme")?,
                amount: decimal(&self.value, "value")?,
                partner: self.partner.into(),
            },
            "target" => Fact::Target {
                scheme: required(self.scheme, "scheme")?,
                period: required(self.period, "period")?,
                value: decimal(&self.value, "value")?,
                partner: self.partner.into(),
            },
            other => {
                return Err(format!("unknown kind `{other}` (sale, certification, referral, marketing_spend, target)"))
            }
        })
    }
}

/// Facts from a JSON array or a CSV file with the columns [`FACT_COLUMNS`] (a row fills the
/// columns its kind uses; marketing spend puts its amount in `value`). Every fact must pass
/// [`mitra_scheme::check_fact`] (no negative target or spend, a sale's units and value of one
/// sign); each one that does not is reported, by its position in a JSON array or its CSV line.
pub fn facts(path: &Path) -> Result<Vec<Fact>, InputError> {
    facts_text(&path.display().to_string(), &read(path)?)
}

/// Facts from the text of a file named `name` (CSV when the name ends in `.csv`).
pub fn facts_text(path: &str, text: &str) -> Result<Vec<Fact>, InputError> {
    let text = not_empty(path, text)?;
    if !is_csv(path) {
        let facts: Vec<Fact> = serde_json::from_str(text).map_err(|e| InputError(format!("{path}: {e}")))?;
        let errors: Vec<String> = facts
            .iter()
            .enumerate()
            .filter_map(|(i, f)| mitra_scheme::check_fact(f).map(|p| format!("{path}: fact {}: {p}", i + 1)))
            .collect();
        return if errors.is_empty() { Ok(facts) } else { Err(InputError(errors.join("\n"))) };
    }
    csv_rows(path, text, FACT_COLUMNS, &[], |row: FactRow| {
        let fact = row.into_fact()?;
        match mitra_scheme::check_fact(&fact) {
            Some(problem) => Err(problem.to_string()),
            None => Ok(fact),
        }
    })
}

/// Every row of a CSV file converted, or every bad row reported with its line number. The
/// header line must name each of `columns` but the `optional` ones, and nothing else (in any
/// order); a missing or wrong header is refused naming the columns expected.
fn csv_rows<R, T>(
    path: &str,
    text: &str,
    columns: &str,
    optional: &[&str],
    convert: impl Fn(R) -> Result<T, String>,
) -> Result<Vec<T>, InputError>
where
    R: for<'de> Deserialize<'de>,
{
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| InputError(format!("{path}: {e}")))?.clone();
    let quoted = |list: Vec<&str>| list.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ");
    let missing: Vec<&str> =
        columns.split(',').filter(|c| !optional.contains(c) && !headers.iter().any(|h| h == *c)).collect();
    let unknown: Vec<&str> = headers.iter().filter(|h| !columns.split(',').any(|c| c == *h)).collect();
    if !missing.is_empty() || !unknown.is_empty() {
        let mut why = Vec::new();
        if !missing.is_empty() {
            why.push(format!("it lacks {}", quoted(missing)));
        }
        if !unknown.is_empty() {
            why.push(format!("{} is not a column", quoted(unknown)));
        }
        return Err(InputError(format!(
            "{path}: line 1 must be the header `{columns}`: {}",
            why.join("; ")
        )));
    }
    let (mut out, mut errors) = (Vec::new(), Vec::new());
    for record in reader.records() {
        let result = record.map_err(|e| e.to_string()).and_then(|rec| {
            let line = rec.position().map_or(0, |p| p.line());
            rec.deserialize::<R>(Some(&headers))
                .map_err(|e| match e.kind() {
                    csv::ErrorKind::Deserialize { err, .. } => err.kind().to_string(),
                    _ => e.to_string(),
                })
                .and_then(&convert)
                .map_err(|e| format!("line {line}: {e}"))
        });
        match result {
            Ok(v) => out.push(v),
            Err(e) => errors.push(format!("{path}: {e}")),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(InputError(errors.join("\n")))
    }
}
