//! Steering documents, their versions and implementation.

use domain::org::OrgKind;
use domain::steering::{DocKind, DocStatus, DocumentInput, Implementation, VersionInput};
use store::{OrgScope, VersionFile};

use crate::common::*;
use crate::plans::{decision, kommun};

fn guideline(parent: Option<uuid::Uuid>) -> DocumentInput {
    DocumentInput {
        title: "Riktlinje för informationssäkerhet".into(),
        kind: DocKind::Guideline,
        status: DocStatus::Decided,
        owner: "Kommundirektören".into(),
        decided_by: "Kommunstyrelsen".into(),
        decided_on: Some(d("2024-05-10")),
        valid_from: None,
        review_interval_months: 36,
        next_review: Some(d("2027-05-10")),
        parent_id: parent,
        summary: "Mål och ansvar.".into(),
    }
}

#[tokio::test]
async fn documents_versions_and_implementation_are_kept_whole() {
    run("documents_versions_and_implementation_are_kept_whole", |db| async move {
        let (s, n) = (&*db.store, db.name);
        let (k, f) = kommun(s).await;
        let other = s.insert_org(&admin(), new_org("Annan kommun", OrgKind::Municipality, None)).await.unwrap().id;
        let g = s.insert_document(&admin(), k, guideline(None)).await.unwrap();
        assert_eq!(s.find_document(g.id).await.unwrap().unwrap(), g, "{n}: reads back the same");
        let mut local = guideline(Some(g.id));
        local.title = "Lokal anvisning".into();
        local.kind = DocKind::LocalDirective;
        let l = s.insert_document(&admin(), f, local).await.unwrap();
        assert_eq!(s.list_documents(&OrgScope::Subtree(k)).await.unwrap().len(), 2, "{n}");
        assert_eq!(s.list_documents(&OrgScope::Org(f)).await.unwrap(), vec![l.clone()], "{n}");
        assert_eq!(s.documents_of(&[k]).await.unwrap(), vec![g.clone()], "{n}");
        assert!(s.list_documents(&OrgScope::Subtree(other)).await.unwrap().is_empty(), "{n}");

        // A parent that is unknown or would make a cycle is refused; nothing is written.
        let before = s.verify_audit().await.unwrap().unwrap();
        let bad = s.insert_document(&admin(), k, guideline(Some(uuid::Uuid::now_v7()))).await;
        assert!(matches!(bad, Err(store::StoreError::Conflict { field: "parent_id", .. })), "{n}: {bad:?}");
        let cycle = s.update_document(&admin(), g.id, None, guideline(Some(l.id))).await;
        assert!(matches!(cycle, Err(store::StoreError::Conflict { field: "parent_id", .. })), "{n}: {cycle:?}");
        // A change against an old version is refused.
        let stale =
            s.update_document(&admin(), g.id, Some(g.created_at - chrono::Duration::days(1)), guideline(None)).await;
        assert!(matches!(stale, Err(store::StoreError::Conflict { field: "updated_at", .. })), "{n}: {stale:?}");
        assert_eq!(s.verify_audit().await.unwrap().unwrap(), before, "{n}: nothing written");
        let mut changed = guideline(None);
        changed.status = DocStatus::UnderRevision;
        let g2 = s.update_document(&admin(), g.id, Some(g.updated_at), changed.clone()).await.unwrap();
        assert_eq!(g2.data, changed, "{n}");

        // Versions with and without a file; a label is used once.
        let v = VersionInput { label: "1.0".into(), decided_on: Some(d("2024-05-10")), note: String::new() };
        let file = VersionFile { filename: "riktlinje.pdf", content_type: "application/pdf", content: b"%PDF-1.4" };
        let v1 = s.insert_version(&admin(), g.id, v.clone(), Some(file)).await.unwrap();
        let again = s.insert_version(&admin(), g.id, v, None).await;
        assert!(matches!(again, Err(store::StoreError::Conflict { field: "label", .. })), "{n}");
        let v2 = s
            .insert_version(
                &admin(),
                g.id,
                VersionInput { label: "2.0".into(), decided_on: None, note: "Utan fil".into() },
                None,
            )
            .await
            .unwrap();
        let (meta, bytes) = s.version_file(v1.id).await.unwrap().unwrap();
        assert_eq!((meta.size, bytes.as_slice()), (8, &b"%PDF-1.4"[..]), "{n}");
        assert_eq!(meta.sha256.as_deref().map(str::len), Some(64), "{n}");
        assert!(s.version_file(v2.id).await.unwrap().is_none(), "{n}: no file, nothing to download");
        assert_eq!(s.list_versions(g.id).await.unwrap().len(), 2, "{n}");

        // Implementation per organisation: recorded, changed, read back.
        s.set_implementation(&admin(), g.id, f, Implementation::InProgress, "Under våren").await.unwrap();
        s.set_implementation(&admin(), g.id, f, Implementation::Implemented, "").await.unwrap();
        let imp = s.implementations(&[g.id, l.id]).await.unwrap();
        assert_eq!(imp.len(), 1, "{n}");
        assert_eq!((imp[0].org_id, imp[0].status), (f, Implementation::Implemented), "{n}");
        let unknown = s.set_implementation(&admin(), uuid::Uuid::now_v7(), f, Implementation::Implemented, "").await;
        assert!(matches!(unknown, Err(store::StoreError::NotFound)), "{n}");

        // A decision on governance names the document it changes, also in a new revision.
        let r = s.insert_review(&admin(), f, 2026).await.unwrap();
        let mut dec = decision(domain::review::DecisionKind::Governance, "Anvisningen revideras.");
        dec.document_id = Some(l.id);
        s.add_decision(&admin(), r.id, dec).await.unwrap();
        assert_eq!(s.review_decisions(r.id).await.unwrap()[0].data.document_id, Some(l.id), "{n}");
        // What a parent's review reads of its children, in one statement each.
        assert_eq!(s.reviews_of_year(&[f, k], 2026).await.unwrap().len(), 1, "{n}");
        assert!(s.reviews_of_year(&[f], 2025).await.unwrap().is_empty(), "{n}");
        let of = s.decisions_of(&[r.id]).await.unwrap();
        assert_eq!((of.len(), of[0].0), (1, r.id), "{n}");
        s.ensure_points(&admin(), f, &["Riskanalys".to_owned()]).await.unwrap();
        assert_eq!(s.points_of(&[f, k]).await.unwrap().len(), 1, "{n}");
    })
    .await;
}
