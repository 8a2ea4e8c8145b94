//! Synthetic follow-up rounds: a national population of kommuner, regioner
//! and statliga myndigheter, and one closed national round a year run by a
//! coordinating body, in which each organisation answers the built-in model
//! with a plausible maturity. Used by `lisa demo generate`, by the demo world
//! (its three national rounds and the kommun's own round) and by the round
//! benchmark. The same seed always gives the same figures.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use domain::model::Model;
use domain::org::{OrgKind, OrgName};
use domain::round::{RoundInput, SharedResult};
use domain::scoring::{Answer, score};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use store::{Actor, NewOrg, NewResponse, Round, Store, StoreError};
use uuid::Uuid;

/// The coordinating body that runs the national rounds.
pub const COORDINATOR: &str = "Nationell samordning för informationssäkerhet";
pub const MAX_ORGS: usize = 100_000;
pub const MAX_YEARS: u32 = 20;
/// The anonymity threshold of the generated rounds.
pub const K: usize = 5;

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct Params {
    pub orgs: usize,
    pub years: u32,
    /// The period of the newest round; the rounds cover `last_year - years + 1 ..= last_year`.
    pub last_year: i32,
    pub seed: u64,
}

/// An organisation already in the database that answers the national rounds
/// with its own result (the demo's kommun, from its real self-assessments).
#[derive(Debug, Clone)]
pub struct Known {
    pub org_id: Uuid,
    pub kind: OrgKind,
    pub employees: u32,
    /// Period → (the self-assessment it came from, the result).
    pub results: BTreeMap<i32, (Option<Uuid>, SharedResult)>,
}

/// One generated round.
#[derive(Debug, Clone)]
pub struct RoundSummary {
    pub round: Round,
    pub invited: usize,
    pub responded: usize,
    pub shared_answers: usize,
    /// Respondents at level 0–4.
    pub levels: [usize; 5],
}

#[derive(Debug, Clone)]
pub struct Summary {
    pub coordinator: Uuid,
    pub municipalities: usize,
    pub regions: usize,
    pub agencies: usize,
    pub rounds: Vec<RoundSummary>,
}

/// One synthetic organisation: everything about it but its name and id.
#[derive(Debug, Clone)]
struct Member {
    kind: OrgKind,
    employees: u32,
    /// Latent maturity 0–1 per year, oldest first.
    maturity: Vec<f64>,
    /// Whether it answers the round of each year.
    answers: Vec<bool>,
    /// Improves fast: a step of about 0.09 a year instead of 0.03 (kept for
    /// the tests that hold the population's patterns).
    #[cfg_attr(not(test), allow(dead_code))]
    fast: bool,
    /// Shares its answers with the coordinator, not just its result.
    shares: bool,
    /// Seeds its stable per-question draws.
    seed: u64,
}

/// A normally distributed draw (Box–Muller).
fn normal(rng: &mut StdRng, mean: f64, sd: f64) -> f64 {
    let u1: f64 = rng.random::<f64>().max(1e-12);
    let u2: f64 = rng.random();
    mean + sd * (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// How many kommuner and regioner among `n` organisations (the rest are myndigheter):
/// about 45 % kommuner and 3 % regioner, as among Sweden's 290 kommuner, 21 regioner
/// and some 340 myndigheter.
fn split(n: usize) -> (usize, usize) {
    let kommuner = (n * 45).div_ceil(100);
    let regioner = ((n * 33) / 1000).max(usize::from(n >= 3)).min(n - kommuner);
    (kommuner, regioner)
}

fn population(p: &Params) -> Vec<Member> {
    let mut rng = StdRng::seed_from_u64(p.seed);
    let (kommuner, regioner) = split(p.orgs);
    let years = p.years as usize;
    (0..p.orgs)
        .map(|i| {
            let kind = if i < kommuner {
                OrgKind::Municipality
            } else if i < kommuner + regioner {
                OrgKind::Region
            } else {
                OrgKind::Agency
            };
            let (median, sd, lo, hi, bonus) = match kind {
                OrgKind::Municipality => (1_500.0, 1.0, 200.0, 50_000.0, 0.0),
                OrgKind::Region => (9_000.0, 0.7, 3_000.0, 50_000.0, 0.06),
                _ => (500.0, 1.3, 50.0, 20_000.0, 0.05),
            };
            let employees = normal(&mut rng, f64::ln(median), sd).exp().clamp(lo, hi).round() as u32;
            // Larger organisations have come a little further, with a wide spread.
            let mut m = (0.34 + bonus + 0.05 * (f64::from(employees) / 1000.0).log10() + normal(&mut rng, 0.0, 0.13))
                .clamp(0.02, 0.97);
            let mut maturity = Vec::with_capacity(years);
            let mut answers = Vec::with_capacity(years);
            // About one in seven takes the work up in earnest and improves fast.
            let fast = rng.random_bool(FAST_IMPROVERS);
            for y in 0..years {
                if y > 0 {
                    // Most years a little better, some years a step back.
                    m += if fast {
                        normal(&mut rng, 0.09, 0.03)
                    } else if rng.random_bool(0.8) {
                        normal(&mut rng, 0.03, 0.025)
                    } else {
                        normal(&mut rng, -0.02, 0.03)
                    };
                    m = m.clamp(0.02, 0.98);
                }
                maturity.push(m);
                answers.push(!rng.random_bool(0.1));
            }
            Member { kind, employees, maturity, answers, fast, shares: rng.random_bool(0.04), seed: rng.random() }
        })
        .collect()
}

/// The share of organisations that improve fast.
const FAST_IMPROVERS: f64 = 0.15;

/// How far each area of the built-in model lies from an organisation's
/// overall maturity, nationally: governance on paper (steering documents,
/// management, data protection) comes first; classification, risk analysis,
/// continuity, logging and internal audit lag, as in MSB's national
/// follow-ups of 2021 and 2023. Areas of another model have no offset.
const AREA_EFFECT: &[(&str, f64)] = &[
    ("ledning", 0.08),
    ("organisation", 0.06),
    ("styrdokument", 0.11),
    ("klassning", -0.15),
    ("risk", -0.13),
    ("behorighet", 0.03),
    ("leverantorer", -0.06),
    ("kontinuitet", -0.10),
    ("loggning", -0.08),
    ("utbildning", 0.01),
    ("incidenter", 0.04),
    ("dataskydd", 0.11),
    ("nis", -0.07),
    ("uppfoljning", -0.04),
    ("internrevision", -0.14),
    ("ledningens-genomgang", -0.01),
    ("forbattring", -0.03),
];

/// How each kind of organisation differs from that, area by area: state
/// agencies have followed MSB's regulations (steering documents, incident
/// reporting, classification) for years; regions run hospitals
/// (continuity, access, logging); kommuner have come further with data
/// protection than with continuity.
fn kind_effect(kind: OrgKind, area: &str) -> f64 {
    match (kind, area) {
        (OrgKind::Agency, "styrdokument") => 0.06,
        (OrgKind::Agency, "incidenter") => 0.07,
        (OrgKind::Agency, "klassning") => 0.06,
        (OrgKind::Agency, "dataskydd") => -0.04,
        (OrgKind::Region, "kontinuitet") => 0.10,
        (OrgKind::Region, "behorighet") => 0.06,
        (OrgKind::Region, "loggning") => 0.08,
        (OrgKind::Municipality, "dataskydd") => 0.03,
        (OrgKind::Municipality, "kontinuitet") => -0.04,
        (OrgKind::Municipality, "klassning") => -0.03,
        _ => 0.0,
    }
}

/// Where an organisation stands in one area: its maturity moved by the
/// area's national offset, its kind's, and its own (stable over the years,
/// drawn from its seed and the area).
fn area_maturity(kind: OrgKind, seed: u64, area: &str, maturity: f64) -> f64 {
    let national = AREA_EFFECT.iter().find(|(a, _)| *a == area).map_or(0.0, |(_, e)| *e);
    let salt = area.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    let own = normal(&mut StdRng::seed_from_u64(seed ^ salt), 0.0, 0.06);
    maturity + national + kind_effect(kind, area) + own
}

/// The answers of an organisation of `kind` and `maturity`: its per-question
/// draws are the same every year, so a rising maturity improves answers and
/// a falling one worsens them; each area stands where [`area_maturity`] puts it.
fn answers(model: &Model, kind: OrgKind, seed: u64, maturity: f64) -> HashMap<String, Answer> {
    let mut rng = StdRng::seed_from_u64(seed);
    let by_area: HashMap<&str, f64> =
        model.areas.iter().map(|a| (a.id.as_str(), area_maturity(kind, seed, &a.id, maturity))).collect();
    model
        .questions
        .iter()
        .map(|q| {
            let maturity = by_area.get(q.area.as_str()).copied().unwrap_or(maturity);
            let u: f64 = rng.random();
            let na: f64 = rng.random();
            let a = if q.not_applicable && na < 0.15 {
                Answer::NotApplicable
            } else {
                // A requirement is met more likely the further the maturity is past its
                // level's point; must-requirements are seen to first.
                let centre =
                    [0.10, 0.30, 0.50, 0.66][usize::from(q.level.clamp(1, 4) - 1)] - if q.must { 0.08 } else { 0.0 };
                let p_met = 1.0 / (1.0 + (-(maturity - centre) / 0.08).exp());
                let best = q.options.iter().max_by_key(|o| o.points).expect("a question has options");
                let worst = q.options.iter().min_by_key(|o| o.points).expect("a question has options");
                let middle = q
                    .options
                    .iter()
                    .filter(|o| o.points > worst.points && o.points < best.points)
                    .max_by_key(|o| o.points);
                let pick = if u < p_met {
                    best
                } else if u < p_met + 0.5 * (1.0 - p_met) {
                    middle.unwrap_or(worst)
                } else {
                    worst
                };
                Answer::Option(pick.id.clone())
            };
            (q.id.clone(), a)
        })
        .collect()
}

/// The result an organisation shares for these answers.
pub fn shared_result(model: &Model, answers: &HashMap<String, Answer>) -> SharedResult {
    SharedResult::from_outcome(&score(model, answers))
}

fn response(model: &Model, m: &Member, year_index: usize) -> NewResponse {
    let a = answers(model, m.kind, m.seed, m.maturity[year_index]);
    NewResponse {
        assessment_id: None,
        kind: m.kind.code().to_owned(),
        employees: m.employees,
        result: shared_result(model, &a),
        answers: m.shares.then(|| a.iter().map(|(q, a)| (q.clone(), a.code().to_owned())).collect()),
    }
}

// ----- Names -----

const STEMS: &[&str] = &[
    "Al", "Arn", "Berg", "Björk", "Bo", "Borg", "Dal", "Ek", "Eker", "Fal", "Fors", "Gran", "Gull", "Hag", "Hall",
    "Hed", "Hell", "Hjo", "Kal", "Kar", "Kil", "Krok", "Lin", "Ljung", "Lund", "Lyck", "Malm", "Mar", "Mjöl", "Mo",
    "Nor", "Ny", "Ock", "Or", "Ram", "Ran", "Rätt", "Sal", "Sand", "Sig", "Sjö", "Skog", "Sol", "Sten", "Stor", "Strö",
    "Sund", "Sval", "Tid", "Tran", "Tro", "Ulri", "Upp", "Vall", "Vax", "Vim", "Väst", "Ving", "Ål", "Ånge", "Ås",
    "Öde", "Ör", "Öst",
];
const ENDINGS: &[&str] = &[
    "by", "berga", "boda", "dal", "fors", "hamn", "holm", "hult", "köping", "mark", "näs", "ryd", "sala", "sjö",
    "stad", "sund", "torp", "vik", "ås", "ö", "å", "bro", "lösa", "inge", "ed", "sta", "tuna", "vara", "viken", "hed",
];
const QUALIFIERS: &[&str] = &["Norra", "Södra", "Östra", "Västra", "Övre", "Nedre", "Stora", "Lilla"];
const TOPICS: &[&str] = &[
    "Skogs",
    "Vatten",
    "Trafik",
    "Energi",
    "Kultur",
    "Skol",
    "Hälso",
    "Miljö",
    "Jordbruks",
    "Fiskeri",
    "Bostads",
    "Arbetsmiljö",
    "Pensions",
    "Tull",
    "Lantmäteri",
    "Konsument",
    "Livsmedels",
    "Läkemedels",
    "Kust",
    "Sjöfarts",
    "Luftfarts",
    "Järnvägs",
    "Försäkrings",
    "Kriminalvårds",
    "Migrations",
    "Rymd",
    "Väder",
    "Forsknings",
    "Skatte",
    "Statistik",
    "Upphandlings",
    "Spel",
    "Kemikalie",
    "Strål",
    "Elsäkerhets",
    "Innovations",
    "Tillväxt",
    "Turism",
    "Geologi",
    "Arkiv",
    "Språk",
    "Data",
    "Medie",
    "Transport",
    "Vård",
];
const TOPIC_ENDINGS: &[&str] =
    &["myndigheten", "verket", "inspektionen", "styrelsen", "nämnden", "rådet", "byrån", "kommissionen"];
const PLACED: &[&str] = &["Länsstyrelsen i {} län", "{} tingsrätt", "Högskolan i {}", "Förvaltningsrätten i {}"];

fn pick<'a>(rng: &mut StdRng, list: &[&'a str]) -> &'a str {
    list[rng.random_range(0..list.len())]
}

/// A Swedish-sounding place; the larger `effort`, the larger the space of names.
fn place(rng: &mut StdRng, effort: u32) -> String {
    let one = |rng: &mut StdRng| format!("{}{}", pick(rng, STEMS), pick(rng, ENDINGS));
    match effort {
        0..=2 => one(rng),
        3..=5 => format!("{} {}", pick(rng, QUALIFIERS), one(rng)),
        _ => {
            let a = one(rng);
            let b = one(rng);
            format!("{a}-{b}")
        }
    }
}

fn candidate(rng: &mut StdRng, kind: OrgKind, effort: u32) -> String {
    match kind {
        OrgKind::Municipality => format!("{} kommun", place(rng, effort)),
        OrgKind::Region => format!("Region {}", place(rng, effort)),
        _ if effort < 3 && rng.random_bool(0.6) => {
            let topic = pick(rng, TOPICS);
            match rng.random_range(0..4) {
                0 => format!("Statens {}institut", topic.to_lowercase()),
                1 => format!("Myndigheten för {}frågor", topic.to_lowercase()),
                _ => format!("{topic}{}", pick(rng, TOPIC_ENDINGS)),
            }
        }
        _ => pick(rng, PLACED).replace("{}", &place(rng, effort)),
    }
}

/// Unique names for the population; `taken` holds the names already in use (lower case).
fn names(members: &[Member], seed: u64, taken: &mut HashSet<String>) -> Vec<String> {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x6c69_7361_6e61_6d65);
    members
        .iter()
        .map(|m| {
            let mut effort = 0;
            loop {
                let name = candidate(&mut rng, m.kind, effort);
                if effort > 40 {
                    // Practically never: a number makes it unique.
                    let numbered = format!("{name} {}", taken.len() + 1);
                    taken.insert(numbered.to_lowercase());
                    return numbered;
                }
                if taken.insert(name.to_lowercase()) {
                    return name;
                }
                effort += 1;
            }
        })
        .collect()
}

// ----- Loading -----

/// The coordinating body, created if missing; and the built-in model.
pub async fn ensure_coordinator(store: &Store, actor: &Actor) -> Result<Uuid, StoreError> {
    if let Some(o) = store.find_orgs_by_name(COORDINATOR).await?.into_iter().find(|o| o.kind == OrgKind::Coordinator) {
        return Ok(o.id);
    }
    let org = store
        .insert_org(
            actor,
            NewOrg {
                name: OrgName::parse(COORDINATOR).expect("a valid name"),
                kind: OrgKind::Coordinator,
                org_number: None,
                parent_id: None,
                own_review: false,
            },
        )
        .await?;
    Ok(org.id)
}

fn at(date: NaiveDate, hour: u32) -> DateTime<Utc> {
    date.and_hms_opt(hour, 0, 0).expect("a valid time").and_utc()
}

/// The national round of `year`: open in September and October, closed.
fn national_round(coordinator: Uuid, model_id: Uuid, year: i32, actor: &Actor, today: NaiveDate) -> Round {
    let opens_on = NaiveDate::from_ymd_opt(year, 9, 1).expect("a valid date");
    let closes_on = NaiveDate::from_ymd_opt(year, 10, 31).expect("a valid date");
    let created_at = at(opens_on, 7);
    Round {
        id: Uuid::now_v7(),
        org_id: coordinator,
        model_id,
        data: RoundInput {
            name: format!("Nationell uppföljning {year}"),
            period: year,
            opens_on,
            closes_on,
            message: format!(
                "Välkomna till den nationella uppföljningen av det systematiska informationssäkerhetsarbetet {year}. \
                 Svara med er självskattning senast den 31 oktober."
            ),
            k: K,
            remind_days: 14,
        },
        // A round whose closing date has not passed yet is closed early, so every generated round is closed.
        closed_at: (today <= closes_on).then(domain::now),
        created_by: actor.label.clone(),
        created_at,
        updated_at: created_at,
    }
}

/// Generates the population and its rounds into `store`. `known` organisations
/// are invited too and answer with their own results where they have one.
pub async fn generate(store: &Store, actor: &Actor, p: Params, known: &[Known]) -> Result<Summary, StoreError> {
    let model_row = crate::builtin::ensure(store).await?;
    let model = crate::builtin::model();
    let coordinator = ensure_coordinator(store, actor).await?;
    let members = population(&p);
    let mut taken: HashSet<String> = store.list_orgs().await?.into_iter().map(|o| o.name.to_lowercase()).collect();
    let new: Vec<NewOrg> = names(&members, p.seed, &mut taken)
        .into_iter()
        .zip(&members)
        .map(|(name, m)| NewOrg {
            name: OrgName::parse(&name).expect("generated names are valid"),
            kind: m.kind,
            org_number: None,
            parent_id: None,
            own_review: false,
        })
        .collect();
    let ids: Vec<Uuid> = store.insert_orgs_bulk(actor, new).await?.into_iter().map(|o| o.id).collect();
    let (municipalities, regions) = split(p.orgs);
    let today = domain::now().date_naive();
    let first = p.last_year - p.years as i32 + 1;
    let mut invitees: Vec<Uuid> = ids.iter().copied().chain(known.iter().map(|k| k.org_id)).collect();
    invitees.sort();
    let mut rounds = Vec::with_capacity(p.years as usize);
    for (yi, year) in (first..=p.last_year).enumerate() {
        let round = national_round(coordinator, model_row.id, year, actor, today);
        let mut responses: Vec<(Uuid, NewResponse)> = members
            .iter()
            .zip(&ids)
            .filter(|(m, _)| m.answers[yi])
            .map(|(m, id)| (*id, response(&model, m, yi)))
            .collect();
        for k in known {
            if let Some((assessment_id, result)) = k.results.get(&year) {
                responses.push((
                    k.org_id,
                    NewResponse {
                        assessment_id: *assessment_id,
                        kind: k.kind.code().to_owned(),
                        employees: k.employees,
                        result: result.clone(),
                        answers: None,
                    },
                ));
            }
        }
        let mut levels = [0usize; 5];
        for (_, r) in &responses {
            levels[usize::from(r.result.level.min(4))] += 1;
        }
        let shared_answers = responses.iter().filter(|(_, r)| r.answers.is_some()).count();
        store.insert_generated_round(actor, &round, &invitees, &responses).await?;
        rounds.push(RoundSummary {
            round,
            invited: invitees.len(),
            responded: responses.len(),
            shared_answers,
            levels,
        });
    }
    store.analyze().await?;
    Ok(Summary { coordinator, municipalities, regions, agencies: p.orgs - municipalities - regions, rounds })
}

// ----- The demo world's rounds -----

/// The result of a demo organisation's self-assessment of `year` (its newest
/// revision), scored from every answer the demo gives it that year: the
/// kommun's draft of this year is four fifths done and answers the round with
/// the whole of it.
async fn assessed(
    store: &Store,
    model: &Model,
    name: &str,
    org_id: Uuid,
    year: i32,
) -> Result<Option<(Option<Uuid>, SharedResult)>, StoreError> {
    let Some(a) = store.list_assessments(&store::OrgScope::Org(org_id)).await?.into_iter().find(|a| a.period == year)
    else {
        return Ok(None);
    };
    let mut answers: HashMap<String, Answer> =
        crate::demo_assessments::planned_answers(model, name, year).unwrap_or_default();
    for r in store.list_answers(a.id).await? {
        answers.insert(r.question_id, Answer::from_code(&r.answer));
    }
    Ok(Some((Some(a.id), shared_result(model, &answers))))
}

/// The demo's rounds: the national rounds of 2024–2026 with about 300
/// synthetic organisations and the demo's kommun, region and myndighet (their
/// results from their real self-assessments), and the kommun's own open round
/// for its nämnder and bolag, created by its CISO.
pub(crate) async fn load_demo(
    store: &Store,
    ids: &[(&'static str, Uuid)],
    users: &[(&'static str, Uuid)],
) -> Result<(), StoreError> {
    let id = |name: &str| ids.iter().find(|(n, _)| *n == name).map(|(_, id)| *id).expect("a demo organisation");
    let model = crate::builtin::model();
    let model_id = crate::builtin::ensure(store).await?.id;
    let years = crate::demo_assessments::YEARS;
    let mut known = Vec::new();
    for (name, kind, employees) in [
        ("Exempla kommun", OrgKind::Municipality, 4_800),
        ("Region Exempla", OrgKind::Region, 9_500),
        ("Exempelmyndigheten", OrgKind::Agency, 650),
    ] {
        let org_id = id(name);
        let mut results = BTreeMap::new();
        for year in years {
            if let Some(r) = assessed(store, &model, name, org_id, year).await? {
                results.insert(year, r);
            }
        }
        known.push(Known { org_id, kind, employees, results });
    }
    let analyst = users.iter().find(|(e, _)| *e == "analytiker@samordning.example").map(|(_, id)| *id);
    let national = Actor { id: analyst, label: "analytiker@samordning.example".into() };
    let p = Params { orgs: 300, years: years.len() as u32, last_year: years[years.len() - 1], seed: 2026 };
    generate(store, &national, p, &known).await?;

    // The kommun's own round for its nämnder and bolag, half answered.
    let ciso = Actor {
        id: users.iter().find(|(e, _)| *e == "ciso@exempla.se").map(|(_, id)| *id),
        label: "ciso@exempla.se".into(),
    };
    // Each förvaltning answers with its own self-assessment (the nämnd's work is done there), and so do the bolag.
    let invitees: Vec<Uuid> = [
        "Kommunledningsförvaltningen",
        "Barn- och utbildningsförvaltningen",
        "Socialförvaltningen",
        "Exempla Stadshus AB",
        "Exempla Energi AB",
        "Exempla Bostäder AB",
        "Exempla Vatten AB",
    ]
    .iter()
    .map(|n| id(n))
    .collect();
    let round = store
        .insert_round(
            &ciso,
            id("Exempla kommun"),
            model_id,
            RoundInput {
                name: "Nämndernas och bolagens uppföljning 2026".into(),
                period: 2026,
                opens_on: NaiveDate::from_ymd_opt(2026, 11, 2).expect("a valid date"),
                closes_on: NaiveDate::from_ymd_opt(2026, 12, 18).expect("a valid date"),
                message: "Skicka in nämndens eller bolagets självskattning för 2026 senast den 18 december, så att \
                          den kommer med i ledningens genomgång för kommunkoncernen."
                    .into(),
                k: 3,
                remind_days: 7,
            },
            &invitees,
        )
        .await?;
    // (respondent, whose self-assessment it answers with, employees); the others have not submitted.
    let answered = [
        ("Kommunledningsförvaltningen", 380),
        ("Barn- och utbildningsförvaltningen", 2_100),
        ("Socialförvaltningen", 1_450),
        ("Exempla Energi AB", 160),
    ];
    for (org, employees) in answered {
        let (assessment_id, result) = assessed(store, &model, org, id(org), 2026)
            .await?
            .ok_or_else(|| StoreError::Other(format!("demodata: {org} saknar självskattning för 2026")))?;
        let kind = tree_kind(store, id(org)).await?;
        store
            .submit_response(
                &ciso,
                round.id,
                id(org),
                NewResponse { assessment_id, kind: kind.code().to_owned(), employees, result, answers: None },
            )
            .await?;
    }
    Ok(())
}

/// The kind of an organisation, as stored.
async fn tree_kind(store: &Store, org: Uuid) -> Result<OrgKind, StoreError> {
    Ok(store.find_org(org).await?.map(|o| o.kind).unwrap_or(OrgKind::Unit))
}

// ----- The command -----

/// `lisa demo generate`.
#[derive(clap::Args, Debug)]
pub struct GenerateArgs {
    /// How many organisations (1–100000): about 45 % kommuner, 3 % regioner, the rest statliga myndigheter.
    #[arg(long, default_value = "650")]
    pub orgs: String,
    /// How many yearly rounds (1–20), the newest for this year.
    #[arg(long, default_value = "5")]
    pub years: String,
    /// The random seed; the same seed gives the same figures.
    #[arg(long, default_value = "1")]
    pub seed: String,
}

impl GenerateArgs {
    /// Checks the arguments; every problem is one Swedish line.
    pub fn params(&self, last_year: i32) -> Result<Params, crate::Failure> {
        let mut errs = Vec::new();
        let orgs = match self.orgs.trim().parse::<usize>() {
            Ok(n) if (1..=MAX_ORGS).contains(&n) => n,
            _ => {
                errs.push(format!("--orgs: antalet organisationer ska vara ett heltal från 1 till {MAX_ORGS}"));
                0
            }
        };
        let years = match self.years.trim().parse::<u32>() {
            Ok(n) if (1..=MAX_YEARS).contains(&n) => n,
            _ => {
                errs.push(format!("--years: antalet år ska vara ett heltal från 1 till {MAX_YEARS}"));
                0
            }
        };
        let seed = match self.seed.trim().parse::<u64>() {
            Ok(n) => n,
            Err(_) => {
                errs.push("--seed: fröet ska vara ett icke-negativt heltal".to_owned());
                0
            }
        };
        if !errs.is_empty() {
            return Err(crate::Failure::input(errs.join("\n")));
        }
        Ok(Params { orgs, years, last_year, seed })
    }
}

fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push('\u{a0}');
        }
        out.push(c);
    }
    out
}

pub(crate) async fn run(db: &crate::DbArgs, args: GenerateArgs) -> Result<(), crate::Failure> {
    use chrono::Datelike;
    let p = args.params(domain::now().year())?;
    let store = db.open().await?;
    let started = std::time::Instant::now();
    let actor = Actor { id: None, label: "demo generate".into() };
    let s = generate(&store, &actor, p, &[]).await.map_err(crate::store_failure)?;
    println!(
        "{} organisationer skapade ({} kommuner, {} regioner, {} statliga myndigheter), frö {}.",
        thousands(p.orgs),
        thousands(s.municipalities),
        thousands(s.regions),
        thousands(s.agencies),
        p.seed
    );
    println!("{} stängda omgångar av {COORDINATOR} (k = {K}):", s.rounds.len());
    for r in &s.rounds {
        println!(
            "  {}: {} av {} svarade ({} %), {} delade sina svar; nivå 0–4: {}",
            r.round.data.name,
            thousands(r.responded),
            thousands(r.invited),
            format!("{:.1}", r.responded as f64 * 100.0 / r.invited.max(1) as f64).replace('.', ","),
            thousands(r.shared_answers),
            r.levels.iter().map(|n| thousands(*n)).collect::<Vec<_>>().join(" / ")
        );
    }
    println!("Klart på {} s.", format!("{:.1}", started.elapsed().as_secs_f64()).replace('.', ","));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_population_is_plausible_and_the_same_for_the_same_seed() {
        let p = Params { orgs: 650, years: 10, last_year: 2026, seed: 7 };
        let a = population(&p);
        let b = population(&p);
        assert_eq!(a.iter().map(|m| m.seed).collect::<Vec<_>>(), b.iter().map(|m| m.seed).collect::<Vec<_>>());
        let kommuner = a.iter().filter(|m| m.kind == OrgKind::Municipality).count();
        let regioner = a.iter().filter(|m| m.kind == OrgKind::Region).count();
        assert_eq!((kommuner, regioner), (293, 21));
        for m in &a {
            let (lo, hi) = match m.kind {
                OrgKind::Municipality => (200, 50_000),
                OrgKind::Region => (3_000, 50_000),
                _ => (50, 20_000),
            };
            assert!((lo..=hi).contains(&m.employees), "{m:?}");
        }
        let missing = a.iter().flat_map(|m| &m.answers).filter(|x| !**x).count() as f64 / 6500.0;
        assert!((0.07..0.13).contains(&missing), "{missing}");
        // Most organisations have grown over the ten years.
        let grown = a.iter().filter(|m| m.maturity[9] > m.maturity[0]).count();
        assert!(grown > 500, "{grown}");
        let mut taken = HashSet::new();
        let n = names(&a, 7, &mut taken);
        assert_eq!(n.iter().map(|s| s.to_lowercase()).collect::<HashSet<_>>().len(), 650);
        assert!(n[0].ends_with(" kommun") && n[300].starts_with("Region "), "{} {}", n[0], n[300]);
    }

    #[test]
    fn levels_spread_over_the_scale_and_rise_over_the_years() {
        let model = crate::builtin::model();
        let p = Params { orgs: 400, years: 5, last_year: 2026, seed: 3 };
        let members = population(&p);
        let dist = |y: usize| {
            let mut levels = [0usize; 5];
            for m in &members {
                levels[usize::from(response(&model, m, y).result.level)] += 1;
            }
            levels
        };
        let (first, last) = (dist(0), dist(4));
        let mean = |l: [usize; 5]| domain::aggregate::mean_level(&l);
        assert!(mean(last) > mean(first), "{first:?} {last:?}");
        assert!(first.iter().filter(|n| **n > 0).count() >= 4, "{first:?}");
        assert!(last.iter().filter(|n| **n > 0).count() >= 4, "{last:?}");
    }

    #[test]
    fn areas_and_kinds_differ_and_a_minority_improves_fast() {
        let model = crate::builtin::model();
        let p = Params { orgs: 600, years: 4, last_year: 2026, seed: 11 };
        let members = population(&p);
        let median = |xs: &mut Vec<f64>| {
            xs.sort_by(f64::total_cmp);
            xs[xs.len() / 2]
        };
        let share =
            |m: &Member, y: usize, area: &str| response(&model, m, y).result.areas.get(area).copied().unwrap_or(0.0);
        let area_median = |area: &str, kind: Option<OrgKind>| {
            let mut xs: Vec<f64> =
                members.iter().filter(|m| kind.is_none_or(|k| m.kind == k)).map(|m| share(m, 3, area)).collect();
            median(&mut xs)
        };
        // Some areas are weaker nationally: steering documents well ahead of classification.
        let (strong, weak) = (area_median("styrdokument", None), area_median("klassning", None));
        assert!(strong - weak > 0.15, "styrdokument {strong}, klassning {weak}");
        // Kinds differ: agencies ahead on steering documents, regions on continuity.
        let (agencies, kommuner) = (
            area_median("styrdokument", Some(OrgKind::Agency)),
            area_median("styrdokument", Some(OrgKind::Municipality)),
        );
        assert!(agencies > kommuner, "agencies {agencies}, kommuner {kommuner}");
        let (regions, kommuner) = (
            area_median("kontinuitet", Some(OrgKind::Region)),
            area_median("kontinuitet", Some(OrgKind::Municipality)),
        );
        assert!(regions > kommuner, "regions {regions}, kommuner {kommuner}");
        // A minority improves fast, and their levels rise more.
        let fast: Vec<&Member> = members.iter().filter(|m| m.fast).collect();
        assert!((0.08..0.22).contains(&(fast.len() as f64 / 600.0)), "{}", fast.len());
        let rise = |ms: &[&Member]| {
            ms.iter()
                .map(|m| {
                    f64::from(response(&model, m, 3).result.level) - f64::from(response(&model, m, 0).result.level)
                })
                .sum::<f64>()
                / ms.len() as f64
        };
        let slow: Vec<&Member> = members.iter().filter(|m| !m.fast).collect();
        assert!(rise(&fast) > rise(&slow) + 0.3, "fast {} slow {}", rise(&fast), rise(&slow));
    }

    #[test]
    fn many_names_stay_unique() {
        let p = Params { orgs: 30_000, years: 1, last_year: 2026, seed: 1 };
        let members = population(&p);
        let mut taken = HashSet::new();
        let n = names(&members, 1, &mut taken);
        assert_eq!(n.iter().map(|s| s.to_lowercase()).collect::<HashSet<_>>().len(), 30_000);
        assert!(n.iter().all(|s| OrgName::parse(s).is_ok()));
    }
}
