//! Demo data of audits (granskning, seed 004): the elected auditors' audit of
//! Exempla kommun's systematic information-security work, made by an audit
//! firm, with seven questions, findings by area and recommendations to
//! kommunstyrelsen, Exempla Stadshus AB and the nämnder and bolag audited;
//! about half of the copies answered, two made into actions in the plan, one
//! closed by the auditors, the rest waiting past the due date. And an
//! internal audit of Socialförvaltningen by MSB's method. Entered by the demo
//! auditor (revisor@exempla.se); every text passes the same rules as a form.
//! Deterministic.

use domain::ValidationErrors;
use domain::audits::{AuditFields, AuditKind, FindingFields, QuestionFields, ResponseFields, Stance, TargetStatus};
use domain::plan::{ActionInput, ActionStatus, Origin};
use store::{Actor, Store, StoreError, Target};
use uuid::Uuid;

use crate::demo_plans::{d, find};

/// Who enters the audits, their questions, findings and recommendations,
/// and who closes a recommendation.
const AUDITOR: &str = "revisor@exempla.se";

/// (question, areas of the follow-up model, assessment, motivation)
type DemoQuestion = (&'static str, &'static [&'static str], &'static str, &'static str);
/// (area, finding)
type DemoFinding = (&'static str, &'static str);
/// (recommendation, the bodies it is addressed to)
type DemoRecommendation = (&'static str, &'static [&'static str]);

/// What a body does after answering its copy.
#[derive(Clone, Copy)]
enum Then {
    /// Nothing yet: the answer's status stands.
    Stays,
    /// Work has started, with a note.
    InProgress(&'static str),
    /// The measures became an action in the plan, with its status and progress note.
    Action(ActionStatus, &'static str),
    /// The body reports it done (its note), the auditor closes it (the motivation).
    DoneThenClosed(&'static str, &'static str),
}

/// One body's answer to one recommendation (by index).
struct DemoAnswer {
    body: &'static str,
    rec: usize,
    stance: Stance,
    measures: &'static str,
    responsible: &'static str,
    due: &'static str,
    then: Then,
}

/// Who decided a body's answers, when, and who entered them in Lisa.
struct Decided {
    body: &'static str,
    by: &'static str,
    on: &'static str,
    entered_by: &'static str,
}

struct DemoAudit {
    title: &'static str,
    kind: AuditKind,
    auditor_org: &'static str,
    auditor_person: &'static str,
    period: &'static str,
    started: &'static str,
    delivered: &'static str,
    due: &'static str,
    purpose: &'static str,
    /// Kept under this organisation.
    kept_under: &'static str,
    bodies: &'static [&'static str],
    questions: &'static [DemoQuestion],
    findings: &'static [DemoFinding],
    recommendations: &'static [DemoRecommendation],
    decided: &'static [Decided],
    answers: &'static [DemoAnswer],
    report: &'static str,
}

const KS: &str = "Kommunstyrelsen";
const AB: &str = "Exempla Stadshus AB";
const BUN: &str = "Barn- och utbildningsnämnden";
const SN: &str = "Socialnämnden";

/// The bodies answering for their own operations: kommunstyrelsen, the
/// nämnder and the bolag.
const OPERATING: &[&str] = &[
    KS,
    BUN,
    SN,
    "Samhällsbyggnadsnämnden",
    "Kultur- och fritidsnämnden",
    "Exempla Energi AB",
    "Exempla Bostäder AB",
    "Exempla Vatten AB",
];

const ELECTED: DemoAudit = DemoAudit {
    title: "Granskning av det systematiska informationssäkerhetsarbetet",
    kind: AuditKind::Elected,
    auditor_org: "Revisionsbyrån Exempel AB",
    auditor_person: "Johanna Wik",
    period: "2025–2026",
    started: "2026-03-16",
    delivered: "2026-09-14",
    due: "2026-11-15",
    purpose: "Revisorerna i Exempla kommun och lekmannarevisorerna i bolagen har gett Revisionsbyrån Exempel AB i uppdrag att granska om kommunstyrelsen, nämnderna och bolagsstyrelserna arbetar systematiskt och ändamålsenligt med informationssäkerhet. Granskningen bygger på intervjuer med chefer och nyckelpersoner, genomgång av styrdokument och protokoll samt en enkät till chefer i kommunen och bolagen.",
    kept_under: "Exempla kommun",
    bodies: &[
        KS,
        AB,
        BUN,
        SN,
        "Samhällsbyggnadsnämnden",
        "Kultur- och fritidsnämnden",
        "Exempla Energi AB",
        "Exempla Bostäder AB",
        "Exempla Vatten AB",
    ],
    questions: &[
        (
            "Finns aktuella styrdokument som tydliggör ansvar, krav och hur informationssäkerhetsarbetet ska bedrivas?",
            &["styrdokument"],
            "partly",
            "Kommunfullmäktige har antagit en informationssäkerhetspolicy, och kommunstyrelsen har beslutat om en riktlinje med sju tillämpningsanvisningar. Policyn säger inget om vilket ansvar de helägda bolagen har, och två av tillämpningsanvisningarna har inte setts över i tid.",
        ),
        (
            "Är informationssäkerhetsarbetet organiserat på ett ändamålsenligt sätt, med tydliga roller och ansvar?",
            &["organisation", "ledning"],
            "not_fulfilled",
            "I praktiken ligger ansvaret hos informationssäkerhetssamordnaren. Många chefer känner inte till att informationssäkerheten ingår i deras linjeansvar, och kommunen och bolagen har inget gemensamt forum för informationssäkerhetsfrågor.",
        ),
        (
            "Finns beslutade mål för informationssäkerheten med tillhörande handlingsplaner?",
            &[],
            "partly",
            "Kommunen har en handlingsplan som följs upp varje kvartal i informationssäkerhetsrådet, men målen är inte beslutade av kommunstyrelsen. Bolagen har varken egna mål eller handlingsplaner.",
        ),
        (
            "Har kommunstyrelsen, nämnderna och bolagsstyrelserna sett till att det finns en god säkerhetskultur?",
            &["utbildning"],
            "partly",
            "Alla anställda med egen dator ska gå en kort e-utbildning i informations- och it-säkerhet, och en övning i nätfiske har genomförts. Ingen följer upp vilka som har gått utbildningen, och bolagens medarbetare och de förtroendevalda har inte fått någon utbildning.",
        ),
        (
            "Har riskanalyser och informationsklassning gjorts för de informationstillgångar som verksamheterna ansvarar för?",
            &["risk", "klassning"],
            "not_fulfilled",
            "Det finns ingen riskanalys för kommunen som helhet eller för bolagskoncernen. Information klassas där enskilda medarbetare tar initiativ till det, och det finns ingen gemensam modell för klassning.",
        ),
        (
            "Finns rutiner för incidenthantering som anger hur incidenter ska dokumenteras och följas upp, och är vägarna för eskalering tydliga?",
            &["incidenter"],
            "partly",
            "Kommunen beslutade 2025 om en gemensam rutin för incidentrapportering som också anger när en incident ska lyftas till säkerhetschefen och kommundirektören. Rutinen är inte känd i alla verksamheter, få incidenter rapporteras med tanke på kommunens storlek och de incidenter som inträffar analyseras inte.",
        ),
        (
            "Följs informationssäkerhetsarbetet upp, och får kommunstyrelsen, nämnderna och bolagsstyrelserna regelbundet rapporter om det?",
            &["uppfoljning", "ledningens-genomgang"],
            "not_fulfilled",
            "Kommunstyrelsen får en rapport en gång om året genom ledningens genomgång. Nämnderna och bolagsstyrelserna får ingen rapport om informationssäkerheten i den egna verksamheten, trots att policyn kräver att de följer upp den.",
        ),
    ],
    findings: &[
        (
            "Styrdokument, roller och ansvar",
            "Kommunfullmäktige har antagit en informationssäkerhetspolicy, men den reglerar inte de helägda bolagens ansvar.",
        ),
        (
            "Styrdokument, roller och ansvar",
            "Två av de sju tillämpningsanvisningarna har passerat sitt datum för översyn.",
        ),
        (
            "Styrdokument, roller och ansvar",
            "Linjeansvaret för informationssäkerheten är inte känt av alla chefer och tas inte fullt ut.",
        ),
        ("Styrdokument, roller och ansvar", "Kommunen och bolagen samarbetar inte i informationssäkerhetsarbetet."),
        (
            "Risker och informationsklassning",
            "Det saknas riskanalyser för kommunen som helhet och för bolagskoncernen.",
        ),
        (
            "Risker och informationsklassning",
            "Information klassas bara där enskilda medarbetare tar initiativ till det, och resultatet beror på deras kunskap och engagemang.",
        ),
        (
            "Risker och informationsklassning",
            "Riskbedömningarna räcker inte för att upptäcka hot och oönskade händelser i tid.",
        ),
        (
            "Säkerhetskultur och utbildning",
            "Den obligatoriska e-utbildningen i informations- och it-säkerhet gäller anställda med egen dator, men ingen följer upp att den genomförs.",
        ),
        (
            "Säkerhetskultur och utbildning",
            "Bolagens medarbetare och de förtroendevalda har inte fått någon utbildning i informationssäkerhet.",
        ),
        (
            "Incidenthantering",
            "Rutinen för incidentrapportering beskriver hur incidenter ska hanteras och eskaleras, men den är inte känd i alla verksamheter.",
        ),
        (
            "Incidenthantering",
            "Få incidenter rapporteras i förhållande till kommunens storlek, och de som rapporteras analyseras inte.",
        ),
        (
            "Uppföljning och rapportering",
            "Enligt policyn ska nämnder och styrelser följa upp informationssäkerheten i den egna verksamheten, men det görs inte i dag.",
        ),
        (
            "Uppföljning och rapportering",
            "Bolagen har ingen fastställd uppföljning av sitt informationssäkerhetsarbete.",
        ),
    ],
    recommendations: &[
        // Kommunstyrelsen, for its overall responsibility.
        ("Revidera informationssäkerhetspolicyn så att det framgår vilket ansvar de helägda bolagen har.", &[KS]),
        (
            "Ta fram styrdokument som anger ansvar, krav och arbetssätt för informationssäkerheten och se till att de införs i hela kommunkoncernen.",
            &[KS],
        ),
        (
            "Besluta om en gemensam modell för riskbedömning och informationsklassning i kommunkoncernen och se till att kommunens informationstillgångar klassas och riskbedöms.",
            &[KS],
        ),
        (
            "Inför en samlad uppföljning av informationssäkerhetsarbetet och ta fram en årlig informationssäkerhetsberättelse.",
            &[KS],
        ),
        // Exempla Stadshus AB, for the group.
        ("Se till att de koncerngemensamma styrdokumenten införs i de helägda bolagen.", &[AB]),
        ("Bedöm varje år informationssäkerhetsriskerna och deras konsekvenser för koncernen.", &[AB]),
        (
            "Se till att styrelsen regelbundet får information om informationssäkerhetsarbetet i kommunen och dotterbolagen, så att den kan besluta om åtgärder när det behövs.",
            &[AB],
        ),
        // Every nämnd and bolag, and kommunstyrelsen for its own operations.
        ("Se till att de kommunövergripande styrdokumenten införs i den egna verksamheten.", OPERATING),
        ("Se till att den egna verksamhetens informationstillgångar klassas och riskbedöms.", OPERATING),
        (
            "Se till att de obligatoriska utbildningarna genomförs och följ upp att medarbetare och förtroendevalda deltar.",
            OPERATING,
        ),
        (
            "Inför rutinen för incidenthantering i verksamheten och analysera de incidenter som inträffar så att de blir underlag för förbättringar.",
            OPERATING,
        ),
        (
            "Följ regelbundet upp det egna informationssäkerhetsarbetet, så att nämnden eller styrelsen har en aktuell bild att fatta beslut om åtgärder på.",
            OPERATING,
        ),
    ],
    decided: &[
        Decided { body: KS, by: "Kommunstyrelsen", on: "2026-11-04", entered_by: "ledning@exempla.se" },
        Decided { body: AB, by: "Styrelsen för Exempla Stadshus AB", on: "2026-10-22", entered_by: "ciso@exempla.se" },
        Decided { body: SN, by: "Socialnämnden", on: "2026-10-28", entered_by: "ciso@exempla.se" },
        Decided { body: BUN, by: "Barn- och utbildningsnämnden", on: "2026-11-10", entered_by: "ciso@exempla.se" },
    ],
    answers: &[
        DemoAnswer {
            body: KS,
            rec: 0,
            stance: Stance::Agrees,
            measures: "Policyn revideras så att bolagens ansvar framgår.\nFörslaget lämnas till kommunfullmäktige i november 2026.",
            responsible: "Kommundirektören",
            due: "2026-11-30",
            then: Then::DoneThenClosed(
                "Kommunfullmäktige antog den reviderade policyn den 23 november 2026. Bolagens ansvar beskrivs i ett eget avsnitt.",
                "Revisorerna har läst den reviderade policyn och bedömer att rekommendationen är åtgärdad.",
            ),
        },
        DemoAnswer {
            body: KS,
            rec: 1,
            stance: Stance::Agrees,
            measures: "Styrdokumenten kompletteras med en anvisning om ansvar och roller som gäller hela kommunkoncernen.\nAnvisningen införs genom chefsforum och bolagens ledningsgrupper.",
            responsible: "Informationssäkerhetssamordnaren",
            due: "2027-06-30",
            then: Then::InProgress(
                "Arbetet med anvisningen har börjat. Ett första utkast tas upp i informationssäkerhetsrådet i januari.",
            ),
        },
        DemoAnswer {
            body: KS,
            rec: 2,
            stance: Stance::Agrees,
            measures: "Ta fram en gemensam modell för riskbedömning och informationsklassning i kommunkoncernen\nNär modellen är beslutad klassas och riskbedöms kommunens verksamhetssystem enligt den, med de mest kritiska systemen först.",
            responsible: "Informationssäkerhetssamordnaren",
            due: "2027-09-30",
            then: Then::Action(
                ActionStatus::Ongoing,
                "En arbetsgrupp med deltagare från förvaltningarna och bolagen tar fram modellen.",
            ),
        },
        DemoAnswer {
            body: KS,
            rec: 3,
            stance: Stance::Partly,
            measures: "Kommunstyrelsen håller med om att uppföljningen behöver samlas. I stället för en särskild informationssäkerhetsberättelse redovisas informationssäkerheten i ledningens årliga genomgång och i årsredovisningen.",
            responsible: "Kommundirektören",
            due: "2027-03-31",
            then: Then::Stays,
        },
        DemoAnswer {
            body: KS,
            rec: 7,
            stance: Stance::Agrees,
            measures: "Kommunledningsförvaltningen går igenom styrdokumenten på en arbetsplatsträff i varje enhet under våren 2027.",
            responsible: "Kommundirektören",
            due: "2027-05-31",
            then: Then::Stays,
        },
        DemoAnswer {
            body: KS,
            rec: 8,
            stance: Stance::Agrees,
            measures: "Kommunledningsförvaltningens verksamhetssystem klassas enligt den gemensamma modellen, först ekonomi- och lönesystemen.",
            responsible: "Kommundirektören",
            due: "2027-12-31",
            then: Then::Stays,
        },
        DemoAnswer {
            body: KS,
            rec: 9,
            stance: Stance::Agrees,
            measures: "E-utbildningen blir obligatorisk för alla anställda och förtroendevalda. Hur många som har gått den redovisas för kommunstyrelsen två gånger per år.",
            responsible: "HR-chefen",
            due: "2027-04-30",
            then: Then::Stays,
        },
        DemoAnswer {
            body: KS,
            rec: 10,
            stance: Stance::Agrees,
            measures: "Incidentrutinen presenteras på chefsforum. Säkerhetschefen analyserar inträffade incidenter varje kvartal och redovisar dem i informationssäkerhetsrådet.",
            responsible: "Säkerhetschefen",
            due: "2027-03-31",
            then: Then::Stays,
        },
        DemoAnswer {
            body: KS,
            rec: 11,
            stance: Stance::Agrees,
            measures: "Kommunledningsförvaltningen gör en självskattning varje år och redovisar resultatet för kommunstyrelsen.",
            responsible: "Kommundirektören",
            due: "2027-02-28",
            then: Then::Stays,
        },
        DemoAnswer {
            body: AB,
            rec: 4,
            stance: Stance::Agrees,
            measures: "Varje dotterbolags styrelse antar koncernens styrdokument för informationssäkerhet under våren 2027. Stadshus AB följer upp att det är gjort.",
            responsible: "Vd för Exempla Stadshus AB",
            due: "2027-06-30",
            then: Then::InProgress(
                "Styrdokumenten har skickats till de tre dotterbolagen för beslut i deras styrelser.",
            ),
        },
        DemoAnswer {
            body: AB,
            rec: 5,
            stance: Stance::Disagrees,
            measures: "Styrelsen anser inte att det behövs en särskild riskbedömning för koncernen. Bolagen deltar redan i kommunens risk- och sårbarhetsanalys, där informationssäkerhetsriskerna ingår.",
            responsible: "",
            due: "",
            then: Then::Stays,
        },
        DemoAnswer {
            body: AB,
            rec: 6,
            stance: Stance::Agrees,
            measures: "Styrelsen får en rapport om informationssäkerhetsarbetet i kommunen och dotterbolagen vid sitt första sammanträde varje år.",
            responsible: "Vd för Exempla Stadshus AB",
            due: "2027-03-31",
            then: Then::Stays,
        },
        DemoAnswer {
            body: SN,
            rec: 7,
            stance: Stance::Agrees,
            measures: "Socialförvaltningens lokala anvisning för informationssäkerhet bygger på kommunens riktlinje och presenteras på alla arbetsplatsträffar. Förvaltningen följer upp att den är införd.",
            responsible: "Förvaltningschef socialförvaltningen",
            due: "2026-12-31",
            then: Then::InProgress(
                "Anvisningen är presenterad på alla arbetsplatsträffar. Förvaltningen följer upp införandet i december.",
            ),
        },
        DemoAnswer {
            body: SN,
            rec: 8,
            stance: Stance::Agrees,
            measures: "Klassa och riskbedöm socialtjänstens alla verksamhetssystem\nFyra av fem system är klassade. Äldreomsorgens planeringssystem klassas under våren 2027, och riskanalysen för journalsystemet slutförs.",
            responsible: "Informationssäkerhetssamordnaren",
            due: "2027-06-30",
            then: Then::Action(ActionStatus::Planned, ""),
        },
        DemoAnswer {
            body: SN,
            rec: 9,
            stance: Stance::Partly,
            measures: "Alla medarbetare med egen dator går e-utbildningen. Medarbetare i hemtjänsten som inte har egen dator får i stället utbildning på arbetsplatsträffar, eftersom e-utbildningen inte passar deras arbete.",
            responsible: "Avdelningschef äldreomsorgen",
            due: "2027-03-31",
            then: Then::Stays,
        },
        DemoAnswer {
            body: SN,
            rec: 10,
            stance: Stance::Agrees,
            measures: "Incidentrutinen tas upp på varje arbetsplatsträff under våren. Förvaltningens ledningsgrupp analyserar incidenterna varje tertial.",
            responsible: "Förvaltningschef socialförvaltningen",
            due: "2027-04-30",
            then: Then::Stays,
        },
        DemoAnswer {
            body: SN,
            rec: 11,
            stance: Stance::Agrees,
            measures: "Resultatet av förvaltningens årliga ledningens genomgång av informationssäkerheten redovisas för socialnämnden.",
            responsible: "Förvaltningschef socialförvaltningen",
            due: "2027-02-28",
            then: Then::Stays,
        },
        DemoAnswer {
            body: BUN,
            rec: 7,
            stance: Stance::Agrees,
            measures: "Rektorerna får en genomgång av riktlinjen och tillämpningsanvisningarna under vårterminen, och varje skola bekräftar att den har tagit del av dem.",
            responsible: "Förvaltningschef BUF",
            due: "2027-06-15",
            then: Then::Stays,
        },
        DemoAnswer {
            body: BUN,
            rec: 8,
            stance: Stance::Agrees,
            measures: "Elevregistret och lärplattformen är klassade. Övriga system, bland annat elevhälsans journalsystem, klassas under 2027.",
            responsible: "IT-samordnare BUF",
            due: "2027-12-31",
            then: Then::Stays,
        },
        DemoAnswer {
            body: BUN,
            rec: 9,
            stance: Stance::Agrees,
            measures: "E-utbildningen blir obligatorisk för alla lärare och skolledare. Deltagandet följs upp per skola varje termin.",
            responsible: "Förvaltningschef BUF",
            due: "2027-06-15",
            then: Then::Stays,
        },
        DemoAnswer {
            body: BUN,
            rec: 10,
            stance: Stance::Partly,
            measures: "Incidentrutinen är känd på skolorna. Nämnden ser inte behov av att analysera varje incident för sig, utan förvaltningen analyserar årets incidenter samlat en gång per år.",
            responsible: "Förvaltningschef BUF",
            due: "2027-08-31",
            then: Then::Stays,
        },
        DemoAnswer {
            body: BUN,
            rec: 11,
            stance: Stance::Agrees,
            measures: "Förvaltningen redovisar informationssäkerhetsarbetet för nämnden i samband med årsbokslutet.",
            responsible: "Förvaltningschef BUF",
            due: "2027-02-28",
            then: Then::Stays,
        },
    ],
    report: "granskningsrapport-informationssakerhet-2026.pdf",
};

const SF: &str = "Socialförvaltningen";

const INTERNAL: DemoAudit = DemoAudit {
    title: "Internrevision av informationssäkerhetsarbetet i socialförvaltningen",
    kind: AuditKind::Internal,
    auditor_org: "Exempla kommun, internrevisionen",
    auditor_person: "Sara Nord",
    period: "2026",
    started: "2026-08-24",
    delivered: "2026-10-30",
    due: "2026-12-15",
    purpose: "Internrevisionen granskar enligt MSB:s metodstöd för systematiskt informationssäkerhetsarbete om socialförvaltningen följer kommunens riktlinje och sin egen lokala anvisning. Granskningen har inriktats på behörigheter i journalsystemet, klassning av verksamhetssystemen och rapportering av incidenter. Den bygger på intervjuer, stickprov och genomgång av förvaltningens dokumentation.",
    kept_under: "Exempla kommun",
    bodies: &[SF],
    questions: &[
        (
            "Följer förvaltningen upp behörigheterna i journalsystemet så som den lokala anvisningen kräver?",
            &["behorighet"],
            "partly",
            "Behörigheter tas bort när en anställning upphör, men inte när en medarbetare byter arbetsplats inom förvaltningen. Ingen uppföljning av behörigheterna har gjorts under 2026.",
        ),
        (
            "Är förvaltningens verksamhetssystem klassade, och tas åtgärderna från klassningen om hand?",
            &["klassning"],
            "partly",
            "Fyra av fem verksamhetssystem är klassade, och åtgärderna från klassningarna finns i förvaltningens handlingsplan. Äldreomsorgens planeringssystem är inte klassat.",
        ),
        (
            "Rapporteras och hanteras incidenter enligt kommunens rutin?",
            &["incidenter"],
            "fulfilled",
            "Ett stickprov på tio incidenter från 2026 visar att alla rapporterades, hanterades och avslutades enligt rutinen.",
        ),
        (
            "Känner medarbetarna till förvaltningens lokala anvisning för informationssäkerhet?",
            &["styrdokument", "utbildning"],
            "fulfilled",
            "Anvisningen har presenterats på alla arbetsplatsträffar, och de medarbetare som intervjuades kände till den.",
        ),
    ],
    findings: &[
        (
            "Behörighetshantering",
            "Stickprovet visar 14 medarbetare som har kvar behörighet i journalsystemet till enheter där de inte längre arbetar.",
        ),
        ("Behörighetshantering", "Behörigheterna i journalsystemet har inte följts upp under 2026."),
        ("Informationsklassning", "Äldreomsorgens planeringssystem är inte klassat och saknar objektledare."),
        ("Incidenthantering", "Alla tio incidenter i stickprovet rapporterades och hanterades enligt kommunens rutin."),
    ],
    recommendations: &[
        (
            "Inför en rutin för att se över behörigheterna i journalsystemet när en medarbetare byter arbetsplats, och följ upp alla behörigheter två gånger per år.",
            &[SF],
        ),
        (
            "Klassa äldreomsorgens planeringssystem, utse en objektledare för det och för in åtgärderna från klassningen i förvaltningens handlingsplan.",
            &[SF],
        ),
    ],
    decided: &[Decided {
        body: SF,
        by: "Förvaltningschefen",
        on: "2026-11-24",
        entered_by: "forvaltningschef@exempla.se",
    }],
    answers: &[DemoAnswer {
        body: SF,
        rec: 0,
        stance: Stance::Agrees,
        measures: "Behörigheterna i journalsystemet följs upp två gånger per år.\nEn checklista tas fram för när en medarbetare byter arbetsplats: chefen beställer då att de gamla behörigheterna tas bort.",
        responsible: "Avdelningschefen för äldreomsorgen",
        due: "2027-06-30",
        then: Then::Stays,
    }],
    report: "internrevision-socialforvaltningen-2026.pdf",
};

/// A demo text the rules refuse, as the loader's error.
fn invalid(e: ValidationErrors) -> StoreError {
    match e.0.first() {
        Some(f) => StoreError::conflict(f.field, f.code),
        None => StoreError::Other("invalid demo audit".into()),
    }
}

fn actor(label: &str) -> Actor {
    Actor { id: None, label: label.into() }
}

/// Moves a copy by the same rules as a follow-up in the browser.
async fn step(
    store: &Store,
    who: &Actor,
    t: &Target,
    to: TargetStatus,
    note: &str,
    may_close: bool,
) -> Result<Target, StoreError> {
    let conflict = |e: domain::FieldError| StoreError::conflict(e.field, e.code);
    domain::audits::may_move(t.status, to, may_close).map_err(conflict)?;
    let note = domain::audits::parse_note(note, to == TargetStatus::Closed).map_err(conflict)?;
    store.move_target(who, t.id, t.status, to, &note, None).await
}

async fn enter(store: &Store, ids: &[(&str, Uuid)], a: &DemoAudit) -> Result<(), StoreError> {
    let auditor = actor(AUDITOR);
    let fields = AuditFields {
        title: a.title.into(),
        kind: a.kind.code().into(),
        auditor_org: a.auditor_org.into(),
        auditor_person: a.auditor_person.into(),
        period: a.period.into(),
        started: a.started.into(),
        report_delivered: a.delivered.into(),
        responses_due: a.due.into(),
        purpose: a.purpose.into(),
        follows_up: String::new(),
    };
    let bodies: Vec<Uuid> = a.bodies.iter().map(|b| find(ids, b)).collect();
    let audit =
        store.insert_org_audit(&auditor, find(ids, a.kept_under), fields.parse().map_err(invalid)?, &bodies).await?;
    for (text, areas, assessment, motivation) in a.questions {
        let q = QuestionFields {
            text: (*text).into(),
            areas: areas.join(","),
            assessment: (*assessment).into(),
            motivation: (*motivation).into(),
        };
        store.add_audit_question(&auditor, audit.id, q.parse().map_err(invalid)?).await?;
    }
    for (area, text) in a.findings {
        let f = FindingFields { area: (*area).into(), text: (*text).into() };
        store.add_audit_finding(&auditor, audit.id, f.parse().map_err(invalid)?).await?;
    }
    store.set_org_audit_report(&auditor, audit.id, a.report, &report_pdf(a)).await?;
    let mut recs = Vec::new();
    for (text, to) in a.recommendations {
        let chosen: Vec<Uuid> = to.iter().map(|b| find(ids, b)).collect();
        let input = domain::audits::parse_recommendation(text, &chosen, false, &bodies).map_err(invalid)?;
        recs.push(store.add_recommendation(&auditor, audit.id, input).await?);
    }
    let ciso = actor("ciso@exempla.se");
    for x in a.answers {
        let body = find(ids, x.body);
        let decided = a.decided.iter().find(|c| c.body == x.body).expect("every answering body has its decision");
        let rec = &recs[x.rec];
        let copy = rec.targets.iter().find(|t| t.org_id == body).expect("the recommendation goes to the body");
        let response = ResponseFields {
            stance: x.stance.code().into(),
            measures: x.measures.into(),
            responsible: x.responsible.into(),
            due: x.due.into(),
            decided_by: decided.by.into(),
            decided_on: decided.on.into(),
        }
        .parse()
        .map_err(invalid)?;
        let answered = store.answer_target(&actor(decided.entered_by), copy.id, response.clone()).await?;
        match x.then {
            Then::Stays => {}
            Then::InProgress(note) => {
                step(store, &ciso, &answered, TargetStatus::InProgress, note, false).await?;
            }
            Then::Action(status, progress) => {
                // As "make it an action" does: the first line of the measures
                // is the title, the recommendation the goal.
                let title = x.measures.lines().next().unwrap_or_default().trim();
                let action = ActionInput {
                    title: title.into(),
                    goal: rec.text.clone(),
                    activity: x.measures.into(),
                    cost: 0,
                    responsible: x.responsible.into(),
                    start_date: Some(d(decided.on)),
                    end_date: response.due,
                    status,
                    progress_note: progress.into(),
                    origin: Origin::Audit,
                    origin_ref: domain::audits::action_ref(copy.id),
                };
                store.insert_action(&ciso, body, action).await?;
                if status == ActionStatus::Ongoing {
                    step(store, &ciso, &answered, TargetStatus::InProgress, progress, false).await?;
                }
            }
            Then::DoneThenClosed(done, motivation) => {
                let t = step(store, &ciso, &answered, TargetStatus::Done, done, false).await?;
                step(store, &auditor, &t, TargetStatus::Closed, motivation, true).await?;
            }
        }
    }
    Ok(())
}

pub async fn load(store: &Store, ids: &[(&str, Uuid)]) -> Result<(), StoreError> {
    enter(store, ids, &ELECTED).await?;
    enter(store, ids, &INTERNAL).await
}

// --- The audit report as a small PDF ---

/// A line of the report: bold or not, and its text.
type Line = (bool, String);

/// The audit's report: who audited, the purpose, the questions with their
/// assessments, the findings by area and the recommendations with whom they
/// go to, wrapped to the page.
fn report_lines(a: &DemoAudit) -> Vec<Line> {
    fn para(out: &mut Vec<Line>, bold: bool, text: &str) {
        for l in wrap(text, 92) {
            out.push((bold, l));
        }
    }
    let assessment = |code: &str| match code {
        "fulfilled" => "Uppfyllt",
        "partly" => "Delvis uppfyllt",
        _ => "Inte uppfyllt",
    };
    let mut out = Vec::new();
    para(&mut out, true, a.title);
    out.push((false, String::new()));
    para(&mut out, false, &format!("Granskare: {}, {}", a.auditor_org, a.auditor_person));
    para(&mut out, false, &format!("Granskad period: {}. Granskade: {}.", a.period, a.bodies.join(", ")));
    para(&mut out, false, &format!("Rapporten lämnad {}. Svar senast {}.", a.delivered, a.due));
    out.push((false, String::new()));
    para(&mut out, true, "Syfte");
    para(&mut out, false, a.purpose);
    out.push((false, String::new()));
    para(&mut out, true, "Revisionsfrågor och bedömningar");
    for (i, (q, _, code, motivation)) in a.questions.iter().enumerate() {
        para(&mut out, false, &format!("{}. {q}", i + 1));
        para(&mut out, false, &format!("Bedömning: {}. {motivation}", assessment(code)));
        out.push((false, String::new()));
    }
    para(&mut out, true, "Iakttagelser");
    let mut area = "";
    for (ar, text) in a.findings {
        if *ar != area {
            para(&mut out, true, ar);
            area = *ar;
        }
        para(&mut out, false, &format!("– {text}"));
    }
    out.push((false, String::new()));
    para(&mut out, true, "Rekommendationer");
    for (text, to) in a.recommendations {
        para(&mut out, false, &format!("– {text} ({})", to.join(", ")));
    }
    out
}

/// Splits `text` into lines of at most `width` characters, at spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for raw in text.lines() {
        let mut line = String::new();
        for word in raw.split_whitespace() {
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(line);
    }
    lines
}

/// `s` as a PDF string's content in WinAnsi encoding (Latin-1 letters as octal escapes).
fn pdf_text(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '(' | ')' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            ' '..='~' => out.push(c),
            '–' => out.push_str("\\226"),
            '—' => out.push_str("\\227"),
            c if ('\u{a0}'..='\u{ff}').contains(&c) => out.push_str(&format!("\\{:03o}", c as u32)),
            _ => out.push('?'),
        }
    }
    out
}

/// A plain A4 PDF of the report's lines in Helvetica, as many pages as they need.
fn report_pdf(a: &DemoAudit) -> Vec<u8> {
    const PER_PAGE: usize = 52;
    let lines = report_lines(a);
    let pages: Vec<&[Line]> = lines.chunks(PER_PAGE).collect();
    let mut objects: Vec<String> = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".into(),
        format!(
            "<< /Type /Pages /Kids [{}] /Count {} >>",
            (0..pages.len()).map(|i| format!("{} 0 R", 5 + 2 * i)).collect::<Vec<_>>().join(" "),
            pages.len()
        ),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".into(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>".into(),
    ];
    for (i, page) in pages.iter().enumerate() {
        let mut content = String::from("BT\n14 TL\n56 786 Td\n");
        for (bold, text) in page.iter() {
            content.push_str(if *bold { "/F2 10 Tf\n" } else { "/F1 10 Tf\n" });
            content.push_str(&format!("({}) Tj T*\n", pdf_text(text)));
        }
        content.push_str(&format!("/F1 8 Tf\n0 -14 Td\n(Sida {} av {}) Tj\nET", i + 1, pages.len()));
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents {} 0 R >>",
            6 + 2 * i
        ));
        objects.push(format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()));
    }
    let mut pdf = String::from("%PDF-1.4\n");
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.push_str(&format!("{} 0 obj\n{o}\nendobj\n", i + 1));
    }
    let xref = pdf.len();
    pdf.push_str(&format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1));
    for o in offsets {
        pdf.push_str(&format!("{o:010} 00000 n \n"));
    }
    pdf.push_str(&format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1));
    pdf.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reports_are_pdfs_whose_cross_references_point_at_their_objects() {
        for a in [&ELECTED, &INTERNAL] {
            let pdf = report_pdf(a);
            let text = std::str::from_utf8(&pdf).expect("ASCII only");
            assert!(text.starts_with("%PDF-1.4\n") && text.ends_with("%%EOF\n"));
            assert!(text.is_ascii(), "Swedish letters are escaped");
            let start: usize = text.rsplit("startxref\n").next().unwrap().lines().next().unwrap().parse().unwrap();
            assert!(text[start..].starts_with("xref\n"));
            for (n, entry) in text[start..].lines().skip(3).take_while(|l| l.ends_with(" n ")).enumerate() {
                let at: usize = entry[..10].parse().unwrap();
                assert!(text[at..].starts_with(&format!("{} 0 obj\n", n + 1)), "object {}", n + 1);
            }
            for (at, _) in text.match_indices("<< /Length ") {
                let rest = &text[at + 11..];
                let n: usize = rest[..rest.find(' ').unwrap()].parse().unwrap();
                let body = &rest[rest.find("stream\n").unwrap() + 7..];
                assert!(body[n..].starts_with("\nendstream"), "the stream's length is right");
            }
        }
        assert_eq!(pdf_text("Åtgärd (klar) – öppen"), "\\305tg\\344rd \\(klar\\) \\226 \\366ppen");
        assert_eq!(wrap("ett två tre", 7), vec!["ett två", "tre"]);
    }

    #[test]
    fn every_answer_and_area_fits_its_audit() {
        let model = crate::builtin::model();
        for a in [&ELECTED, &INTERNAL] {
            for (_, areas, _, _) in a.questions {
                for area in *areas {
                    assert!(model.areas.iter().any(|x| x.id == *area), "{area} is an area of the model");
                }
            }
            for x in a.answers {
                assert!(a.recommendations[x.rec].1.contains(&x.body), "{} answers what it was given", x.body);
                assert!(a.decided.iter().any(|c| c.body == x.body), "{} decided its answers", x.body);
            }
        }
    }
}
