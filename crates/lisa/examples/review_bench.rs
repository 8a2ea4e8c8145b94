//! Times the management review reports of the demo kommun (last year's
//! adopted, this year's in preparation): the PDF (typst)
//! and the DOCX (docx-rs), warm, in the build profile it runs in.
//!
//!     cargo run --release -p lisa --example review_bench [-- ROUNDS [FOLDER]]
//!
//! With a FOLDER, the PDF and the Word document are also written there
//! (`review-YEAR.pdf`, `review-YEAR.docx`) to be looked at.

#![allow(clippy::unwrap_used, reason = "a measuring program: a failure should stop it at once")]

use std::time::{Duration, Instant};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

#[tokio::main]
async fn main() {
    let rounds: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(30);
    let dir = std::env::temp_dir().join(format!("lisa-bench-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let store = store::Store::connect(&store::sqlite_url_for(&dir)).await.expect("a database");
    lisa::demo::load(&store, &web::hash_password("bench")).await.expect("the demo data");
    let kommun = store.find_orgs_by_name("Exempla kommun").await.unwrap()[0].id;
    let reviews = store.list_reviews(&store::OrgScope::Org(kommun)).await.unwrap();
    // The adopted review of last year (read from its snapshot) and this
    // year's in preparation (compiled from the registers and plans live).
    for year in [2025, 2026] {
        let review = reviews.iter().find(|r| r.year == year).expect("the demo's review of the year");
        let t = Instant::now();
        let report = web::review_report(&store, review.id, domain::user::Language::Sv).await.unwrap();
        let build = t.elapsed();
        // Warm up: fonts, typst's caches.
        let pdf = documents::report::pdf(&report).unwrap();
        let docx = documents::report::docx(&report).unwrap();
        if let Some(out) = std::env::args().nth(2) {
            let out = std::path::Path::new(&out);
            std::fs::create_dir_all(out).unwrap();
            std::fs::write(out.join(format!("review-{year}.pdf")), &pdf).unwrap();
            std::fs::write(out.join(format!("review-{year}.docx")), &docx).unwrap();
        }
        let mut pdf_times = Vec::new();
        let mut cached_times = Vec::new();
        let mut docx_times = Vec::new();
        for _ in 0..rounds {
            // From scratch: typst's cache emptied, only the fonts stay loaded.
            documents::pdf::clear_cache();
            let t = Instant::now();
            std::hint::black_box(documents::report::pdf(&report).unwrap());
            pdf_times.push(t.elapsed());
            // The same report again (a second download): typst reuses its cache.
            let t = Instant::now();
            std::hint::black_box(documents::report::pdf(&report).unwrap());
            cached_times.push(t.elapsed());
            let t = Instant::now();
            std::hint::black_box(documents::report::docx(&report).unwrap());
            docx_times.push(t.elapsed());
        }
        let how = if review.adopted_at.is_some() { "from the adopted snapshot" } else { "live from the registers" };
        println!("review report of Exempla kommun {year}: {} sections", report.sections.len());
        println!("content compiled {how} and laid out in {:.1} ms", build.as_secs_f64() * 1000.0);
        println!(
            "PDF (from scratch): median {:>6.1} ms, max {:>6.1} ms over {rounds} rounds ({} KiB)",
            median(pdf_times.clone()).as_secs_f64() * 1000.0,
            pdf_times.iter().max().unwrap().as_secs_f64() * 1000.0,
            pdf.len() / 1024
        );
        println!("PDF again (typst cache warm): median {:>6.1} ms", median(cached_times).as_secs_f64() * 1000.0);
        println!(
            "DOCX: median {:>6.1} ms, max {:>6.1} ms over {rounds} rounds ({} KiB)",
            median(docx_times.clone()).as_secs_f64() * 1000.0,
            docx_times.iter().max().unwrap().as_secs_f64() * 1000.0,
            docx.len() / 1024
        );
    }
    store.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}
