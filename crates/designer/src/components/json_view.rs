//! The program as JSON, for power users, in sync with the form both ways: an edit here that
//! reads as a program replaces the one being edited at once; one that does not is refused in
//! place (line and column named) and the program is left as it was. Edits made in the form
//! rewrite the text, unless it is the text being typed that produced them.

use leptos::prelude::*;

use mitra_scheme::Program;

use crate::i18n::td_string;
use crate::words::{current, lang, tr};

fn pretty(p: &Program) -> String {
    serde_json::to_string_pretty(p).unwrap_or_default()
}

#[component]
pub fn JsonView(program: RwSignal<Program>) -> impl IntoView {
    let text = RwSignal::new(program.with_untracked(pretty));
    let error = RwSignal::new(None::<(usize, usize)>);
    Effect::new(move || {
        let p = program.get();
        // The text already says this program (it was typed here): leave it, caret and all.
        let same = serde_json::from_str::<Program>(&text.get_untracked()).is_ok_and(|typed| typed == p);
        if !same {
            text.set(pretty(&p));
            error.set(None);
        }
    });
    view! {
        <div class="json-view">
            <label for="program-json">{tr(|l| td_string!(l, json_label).to_string())}</label>
            <textarea id="program-json" data-test="json" spellcheck="false" rows="30"
                aria-describedby="program-json-error" prop:value=text
                on:input=move |ev| {
                    let raw = event_target_value(&ev);
                    text.set(raw.clone());
                    match serde_json::from_str::<Program>(&raw) {
                        Ok(p) => {
                            error.set(None);
                            if program.with_untracked(|q| *q != p) {
                                program.set(p);
                            }
                        }
                        Err(e) => error.set(Some((e.line(), e.column()))),
                    }
                }></textarea>
            <p id="program-json-error" class="error" role="status" data-test="json-error">
                {move || error.get().map(|(line, column)| td_string!(lang(current()), json_unreadable, line = line, column = column).to_string())}
            </p>
        </div>
    }
}
