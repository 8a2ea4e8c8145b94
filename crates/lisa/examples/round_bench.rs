//! Times the figures of follow-up rounds on generated national populations:
//! a round's dashboard (`web::app::round::figures::dashboard`) with 650 and with 20,000
//! respondents, and the trend with its panel (`web::app::round::figures::trend`)
//! over ten years of 650 organisations and two years of 20,000; each on a fresh embedded SQLite database and, when
//! `LISA_BENCH_POSTGRES_URL` is set, on a fresh PostgreSQL database created
//! beside the one it names (and dropped afterwards).
//!
//!     cargo run --release -p lisa --example round_bench [-- RUNS]
//!     LISA_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test \
//!         cargo run --release -p lisa --example round_bench

#![allow(clippy::unwrap_used, reason = "a measuring program: a failure should stop it at once")]

use std::time::{Duration, Instant};

use lisa::demo_rounds::{Params, generate};
use store::{Actor, Store};

/// The peak resident memory of this process so far, in MiB (VmHWM).
fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

/// Starts a new peak: VmHWM counts from the current resident size again.
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Median and 95th percentile (nearest rank).
fn stats(mut v: Vec<Duration>) -> (f64, f64) {
    v.sort();
    let p95 = v[((v.len() as f64 * 0.95).ceil() as usize).clamp(1, v.len()) - 1];
    (ms(v[v.len() / 2]), ms(p95))
}

/// A fresh database: a temporary SQLite folder, or a new PostgreSQL database.
struct Fresh {
    url: String,
    cleanup: Box<dyn FnOnce()>,
}

async fn fresh(postgres: Option<&str>) -> Fresh {
    let tag = uuid::Uuid::new_v4().simple().to_string();
    match postgres {
        None => {
            let dir = std::env::temp_dir().join(format!("lisa-round-bench-{tag}"));
            std::fs::create_dir_all(&dir).unwrap();
            let url = store::sqlite_url_for(&dir);
            Fresh {
                url,
                cleanup: Box::new(move || {
                    let _ = std::fs::remove_dir_all(&dir);
                }),
            }
        }
        Some(admin) => {
            let name = format!("lisa_round_bench_{}", &tag[..12]);
            let pool = sqlx::PgPool::connect(admin).await.expect("the PostgreSQL server of LISA_BENCH_POSTGRES_URL");
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&pool).await.unwrap();
            pool.close().await;
            let base = admin.split('?').next().unwrap();
            let url = format!("{}/{name}", &base[..base.rfind('/').unwrap()]);
            let admin = admin.to_owned();
            Fresh {
                url,
                cleanup: Box::new(move || {
                    std::thread::spawn(move || {
                        tokio::runtime::Runtime::new().unwrap().block_on(async {
                            let pool = sqlx::PgPool::connect(&admin).await.unwrap();
                            let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                            sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&pool).await.unwrap();
                            pool.close().await;
                        })
                    })
                    .join()
                    .unwrap();
                }),
            }
        }
    }
}

enum Measure {
    Dashboard,
    Trend,
}

async fn scenario(postgres: Option<&str>, orgs: usize, years: u32, what: Measure, runs: usize) {
    let db = fresh(postgres).await;
    let store = Store::connect(&db.url).await.expect("a database");
    reset_peak_rss();
    let actor = Actor { id: None, label: "round bench".into() };
    let t = Instant::now();
    let summary =
        generate(&store, &actor, Params { orgs, years, last_year: 2026, seed: 1 }, &[]).await.expect("generated");
    let generated = t.elapsed();
    let newest = &summary.rounds.last().expect("a round").round;
    let respondents = summary.rounds.last().unwrap().responded;
    let (label, aim, times) = match what {
        Measure::Dashboard => {
            for _ in 0..3 {
                std::hint::black_box(web::app::round::figures::dashboard(&store, newest).await.unwrap());
            }
            let mut times = Vec::with_capacity(runs);
            for _ in 0..runs {
                let t = Instant::now();
                std::hint::black_box(web::app::round::figures::dashboard(&store, newest).await.unwrap());
                times.push(t.elapsed());
            }
            // Where the time goes: reading and parsing the shared results, and aggregating them.
            let mut read = Vec::with_capacity(runs);
            for _ in 0..runs.min(20) {
                let t = Instant::now();
                std::hint::black_box(store.list_shared(newest.id).await.unwrap());
                read.push(t.elapsed());
            }
            let shared = store.list_shared(newest.id).await.unwrap();
            let sizes: Vec<String> = shared.iter().map(|s| s.size_class.code().to_owned()).collect();
            let rs: Vec<domain::aggregate::Respondent> =
                shared.into_iter().map(|s| s.result.respondent(s.org_id, &s.kind)).collect();
            let mut agg = Vec::with_capacity(runs);
            for _ in 0..runs.min(20) {
                let t = Instant::now();
                std::hint::black_box(domain::aggregate::breakdown(
                    &rs,
                    &sizes,
                    newest.data.k,
                    web::app::round::figures::TOP_BLOCKERS,
                ));
                agg.push(t.elapsed());
            }
            println!(
                "    (reading and parsing: median {:.1} ms; aggregating: median {:.1} ms)",
                stats(read).0,
                stats(agg).0
            );
            ("dashboard", if orgs <= 1000 { 20.0 } else { 250.0 }, times)
        }
        Measure::Trend => {
            let rows = web::app::round::figures::trend(&store, newest).await.unwrap();
            assert_eq!(rows.len(), years as usize);
            for _ in 0..2 {
                std::hint::black_box(web::app::round::figures::trend(&store, newest).await.unwrap());
            }
            let mut times = Vec::with_capacity(runs);
            for _ in 0..runs {
                let t = Instant::now();
                std::hint::black_box(web::app::round::figures::trend(&store, newest).await.unwrap());
                times.push(t.elapsed());
            }
            ("trend with panel", if orgs <= 1000 { 100.0 } else { 300.0 }, times)
        }
    };
    let (median, p95) = stats(times);
    println!(
        "{:<8} {:>6} orgs × {:>2} years ({respondents} respondents in the newest round): generated in {:>6.1} s; \
         {label}: median {median:>6.1} ms, p95 {p95:>6.1} ms over {runs} runs (aim < {aim} ms: {}); peak RSS {:.0} MiB",
        store.backend_name(),
        orgs,
        years,
        generated.as_secs_f64(),
        if p95 < aim { "met" } else { "missed" },
        peak_rss_mib()
    );
    store.close().await;
    (db.cleanup)();
}

#[tokio::main]
async fn main() {
    let runs: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(50);
    let pg = std::env::var("LISA_BENCH_POSTGRES_URL").ok().filter(|s| !s.is_empty());
    let mut backends: Vec<Option<&str>> = vec![None];
    if let Some(url) = pg.as_deref() {
        backends.push(Some(url));
    }
    for backend in backends {
        scenario(backend, 650, 1, Measure::Dashboard, runs).await;
        scenario(backend, 20_000, 1, Measure::Dashboard, runs).await;
        scenario(backend, 650, 10, Measure::Trend, runs).await;
        // The national analyst's trend: two years of 20,000.
        scenario(backend, 20_000, 2, Measure::Trend, runs.min(20)).await;
    }
}
