//! Generates the designer's `i18n` module from the translations in `locales/` (leptos_i18n): every
//! key checked at compile time, parameters included, in English, Bahasa Indonesia, Bahasa
//! Melayu and Nederlands.

use std::error::Error;
use std::path::PathBuf;

use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("OUT_DIR is not set")?).join("i18n");
    let config = Config::new("en")?
        .add_locales(["id", "ms", "nl"])?
        // Explanations and errors are rendered to plain strings with their figures.
        .parse_options(ParseOptions::default().interpolate_display(true));
    let translations = TranslationsInfos::parse(config)?;
    translations.emit_diagnostics();
    translations.rerun_if_locales_changed();
    translations.generate_i18n_module(out)?;
    Ok(())
}
