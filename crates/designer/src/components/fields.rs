//! Form fields bound to a part of the program being edited: each shows its label, the
//! validation problems at its path, and refuses (in place) a text that is no number or date,
//! leaving the program unchanged until it reads.

use chrono::NaiveDate;
use leptos::prelude::*;
use rust_decimal::Decimal;

use mitra::format::parse_amount;
use mitra::locale::Locale;

use super::problems::{at, FieldProblems};
use crate::i18n::td_string;
use crate::words::{current, lang};

static NEXT_ID: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// A unique element id for a field and its problems.
fn field_id() -> String {
    format!("f{}", NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
}

/// A decimal as the reader types it: the locale's decimal separator, no grouping.
pub fn decimal_text(locale: Locale, d: Decimal) -> String {
    let s = d.to_string();
    match locale {
        Locale::Id | Locale::Nl => s.replace('.', ","),
        Locale::En | Locale::Ms => s,
    }
}

/// The label, the control, the problems at `path` and a local complaint.
fn shell(
    label: Signal<String>,
    path: &str,
    id: String,
    local: Signal<Option<String>>,
    control: impl IntoView,
) -> impl IntoView {
    let problems = at(path);
    let describe = format!("{id}-problems");
    view! {
        <div class="field" class:invalid=move || !problems.with(Vec::is_empty) || local.with(Option::is_some) data-path=path.to_string()>
            <label for=id>{label}</label>
            {control}
            {move || local.get().map(|m| view! { <p class="error" data-test="field-error">{m}</p> })}
            <FieldProblems id=describe problems=problems/>
        </div>
    }
}

#[component]
pub fn TextField(
    #[prop(into)] label: Signal<String>,
    #[prop(into)] path: String,
    #[prop(into)] value: Signal<String>,
    #[prop(into)] set: Callback<String>,
) -> impl IntoView {
    let id = field_id();
    let control = view! {
        <input id=id.clone() type="text" prop:value=value aria-describedby=format!("{id}-problems")

            on:input=move |ev| set.run(event_target_value(&ev))/>
    };
    shell(label, &path, id, Signal::derive(|| None), control)
}

/// A comma-separated list of short texts (SKUs, categories).
#[component]
pub fn ListField(
    #[prop(into)] label: Signal<String>,
    #[prop(into)] path: String,
    #[prop(into)] value: Signal<Vec<String>>,
    #[prop(into)] set: Callback<Vec<String>>,
) -> impl IntoView {
    let id = field_id();
    let text = RwSignal::new(value.get_untracked().join(", "));
    Effect::new(move || {
        let v = value.get();
        if split(&text.get_untracked()) != v {
            text.set(v.join(", "));
        }
    });
    let control = view! {
        <input id=id.clone() type="text" prop:value=text aria-describedby=format!("{id}-problems")
            on:input=move |ev| {
                let raw = event_target_value(&ev);
                text.set(raw.clone());
                set.run(split(&raw));
            }/>
    };
    shell(label, &path, id, Signal::derive(|| None), control)
}

fn split(text: &str) -> Vec<String> {
    text.split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect()
}

/// A decimal (rate, amount, bound) typed in the reader's format.
#[component]
pub fn DecimalField(
    #[prop(into)] label: Signal<String>,
    #[prop(into)] path: String,
    #[prop(into)] value: Signal<Decimal>,
    #[prop(into)] set: Callback<Decimal>,
) -> impl IntoView {
    let value = Signal::derive(move || Some(value.get()));
    decimal_field(
        label,
        path,
        value,
        false,
        Callback::new(move |v: Option<Decimal>| v.into_iter().for_each(|v| set.run(v))),
    )
}

/// A decimal that may be left empty (a cap, a budget): empty is none.
#[component]
pub fn OptionalDecimalField(
    #[prop(into)] label: Signal<String>,
    #[prop(into)] path: String,
    #[prop(into)] value: Signal<Option<Decimal>>,
    #[prop(into)] set: Callback<Option<Decimal>>,
) -> impl IntoView {
    decimal_field(label, path, value, true, set)
}

/// A decimal typed in the reader's format; when `optional`, an empty text is none.
fn decimal_field(
    label: Signal<String>,
    path: String,
    value: Signal<Option<Decimal>>,
    optional: bool,
    set: Callback<Option<Decimal>>,
) -> impl IntoView {
    let (text, bad) = decimal_text_state(value);
    let id = field_id();
    let control = view! {
        <input id=id.clone() type="text" inputmode="decimal" prop:value=text
            aria-describedby=format!("{id}-problems")
            on:input=move |ev| {
                let raw = event_target_value(&ev);
                text.set(raw.clone());
                let read = if optional && raw.trim().is_empty() { Some(None) } else { parse_amount(current(), &raw).map(Some) };
                bad.set(read.is_none());
                if let Some(v) = read {
                    set.run(v);
                }
            }/>
    };
    shell(label, &path, id, complaint(bad), control)
}

/// The text shown in a decimal field: what the reader typed while it reads as the program's
/// value, else the value (changed elsewhere: the JSON view, another language).
fn decimal_text_state(value: Signal<Option<Decimal>>) -> (RwSignal<String>, RwSignal<bool>) {
    let state = expect_context::<mitra::session::AppState>();
    let show = move |v: Option<Decimal>| v.map(|d| decimal_text(state.locale.get_untracked(), d)).unwrap_or_default();
    let text = RwSignal::new(show(value.get_untracked()));
    let bad = RwSignal::new(false);
    Effect::new(move || {
        let v = value.get();
        state.locale.track();
        let typed = text.get_untracked();
        let reads = if typed.trim().is_empty() { None } else { parse_amount(state.locale.get_untracked(), &typed) };
        if reads != v || bad.get_untracked() && v.is_some() && reads.is_none() {
            text.set(show(v));
            bad.set(false);
        }
    });
    (text, bad)
}

fn complaint(bad: RwSignal<bool>) -> Signal<Option<String>> {
    Signal::derive(move || bad.get().then(|| td_string!(lang(current()), not_a_number).to_string()))
}

#[component]
pub fn DateField(
    #[prop(into)] label: Signal<String>,
    #[prop(into)] path: String,
    #[prop(into)] value: Signal<NaiveDate>,
    #[prop(into)] set: Callback<NaiveDate>,
) -> impl IntoView {
    let id = field_id();
    let control = view! {
        <input id=id.clone() type="date" prop:value=move || value.get().to_string()
            aria-describedby=format!("{id}-problems")
            on:change=move |ev| {
                if let Ok(d) = event_target_value(&ev).parse() {
                    set.run(d);
                }
            }/>
    };
    shell(label, &path, id, Signal::derive(|| None), control)
}

/// A choice among fixed options: `(value, words)`.
#[component]
pub fn SelectField(
    #[prop(into)] label: Signal<String>,
    #[prop(into)] path: String,
    options: Vec<(&'static str, Signal<String>)>,
    #[prop(into)] value: Signal<String>,
    #[prop(into)] set: Callback<String>,
) -> impl IntoView {
    let id = field_id();
    let control = view! {
        <select id=id.clone() aria-describedby=format!("{id}-problems") on:change=move |ev| set.run(event_target_value(&ev))>
            {options.into_iter().map(|(v, words)| view! {
                <option value=v selected=move || value.get() == v>{words}</option>
            }).collect_view()}
        </select>
    };
    shell(label, &path, id, Signal::derive(|| None), control)
}

#[component]
pub fn CheckField(
    #[prop(into)] label: Signal<String>,
    #[prop(into)] path: String,
    #[prop(into)] value: Signal<bool>,
    #[prop(into)] set: Callback<bool>,
) -> impl IntoView {
    let id = field_id();
    view! {
        <div class="field check" data-path=path>
            <input id=id.clone() type="checkbox" prop:checked=value on:change=move |ev| set.run(event_target_checked(&ev))/>
            <label for=id>{label}</label>
        </div>
    }
}

/// Words that follow the reader's language, as a signal (for labels).
pub fn words(f: fn(crate::i18n::Locale) -> String) -> Signal<String> {
    Signal::derive(move || f(lang(current())))
}
