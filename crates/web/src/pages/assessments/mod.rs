//! Self-assessments: start, answer area by area, the lifecycle, the result
//! with feedback, history over periods and comparison of two periods. The
//! use cases are in `crate::app::assessment`; these modules parse and render.

use domain::assessment::Status as AStatus;
use domain::scoring::Status;

use super::Ctx;

mod area;
mod delegations;
mod evidence;
mod history;
mod list;
mod result;
mod show;

pub use area::{area, save_area};
pub use delegations::{delegate, resolve};
pub use evidence::{evidence_download, evidence_form, evidence_upload};
pub use history::history;
pub use list::{create, list, new_form};
pub use result::result;
pub(crate) use show::overview_with_problems;
pub use show::{reopen, show, transition};

// Still used by the review and round pages.

/// An id and a label, for a select's options.
pub struct Choice {
    pub id: uuid::Uuid,
    pub label: String,
}

fn status_label(ctx: &Ctx, s: AStatus) -> String {
    ctx.t(&format!("assessment-status-{}", s.code()))
}

fn status_text(ctx: &Ctx, s: Status) -> String {
    ctx.t(&format!("question-status-{}", s.code()))
}

/// A chart of `documents::charts` as a decorative figure of a page: as wide
/// as its figure (the height follows the view box), hidden from screen
/// readers (the table next to it has the same figures), with class `chart`.
fn page_chart(svg: String) -> String {
    let Some(end) = svg.find('>') else { return svg };
    let (head, rest) = svg.split_at(end);
    let head: Vec<&str> = head.split(' ').filter(|a| !a.starts_with("width=") && !a.starts_with("height=")).collect();
    format!(r#"{} width="100%" role="img" aria-hidden="true" class="chart"{rest}"#, head.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_chart_scales_with_its_figure() {
        let svg = page_chart(documents::charts::bar_chart(&[("Ledning".into(), 50.0)], 100.0, " %"));
        let head = &svg[..svg.find('>').unwrap()];
        assert!(head.contains(r#"width="100%""#) && head.contains(r#"class="chart""#), "{head}");
        assert!(!head.contains("height=") && head.contains("viewBox=\"0 0 640 "), "{head}");
        assert!(head.contains("font-family=\"'Noto Sans', 'DejaVu Sans', Arial, sans-serif\""), "{head}");
        assert_eq!(svg.matches("<rect").count(), 1);
    }
}
