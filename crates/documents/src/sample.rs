//! A realistic sample report (a management review, in Swedish) shared by the
//! tests and `examples/report_bench.rs`. Not part of the API.

use crate::charts::{bar_chart, grouped_bar_chart, line_chart};
use crate::report::{Block, Report, Section};

/// Text a user might type that must stay text in every format.
pub const HOSTILE_TYPST: &str = "#set page(fill: red) ]";
pub const HOSTILE_XML: &str = "<w:p>";

fn s(t: &str) -> String {
    t.to_owned()
}

fn para(t: &str) -> Block {
    Block::Paragraph(s(t))
}

fn section(heading: &str, blocks: Vec<Block>) -> Section {
    Section { heading: s(heading), blocks }
}

const AREAS: [&str; 8] = [
    "Ledning och styrning",
    "Riskhantering",
    "Informationsklassning",
    "Behörigheter och åtkomst",
    "Incidenthantering",
    "Kontinuitet och krisberedskap",
    "Leverantörer och avtal",
    "Utbildning och medvetenhet",
];

/// About 15 sections: paragraphs, notes, bullets, facts, a 40-row table that
/// spans pages, three charts and the hostile strings above.
pub fn sample_report() -> Report {
    let years = ["2024", "2025", "2026"];
    let maturity = line_chart(
        "År",
        &[
            (s("Exempla kommun"), years.iter().zip([38.0, 52.0, 67.0]).map(|(y, v)| (s(y), v)).collect()),
            (s("Jämförbara kommuner (snitt)"), years.iter().zip([41.0, 47.0, 55.0]).map(|(y, v)| (s(y), v)).collect()),
            (s("Målnivå"), years.iter().zip([50.0, 60.0, 70.0]).map(|(y, v)| (s(y), v)).collect()),
        ],
        100.0,
        &[0.0, 25.0, 50.0, 75.0, 100.0],
        " %",
    );
    let now = [75.0, 62.0, 48.0, 81.0, 70.0, 44.0, 57.0, 66.0];
    let before = [60.0, 55.0, 30.0, 78.0, 52.0, 40.0, 45.0, 50.0];
    let areas =
        grouped_bar_chart(&AREAS.map(s), &[(s("2026"), now.to_vec()), (s("2025"), before.to_vec())], 100.0, " %");
    let incidents = bar_chart(
        &[
            (s("Nätfiske och bedrägeriförsök"), 23.0),
            (s("Felskickad e-post med personuppgifter"), 11.0),
            (s("Obehörig åtkomst"), 4.0),
            (s("Driftstörning hos leverantör"), 7.0),
            (s("Förlorad eller stulen utrustning"), 5.0),
        ],
        25.0,
        " st",
    );

    let statuses = ["Klar", "Pågår", "Ej påbörjad", "Försenad"];
    let owners = ["Kommundirektör", "IT-chef", "Informationssäkerhetssamordnare", "HR-chef", "Dataskyddsombud"];
    let tasks = [
        "Uppdatera informationssäkerhetspolicyn",
        "Genomför riskanalys för e-tjänsteplattformen",
        "Klassa information i ekonomisystemet",
        "Inför tvåfaktorsinloggning för fjärråtkomst",
        "Öva incidenthantering med förvaltningarna",
        "Ta fram kontinuitetsplan för löneutbetalning",
        "Granska personuppgiftsbiträdesavtal",
        "Utbilda chefer i informationssäkerhet",
    ];
    let rows: Vec<Vec<String>> = (0..40)
        .map(|i| {
            vec![
                format!("{}. {} – förvaltning {}", i + 1, tasks[i % tasks.len()], i / tasks.len() + 1),
                s(owners[i % owners.len()]),
                s(statuses[(i * 7) % statuses.len()]),
                format!("{} %", (i * 37) % 101),
            ]
        })
        .collect();

    Report {
        lang: s("sv"),
        title: s("Ledningens genomgång 2026"),
        subtitle: s("Exempla kommun"),
        facts: vec![
            (s("Organisation"), s("Exempla kommun")),
            (s("År"), s("2026")),
            (s("Status"), s("Antagen")),
            (s("Antagen"), s("2026-03-12 av kommunstyrelsen")),
            (s("Kontrollsumma"), s("3f2a9c41e07b55d2a1c8")),
        ],
        toc_title: Some(s("Innehåll")),
        footer: s("Lisa · Exempla kommun · Kontrollsumma 3f2a9c41"),
        page_label: s("Sida"),
        of_label: s("av"),
        watermark: None,
        sections: vec![
            section(
                "Sammanfattning",
                vec![
                    para(
                        "Ledningens genomgång är ett årligt tillfälle att följa upp hur informationssäkerhetsarbetet \
                         fungerar och besluta om förbättringar. Under året har kommunen nått nivå 2 i Lisas grundmodell \
                         och påbörjat arbetet mot nivå 3.",
                    ),
                    Block::Bullets(vec![
                        s("Mognaden har ökat från 52 % till 67 % jämfört med förra året."),
                        s("Tre av åtta områden når målnivån; kontinuitet och klassning ligger efter."),
                        s(
                            "Antalet rapporterade incidenter har ökat, vilket främst tolkas som bättre rapporteringsvilja.",
                        ),
                    ]),
                    Block::Note {
                        label: s("Kommentar från informationssäkerhetssamordnaren"),
                        text: s(
                            "Arbetet går åt rätt håll, men förvaltningarnas åtgärder behöver följas upp tätare.\nEn särskild insats föreslås för kontinuitetsplaneringen.",
                        ),
                    },
                ],
            ),
            section(
                "Underlag och metod",
                vec![
                    para(
                        "Genomgången bygger på självskattningen i Lisa, incidentrapporter, revisionens iakttagelser och uppföljningen av åtgärdsplanen.",
                    ),
                    Block::Facts(vec![
                        (s("Självskattning"), s("Genomförd 2026-01-20, 94 frågor besvarade")),
                        (s("Incidentrapporter"), s("50 rapporter under perioden")),
                        (s("Internrevision"), s("Granskning av behörighetshantering, hösten 2025")),
                    ]),
                ],
            ),
            section(
                "Informationssäkerhetsarbetets mognad",
                vec![
                    para(
                        "Diagrammet visar andelen uppfyllda krav i grundmodellen över tre år, jämfört med snittet för jämförbara kommuner och den beslutade målnivån.",
                    ),
                    Block::Chart {
                        svg: maturity,
                        alt: s(
                            "Linjediagram: Exempla kommun 38, 52 och 67 procent 2024–2026; jämförbara kommuner 41, 47 och 55 procent; målnivå 50, 60 och 70 procent.",
                        ),
                        caption: s("Andel uppfyllda krav 2024–2026"),
                    },
                ],
            ),
            section(
                "Resultat per område",
                vec![
                    para(
                        "Störst förbättring syns inom informationsklassning och incidenthantering. Kontinuitet och krisberedskap har förbättrats minst.",
                    ),
                    Block::Chart {
                        svg: areas,
                        alt: s("Stapeldiagram med andel uppfyllda krav per område 2026 och 2025."),
                        caption: s("Andel uppfyllda krav per område, 2026 jämfört med 2025"),
                    },
                    Block::Subheading(s("Områden som når målnivån")),
                    Block::Bullets(
                        AREAS.iter().zip(now).filter(|(_, v)| *v >= 70.0).map(|(a, v)| format!("{a}: {v} %")).collect(),
                    ),
                ],
            ),
            section(
                "Uppföljning av åtgärdsplanen",
                vec![
                    para("Tabellen visar samtliga åtgärder i planen och hur långt de har kommit."),
                    Block::Table {
                        header: vec![s("Åtgärd"), s("Ansvarig"), s("Status"), s("Klar")],
                        rows,
                        numeric: vec![false, false, false, true],
                        widths: vec![6, 3, 2, 1],
                    },
                    Block::Subheading(s("Försenade åtgärder")),
                    para(
                        "Försenade åtgärder beror främst på brist på resurser i förvaltningarna och väntan på leverantörer.",
                    ),
                ],
            ),
            section(
                "Incidenter och avvikelser",
                vec![
                    para("Under perioden rapporterades 50 incidenter. Ingen ledde till allvarlig skada."),
                    Block::Chart {
                        svg: incidents,
                        alt: s(
                            "Stapeldiagram över incidenter per typ: nätfiske 23, felskickad e-post 11, obehörig åtkomst 4, driftstörning 7, förlorad utrustning 5.",
                        ),
                        caption: s("Rapporterade incidenter per typ"),
                    },
                    Block::Table {
                        header: vec![s("Typ"), s("Antal"), s("Anmälda till IMY")],
                        rows: vec![
                            vec![s("Nätfiske och bedrägeriförsök"), s("23"), s("0")],
                            vec![s("Felskickad e-post med personuppgifter"), s("11"), s("3")],
                            vec![s("Obehörig åtkomst"), s("4"), s("1")],
                        ],
                        numeric: vec![false, true, true],
                        widths: vec![],
                    },
                ],
            ),
            section(
                "Risker & hot i omvärlden",
                vec![
                    para(
                        "Hotbilden mot kommunal verksamhet är fortsatt förhöjd. Överbelastningsattacker och utpressningsangrepp mot leverantörer är de största riskerna.",
                    ),
                    Block::Note {
                        label: s("Kommentar från IT-chefen"),
                        text: format!(
                            "Användaren skrev i fritextfältet: {HOSTILE_TYPST} och {HOSTILE_XML} – det ska synas som text."
                        ),
                    },
                ],
            ),
            section(
                "Efterlevnad av lagar och krav",
                vec![Block::Facts(vec![
                    (
                        s("Cybersäkerhetslagen (NIS 2)"),
                        s("Kommunen är väsentlig entitet; anmälan till tillsynsmyndigheten är gjord."),
                    ),
                    (
                        s("Dataskyddsförordningen"),
                        s("Registerförteckningen är uppdaterad för sex av åtta förvaltningar."),
                    ),
                    (s("Säkerhetsskyddslagen"), s("Säkerhetsskyddsanalysen reviderades i november.")),
                ])],
            ),
            section(
                "Resurser och kompetens",
                vec![para(
                    "Informationssäkerhetssamordnaren arbetar på heltid sedan augusti. Varje förvaltning har utsett ett informationssäkerhetsombud.",
                )],
            ),
            section(
                "Leverantörer och avtal",
                vec![
                    para(
                        "Elva av fjorton kritiska leverantörer har granskats. Tre avtal saknar krav på incidentrapportering.",
                    ),
                    Block::Bullets(vec![
                        s("Lönesystem – avtal omförhandlas 2026."),
                        s("E-tjänsteplattform – granskad, inga avvikelser."),
                        s("Drift av nätverk – krav på loggning saknas."),
                    ]),
                ],
            ),
            section(
                "Kontinuitet och krisberedskap",
                vec![para(
                    "Kontinuitetsplaner finns för fem av tolv samhällsviktiga verksamheter. En övning med avbrott i IT-drift genomfördes i oktober.",
                )],
            ),
            section(
                "Utbildning och medvetenhet",
                vec![para(
                    "86 % av medarbetarna har genomfört den grundläggande webbutbildningen. Chefer har erbjudits en halvdag om informationsklassning.",
                )],
            ),
            section(
                "Förbättringsförslag",
                vec![
                    Block::Subheading(s("Kort sikt")),
                    Block::Bullets(vec![
                        s("Slutför klassningen av ekonomisystemet."),
                        s("Inför tvåfaktorsinloggning för alla administratörer."),
                    ]),
                    Block::Subheading(s("Lång sikt")),
                    Block::Bullets(vec![
                        s("Samordna kontinuitetsplaneringen med krisberedskapen."),
                        s("Bygg upp en gemensam loggplattform."),
                    ]),
                ],
            ),
            section(
                "Beslut från ledningen",
                vec![
                    para(
                        "Ledningen beslutar att\n– anta åtgärdsplanen för 2026,\n– avsätta medel för en extern granskning av kontinuitetsplanerna,\n– följa upp arbetet vid nästa ledningsgrupp i juni.",
                    ),
                    Block::Note {
                        label: s("Kommentar från kommundirektören"),
                        text: s("Beslutet förankras i kommunstyrelsens arbetsutskott."),
                    },
                ],
            ),
            section(
                "Ordlista",
                vec![Block::Facts(vec![
                    (s("Ledningens genomgång"), s("Ledningens årliga uppföljning av informationssäkerhetsarbetet.")),
                    (s("Självskattning"), s("Organisationens egen bedömning mot Lisas grundmodell.")),
                    (s("Åtgärdsplan"), s("Beslutade åtgärder med ansvarig och tidpunkt.")),
                ])],
            ),
        ],
    }
}
