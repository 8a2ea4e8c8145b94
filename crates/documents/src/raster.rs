//! SVG → PNG with resvg (the same usvg version typst uses), with the
//! vendored Noto Sans so chart text renders exactly as in the PDF.

use std::sync::{Arc, LazyLock};

use resvg::{tiny_skia, usvg};

use crate::charts::FONT_FAMILY;

static FONTDB: LazyLock<Arc<usvg::fontdb::Database>> = LazyLock::new(|| {
    let mut db = usvg::fontdb::Database::new();
    for data in crate::pdf::NOTO_SANS {
        db.load_font_source(usvg::fontdb::Source::Binary(Arc::new(data)));
    }
    db.set_sans_serif_family(FONT_FAMILY);
    db.set_serif_family(FONT_FAMILY);
    Arc::new(db)
});

/// A rendered image: PNG bytes, its size in pixels and the SVG's own size
/// (user units, 1/96 inch).
pub(crate) struct Png {
    pub bytes: Vec<u8>,
    pub px: (u32, u32),
    pub size: (f32, f32),
}

/// The largest side of a rendered chart, in pixels.
const MAX_SIDE: f32 = 2400.0;

/// Renders `svg` at `scale` pixels per user unit (less if the result would be
/// larger than `MAX_SIDE`) on white. External images are never loaded.
pub(crate) fn svg_to_png(svg: &str, scale: f32) -> Result<Png, String> {
    let opt = usvg::Options {
        font_family: FONT_FAMILY.to_owned(),
        fontdb: FONTDB.clone(),
        image_href_resolver: usvg::ImageHrefResolver {
            resolve_data: Box::new(|_, _, _| None),
            resolve_string: Box::new(|_, _| None),
        },
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &opt).map_err(|e| e.to_string())?;
    let size = tree.size();
    let (w, h) = (size.width(), size.height());
    let scale = scale.min(MAX_SIDE / w.max(h)).max(0.01);
    let (pw, ph) = ((w * scale).ceil() as u32, (h * scale).ceil() as u32);
    let mut pixmap = tiny_skia::Pixmap::new(pw.max(1), ph.max(1)).ok_or("the chart has no size")?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(&tree, tiny_skia::Transform::from_scale(scale, scale), &mut pixmap.as_mut());
    let bytes = encode_fast(&pixmap)?;
    Ok(Png { bytes, px: (pixmap.width(), pixmap.height()), size: (w, h) })
}

/// PNG with fast compression: a chart is mostly flat colour, so the file is
/// barely larger than with the default level, and encoding takes a fraction
/// of the time. The pixmap is opaque (filled white), so its premultiplied
/// RGBA is plain RGBA.
fn encode_fast(pixmap: &tiny_skia::Pixmap) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, pixmap.width(), pixmap.height());
    enc.set_color(png::ColorType::Rgba);
    enc.set_depth(png::BitDepth::Eight);
    enc.set_compression(png::Compression::Fast);
    let mut w = enc.write_header().map_err(|e| e.to_string())?;
    w.write_image_data(pixmap.data()).map_err(|e| e.to_string())?;
    w.finish().map_err(|e| e.to_string())?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_chart_becomes_a_png_with_text() {
        let svg = crate::charts::bar_chart(&[("Åtgärder".into(), 40.0)], 100.0, " %");
        let png = super::svg_to_png(&svg, 2.0).unwrap();
        assert!(png.bytes.starts_with(b"\x89PNG"));
        assert_eq!(png.px.0, 1280);
        // Text was drawn: a blank chart with just a bar compresses far smaller.
        let blank = super::svg_to_png(&svg.replace("Åtgärder", "").replace("40 %", ""), 2.0).unwrap();
        assert!(png.bytes.len() > blank.bytes.len() + 500, "{} vs {}", png.bytes.len(), blank.bytes.len());
    }
}
