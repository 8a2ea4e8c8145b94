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
    let pdf = typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default())
        .map_err(|errs| Error::Pdf(errs.iter().map(|e| e.message.to_string()).collect::<Vec<_>>().join("; ")))?;
    typst::comemo::evict(10);
    Ok(pdf)
}

/// The result and feedback of a self-assessment (`templates/assessment.typ`).
pub fn assessment_report(data: &str) -> Result<Vec<u8>, Error> {
    render(include_str!("../templates/assessment.typ"), data)
}

/// Empties typst's memoisation cache, so the next render starts from scratch
/// (benchmarks use it to time a render that reuses nothing).
pub fn clear_cache() {
    typst::comemo::evict(0);
}
