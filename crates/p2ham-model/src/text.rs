//! Bilingual text and the language choice.

use serde::{Deserialize, Serialize};

/// Text shown to people: Indonesian required, English optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Text {
    /// Indonesian (Bahasa Indonesia), the official language.
    pub id: String,
    /// English, when a translation is available.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
}

impl Text {
    /// Text in Indonesian only.
    pub fn id(id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            en: None,
        }
    }

    /// Text in both languages.
    pub fn bilingual(id: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            en: Some(en.into()),
        }
    }

    /// The text in `lang`, falling back to Indonesian when no English is given.
    pub fn get(&self, lang: Lang) -> &str {
        match (lang, &self.en) {
            (Lang::En, Some(en)) if !en.trim().is_empty() => en,
            _ => &self.id,
        }
    }
}

/// The language of a human-readable report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Bahasa Indonesia (default).
    #[default]
    Id,
    /// English.
    En,
}

impl Lang {
    /// Pick the Indonesian or the English of a fixed phrase.
    pub fn pick<'a>(self, id: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Id => id,
            Lang::En => en,
        }
    }
}
