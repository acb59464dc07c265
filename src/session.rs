//! The signed-in session, shared by every page and kept in the browser's local storage so a
//! reload keeps the partner signed in.

use leptos::prelude::*;

use crate::api::{ProgramName, Session};
use crate::locale::Locale;

const SESSION_KEY: &str = "mitra.session";
const LOCALE_KEY: &str = "mitra.locale";
const PROGRAM_KEY: &str = "mitra.program";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// App-wide state: the session and the reader's language.
#[derive(Clone, Copy)]
pub struct AppState {
    pub session: RwSignal<Option<Session>>,
    pub locale: RwSignal<Locale>,
    /// Set when the server ended the session (expired, signed out elsewhere): the sign-in page
    /// says so.
    pub session_ended: RwSignal<bool>,
    /// The program the reader chose in the header (kept across reloads); the first of theirs
    /// when unset or not theirs.
    pub program: RwSignal<Option<String>>,
    /// The programs the signed-in user takes part in, once loaded.
    pub programs: RwSignal<Vec<ProgramName>>,
}

impl AppState {
    pub fn load() -> Self {
        let session = storage()
            .and_then(|s| s.get_item(SESSION_KEY).ok().flatten())
            .and_then(|json| serde_json::from_str(&json).ok());
        let locale = storage()
            .and_then(|s| s.get_item(LOCALE_KEY).ok().flatten())
            .and_then(|c| Locale::from_code(&c))
            .or_else(|| web_sys::window()?.navigator().language().and_then(|l| Locale::from_code(&l)))
            .unwrap_or_default();
        let program = storage().and_then(|s| s.get_item(PROGRAM_KEY).ok().flatten());
        AppState {
            session: RwSignal::new(session),
            locale: RwSignal::new(locale),
            session_ended: RwSignal::new(false),
            program: RwSignal::new(program),
            programs: RwSignal::new(Vec::new()),
        }
    }

    pub fn set_session(&self, session: Option<Session>) {
        if session.is_none() {
            crate::api::forget_offline_copies();
        }
        if let Some(s) = storage() {
            let _ = match &session {
                Some(v) => s.set_item(SESSION_KEY, &serde_json::to_string(v).unwrap_or_default()),
                None => s.remove_item(SESSION_KEY),
            };
        }
        self.session.set(session);
    }

    pub fn set_program(&self, id: String) {
        if let Some(s) = storage() {
            let _ = s.set_item(PROGRAM_KEY, &id);
        }
        self.program.set(Some(id));
    }

    /// Keeps the page's declared language (`<html lang>`) the reader's: a screen reader
    /// pronounces the page in it, and the browser hyphenates and breaks its words by it.
    pub fn declare_language(&self) {
        let locale = self.locale;
        Effect::new(move |_| {
            let code = locale.get().code();
            if let Some(root) = document().document_element() {
                let _ = root.set_attribute("lang", code);
            }
        });
    }

    pub fn set_locale(&self, locale: Locale) {
        if let Some(s) = storage() {
            let _ = s.set_item(LOCALE_KEY, locale.code());
        }
        self.locale.set(locale);
    }
}
