//! PDF with typst: a fixed template (`templates/*.typ`) and the content as
//! data (`data.json`), never pasted into markup, so text a user typed stays
//! text. Fonts come from typst-assets plus the vendored Noto Sans
//! (`fonts/`), all compiled into the binary.

use std::sync::{LazyLock, Mutex};

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

use crate::Error;

struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

/// Noto Sans (SIL Open Font License, `fonts/OFL.txt`): the sans-serif body
/// font of the reports and the font of the charts.
pub(crate) const NOTO_SANS: [&[u8]; 4] = [
    include_bytes!("../fonts/NotoSans-Regular.ttf"),
    include_bytes!("../fonts/NotoSans-Bold.ttf"),
    include_bytes!("../fonts/NotoSans-Italic.ttf"),
    include_bytes!("../fonts/NotoSans-BoldItalic.ttf"),
];

static FONTS: LazyLock<Fonts> = LazyLock::new(|| {
    let fonts: Vec<Font> =
        NOTO_SANS.into_iter().chain(typst_assets::fonts()).flat_map(|data| Font::iter(Bytes::new(data))).collect();
    Fonts { book: LazyHash::new(FontBook::from_fonts(&fonts)), fonts }
});

static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

/// One compile at a time: typst is CPU-bound and the machine is small.
static RENDER: Mutex<()> = Mutex::new(());

fn file_id(name: &str) -> FileId {
    try_file_id(name).expect("a valid virtual path")
}

fn try_file_id(name: &str) -> Option<FileId> {
    Some(FileId::new(RootedPath::new(VirtualRoot::Project, VirtualPath::new(name).ok()?)))
}

struct Doc {
    main: Source,
    main_id: FileId,
    data_id: FileId,
    data: Bytes,
    /// Further virtual files (`chart-1.svg` …) next to `data.json`.
    files: Vec<(FileId, Bytes)>,
}

impl World for Doc {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }
    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.book
    }
    fn main(&self) -> FileId {
        self.main_id
    }
    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main_id { Ok(self.main.clone()) } else { Err(FileError::AccessDenied) }
    }
    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.data_id {
            return Ok(self.data.clone());
        }
        self.files.iter().find(|(fid, _)| *fid == id).map(|(_, b)| b.clone()).ok_or(FileError::AccessDenied)
    }
    fn font(&self, index: usize) -> Option<Font> {
        FONTS.fonts.get(index).cloned()
    }
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}

/// Renders `template` with `data` (JSON) into a PDF.
pub fn render(template: &str, data: &str) -> Result<Vec<u8>, Error> {
    render_with_files(template, data, Vec::new())
}

/// Like [`render`], with further virtual files the template may read by
/// name (`image("chart-1.svg")`). Names are plain file names such as
/// `chart-1.svg`; nothing else of the file system is reachable.
pub fn render_with_files(template: &str, data: &str, files: Vec<(String, Vec<u8>)>) -> Result<Vec<u8>, Error> {
    render_inner(template, data, files, false)
}

/// Like [`render_with_files`], and refuses (with [`Error::Layout`]) a
/// document whose layout is wrong: see [`layout_problems`].
pub fn render_checked(template: &str, data: &str, files: Vec<(String, Vec<u8>)>) -> Result<Vec<u8>, Error> {
    render_inner(template, data, files, true)
}

fn render_inner(template: &str, data: &str, files: Vec<(String, Vec<u8>)>, check: bool) -> Result<Vec<u8>, Error> {
    let files = files
        .into_iter()
        .map(|(name, bytes)| {
            try_file_id(&name)
                .map(|id| (id, Bytes::new(bytes)))
                .ok_or_else(|| Error::Pdf(format!("bad virtual file name {name:?}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let _guard = RENDER.lock().unwrap_or_else(|e| e.into_inner());
    let main_id = file_id("main.typ");
    let doc = Doc {
        main: Source::new(main_id, template.to_owned()),
        main_id,
        data_id: file_id("data.json"),
        data: Bytes::new(data.as_bytes().to_vec()),
        files,
    };
    let compiled = typst::compile::<PagedDocument>(&doc);
    let document = compiled
        .output
        .map_err(|errs| Error::Pdf(errs.iter().map(|e| e.message.to_string()).collect::<Vec<_>>().join("; ")))?;
    if check {
        let problems = layout_problems(&document);
        if !problems.is_empty() {
            typst::comemo::evict(10);
            return Err(Error::Layout(problems));
        }
    }
    let pdf = typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default())
        .map_err(|errs| Error::Pdf(errs.iter().map(|e| e.message.to_string()).collect::<Vec<_>>().join("; ")))?;
    typst::comemo::evict(10);
    Ok(pdf)
}

/// A template's page margins, in points.
struct Margins {
    x: f64,
    top: f64,
    bottom: f64,
}

/// The margins every template of Lisa's has at least (`report.typ`: 2.2 cm
/// across and at the top, 2.6 cm below; `assessment.typ` 2.4 cm below).
const MARGINS: Margins = Margins { x: 2.2 * 72.0 / 2.54, top: 2.2 * 72.0 / 2.54, bottom: 2.4 * 72.0 / 2.54 };

/// What a reader would see as printed wrongly, page by page: any text or
/// picture (a chart, a table's text) that runs outside the page's text
/// area — a chart taller than the page, a table wider than it — and two
/// runs of text that overlap (a table column narrower than its words).
/// Rotated or scaled decoration (the draft's watermark) is not checked; the
/// footer, in the bottom margin, only across.
pub fn layout_problems(doc: &PagedDocument) -> Vec<String> {
    use typst::layout::{Abs, FrameItem, Point};
    /// What is measured: a text run (its first characters) or an image.
    struct Mark {
        what: String,
        x0: f64,
        x1: f64,
        y0: f64,
        y1: f64,
        text: bool,
    }
    fn walk(frame: &typst::layout::Frame, origin: Point, out: &mut Vec<Mark>) {
        for (pos, item) in frame.items() {
            let at = origin + *pos;
            match item {
                // A rotated or scaled group is decoration, not body text.
                FrameItem::Group(g) if g.transform.is_identity() => walk(&g.frame, at, out),
                FrameItem::Group(_) => {}
                FrameItem::Text(t) => {
                    let size = t.size.to_pt();
                    out.push(Mark {
                        what: format!("text {:?}", t.text.chars().take(30).collect::<String>()),
                        x0: at.x.to_pt(),
                        x1: (at.x + inked_width(t)).to_pt(),
                        y0: at.y.to_pt() - 0.7 * size,
                        y1: at.y.to_pt() + 0.2 * size,
                        text: true,
                    });
                }
                FrameItem::Image(_, size, _) => out.push(Mark {
                    what: "a chart or image".into(),
                    x0: at.x.to_pt(),
                    x1: (at.x + size.x).to_pt(),
                    y0: at.y.to_pt(),
                    y1: (at.y + size.y).to_pt(),
                    text: false,
                }),
                _ => {}
            }
        }
    }
    /// A run's width without its trailing spaces (a line broken after a
    /// word keeps the space, which takes no ink).
    fn inked_width(t: &typst::text::TextItem) -> Abs {
        let keep = t
            .glyphs
            .iter()
            .rposition(|g| !t.text.get(g.range()).is_none_or(|s| s.chars().all(char::is_whitespace)))
            .map_or(0, |i| i + 1);
        t.glyphs[..keep].iter().map(|g| g.x_advance).sum::<typst::layout::Em>().at(t.size)
    }
    const TOLERANCE: f64 = 1.0;
    let mut problems = Vec::new();
    for (n, page) in doc.pages().iter().enumerate() {
        let (pw, ph) = (page.frame.width().to_pt(), page.frame.height().to_pt());
        let mut marks = Vec::new();
        walk(&page.frame, Point::zero(), &mut marks);
        let page_no = n + 1;
        let (left, right) = (MARGINS.x, pw - MARGINS.x);
        let bottom = ph - MARGINS.bottom;
        for m in &marks {
            // What starts in the bottom margin is the footer: checked across only.
            let in_footer = m.y0 >= bottom;
            let across = m.x0 < left - TOLERANCE || m.x1 > right + TOLERANCE;
            let down = !in_footer && (m.y0 < MARGINS.top - 8.0 * TOLERANCE || m.y1 > bottom + 4.0 * TOLERANCE);
            if across || down || m.y1 > ph {
                problems.push(format!(
                    "page {page_no}: {} runs outside the text area ({:.0}–{:.0} × {:.0}–{:.0} pt; the text area is {left:.0}–{right:.0} × {:.0}–{bottom:.0})",
                    m.what, m.x0, m.x1, m.y0, m.y1, MARGINS.top
                ));
            }
        }
        let texts: Vec<&Mark> = marks.iter().filter(|m| m.text && m.x1 - m.x0 > 0.5).collect();
        for (i, a) in texts.iter().enumerate() {
            for b in &texts[i + 1..] {
                let dx = a.x1.min(b.x1) - a.x0.max(b.x0);
                let dy = a.y1.min(b.y1) - a.y0.max(b.y0);
                let hmin = (a.y1 - a.y0).min(b.y1 - b.y0);
                if dx > TOLERANCE && dy > 0.4 * hmin {
                    problems.push(format!("page {page_no}: {} overlaps {}", a.what, b.what));
                }
            }
        }
    }
    problems
}

/// The result and feedback of a self-assessment (`templates/assessment.typ`).
pub fn assessment_report(data: &str) -> Result<Vec<u8>, Error> {
    render(include_str!("../templates/assessment.typ"), data)
}

/// [`assessment_report`], refusing a wrong layout (see [`layout_problems`]).
pub fn assessment_report_checked(data: &str) -> Result<Vec<u8>, Error> {
    render_checked(include_str!("../templates/assessment.typ"), data, Vec::new())
}

/// Empties typst's memoisation cache, so the next render starts from scratch
/// (benchmarks use it to time a render that reuses nothing).
pub fn clear_cache() {
    typst::comemo::evict(0);
}
