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
