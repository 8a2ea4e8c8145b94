//! Translations: Swedish first (`locales/sv`), English second (`locales/en`),
//! compiled into the binary.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::LazyLock;

use domain::user::Language;
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader};

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "sv",
        customise: |b| b.set_use_isolating(false),
    };
}

static SV: LazyLock<LanguageIdentifier> = LazyLock::new(|| "sv".parse().expect("valid language id"));
static EN: LazyLock<LanguageIdentifier> = LazyLock::new(|| "en".parse().expect("valid language id"));

fn id(lang: Language) -> &'static LanguageIdentifier {
    match lang {
        Language::Sv => &SV,
        Language::En => &EN,
    }
}

/// The text for `key` in `lang`.
pub fn t(lang: Language, key: &str) -> String {
    LOCALES.lookup(id(lang), key)
}

/// The text for `key` in `lang`, if the key exists.
pub fn try_t(lang: Language, key: &str) -> Option<String> {
    LOCALES.try_lookup(id(lang), key)
}

/// The language for a command-line tool: `LISA_LANG` if set, else English
/// when the first of `LC_ALL`, `LC_MESSAGES` and `LANG` that is set starts
/// with `en`, else Swedish. `var` reads one environment variable.
pub fn from_environment(var: impl Fn(&str) -> Option<String>) -> Language {
    let set = |name: &str| var(name).map(|v| v.trim().to_ascii_lowercase()).filter(|v| !v.is_empty());
    if let Some(v) = set("LISA_LANG") {
        return if v.starts_with("en") { Language::En } else { Language::Sv };
    }
    match ["LC_ALL", "LC_MESSAGES", "LANG"].into_iter().find_map(set) {
        Some(v) if v.starts_with("en") => Language::En,
        _ => Language::Sv,
    }
}

/// The text for `key` with named arguments.
pub fn t_args(lang: Language, key: &str, args: &[(&'static str, String)]) -> String {
    let map: HashMap<Cow<'static, str>, FluentValue> =
        args.iter().map(|(k, v)| (Cow::Borrowed(*k), FluentValue::from(v.clone()))).collect();
    LOCALES.lookup_with_args(id(lang), key, &map)
}

/// Picks the language from an `Accept-Language` header for visitors who are not
/// logged in: English only when it is preferred over Swedish.
pub fn from_accept_language(header: Option<&str>) -> Language {
    let Some(h) = header else { return Language::Sv };
    for part in h.split(',') {
        let tag = part.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        if tag.starts_with("sv") {
            return Language::Sv;
        }
        if tag.starts_with("en") {
            return Language::En;
        }
    }
    Language::Sv
}

#[cfg(test)]
mod tests {
    use super::*;

    // That both languages define the same keys, and every key used exists,
    // is checked over all .ftl files by tests/translations.rs.

    #[test]
    fn the_command_line_language_comes_from_the_environment() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| (*v).to_owned())
        };
        assert_eq!(from_environment(env(&[])), Language::Sv);
        assert_eq!(from_environment(env(&[("LANG", "en_GB.UTF-8")])), Language::En);
        assert_eq!(from_environment(env(&[("LANG", "sv_SE.UTF-8")])), Language::Sv);
        assert_eq!(from_environment(env(&[("LANG", "en_US.UTF-8"), ("LC_ALL", "sv_SE.UTF-8")])), Language::Sv);
        assert_eq!(from_environment(env(&[("LC_MESSAGES", "en_US.UTF-8"), ("LANG", "sv_SE")])), Language::En);
        assert_eq!(from_environment(env(&[("LANG", "en_US.UTF-8"), ("LISA_LANG", "sv")])), Language::Sv);
        assert_eq!(from_environment(env(&[("LISA_LANG", "en")])), Language::En);
        assert_eq!(try_t(Language::En, "cli-not-found").as_deref(), Some("no such record"));
        assert_eq!(try_t(Language::Sv, "cli-no-such-key"), None);
    }

    #[test]
    fn lookups_work_in_both_languages() {
        assert_eq!(t(Language::Sv, "nav-orgs"), "Organisationer");
        assert_eq!(t(Language::En, "nav-orgs"), "Organisations");
        assert_eq!(from_accept_language(Some("en-GB,en;q=0.9,sv;q=0.8")), Language::En);
        assert_eq!(from_accept_language(Some("sv-SE,sv;q=0.9,en;q=0.5")), Language::Sv);
        assert_eq!(from_accept_language(None), Language::Sv);
    }
}
