//! The `mitra-eval` command on real files.

use std::process::Command;

use serde_json::Value;

const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../server/demo");
const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");

fn eval(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_mitra-eval")).args(args).output().unwrap();
    (out.status.success(), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

#[test]
fn one_partner_from_json_files() {
    let (ok, out, err) = eval(&[
        "--program",
        &format!("{DEMO}/program.json"),
        "--partners",
        &format!("{DEMO}/partners.json"),
        "--facts",
        &format!("{DEMO}/facts.json"),
        "--as-of",
        "2026-11-15",
        "--partner",
        "sinar-jaya",
    ]);
    assert!(ok, "{err}");
    let st: Value = serde_json::from_str(&out).unwrap();
    // Q4: 40.5 M × 0.1 % = 40,500 poin (worked out in crates/scheme/tests/golden.rs).
    assert_eq!(st["schemes"][0]["periods"][3]["payout"], "40500");
    assert_eq!(st["totals"]["points"], "166500");
}

#[test]
fn the_population_from_csv_files() {
    let (ok, out, err) = eval(&[
        "--program",
        &format!("{DEMO}/program.json"),
        "--partners",
        &format!("{DATA}/partners.csv"),
        "--facts",
        &format!("{DATA}/facts.csv"),
        "--as-of",
        "2026-11-15",
        "--compact",
    ]);
    assert!(ok, "{err}");
    assert_eq!(out.lines().count(), 1);
    let pop: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(pop["partners"][0]["schemes"][0]["periods"][3]["payout"], "40500");
    // Bangun Warna here has only the 75 M sale: 75 M × 0.15 % = 112,500; no tier (75 M < 150 M).
    assert_eq!(pop["partners"][1]["schemes"][0]["periods"][3]["payout"], "112500");
    assert_eq!(pop["schemes"][1]["total"], "26000"); // SPIF: 6,000 + min(25,000, cap 20,000)
}

#[test]
fn every_bad_csv_row_is_reported_with_its_line() {
    let (ok, out, err) = eval(&[
        "--program",
        &format!("{DEMO}/program.json"),
        "--partners",
        &format!("{DATA}/partners.csv"),
        "--facts",
        &format!("{DATA}/bad-facts.csv"),
        "--as-of",
        "2026-11-15",
    ]);
    assert!(!ok);
    assert!(out.is_empty());
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 4, "{err}");
    assert!(lines[0].contains("line 3: `date`"), "{err}");
    assert!(lines[1].contains("line 4: `sku` is required"), "{err}");
    assert!(lines[2].contains("line 5: unknown kind `gift`"), "{err}");
    assert!(lines[3].contains("line 6: `units`"), "{err}");
}

#[test]
fn an_invalid_program_names_the_problem() {
    let dir = std::env::temp_dir().join(format!("mitra-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("program.json");
    let mut program: Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{DEMO}/program.json")).unwrap()).unwrap();
    program["schemes"][0]["payout"]["slabs"][1]["from"] = "0".into();
    std::fs::write(&path, program.to_string()).unwrap();
    let (ok, _, err) = eval(&[
        "--program",
        path.to_str().unwrap(),
        "--partners",
        &format!("{DEMO}/partners.json"),
        "--facts",
        &format!("{DEMO}/facts.json"),
        "--as-of",
        "2026-11-15",
    ]);
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(!ok);
    assert!(err.contains("scheme q-sales: payout.slabs[1].from: bounds must ascend: 0 follows 0"), "{err}");
}

/// A scratch folder for one test's files, removed when dropped.
struct Scratch(std::path::PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("mitra-cli-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn file(&self, name: &str, text: &str) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_string()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn demo_args<'a>(program: &'a str, partners: &'a str, facts: &'a str) -> Vec<&'a str> {
    vec!["--program", program, "--partners", partners, "--facts", facts, "--as-of", "2026-11-15"]
}

#[test]
fn what_if_prints_the_projection_and_the_differences() {
    let dir = Scratch::new("what-if");
    // Sinar Jaya sells 9.5 M more of an interior paint in Q4: 40.5 M → 50 M reaches slab 2, so
    // Q4 pays 0.15 % × 50 M = 75,000 instead of 0.1 % × 40.5 M = 40,500: +34,500 poin; the MDF
    // accrues 2 % × 9.5 M = +190,000; the SPIF (WS-ULTRA-20L only) does not move.
    let csv = dir.file(
        "extra.csv",
        "kind,partner,date,invoice,sku,category,units,value,course,referred,scheme,period\n\
         sale,sinar-jaya,2026-11-14,WHATIF-1,EM-5L,interior,10,9500000,,,,\n",
    );
    let json = dir.file(
        "extra.json",
        r#"[{"kind":"sale","partner":"sinar-jaya","date":"2026-11-14","sku":"EM-5L","category":"interior","units":"10","value":"9500000"}]"#,
    );
    let (program, partners, facts) =
        (format!("{DEMO}/program.json"), format!("{DATA}/partners.csv"), format!("{DATA}/facts.csv"));
    for extra in [&csv, &json] {
        let mut args = demo_args(&program, &partners, &facts);
        args.extend(["--partner", "sinar-jaya", "--what-if", extra]);
        let (ok, out, err) = eval(&args);
        assert!(ok, "{err}");
        let w: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(w["difference"]["q-sales"], "34500", "{extra}");
        assert_eq!(w["difference"]["mdf"], "190000");
        assert_eq!(w["difference"]["spif-ultra"], "0");
        assert_eq!(
            (&w["total_difference"]["points"], &w["total_difference"]["fund"], &w["total_difference"]["cash"]),
            (&Value::from("34500"), &Value::from("190000"), &Value::from("0"))
        );
        assert_eq!(w["statement"]["schemes"][0]["periods"][3]["payout"], "75000");
    }
    // Hypothetical facts of another partner are refused, naming it.
    let other = dir.file(
        "other.csv",
        "kind,partner,date,invoice,sku,category,units,value,course,referred,scheme,period\n\
         sale,depo-medan,2026-11-14,X,EM-5L,interior,1,100,,,,\n",
    );
    let mut args = demo_args(&program, &partners, &facts);
    args.extend(["--partner", "sinar-jaya", "--what-if", &other]);
    let (ok, _, err) = eval(&args);
    assert!(!ok && err.contains("one names `depo-medan`"), "{err}");
    // A what-if needs a partner.
    let mut args = demo_args(&program, &partners, &facts);
    args.extend(["--what-if", &csv]);
    assert!(!eval(&args).0);
}

#[test]
fn empty_files_are_refused_naming_the_file() {
    let dir = Scratch::new("empty");
    let (program, partners, facts) =
        (format!("{DEMO}/program.json"), format!("{DATA}/partners.csv"), format!("{DATA}/facts.csv"));
    for name in ["program.json", "partners.json", "partners.csv", "facts.json", "facts.csv"] {
        let empty = dir.file(name, if name.ends_with("csv") { "" } else { " \n" });
        let args = match name {
            "program.json" => demo_args(&empty, &partners, &facts),
            n if n.starts_with("partners") => demo_args(&program, &empty, &facts),
            _ => demo_args(&program, &partners, &empty),
        };
        let (ok, out, err) = eval(&args);
        assert!(!ok && out.is_empty(), "{name}");
        assert!(err.contains(&format!("{empty}: the file is empty")), "{name}: {err}");
    }
}

#[test]
fn a_missing_or_wrong_csv_header_is_refused_naming_the_columns() {
    let dir = Scratch::new("header");
    let (program, partners) = (format!("{DEMO}/program.json"), format!("{DATA}/partners.csv"));
    // No header at all: the first sale is read as one, and refused.
    let headless = dir.file("facts.csv", "sale,sinar-jaya,2026-10-05,SJ-1005,WS-20L,exterior,20,25000000,,,,\n");
    let (ok, _, err) = eval(&demo_args(&program, &partners, &headless));
    assert!(!ok);
    assert!(
        err.contains("line 1 must be the header `kind,partner,date,invoice,sku,category,units,value,course,referred,scheme,period`"),
        "{err}"
    );
    // A misspelt column is named, as is the one it should have been.
    let typo = dir.file("partners.csv", "id,name,type,region,segmnet,enrolled\nx,X,dealer,Bali,retail,2025-01-01\n");
    let (ok, _, err) = eval(&demo_args(&program, &typo, &format!("{DATA}/facts.csv")));
    assert!(!ok);
    assert!(err.contains("`segmnet` is not a column"), "{err}");
    // Leaving out the optional partner columns is fine.
    let short = dir.file("short.csv", "id,name,type,region,enrolled\nsinar-jaya,S,dealer,Bali,2025-01-01\n");
    let (ok, _, err) = eval(&demo_args(&program, &short, &format!("{DATA}/facts.csv")));
    assert!(ok, "{err}");
}

#[test]
fn negative_targets_and_spend_and_mixed_sign_sales_are_refused() {
    let dir = Scratch::new("checks");
    let (program, partners) = (format!("{DEMO}/program.json"), format!("{DATA}/partners.csv"));
    let csv = dir.file(
        "facts.csv",
        "kind,partner,date,invoice,sku,category,units,value,course,referred,scheme,period\n\
         target,sinar-jaya,,,,,,-5000000,,,q-sales,2026-Q4\n\
         target,sinar-jaya,,,,,,0,,,q-sales,2026-Q3\n\
         marketing_spend,sinar-jaya,2026-10-01,,,,,-100,,,mdf,\n\
         sale,sinar-jaya,2026-10-05,SJ-1,WS-20L,exterior,5,-1000,,,,\n",
    );
    let (ok, _, err) = eval(&demo_args(&program, &partners, &csv));
    assert!(!ok);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 3, "{err}");
    assert!(lines[0].contains("line 2: `value`: a target cannot be negative (-5000000)"), "{err}");
    assert!(lines[1].contains("line 4: `value`: approved spend cannot be negative"), "{err}");
    assert!(lines[2].contains("line 5: `units`: units (5) and value (-1000) must have the same sign"), "{err}");
    let json = dir.file(
        "facts.json",
        r#"[{"kind":"target","partner":"sinar-jaya","scheme":"q-sales","period":"2026-Q4","value":"-1"}]"#,
    );
    let (ok, _, err) = eval(&demo_args(&program, &partners, &json));
    assert!(!ok && err.contains("fact 1: `value`: a target cannot be negative (-1)"), "{err}");
}
