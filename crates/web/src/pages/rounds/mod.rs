//! Follow-up rounds (uppföljningsomgång) as HTML pages: the coordinator
//! creates a round, follows the responses and reads the aggregates; invitees
//! submit their result (and, by choice, their answers), may withdraw while
//! the round is open, and read their comparative feedback once it has
//! closed. Who may see and do what is decided by the use cases in
//! `app::round`; these modules parse the request and render.

use domain::round::Phase;

use super::Ctx;

mod exports;
mod feedback;
mod list;
mod new;
mod respondent;
mod results;
mod show;
mod trend;

pub use exports::{report_docx, report_pdf, results_csv, results_xlsx};
pub use feedback::{feedback, feedback_pdf};
pub use list::{attention, list};
pub use new::{create, new_form};
pub use respondent::respondent;
pub use results::results;
pub use show::{close, respond, show, withdraw};
pub use trend::trend;

fn phase_label(ctx: &Ctx, p: Phase) -> String {
    ctx.tk("round-phase", &p)
}

fn pct(v: f64) -> String {
    // Rounded half away from zero, as the charts round, so 62.5 % reads 63 % in both.
    if v.is_finite() { format!("{} %", domain::scoring::whole_percent(v)) } else { "–".into() }
}

/// The quartile range of a spread, or "–" for a group too small to show it.
fn quartiles(s: &domain::aggregate::Spread) -> String {
    match (s.q1, s.q3) {
        (Some(q1), Some(q3)) => format!("{}–{}", pct(q1), pct(q3)),
        _ => "–".into(),
    }
}

fn dec(v: f64) -> String {
    if v.is_finite() { format!("{v:.1}").replace('.', ",") } else { "–".into() }
}

fn suppressed(ctx: &Ctx, k: usize) -> String {
    crate::i18n::t_args(ctx.lang, "suppressed-cell", &[("k", k.to_string())])
}

fn kind_label(ctx: &Ctx, code: &str) -> String {
    ctx.t(&format!("kind-{code}"))
}

/// One row of figures: a group's label, its size (or the suppression note)
/// and its cells.
pub struct FigRow {
    pub label: String,
    pub cells: Vec<String>,
    pub suppressed: bool,
}

pub struct Table {
    pub caption: String,
    pub header: Vec<String>,
    pub rows: Vec<FigRow>,
}
