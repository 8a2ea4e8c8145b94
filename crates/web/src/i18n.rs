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

    fn keys(src: &str) -> Vec<String> {
        let mut k: Vec<String> = src
            .lines()
            .filter(|l| !l.starts_with(' ') && !l.starts_with('#') && l.contains(" ="))
            .map(|l| l.split(" =").next().unwrap_or("").trim().to_owned())
            .collect();
        k.sort();
        k
    }

    /// Every key of a language, from all its files.
    fn all_keys(lang: &str) -> Vec<String> {
        let dir = format!("{}/locales/{lang}", env!("CARGO_MANIFEST_DIR"));
        let mut text = String::new();
        for f in std::fs::read_dir(dir).unwrap() {
            let path = f.unwrap().path();
            if path.extension().is_some_and(|e| e == "ftl") {
                text.push_str(&std::fs::read_to_string(&path).unwrap());
                text.push('\n');
            }
        }
        keys(&text)
    }

    /// The files of `dir` and its subfolders.
    fn files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for f in std::fs::read_dir(dir).unwrap() {
            let path = f.unwrap().path();
            if path.is_dir() {
                files(&path, out);
            } else {
                out.push(path);
            }
        }
    }

    #[test]
    fn swedish_and_english_have_the_same_keys() {
        let sv = all_keys("sv");
        let en = all_keys("en");
        check_same_keys(sv, en);
    }

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

    fn check_same_keys(sv: Vec<String>, en: Vec<String>) {
        let only_sv: Vec<_> = sv.iter().filter(|k| !en.contains(k)).collect();
        let only_en: Vec<_> = en.iter().filter(|k| !sv.contains(k)).collect();
        assert!(only_sv.is_empty() && only_en.is_empty(), "only sv: {only_sv:?}, only en: {only_en:?}");
        let mut dedup = sv.clone();
        dedup.dedup();
        assert_eq!(dedup.len(), sv.len(), "a key is defined twice");
    }

    #[test]
    fn every_key_used_in_code_and_templates_exists() {
        let sv = all_keys("sv");
        let root = concat!(env!("CARGO_MANIFEST_DIR"));
        let mut missing = Vec::new();
        for dir in ["src", "templates"] {
            let mut paths = Vec::new();
            files(&std::path::Path::new(root).join(dir), &mut paths);
            for path in paths {
                let text = std::fs::read_to_string(&path).unwrap();
                for (pos, _) in text.match_indices("t(\"") {
                    if pos > 0 && (text.as_bytes()[pos - 1].is_ascii_alphanumeric() || text.as_bytes()[pos - 1] == b'_')
                    {
                        continue;
                    }
                    let key = text[pos + 3..].split('"').next().unwrap();
                    if key.chars().all(|c| c.is_ascii_lowercase() || c == '-' || c.is_ascii_digit())
                        && !key.is_empty()
                        && !sv.iter().any(|k| k == key)
                    {
                        missing.push(format!("{}: {key}", path.display()));
                    }
                }
            }
        }
        assert!(missing.is_empty(), "keys without translation: {missing:#?}");
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
