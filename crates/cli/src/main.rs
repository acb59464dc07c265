//! `mitra-eval`: evaluate a program for one partner or the whole population and print the
//! result as JSON, so schemes can be checked and scripted without the UI.

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::Parser;

#[derive(Parser)]
#[command(name = "mitra-eval", about = "Evaluate a Mitra program and print the result as JSON")]
struct Args {
    /// The program definition (JSON).
    #[arg(long)]
    program: PathBuf,
    /// The partners (JSON array, or CSV: id,name,type,region,segment,enrolled,parent).
    #[arg(long)]
    partners: PathBuf,
    /// The facts (JSON array, or CSV: kind,partner,date,invoice,sku,category,units,value,course,referred,scheme,period).
    #[arg(long)]
    facts: PathBuf,
    /// The date to evaluate as of (YYYY-MM-DD).
    #[arg(long)]
    as_of: NaiveDate,
    /// Print this partner's full statement, with explanations (computed with the population's
    /// context, so rank and budget lines are exact). Without it, every partner's figures.
    #[arg(long)]
    partner: Option<String>,
    /// With `--partner`: hypothetical facts (JSON or CSV, as `--facts`) to add to the partner's
    /// own. Prints the projected statement and the difference per scheme and in total, as the
    /// app's what-if panel computes them.
    #[arg(long, requires = "partner")]
    what_if: Option<PathBuf>,
    /// Print compact JSON instead of indented.
    #[arg(long)]
    compact: bool,
}

fn main() -> ExitCode {
    match run(Args::parse()) {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("mitra-eval: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Args) -> Result<String, Box<dyn std::error::Error>> {
    let program = mitra_cli::program(&args.program)?;
    let partners = mitra_cli::partners(&args.partners)?;
    let facts = mitra_cli::facts(&args.facts)?;
    let run = mitra_scheme::population(&program, &partners, &mitra_scheme::FactTable::from(&facts[..]), args.as_of);
    match args.partner {
        Some(id) => {
            let partner = partners
                .iter()
                .find(|p| p.id == id)
                .ok_or_else(|| format!("no partner `{id}` in {}", args.partners.display()))?;
            let context = run.context_for(&program, partner);
            let st = mitra_scheme::statement(&program, partner, &facts, args.as_of, Some(&context));
            match &args.what_if {
                None => Ok(to_json(&st, args.compact)?),
                Some(path) => {
                    let extra = mitra_cli::facts(path)?;
                    if let Some(other) = extra.iter().find(|f| f.partner() != id) {
                        return Err(format!(
                            "{}: a what-if adds facts of `{id}` only; one names `{}`",
                            path.display(),
                            other.partner()
                        )
                        .into());
                    }
                    let projected =
                        mitra_scheme::project(&st, &program, partner, &facts, &extra, args.as_of, Some(&context));
                    Ok(to_json(&projected, args.compact)?)
                }
            }
        }
        None => Ok(to_json(&run, args.compact)?),
    }
}

fn to_json<T: serde::Serialize>(value: &T, compact: bool) -> serde_json::Result<String> {
    if compact {
        serde_json::to_string(value)
    } else {
        serde_json::to_string_pretty(value)
    }
}
