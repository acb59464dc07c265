//! Every text the designer shows exists in every language: the same keys, with the same
//! parameters, none empty; and every problem the evaluator's validation reports has its words.

#![cfg(target_arch = "wasm32")]

use std::collections::{BTreeMap, BTreeSet};

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const FILES: [(&str, &str); 4] = [
    ("en", include_str!("../locales/en.json")),
    ("id", include_str!("../locales/id.json")),
    ("ms", include_str!("../locales/ms.json")),
    ("nl", include_str!("../locales/nl.json")),
];

fn parameters(text: &str) -> BTreeSet<String> {
    text.split("{{").skip(1).filter_map(|rest| rest.split_once("}}")).map(|(name, _)| name.trim().to_string()).collect()
}

fn table(json: &str) -> BTreeMap<String, String> {
    serde_json::from_str(json).expect("a locale file is a flat JSON object of strings")
}

#[wasm_bindgen_test]
fn every_key_exists_in_every_language_with_the_same_parameters() {
    let english = table(FILES[0].1);
    assert!(english.len() > 100);
    for (code, json) in FILES {
        let other = table(json);
        let missing: Vec<&String> = english.keys().filter(|k| !other.contains_key(*k)).collect();
        let extra: Vec<&String> = other.keys().filter(|k| !english.contains_key(*k)).collect();
        assert!(missing.is_empty() && extra.is_empty(), "{code}: missing {missing:?}, not in English {extra:?}");
        for (key, text) in &other {
            assert!(!text.trim().is_empty(), "{code}: `{key}` is empty");
            assert_eq!(parameters(text), parameters(&english[key]), "{code}: `{key}` has other parameters");
        }
    }
}

/// The problem codes `validate` can report (crates/scheme/src/validate.rs), each with words.
#[wasm_bindgen_test]
fn every_validation_problem_has_words() {
    let source = include_str!("../../scheme/src/validate.rs");
    let english = table(FILES[0].1);
    // Each `e.add(field, "code", …)`: the code is the second argument.
    let mut codes = BTreeSet::new();
    for call in source.split("e.add(").skip(1) {
        let quoted: Vec<&str> = call.split('"').collect();
        // The field is a literal (`"cap"`, `format!("…")`) or a variable (`field`).
        let literal_field = call.trim_start().starts_with('"') || call.trim_start().starts_with("format!(\"");
        let at = if literal_field { 3 } else { 1 };
        if let Some(code) = quoted.get(at).filter(|c| c.chars().all(|ch| ch.is_ascii_lowercase() || ch == '_')) {
            codes.insert(code.to_string());
        }
    }
    assert!(codes.len() >= 10, "codes read from validate.rs: {codes:?}");
    let missing: Vec<&String> = codes.iter().filter(|c| !english.contains_key(&format!("problem_{c}"))).collect();
    assert!(missing.is_empty(), "problems without words: {missing:?}");
}
