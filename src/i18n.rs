//! The languages the portal speaks, and the reader's choice (kept in the browser).

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Locale {
    #[default]
    En,
    Id,
    Ms,
    Nl,
}

impl Locale {
    pub const ALL: [Locale; 4] = [Locale::En, Locale::Id, Locale::Ms, Locale::Nl];

    /// The BCP 47 tag `Intl` formats for.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::En => "en-GB",
            Locale::Id => "id-ID",
            Locale::Ms => "ms-MY",
            Locale::Nl => "nl-NL",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Id => "id",
            Locale::Ms => "ms",
            Locale::Nl => "nl",
        }
    }

    /// The language's own name, for the picker.
    pub fn name(self) -> &'static str {
        match self {
            Locale::En => "English",
            Locale::Id => "Bahasa Indonesia",
            Locale::Ms => "Bahasa Melayu",
            Locale::Nl => "Nederlands",
        }
    }

    pub fn from_code(code: &str) -> Option<Locale> {
        let lang = code.split(['-', '_']).next()?.to_ascii_lowercase();
        Locale::ALL.into_iter().find(|l| l.code() == lang)
    }
}
