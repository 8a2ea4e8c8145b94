//! The management review (ledningens genomgång): the list, starting one,
//! the review page with its compiled inputs, comments, meeting and decisions,
//! adoption, correction as a new revision, and the report as PDF and DOCX.
//! The use cases are in `crate::app::review`.

pub mod assets;
mod list;
pub mod registers;
mod report;
mod show;
#[cfg(test)]
mod tests;
mod view;

pub use list::{create, list};
pub use report::{report, report_docx, report_pdf};
pub use show::{
    add_decision, add_file, adopt, delete_decision, download_file, revise, save_comments, save_meeting, show,
};
