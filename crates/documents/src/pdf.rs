//! PDF with typst: a fixed template (`templates/*.typ`) and the content as
//! data (`data.json`), never pasted into markup, so text a user typed stays
//! text. Fonts come from typst-assets, compiled into the binary.

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

static FONTS: LazyLock<Fonts> = LazyLock::new(|| {
    let fonts: Vec<Font> = typst_assets::fonts().flat_map(|data| Font::iter(Bytes::new(data))).collect();
    Fonts { book: LazyHash::new(FontBook::from_fonts(&fonts)), fonts }
});

static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

/// One compile at a time: typst is CPU-bound and the machine is small.
static RENDER: Mutex<()> = Mutex::new(());

fn file_id(name: &str) -> FileId {
    FileId::new(RootedPath::new(VirtualRoot::Project, VirtualPath::new(name).expect("a valid virtual path")))
}

struct Doc {
    main: Source,
    main_id: FileId,
    data_id: FileId,
    data: Bytes,
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
        if id == self.data_id { Ok(self.data.clone()) } else { Err(FileError::AccessDenied) }
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
    let _guard = RENDER.lock().unwrap_or_else(|e| e.into_inner());
    let main_id = file_id("main.typ");
    let doc = Doc {
        main: Source::new(main_id, template.to_owned()),
        main_id,
        data_id: file_id("data.json"),
        data: Bytes::new(data.as_bytes().to_vec()),
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
