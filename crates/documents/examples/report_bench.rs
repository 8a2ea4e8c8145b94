//! Times the report renderers on the sample report (about 15 sections, a
//! 40-row table, three charts):
//!
//! ```sh
//! cargo run --release -p documents --example report_bench [runs]
//! ```
//!
//! Prints the median of `runs` (default 20) warm renders of each format.

#![allow(clippy::unwrap_used, reason = "a measuring program: a failure should stop it at once")]

use std::time::{Duration, Instant};

use documents::report;
use documents::sample::sample_report;

fn median(mut f: impl FnMut() -> usize, runs: usize) -> (Duration, usize) {
    let mut times = Vec::with_capacity(runs);
    let mut size = 0;
    for _ in 0..runs {
        let t = Instant::now();
        size = f();
        times.push(t.elapsed());
    }
    times.sort();
    (times[times.len() / 2], size)
}

fn main() {
    let runs: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(20).max(1);
    let report = sample_report();

    let t = Instant::now();
    let pdf = report::pdf(&report).expect("the PDF");
    let cold_pdf = t.elapsed();
    let t = Instant::now();
    let docx = report::docx(&report).expect("the DOCX");
    let cold_docx = t.elapsed();
    println!(
        "cold: PDF {:.1} ms ({} bytes), DOCX {:.1} ms ({} bytes)",
        ms(cold_pdf),
        pdf.len(),
        ms(cold_docx),
        docx.len()
    );

    let (pdf_t, pdf_len) = median(|| report::pdf(&report).expect("the PDF").len(), runs);
    let (docx_t, docx_len) = median(|| report::docx(&report).expect("the DOCX").len(), runs);
    println!(
        "warm median of {runs}: PDF {:.1} ms ({pdf_len} bytes), DOCX {:.1} ms ({docx_len} bytes)",
        ms(pdf_t),
        ms(docx_t)
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
