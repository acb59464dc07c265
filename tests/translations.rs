//! Every text the portal shows exists in every language: the same keys, with the same
//! parameters, none empty; and errors are worded from their code in the reader's language.

#![cfg(target_arch = "wasm32")]

use std::collections::{BTreeMap, BTreeSet};

use mitra::api::ApiError;
use mitra::locale::{error_text, Locale};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const FILES: [(&str, &str); 4] = [
    ("en", include_str!("../locales/en.json")),
    ("id", include_str!("../locales/id.json")),
    ("ms", include_str!("../locales/ms.json")),
    ("nl", include_str!("../locales/nl.json")),
];

/// The `{{ name }}` parameters of a translation.
fn parameters(text: &str) -> BTreeSet<String> {
    text.split("{{").skip(1).filter_map(|rest| rest.split_once("}}")).map(|(name, _)| name.trim().to_string()).collect()
}

fn table(json: &str) -> BTreeMap<String, String> {
    serde_json::from_str(json).expect("a locale file is a flat JSON object of strings")
}

#[wasm_bindgen_test]
fn every_key_exists_in_every_language_with_the_same_parameters() {
    let english = table(FILES[0].1);
    assert!(english.len() > 50);
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

#[wasm_bindgen_test]
fn errors_are_worded_by_code_not_by_the_servers_message() {
    let refused = ApiError {
        code: "too_many_attempts".into(),
        message: "too many failed sign-ins (server English)".into(),
        details: Some(serde_json::json!({ "minutes": 15 })),
    };
    assert_eq!(
        error_text(Locale::Id, &refused),
        "Terlalu banyak percobaan masuk yang gagal. Tunggu 15 menit atau atur ulang kata sandi Anda."
    );
    assert_eq!(
        error_text(Locale::Nl, &refused),
        "Te veel mislukte aanmeldpogingen. Wacht 15 minuten of stel uw wachtwoord opnieuw in."
    );
    let wrong = ApiError::local("invalid_credentials", "wrong email or password");
    assert_eq!(error_text(Locale::Ms, &wrong), "E-mel atau kata laluan salah.");
    // A code the app does not know yet is still worded, naming the code.
    let unknown = ApiError::local("brand_new_refusal", "whatever");
    assert_eq!(error_text(Locale::En, &unknown), "The server refused the request (brand_new_refusal).");
}
