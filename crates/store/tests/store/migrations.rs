//! Migrations and connecting.

use store::Store;

use crate::common::*;

#[test]
fn migration_versions_match_between_backends() {
    let (sqlite, postgres) = store::migration_versions();
    assert!(!sqlite.is_empty(), "no SQLite migrations embedded");
    assert_eq!(sqlite, postgres, "migrations/sqlite and migrations/postgres must hold the same versions");
    let mut sorted = sqlite.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted, sqlite, "migration versions must be unique and ordered");
}

#[tokio::test]
async fn bad_urls_are_refused() {
    for url in ["mysql://localhost/lisa", "lisa.db", ""] {
        match Store::connect(url).await {
            Err(store::StoreError::BadUrl(_)) => {}
            Err(e) => panic!("{url:?}: expected BadUrl, got {e}"),
            Ok(_) => panic!("{url:?}: expected BadUrl, got a store"),
        }
    }
}

#[tokio::test]
async fn connect_migrates_and_reconnects() {
    run("connect_migrates_and_reconnects", |db| async move {
        let n = db.name;
        db.store.ping().await.unwrap_or_else(|e| panic!("{n}: ping: {e}"));
        let (open, _idle) = db.store.pool_stats();
        assert!(open >= 1, "{n}: pool has no connections");
        let (versions, _) = store::migration_versions();
        let applied = db.raw_i64("SELECT COUNT(*) FROM _sqlx_migrations WHERE success").await;
        assert_eq!(applied, versions.len() as i64, "{n}: applied migrations");
        // A second connection (the next start) finds everything applied.
        let again = Store::connect(&db.url).await.unwrap_or_else(|e| panic!("{n}: reconnect: {e}"));
        again.ping().await.unwrap();
        assert_eq!(again.backend_name(), n);
        again.close().await;
        // The empty database: no orgs, no users, an empty intact chain.
        assert!(db.store.list_orgs().await.unwrap().is_empty());
        assert_eq!(db.store.count_users().await.unwrap(), 0);
        assert_eq!(db.verified().await, 0, "{n}: empty chain");
    })
    .await;
}
