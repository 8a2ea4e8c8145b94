//! The report renderers, checked the way a reader would: the PDF's text as
//! poppler extracts it, the DOCX's XML, and the DOCX as LibreOffice prints it.
//!
//! Needs the Debian packages `poppler-utils` (pdftotext) and
//! `libreoffice-writer-nogui` (soffice); a missing tool fails the test.

#![allow(clippy::unwrap_used, reason = "test code: a failure fails the test")]

use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use documents::report::{self, Block, Report, Section};
use documents::sample::{HOSTILE_TYPST, HOSTILE_XML, sample_report};

/// A fresh scratch directory for one test.
fn scratch(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "lisa-report-{}-{}-{name}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    dir
}

/// Runs a tool; if it is not installed, fails naming the Debian package.
fn run(tool: &str, package: &str, args: &[&str]) -> std::process::Output {
    match Command::new(tool).args(args).output() {
        Ok(out) => {
            assert!(out.status.success(), "{tool} {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
            out
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            panic!("`{tool}` is not installed: install the Debian package {package} (apt-get install {package})")
        }
        Err(e) => panic!("could not run {tool}: {e}"),
    }
}

/// The text of a PDF file, whitespace collapsed to single spaces.
fn pdf_text(path: &Path) -> String {
    let out = run("pdftotext", "poppler-utils", &[path.to_str().unwrap(), "-"]);
    String::from_utf8_lossy(&out.stdout).split_whitespace().collect::<Vec<_>>().join(" ")
}

fn assert_has(text: &str, what: &str, wanted: &[&str]) {
    for w in wanted {
        assert!(text.contains(w), "{what} lacks {w:?}; it has:\n{text}");
    }
}

/// The texts any rendering of the sample must show.
fn sample_texts(r: &Report) -> Vec<String> {
    let mut t = vec![r.title.clone(), r.subtitle.clone(), "Kontrollsumma".to_owned()];
    t.extend(r.sections.iter().map(|s| s.heading.clone()));
    t.extend(["Informationssäkerhetssamordnare", "Försenad", "Andel uppfyllda krav 2024–2026"].map(String::from));
    t
}

#[test]
fn the_pdf_shows_every_heading_the_footer_and_user_text_as_text() {
    let r = sample_report();
    let pdf = report::pdf(&r).unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    let dir = scratch("pdf");
    let path = dir.join("report.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let text = pdf_text(&path);

    let mut wanted = sample_texts(&r);
    wanted.extend([r.footer.clone(), "Sida 2 av".to_owned(), "Innehåll".to_owned()]);
    wanted.extend([HOSTILE_TYPST.to_owned(), HOSTILE_XML.to_owned(), "Risker & hot".to_owned()]);
    // The last row of the long table made it, on a later page.
    wanted.push("40. Utbilda chefer".to_owned());
    assert_has(&text, "the PDF", &wanted.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(!text.contains("Sida 1 av"), "the title page has no page number");
    // Numbered headings, also in the table of contents.
    assert!(text.matches("4.1 Områden som når målnivån").count() >= 2, "{text}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_draft_says_so_on_every_page_of_both_documents() {
    let r = Report { watermark: Some("UTKAST".to_owned()), ..sample_report() };
    let pdf = report::pdf(&r).unwrap();
    let dir = scratch("watermark");
    let path = dir.join("draft.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let pages = run("pdfinfo", "poppler-utils", &[path.to_str().unwrap()]);
    let pages: usize = String::from_utf8_lossy(&pages.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:").map(|n| n.trim().parse().unwrap()))
        .expect("pdfinfo tells the pages");
    assert!(pages > 2, "the sample runs over several pages");
    for page in 1..=pages {
        let n = page.to_string();
        // -raw: in reading order pdftotext leaves diagonal text out.
        let out = run("pdftotext", "poppler-utils", &["-raw", "-f", &n, "-l", &n, path.to_str().unwrap(), "-"]);
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(text.contains("UTKAST"), "page {page} is marked as a draft: {}", &text[..text.len().min(400)]);
    }
    // Without a watermark, no page says it.
    std::fs::write(&path, report::pdf(&sample_report()).unwrap()).unwrap();
    let out = run("pdftotext", "poppler-utils", &["-raw", path.to_str().unwrap(), "-"]);
    assert!(!String::from_utf8_lossy(&out.stdout).contains("UTKAST"), "a report that is not a draft is not marked");
    let docx = report::docx(&r).unwrap();
    let mut zip = unzip(&docx);
    let names: Vec<String> = zip.file_names().map(str::to_owned).collect();
    let header = names.iter().find(|n| n.starts_with("word/header")).expect("a page header");
    assert!(part(&mut zip, header).contains("UTKAST"), "every page of the Word document is headed as a draft");
    let _ = std::fs::remove_dir_all(dir);
}

fn unzip(bytes: &[u8]) -> zip::ZipArchive<Cursor<&[u8]>> {
    zip::ZipArchive::new(Cursor::new(bytes)).expect("the DOCX is a zip archive")
}

fn part(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str) -> String {
    let mut s = String::new();
    zip.by_name(name).unwrap_or_else(|_| panic!("{name} missing")).read_to_string(&mut s).unwrap();
    s
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[test]
fn the_docx_holds_the_text_charts_as_png_and_opens_in_libreoffice() {
    let r = sample_report();
    let docx = report::docx(&r).unwrap();
    assert!(docx.starts_with(b"PK"));
    let mut zip = unzip(&docx);
    let document = part(&mut zip, "word/document.xml");
    let wanted: Vec<String> = sample_texts(&r)
        .iter()
        .map(|t| xml_escape(t))
        .chain([xml_escape(HOSTILE_TYPST), xml_escape(HOSTILE_XML), "Risker &amp; hot".to_owned()])
        .collect();
    assert_has(&document, "word/document.xml", &wanted.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(!document.contains(HOSTILE_XML), "user text became markup");
    // Real heading styles, a contents field, repeated header rows, described images.
    for needle in [
        r#"w:val="Heading1""#,
        r#"w:val="Heading2""#,
        "TOC \\o &quot;1-2&quot;",
        "<w:tblHeader />",
        r#"descr="Linjediagram: Exempla kommun"#,
        "<w:numPr>",
    ] {
        assert!(document.contains(needle), "word/document.xml lacks {needle}");
    }
    let footer_names: Vec<String> =
        zip.file_names().filter(|n| n.starts_with("word/footer")).map(String::from).collect();
    let footers: String = footer_names.iter().map(|n| part(&mut zip, n)).collect();
    assert_has(&footers, "the footers", &[&xml_escape(&r.footer), "PAGE", "NUMPAGES"]);
    let styles = part(&mut zip, "word/styles.xml");
    assert!(styles.contains(r#"<w:lang w:val="sv-SE""#), "{styles}");
    let core = part(&mut zip, "docProps/core.xml");
    assert!(core.contains("<dc:title>Ledningens genomgång 2026</dc:title>"), "{core}");
    let pngs: Vec<String> =
        zip.file_names().filter(|n| n.starts_with("word/media/") && !n.ends_with('/')).map(String::from).collect();
    assert_eq!(pngs.len(), 3, "{pngs:?}");
    for name in &pngs {
        let mut head = [0u8; 8];
        zip.by_name(name).unwrap().read_exact(&mut head).unwrap();
        assert_eq!(&head, b"\x89PNG\r\n\x1a\n", "{name} is not a PNG");
    }

    // LibreOffice opens it and prints the same content.
    let dir = scratch("docx");
    let path = dir.join("report.docx");
    std::fs::write(&path, &docx).unwrap();
    let profile = format!("-env:UserInstallation=file://{}", dir.join("lo-profile").display());
    let outdir = dir.join("out");
    run(
        "soffice",
        "libreoffice-writer-nogui",
        &[&profile, "--headless", "--convert-to", "pdf", "--outdir", outdir.to_str().unwrap(), path.to_str().unwrap()],
    );
    let text = pdf_text(&outdir.join("report.pdf"));
    assert_has(
        &text,
        "the DOCX printed by LibreOffice",
        &[&r.title, "Innehåll", "Sammanfattning", "Resultat per område", "Sida 2 av", HOSTILE_TYPST, HOSTILE_XML],
    );
    let _ = std::fs::remove_dir_all(dir);
}

fn short_report() -> Report {
    Report {
        lang: "en".into(),
        title: "Action plan".into(),
        subtitle: "Exempla municipality".into(),
        toc_title: None,
        footer: "Lisa".into(),
        page_label: "Page".into(),
        of_label: "of".into(),
        watermark: None,
        sections: vec![Section { heading: "Actions".into(), blocks: vec![Block::Paragraph("One & two".into())] }],
        ..Report::default()
    }
}

#[test]
fn a_short_report_has_no_title_page_and_no_contents() {
    let r = short_report();
    let dir = scratch("short");
    let path = dir.join("short.pdf");
    std::fs::write(&path, report::pdf(&r).unwrap()).unwrap();
    let text = pdf_text(&path);
    assert_has(&text, "the short PDF", &["Action plan", "1 Actions", "One & two", "Page 1 of 1"]);
    let docx = report::docx(&r).unwrap();
    let document = part(&mut unzip(&docx), "word/document.xml");
    assert!(!document.contains("TOC \\o"));
    assert!(document.contains("One &amp; two"));
    let _ = std::fs::remove_dir_all(dir);
}

/// Writes the sample's PDF and DOCX to `$LISA_REPORT_OUT` for a look
/// (`pdftoppm -png -r 60 sample.pdf page`); does nothing without it.
#[test]
fn write_the_sample_for_a_look() {
    let Some(dir) = std::env::var_os("LISA_REPORT_OUT") else { return };
    let dir = PathBuf::from(dir);
    std::fs::create_dir_all(&dir).unwrap();
    let r = sample_report();
    std::fs::write(dir.join("sample.pdf"), report::pdf(&r).unwrap()).unwrap();
    std::fs::write(dir.join("sample.docx"), report::docx(&r).unwrap()).unwrap();
    let r = short_report();
    std::fs::write(dir.join("short.pdf"), report::pdf(&r).unwrap()).unwrap();
    std::fs::write(dir.join("short.docx"), report::docx(&r).unwrap()).unwrap();
}

/// A report with what printed wrongly before: a chart of twelve areas over
/// five years (taller than a page at full width) and a table of nine figure
/// columns beside long area names.
fn crowded_report() -> Report {
    let areas: Vec<String> = [
        "Ledningens engagemang och styrning",
        "Organisation och roller",
        "Styrdokument",
        "Informationstillgångar och klassning",
        "Risk- och konsekvensanalys",
        "Behörighetshantering",
        "Upphandling och leverantörer",
        "Kontinuitet",
        "Loggning och spårbarhet",
        "Utbildning och säkerhetskultur",
        "Incidenthantering",
        "Uppföljning och förbättring",
    ]
    .map(String::from)
    .to_vec();
    let series: Vec<(String, Vec<f64>)> = (2022..=2026)
        .map(|y| (y.to_string(), areas.iter().enumerate().map(|(i, _)| f64::from((y - 2000) * 2 + i as i32)).collect()))
        .collect();
    let chart = documents::charts::grouped_bar_chart(&areas, &series, 100.0, " %");
    let mut header = vec!["Område".to_owned()];
    for g in ["kommuner", "regioner", "alla"] {
        header.extend([format!("Median – {g}"), format!("Mittersta hälften – {g}"), format!("Percentil – {g}")]);
    }
    let rows: Vec<Vec<String>> = areas
        .iter()
        .map(|a| {
            let mut r = vec![a.clone()];
            for _ in 0..3 {
                r.extend(["63 %".to_owned(), "41 % – 78 %".to_owned(), "74".to_owned()]);
            }
            r
        })
        .collect();
    let numeric = (0..header.len()).map(|i| i > 0).collect();
    Report {
        lang: "sv".into(),
        title: "Samlad bedömning".into(),
        subtitle: "Exempla samordning".into(),
        footer: "Lisa".into(),
        page_label: "Sida".into(),
        of_label: "av".into(),
        sections: vec![Section {
            heading: "Resultat per område".into(),
            blocks: vec![
                Block::Paragraph("Andelen uppfyllda krav per område och år.".into()),
                Block::Chart { svg: chart, alt: "Stapeldiagram".into(), caption: "Andel per område och år".into() },
                Block::Table { header, rows, numeric, widths: Vec::new() },
            ],
        }],
        ..Report::default()
    }
}

/// The share of dark pixels in a strip of a page rendered by pdftoppm
/// (grey PNG): columns `x0..x1` as shares of the page's width.
fn dark_share(png_path: &Path, x0: f64, x1: f64) -> f64 {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(png_path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let (w, h) = (info.width as usize, info.height as usize);
    let channels = info.line_size / w;
    let (c0, c1) = ((x0 * w as f64) as usize, (x1 * w as f64) as usize);
    let mut dark = 0usize;
    for y in 0..h {
        for x in c0..c1 {
            if buf[y * info.line_size + x * channels] < 160 {
                dark += 1;
            }
        }
    }
    dark as f64 / ((c1 - c0) * h).max(1) as f64
}

#[test]
fn a_tall_chart_and_a_wide_table_stay_inside_their_pages() {
    let r = crowded_report();
    // Checked as laid out: every chart and text inside the text area, no
    // text over other text.
    let pdf = report::pdf_checked(&r).unwrap_or_else(|e| panic!("{e}"));
    // And as printed: rendered to pictures, the margins beside the text
    // (2.2 cm of 21 cm on each side) stay blank on every page.
    let dir = scratch("crowded");
    let path = dir.join("crowded.pdf");
    std::fs::write(&path, &pdf).unwrap();
    run(
        "pdftoppm",
        "poppler-utils",
        &["-png", "-gray", "-r", "40", path.to_str().unwrap(), dir.join("page").to_str().unwrap()],
    );
    let mut pages: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "png"))
        .collect();
    pages.sort();
    assert!(pages.len() >= 2, "the chart and the table take more than one page");
    for p in &pages {
        for (x0, x1) in [(0.0, 0.09), (0.91, 1.0)] {
            let d = dark_share(p, x0, x1);
            assert!(d < 0.001, "{} has ink in its margin {x0}–{x1}: {d}", p.display());
        }
    }
    let text = pdf_text(&path);
    assert_has(&text, "the crowded PDF", &["2022", "2026", "Uppföljning och förbättring", "Percentil – alla"]);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_layout_check_finds_what_runs_off_the_page_or_overlaps() {
    // A table forced to equal narrow columns: its words run into each other.
    let header: Vec<String> = (0..12).map(|_| "Kontinuiteten".to_owned()).collect();
    let cramped = Report {
        sections: vec![Section {
            heading: "Tabell".into(),
            blocks: vec![Block::Table {
                header: header.clone(),
                rows: vec![header.clone()],
                numeric: vec![false; 12],
                widths: vec![1; 12],
            }],
        }],
        ..crowded_report()
    };
    match report::pdf_checked(&cramped) {
        Err(documents::Error::Layout(p)) => assert!(p.iter().any(|x| x.contains("overlaps")), "{p:?}"),
        other => panic!("overlapping columns were not found: {:?}", other.map(|b| b.len())),
    }
    // A picture wider than the page.
    let svg = documents::charts::bar_chart(&[("Åtgärder".into(), 40.0)], 100.0, " %");
    let wide = documents::pdf::render_checked(
        r#"#set page(paper: "a4", margin: 2cm)
#image("chart-1.svg", width: 250mm)"#,
        "{}",
        vec![("chart-1.svg".into(), svg.into_bytes())],
    );
    match wide {
        Err(documents::Error::Layout(p)) => assert!(p.iter().any(|x| x.contains("outside the text area")), "{p:?}"),
        other => panic!("the wide chart was not found: {:?}", other.map(|b| b.len())),
    }
}
