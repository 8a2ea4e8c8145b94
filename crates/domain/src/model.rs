//! The follow-up model (uppföljningsmodell): areas, questions, answer options
//! with points, levels and their thresholds. Models are data, read from a
//! documented TOML format (`docs/model-format.md`); a bad file is refused as a
//! whole with every error named by line and field.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::user::Language;

/// A text in Swedish and (optionally) English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Text {
    pub sv: String,
    #[serde(default)]
    pub en: String,
}

impl Text {
    /// The text in `lang`, Swedish where no English is given.
    pub fn get(&self, lang: Language) -> &str {
        match lang {
            Language::En if !self.en.trim().is_empty() => &self.en,
            _ => &self.sv,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LevelDef {
    pub level: u8,
    pub threshold: f64,
    pub name: Text,
    pub description: Text,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AnswerOption {
    pub id: String,
    pub points: u32,
    pub text: Text,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Area {
    pub id: String,
    pub name: Text,
    pub description: Text,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Question {
    pub id: String,
    pub area: String,
    pub level: u8,
    pub must: bool,
    pub not_applicable: bool,
    pub text: Text,
    pub guidance: Text,
    pub action: Text,
    pub references: Vec<String>,
    pub options: Vec<AnswerOption>,
}

impl Question {
    /// The highest points of its options: the points of a met question.
    pub fn max_points(&self) -> u32 {
        self.options.iter().map(|o| o.points).max().unwrap_or(0)
    }

    pub fn option(&self, id: &str) -> Option<&AnswerOption> {
        self.options.iter().find(|o| o.id == id)
    }
}

/// A parsed, valid model.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Model {
    pub key: String,
    pub version: u32,
    pub name: Text,
    pub description: Text,
    /// Levels 1–4, in order.
    pub levels: Vec<LevelDef>,
    pub areas: Vec<Area>,
    pub questions: Vec<Question>,
}

impl Model {
    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }

    pub fn area(&self, id: &str) -> Option<&Area> {
        self.areas.iter().find(|a| a.id == id)
    }

    pub fn level(&self, level: u8) -> Option<&LevelDef> {
        self.levels.iter().find(|l| l.level == level)
    }

    /// Where a question stands, for a reader: its area and its number within
    /// the area (from 1, in file order), as the self-assessment shows it.
    pub fn question_place(&self, id: &str) -> Option<(&Area, usize)> {
        let q = self.question(id)?;
        let n = self.questions_in(&q.area).position(|x| x.id == id)? + 1;
        Some((self.area(&q.area)?, n))
    }

    /// The questions of an area, in file order.
    pub fn questions_in<'a>(&'a self, area: &'a str) -> impl Iterator<Item = &'a Question> + 'a {
        self.questions.iter().filter(move |q| q.area == area)
    }
}

/// One error in a model file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ModelError {
    /// 1-based line, 0 when the error concerns the file as a whole.
    pub line: usize,
    /// A path such as `questions[3].level`.
    pub field: String,
    /// What is wrong: a translation key (`model-error-…`, argument `detail`).
    pub code: &'static str,
    /// The TOML parser's own description for `model-error-toml`; otherwise empty.
    pub detail: String,
}

impl ModelError {
    /// The translation key of where the error is: by line and field, line,
    /// field or nowhere (arguments `line`, `field` and `message`).
    pub fn place_key(&self) -> &'static str {
        match (self.line, self.field.is_empty()) {
            (0, true) => "model-error-at-file",
            (0, false) => "model-error-at-field",
            (_, true) => "model-error-at-line",
            (_, false) => "model-error-at-line-field",
        }
    }
}

/// For logs only: the key instead of the message.
impl std::fmt::Display for ModelError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}, {}: {}", self.line, self.field, self.code)?;
        if !self.detail.is_empty() {
            write!(f, " ({})", self.detail)?;
        }
        Ok(())
    }
}

// The file as written, with spans for line numbers.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    model: Spanned<RawModel>,
    #[serde(default)]
    levels: Vec<Spanned<RawLevel>>,
    #[serde(default)]
    scale: Vec<Spanned<RawOption>>,
    #[serde(default)]
    areas: Vec<Spanned<RawArea>>,
    #[serde(default)]
    questions: Vec<Spanned<RawQuestion>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawModel {
    key: Spanned<String>,
    version: Spanned<i64>,
    name: Spanned<Text>,
    #[serde(default)]
    description: Text,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLevel {
    level: Spanned<i64>,
    threshold: Spanned<f64>,
    name: Spanned<Text>,
    #[serde(default)]
    description: Text,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOption {
    id: Spanned<String>,
    points: Spanned<i64>,
    text: Spanned<Text>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawArea {
    id: Spanned<String>,
    name: Spanned<Text>,
    #[serde(default)]
    description: Text,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    id: Spanned<String>,
    area: Spanned<String>,
    level: Spanned<i64>,
    #[serde(default)]
    must: bool,
    #[serde(default)]
    not_applicable: bool,
    text: Spanned<Text>,
    guidance: Spanned<Text>,
    action: Spanned<Text>,
    #[serde(default)]
    references: Vec<String>,
    #[serde(default)]
    options: Vec<Spanned<RawOption>>,
}

fn line_of(src: &str, offset: usize) -> usize {
    src[..offset.min(src.len())].bytes().filter(|b| *b == b'\n').count() + 1
}

fn valid_id(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

struct Checker<'a> {
    src: &'a str,
    errors: Vec<ModelError>,
}

impl Checker<'_> {
    fn err<T>(&mut self, at: &Spanned<T>, field: String, code: &'static str) {
        self.errors.push(ModelError { line: line_of(self.src, at.span().start), field, code, detail: String::new() });
    }

    fn text(&mut self, t: &Spanned<Text>, field: String) {
        if t.get_ref().sv.trim().is_empty() {
            self.err(t, format!("{field}.sv"), "model-error-text-sv-missing");
        }
    }

    fn options(&mut self, opts: &[Spanned<RawOption>], field: &str) -> Vec<AnswerOption> {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for (i, o) in opts.iter().enumerate() {
            let f = format!("{field}[{i}]");
            let r = o.get_ref();
            if !valid_id(r.id.get_ref()) {
                self.err(&r.id, format!("{f}.id"), "model-error-id-format");
            } else if !seen.insert(r.id.get_ref().clone()) {
                self.err(&r.id, format!("{f}.id"), "model-error-option-duplicate");
            }
            if !(0..=1000).contains(r.points.get_ref()) {
                self.err(&r.points, format!("{f}.points"), "model-error-points");
            }
            self.text(&r.text, format!("{f}.text"));
            out.push(AnswerOption {
                id: r.id.get_ref().clone(),
                points: (*r.points.get_ref()).clamp(0, 1000) as u32,
                text: r.text.get_ref().clone(),
            });
        }
        out
    }
}

/// Parses and checks a model file; every error is returned, or the model.
pub fn parse_model(src: &str) -> Result<Model, Vec<ModelError>> {
    let raw: RawFile = toml::from_str(src).map_err(|e| {
        let line = e.span().map(|s| line_of(src, s.start)).unwrap_or(0);
        vec![ModelError { line, field: String::new(), code: "model-error-toml", detail: e.message().to_owned() }]
    })?;
    let mut c = Checker { src, errors: Vec::new() };

    let m = raw.model.get_ref();
    if !valid_id(m.key.get_ref()) {
        c.err(&m.key, "model.key".into(), "model-error-key-format");
    }
    if !(1..=1_000_000).contains(m.version.get_ref()) {
        c.err(&m.version, "model.version".into(), "model-error-version");
    }
    c.text(&m.name, "model.name".into());

    let mut levels = Vec::new();
    for (i, l) in raw.levels.iter().enumerate() {
        let r = l.get_ref();
        let lv = *r.level.get_ref();
        if !(1..=4).contains(&lv) {
            c.err(&r.level, format!("levels[{i}].level"), "model-error-level-range");
        } else if levels.iter().any(|x: &LevelDef| i64::from(x.level) == lv) {
            c.err(&r.level, format!("levels[{i}].level"), "model-error-level-duplicate");
        }
        let t = *r.threshold.get_ref();
        if !(t > 0.0 && t <= 1.0) {
            c.err(&r.threshold, format!("levels[{i}].threshold"), "model-error-threshold");
        }
        c.text(&r.name, format!("levels[{i}].name"));
        levels.push(LevelDef {
            level: lv.clamp(0, 4) as u8,
            threshold: t,
            name: r.name.get_ref().clone(),
            description: r.description.clone(),
        });
    }
    levels.sort_by_key(|l| l.level);
    if levels.iter().map(|l| l.level).collect::<Vec<_>>() != [1, 2, 3, 4] {
        c.errors.push(ModelError {
            line: line_of(src, raw.model.span().start),
            field: "levels".into(),
            code: "model-error-four-levels",
            detail: String::new(),
        });
    }

    let scale = c.options(&raw.scale, "scale");

    let mut areas: Vec<Area> = Vec::new();
    for (i, a) in raw.areas.iter().enumerate() {
        let r = a.get_ref();
        if !valid_id(r.id.get_ref()) {
            c.err(&r.id, format!("areas[{i}].id"), "model-error-id-format");
        } else if areas.iter().any(|x| &x.id == r.id.get_ref()) {
            c.err(&r.id, format!("areas[{i}].id"), "model-error-area-duplicate");
        }
        c.text(&r.name, format!("areas[{i}].name"));
        areas.push(Area {
            id: r.id.get_ref().clone(),
            name: r.name.get_ref().clone(),
            description: r.description.clone(),
        });
    }
    if areas.is_empty() {
        c.errors.push(ModelError {
            line: 0,
            field: "areas".into(),
            code: "model-error-no-areas",
            detail: String::new(),
        });
    }

    let mut questions: Vec<Question> = Vec::new();
    for (i, q) in raw.questions.iter().enumerate() {
        let f = format!("questions[{i}]");
        let r = q.get_ref();
        if !valid_id(r.id.get_ref()) {
            c.err(&r.id, format!("{f}.id"), "model-error-id-format");
        } else if questions.iter().any(|x| &x.id == r.id.get_ref()) {
            c.err(&r.id, format!("{f}.id"), "model-error-question-duplicate");
        }
        if !areas.iter().any(|a| &a.id == r.area.get_ref()) {
            c.err(&r.area, format!("{f}.area"), "model-error-area-unknown");
        }
        if !(1..=4).contains(r.level.get_ref()) {
            c.err(&r.level, format!("{f}.level"), "model-error-level-range");
        }
        c.text(&r.text, format!("{f}.text"));
        c.text(&r.guidance, format!("{f}.guidance"));
        c.text(&r.action, format!("{f}.action"));
        let options = if r.options.is_empty() {
            if scale.is_empty() {
                c.err(q, format!("{f}.options"), "model-error-no-options");
            }
            scale.clone()
        } else {
            c.options(&r.options, &format!("{f}.options"))
        };
        if options.len() < 2 && !scale.is_empty() || !r.options.is_empty() && options.len() < 2 {
            c.err(q, format!("{f}.options"), "model-error-two-options");
        }
        if !options.is_empty() && options.iter().all(|o| o.points == 0) {
            c.err(q, format!("{f}.options"), "model-error-no-points");
        }
        questions.push(Question {
            id: r.id.get_ref().clone(),
            area: r.area.get_ref().clone(),
            level: (*r.level.get_ref()).clamp(0, 4) as u8,
            must: r.must,
            not_applicable: r.not_applicable,
            text: r.text.get_ref().clone(),
            guidance: r.guidance.get_ref().clone(),
            action: r.action.get_ref().clone(),
            references: r.references.clone(),
            options,
        });
    }
    if questions.is_empty() {
        c.errors.push(ModelError {
            line: 0,
            field: "questions".into(),
            code: "model-error-no-questions",
            detail: String::new(),
        });
    }
    for (i, a) in areas.iter().enumerate() {
        if !questions.iter().any(|q| q.area == a.id) {
            c.err(&raw.areas[i], format!("areas[{i}]"), "model-error-area-empty");
        }
    }
    if scale.len() == 1 {
        c.err(&raw.scale[0], "scale".into(), "model-error-scale-two-options");
    }

    if c.errors.is_empty() {
        Ok(Model {
            key: m.key.get_ref().clone(),
            version: *m.version.get_ref() as u32,
            name: m.name.get_ref().clone(),
            description: m.description.clone(),
            levels,
            areas,
            questions,
        })
    } else {
        c.errors.sort_by_key(|e| e.line);
        Err(c.errors)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub const SMALL: &str = r#"
[model]
key = "test"
version = 1
name = { sv = "Testmodell", en = "Test model" }

[[levels]]
level = 1
threshold = 0.5
name = { sv = "Ett" }
[[levels]]
level = 2
threshold = 0.5
name = { sv = "Två" }
[[levels]]
level = 3
threshold = 0.5
name = { sv = "Tre" }
[[levels]]
level = 4
threshold = 0.5
name = { sv = "Fyra" }

[[scale]]
id = "nej"
points = 0
text = { sv = "Nej", en = "No" }
[[scale]]
id = "delvis"
points = 1
text = { sv = "Delvis" }
[[scale]]
id = "ja"
points = 2
text = { sv = "Ja", en = "Yes" }

[[areas]]
id = "a"
name = { sv = "Område A" }
[[areas]]
id = "b"
name = { sv = "Område B" }

[[questions]]
id = "a-1"
area = "a"
level = 1
must = true
text = { sv = "Fråga a-1?" }
guidance = { sv = "Vägledning" }
action = { sv = "Gör a-1" }

[[questions]]
id = "a-2"
area = "a"
level = 2
text = { sv = "Fråga a-2?" }
guidance = { sv = "Vägledning" }
action = { sv = "Gör a-2" }

[[questions]]
id = "b-1"
area = "b"
level = 1
not_applicable = true
text = { sv = "Fråga b-1?" }
guidance = { sv = "Vägledning" }
action = { sv = "Gör b-1" }

[[questions]]
id = "b-2"
area = "b"
level = 2
text = { sv = "Fråga b-2?" }
guidance = { sv = "Vägledning" }
action = { sv = "Gör b-2" }

[[questions]]
id = "b-3"
area = "b"
level = 3
must = true
text = { sv = "Fråga b-3?" }
guidance = { sv = "Vägledning" }
action = { sv = "Gör b-3" }

[[questions]]
id = "a-4"
area = "a"
level = 4
text = { sv = "Fråga a-4?" }
guidance = { sv = "Vägledning" }
action = { sv = "Gör a-4" }
options = [
  { id = "aldrig", points = 0, text = { sv = "Aldrig" } },
  { id = "ibland", points = 3, text = { sv = "Ibland" } },
  { id = "alltid", points = 5, text = { sv = "Alltid" } },
]
"#;

    #[test]
    fn a_question_is_placed_by_its_area_and_number() {
        let m = parse_model(SMALL).unwrap();
        let place = |id: &str| m.question_place(id).map(|(a, n)| (a.id.as_str(), n));
        assert_eq!(place("a-1"), Some(("a", 1)));
        assert_eq!(place("a-4"), Some(("a", 3)), "numbered in file order within the area");
        assert_eq!(place("b-3"), Some(("b", 3)));
        assert_eq!(place("nope"), None);
    }

    #[test]
    fn a_valid_model_parses() {
        let m = parse_model(SMALL).unwrap();
        assert_eq!(m.key, "test");
        assert_eq!(m.levels.len(), 4);
        assert_eq!(m.questions.len(), 6);
        assert_eq!(m.question("a-1").unwrap().options.len(), 3);
        assert_eq!(m.question("a-4").unwrap().max_points(), 5);
        assert_eq!(m.question("a-1").unwrap().text.get(Language::En), "Fråga a-1?");
        assert_eq!(m.name.get(Language::En), "Test model");
    }

    #[test]
    fn every_error_is_named_by_line_and_field() {
        let bad = SMALL
            .replace("level = 2\ntext = { sv = \"Fråga a-2?\" }", "level = 7\ntext = { sv = \"Fråga a-2?\" }")
            .replace("area = \"b\"\nlevel = 2", "area = \"zz\"\nlevel = 2")
            .replace("action = { sv = \"Gör b-3\" }", "action = { sv = \"\" }")
            .replace("id = \"a-4\"", "id = \"a-1\"");
        let errs = parse_model(&bad).unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert!(fields.contains(&"questions[1].level"), "{errs:#?}");
        assert!(fields.contains(&"questions[3].area"), "{errs:#?}");
        assert!(fields.contains(&"questions[4].action.sv"), "{errs:#?}");
        assert!(fields.contains(&"questions[5].id"), "{errs:#?}");
        let level_err = errs.iter().find(|e| e.field == "questions[1].level").unwrap();
        let expected_line = bad.lines().position(|l| l == "level = 7").unwrap() + 1;
        assert_eq!(level_err.line, expected_line);
        assert_eq!((level_err.place_key(), level_err.code), ("model-error-at-line-field", "model-error-level-range"));
        // The Swedish text ("rad N, questions[1].level: …") is checked where it is rendered, in web.
    }

    #[test]
    fn syntax_errors_and_missing_levels_are_reported() {
        let errs = parse_model("[model]\nkey = \"x\"\nversion = \n").unwrap_err();
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].line, 3);
        assert_eq!((errs[0].code, errs[0].place_key()), ("model-error-toml", "model-error-at-line"));
        assert!(!errs[0].detail.is_empty());
        let no_level4 = SMALL.replace("level = 4\nthreshold = 0.5", "level = 3\nthreshold = 1.5");
        let errs = parse_model(&no_level4).unwrap_err();
        assert!(errs.iter().any(|e| e.field == "levels" && e.code == "model-error-four-levels"), "{errs:#?}");
        assert!(errs.iter().any(|e| e.field == "levels[3].threshold"), "{errs:#?}");
        let unknown = SMALL.replace(
            "must = true\ntext = { sv = \"Fråga a-1?\" }",
            "must = true\nmåste = 1\ntext = { sv = \"Fråga a-1?\" }",
        );
        assert!(parse_model(&unknown).is_err());
    }
}
