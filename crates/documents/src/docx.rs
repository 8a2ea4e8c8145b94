//! The report as an editable Word document, built with docx-rs.
//!
//! docx-rs lacks a few things a good document needs — the document
//! language, the core title, repeated table header rows, image
//! descriptions — so after `build()` a handful of exact, checked string
//! patches are applied to the generated XML parts before they are zipped.
//! Each patch fails loudly (an `Error::Docx`) if docx-rs changes its output.

use docx_rs::{
    AbstractNumbering, AlignmentType, BorderType, BreakType, Docx, Footer, Header, IndentLevel, Level, LevelJc,
    LevelText, LineSpacing, LineSpacingType, NumPages, NumberFormat, Numbering, NumberingId, PageMargin, PageNum,
    Paragraph, ParagraphBorder, ParagraphBorderPosition, ParagraphBorders, Pic, Run, RunFonts, Shading, ShdType,
    SpecialIndentType, Start, Style, StyleType, Tab, TabLeaderType, TabValueType, Table, TableBorder,
    TableBorderPosition, TableBorders, TableCell, TableCellMargins, TableLayoutType, TableOfContents,
    TableOfContentsItem, TableRow, WidthType,
};

use crate::Error;
use crate::raster::svg_to_png;
use crate::report::{Block, Grid, Report, lang_code};

const BRAND: &str = "1B4F72";
const MUTED: &str = "595959";
const RULE: &str = "BFC5CC";
const HEAD_FILL: &str = "DCE6F0";
const ZEBRA_FILL: &str = "F3F5F7";
const FONT: &str = "Arial";

// A4 in twentieths of a point.
const PAGE_W: u32 = 11906;
const PAGE_H: u32 = 16838;
const MARGIN_X: i32 = 1247; // 2.2 cm
/// The width of the text column.
const TEXT_W: usize = PAGE_W as usize - 2 * MARGIN_X as usize;
const EMU_PER_TWIP: u32 = 635;

/// docx-rs always writes a decimal list as numbering 1; ours is 2.
const BULLETS: usize = 2;
/// docx-rs writes this as the table-of-contents tab stop; we move it to the margin.
const TOC_TAB: &str = r#"w:pos="80000""#;
/// Header rows are marked with this height (1 twip, "at least": no visible
/// effect) and the mark is replaced by `<w:tblHeader />` after build.
const HEADER_MARK: &str = r#"<w:trHeight w:val="1" w:hRule="atLeast" />"#;
const DOC_PR: &str = r#"<wp:docPr id="1" name="Figure" />"#;
/// The contents' structured-document tag is written with this alias and
/// patched into a "Table of Contents" document part: only then does
/// LibreOffice import it as an index (it otherwise shows the field code).
const TOC_ALIAS: &str = "lisa-table-of-contents";
const TOC_PART: &str =
    r#"<w:docPartObj><w:docPartGallery w:val="Table of Contents" /><w:docPartUnique /></w:docPartObj>"#;

/// Charts are rasterised at twice their size for sharp print and zoom.
const CHART_SCALE: f32 = 2.0;

pub(crate) fn render(r: &Report) -> Result<Vec<u8>, Error> {
    let lang = match lang_code(&r.lang).as_str() {
        "sv" => "sv-SE".to_owned(),
        "en" => "en-GB".to_owned(),
        other => other.to_owned(),
    };
    let mut doc = Docx::new()
        .page_size(PAGE_W, PAGE_H)
        .page_margin(PageMargin::new().top(1247).bottom(1474).left(MARGIN_X).right(MARGIN_X).header(709).footer(709))
        .default_fonts(RunFonts::new().ascii(FONT).hi_ansi(FONT).cs(FONT).east_asia(FONT))
        .default_size(20)
        .default_line_spacing(LineSpacing::new().after(120).line(264).line_rule(LineSpacingType::Auto))
        .add_abstract_numbering(
            AbstractNumbering::new(BULLETS).add_level(
                Level::new(0, Start::new(1), NumberFormat::new("bullet"), LevelText::new("•"), LevelJc::new("left"))
                    .indent(Some(567), Some(SpecialIndentType::Hanging(283)), None, None)
                    .color(BRAND),
            ),
        )
        .add_numbering(Numbering::new(BULLETS, BULLETS));
    for s in styles() {
        doc = doc.add_style(s);
    }
    doc = doc.footer(footer(r));
    if let Some(w) = &r.watermark {
        let mark = Paragraph::new()
            .align(AlignmentType::Center)
            .add_run(Run::new().add_text(clean(w)).bold().size(32).color("C0392B"));
        doc = doc.header(Header::new().add_paragraph(mark));
    }

    let mut charts = Vec::new();
    let mut body: Vec<Element> = Vec::new();
    let mut toc = Vec::new();
    let mut bookmark = 0usize;
    let mut heading = |level: usize, number: String, text: &str, toc: &mut Vec<TableOfContentsItem>| {
        bookmark += 1;
        let key = format!("_Toc{bookmark:06}");
        let label = format!("{number}\u{2002}{}", clean(text));
        toc.push(TableOfContentsItem::new().text(label.clone()).toc_key(key.clone()).level(level));
        Paragraph::new()
            .style(if level == 1 { "Heading1" } else { "Heading2" })
            .add_bookmark_start(bookmark, key)
            .add_run(Run::new().add_text(label))
            .add_bookmark_end(bookmark)
    };
    for (si, section) in r.sections.iter().enumerate() {
        let n = si + 1;
        body.push(Element::p(heading(1, n.to_string(), &section.heading, &mut toc)));
        let mut sub = 0;
        for block in &section.blocks {
            match block {
                Block::Subheading(t) => {
                    sub += 1;
                    body.push(Element::p(heading(2, format!("{n}.{sub}"), t, &mut toc)));
                }
                Block::Paragraph(t) => body.push(Element::p(text_paragraph(Paragraph::new(), t, None))),
                Block::Note { label, text } => body.push(Element::p(note(label, text))),
                Block::Bullets(items) => {
                    for item in items {
                        let p = Paragraph::new()
                            .numbering(NumberingId::new(BULLETS), IndentLevel::new(0))
                            .line_spacing(LineSpacing::new().after(60));
                        body.push(Element::p(text_paragraph(p, item, None)));
                    }
                    body.push(Element::p(spacer()));
                }
                Block::Facts(pairs) => {
                    body.push(Element::t(facts_table(pairs)));
                    body.push(Element::p(spacer()));
                }
                Block::Table { header, rows, numeric, widths } => {
                    body.push(Element::t(data_table(&Grid::new(header, rows, numeric, widths))));
                    body.push(Element::p(spacer()));
                }
                Block::Chart { svg, alt, caption } => {
                    let png = svg_to_png(svg, CHART_SCALE)
                        .map_err(|e| Error::Docx(format!("chart {}: {e}", charts.len() + 1)))?;
                    // Full text width (narrower for a tall chart, as in the
                    // PDF, so it fits one page), height kept in proportion.
                    let w_emu = TEXT_W as u32 * EMU_PER_TWIP / 100 * crate::report::chart_width_percent(svg);
                    let h_emu = (f64::from(w_emu) * f64::from(png.size.1) / f64::from(png.size.0)) as u32;
                    charts.push(alt.clone());
                    let pic = Pic::new_with_dimensions(png.bytes, png.px.0, png.px.1).size(w_emu, h_emu);
                    let p = Paragraph::new().keep_next(true).line_spacing(LineSpacing::new().before(120).after(60));
                    body.push(Element::p(p.add_run(Run::new().add_image(pic))));
                    // Numbered like typst's figures in the PDF.
                    let figure = if lang.starts_with("sv") { "Figur" } else { "Figure" };
                    let caption = if caption.is_empty() {
                        format!("{figure} {}", charts.len())
                    } else {
                        format!("{figure} {}: {caption}", charts.len())
                    };
                    body.push(Element::p(text_paragraph(Paragraph::new().style("Caption"), &caption, None)));
                }
            }
        }
    }

    // Title page and table of contents, or a short heading.
    if let Some(toc_title) = &r.toc_title {
        doc = doc.first_footer(Footer::new());
        doc = doc.add_paragraph(text_paragraph(Paragraph::new().style("Title"), &r.title, None));
        if !r.subtitle.is_empty() {
            doc = doc.add_paragraph(text_paragraph(Paragraph::new().style("Subtitle"), &r.subtitle, None));
        }
        if !r.facts.is_empty() {
            doc = doc.add_table(facts_table(&r.facts));
        }
        doc = doc.add_paragraph(page_break());
        let mut contents = TableOfContents::new()
            .heading_styles_range(1, 2)
            .hyperlink()
            // Word refreshes the page numbers when the document is opened.
            .dirty()
            .alias(TOC_ALIAS)
            .add_before_paragraph(text_paragraph(Paragraph::new().style("TOCHeading"), toc_title, None));
        contents.page_ref_placeholder = Some(String::new());
        for item in toc {
            contents = contents.add_item(item);
        }
        doc = doc.add_table_of_contents(contents).add_paragraph(page_break());
    } else {
        let title = Paragraph::new().style("Title").line_spacing(LineSpacing::new().before(0).after(60));
        doc = doc.add_paragraph(text_paragraph(title, &r.title, Some(short_title)));
        if !r.subtitle.is_empty() {
            let subtitle = Paragraph::new().style("Subtitle").line_spacing(LineSpacing::new().before(0).after(240));
            doc = doc.add_paragraph(text_paragraph(subtitle, &r.subtitle, None));
        }
        if !r.facts.is_empty() {
            doc = doc.add_table(facts_table(&r.facts)).add_paragraph(spacer());
        }
    }
    for e in body {
        doc = match e {
            Element::P(p) => doc.add_paragraph(*p),
            Element::T(t) => doc.add_table(*t),
        };
    }

    let mut xml = doc.build();
    patch(&mut xml, r, &lang, &charts)?;
    let mut out = std::io::Cursor::new(Vec::with_capacity(64 * 1024));
    xml.pack(&mut out).map_err(|e| Error::Docx(e.to_string()))?;
    Ok(out.into_inner())
}

impl Element {
    fn p(p: Paragraph) -> Self {
        Element::P(Box::new(p))
    }

    fn t(t: Table) -> Self {
        Element::T(Box::new(t))
    }
}

/// The body is built before the title page and contents (which list its
/// headings), then added after them.
enum Element {
    P(Box<Paragraph>),
    T(Box<Table>),
}

/// Removes characters XML 1.0 cannot hold (except tab and newline).
fn clean(s: &str) -> String {
    s.chars().filter(|c| !c.is_control() || *c == '\n' || *c == '\t').collect()
}

/// `text` as runs in `p`, '\n' as line breaks and '\t' as tabs.
fn text_paragraph(mut p: Paragraph, text: &str, style: Option<fn(Run) -> Run>) -> Paragraph {
    let text = clean(text);
    let mut run = Run::new();
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            run = run.add_break(BreakType::TextWrapping);
        }
        for (j, part) in line.split('\t').enumerate() {
            if j > 0 {
                run = run.add_tab();
            }
            if !part.is_empty() {
                run = run.add_text(part);
            }
        }
    }
    if let Some(f) = style {
        run = f(run);
    }
    p = p.add_run(run);
    p
}

fn bold_run(r: Run) -> Run {
    r.bold()
}

fn note_label(r: Run) -> Run {
    r.italic().size(17).color(MUTED)
}

/// The title of a document without a title page: smaller.
fn short_title(r: Run) -> Run {
    r.size(40)
}

fn spacer() -> Paragraph {
    Paragraph::new().line_spacing(LineSpacing::new().after(0).line(120))
}

fn page_break() -> Paragraph {
    Paragraph::new().add_run(Run::new().add_break(BreakType::Page))
}

fn note(label: &str, text: &str) -> Paragraph {
    let mut p =
        Paragraph::new().indent(Some(170), None, None, None).line_spacing(LineSpacing::new().before(60).after(180));
    p.property = p.property.set_borders(ParagraphBorders::with_empty().set(
        ParagraphBorder::new(ParagraphBorderPosition::Left).val(BorderType::Single).size(18).space(8).color(BRAND),
    ));
    p.property = p.property.shading(Shading::new().shd_type(ShdType::Clear).color("auto").fill("EEF3F8"));
    let p = text_paragraph(p, label, Some(note_label));
    let p = p.add_run(Run::new().add_break(BreakType::TextWrapping));
    text_paragraph(p, text, None)
}

fn footer(r: &Report) -> Footer {
    let p = Paragraph::new()
        .style("Footer")
        .add_tab(Tab::new().val(TabValueType::Right).pos(TEXT_W))
        .add_run(Run::new().add_text(clean(&r.footer)))
        .add_run(Run::new().add_tab().add_text(format!("{} ", clean(&r.page_label))))
        .add_page_num(PageNum::new())
        .add_run(Run::new().add_text(format!(" {} ", clean(&r.of_label))))
        .add_num_pages(NumPages::new());
    Footer::new().add_paragraph(p)
}

fn cell(text: &str, width: usize, align: AlignmentType, bold: bool, fill: Option<&str>) -> TableCell {
    let p = Paragraph::new().style("TableText").align(align);
    let p = text_paragraph(p, text, if bold { Some(bold_run) } else { None });
    let mut c = TableCell::new().add_paragraph(p).width(width, WidthType::Dxa);
    if let Some(fill) = fill {
        c = c.shading(Shading::new().shd_type(ShdType::Clear).color("auto").fill(fill));
    }
    c
}

fn borders(outer: &str) -> TableBorders {
    let b = |pos, size, color: &str| TableBorder::new(pos).border_type(BorderType::Single).size(size).color(color);
    TableBorders::with_empty()
        .set(b(TableBorderPosition::Top, 8, outer))
        .set(b(TableBorderPosition::Bottom, 8, outer))
        .set(b(TableBorderPosition::InsideH, 4, RULE))
}

fn column_widths(weights: &[u32]) -> Vec<usize> {
    let total: u32 = weights.iter().sum::<u32>().max(1);
    weights.iter().map(|w| TEXT_W * *w as usize / total as usize).collect()
}

fn facts_table(pairs: &[(String, String)]) -> Table {
    let widths = column_widths(&[1, 2]);
    let rows = pairs
        .iter()
        .map(|(k, v)| {
            TableRow::new(vec![
                cell(k, widths[0], AlignmentType::Left, true, None),
                cell(v, widths[1], AlignmentType::Left, false, None),
            ])
            .cant_split()
        })
        .collect();
    Table::new(rows)
        .set_grid(widths)
        .layout(TableLayoutType::Fixed)
        .width(TEXT_W, WidthType::Dxa)
        .set_borders(borders(RULE))
        .margins(TableCellMargins::new().margin(60, 100, 60, 100))
}

fn data_table(g: &Grid) -> Table {
    let weights: Vec<u32> = match &g.widths {
        Some(w) => w.clone(),
        // Without widths: numeric columns narrow, text columns wide.
        None => g.numeric.iter().map(|n| if *n { 1 } else { 3 }).collect(),
    };
    let widths = column_widths(&weights);
    let align = |i: usize| if g.numeric[i] { AlignmentType::Right } else { AlignmentType::Left };
    let mut rows = Vec::with_capacity(g.rows.len() + 1);
    if !g.header.is_empty() {
        let cells =
            g.header.iter().enumerate().map(|(i, h)| cell(h, widths[i], align(i), true, Some(HEAD_FILL))).collect();
        rows.push(TableRow::new(cells).cant_split().row_height(1.0));
    }
    for (ri, row) in g.rows.iter().enumerate() {
        let fill = (ri % 2 == 1).then_some(ZEBRA_FILL);
        let cells = row.iter().enumerate().map(|(i, t)| cell(t, widths[i], align(i), false, fill)).collect();
        rows.push(TableRow::new(cells).cant_split());
    }
    Table::new(rows)
        .set_grid(widths)
        .layout(TableLayoutType::Fixed)
        .width(TEXT_W, WidthType::Dxa)
        .set_borders(borders(BRAND))
        .margins(TableCellMargins::new().margin(50, 90, 50, 90))
}

fn styles() -> Vec<Style> {
    let spacing = |before: u32, after: u32| LineSpacing::new().before(before).after(after);
    let mut h1 = Style::new("Heading1", StyleType::Paragraph)
        .name("heading 1")
        .based_on("Normal")
        .next("Normal")
        .q_format(true)
        .size(30)
        .bold()
        .color(BRAND)
        .outline_lvl(0)
        .line_spacing(spacing(360, 160));
    h1.paragraph_property = h1.paragraph_property.keep_next(true).keep_lines(true);
    let mut h2 = Style::new("Heading2", StyleType::Paragraph)
        .name("heading 2")
        .based_on("Normal")
        .next("Normal")
        .q_format(true)
        .size(23)
        .bold()
        .color(BRAND)
        .outline_lvl(1)
        .line_spacing(spacing(240, 100));
    h2.paragraph_property = h2.paragraph_property.keep_next(true).keep_lines(true);
    let toc = |id: &str, name: &str, left: i32, bold: bool| {
        let s = Style::new(id, StyleType::Paragraph)
            .name(name)
            .based_on("Normal")
            .next("Normal")
            .ui_priority(39)
            .indent(Some(left), None, None, None)
            .line_spacing(spacing(if bold { 120 } else { 0 }, 60));
        let mut s = if bold { s.bold() } else { s };
        s.paragraph_property =
            s.paragraph_property.add_tab(Tab::new().val(TabValueType::Right).leader(TabLeaderType::Dot).pos(TEXT_W));
        s
    };
    vec![
        Style::new("Title", StyleType::Paragraph)
            .name("Title")
            .based_on("Normal")
            .next("Normal")
            .q_format(true)
            .size(52)
            .bold()
            .color(BRAND)
            .line_spacing(spacing(2400, 240)),
        Style::new("Subtitle", StyleType::Paragraph)
            .name("Subtitle")
            .based_on("Normal")
            .next("Normal")
            .q_format(true)
            .size(28)
            .color(MUTED)
            .line_spacing(spacing(0, 720)),
        h1,
        h2,
        Style::new("TOCHeading", StyleType::Paragraph)
            .name("TOC Heading")
            .based_on("Normal")
            .next("Normal")
            .size(30)
            .bold()
            .color(BRAND)
            .line_spacing(spacing(0, 240)),
        toc("ToC1", "toc 1", 0, true),
        toc("ToC2", "toc 2", 400, false),
        Style::new("Caption", StyleType::Paragraph)
            .name("caption")
            .based_on("Normal")
            .next("Normal")
            .q_format(true)
            .size(18)
            .italic()
            .color(MUTED)
            .line_spacing(spacing(0, 240)),
        Style::new("TableText", StyleType::Paragraph)
            .name("Table Text")
            .based_on("Normal")
            .size(18)
            .line_spacing(spacing(0, 0)),
        Style::new("Footer", StyleType::Paragraph)
            .name("footer")
            .based_on("Normal")
            .size(16)
            .color(MUTED)
            .line_spacing(spacing(0, 0)),
    ]
}

fn xml_escape(s: &str) -> String {
    clean(s)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\n', "&#xA;")
}

fn replace_checked(part: &mut Vec<u8>, what: &str, from: &str, to: &str) -> Result<(), Error> {
    let s = std::str::from_utf8(part).map_err(|e| Error::Docx(e.to_string()))?;
    if !s.contains(from) {
        return Err(Error::Docx(format!("{what}: docx-rs output changed, {from:?} not found")));
    }
    *part = s.replacen(from, to, 1).into_bytes();
    Ok(())
}

/// What docx-rs cannot say itself, patched into its XML.
fn patch(xml: &mut docx_rs::XMLDocx, r: &Report, lang: &str, charts: &[String]) -> Result<(), Error> {
    // Title and language in the core properties.
    let core = format!(
        "<dc:title>{}</dc:title><dc:language>{}</dc:language></cp:coreProperties>",
        xml_escape(&r.title),
        xml_escape(lang)
    );
    replace_checked(&mut xml.doc_props.core, "core properties", "</cp:coreProperties>", &core)?;
    // The document language, for spelling and hyphenation.
    let lang_tag = format!(r#"<w:lang w:val="{0}" w:eastAsia="{0}" w:bidi="ar-SA" />"#, xml_escape(lang));
    let styles = std::str::from_utf8(&xml.styles).map_err(|e| Error::Docx(e.to_string()))?;
    let styles = match styles.split_once("<w:rPrDefault><w:rPr>") {
        Some((a, b)) => format!("{a}<w:rPrDefault><w:rPr>{lang_tag}{b}"),
        None => return Err(Error::Docx("styles: docx-rs output changed, no <w:rPrDefault><w:rPr>".into())),
    };
    xml.styles = styles.into_bytes();

    let mut doc = String::from_utf8(std::mem::take(&mut xml.document)).map_err(|e| Error::Docx(e.to_string()))?;
    let alias = format!(r#"<w:alias w:val="{TOC_ALIAS}" />"#);
    if r.toc_title.is_some() {
        if !doc.contains(&alias) {
            return Err(Error::Docx("document: docx-rs output changed, no table-of-contents alias".into()));
        }
        doc = doc.replacen(&alias, TOC_PART, 1);
    }
    // Header rows repeat on every page.
    doc = doc.replace(HEADER_MARK, "<w:tblHeader />");
    // The contents' page numbers stand at the right margin.
    doc = doc.replace(TOC_TAB, &format!(r#"w:pos="{TEXT_W}""#));
    // Each picture gets a unique id and its text alternative.
    let mut out = String::with_capacity(doc.len() + charts.len() * 64);
    let mut rest = doc.as_str();
    for (i, alt) in charts.iter().enumerate() {
        let Some(at) = rest.find(DOC_PR) else {
            return Err(Error::Docx("document: docx-rs output changed, no <wp:docPr> for a chart".into()));
        };
        out.push_str(&rest[..at]);
        out.push_str(&format!(r#"<wp:docPr id="{}" name="Chart {}" descr="{}" />"#, i + 1, i + 1, xml_escape(alt)));
        rest = &rest[at + DOC_PR.len()..];
    }
    out.push_str(rest);
    xml.document = out.into_bytes();
    Ok(())
}
