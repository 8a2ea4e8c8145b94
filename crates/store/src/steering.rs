//! Steering documents (styrdokument), their versions with files, and each
//! organisation's implementation of them.

use chrono::{DateTime, NaiveDate, Utc};
use domain::steering::{DocKind, DocStatus, DocumentInput, Implementation, VersionInput};
use serde::Serialize;
use sqlx::FromRow;
use uuid::Uuid;

use crate::OrgScope;
use crate::plan::{audit, code};
use crate::scope::push_scope;
use crate::{Actor, Result, Store, StoreError, with_pool, write_tx};

/// A stored steering document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Document {
    pub id: Uuid,
    /// The organisation that decided it; it applies to its whole subtree.
    pub org_id: Uuid,
    #[serde(flatten)]
    pub data: DocumentInput,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(FromRow)]
struct DocumentRow {
    id: Uuid,
    org_id: Uuid,
    parent_id: Option<Uuid>,
    title: String,
    kind: String,
    status: String,
    owner: String,
    decided_by: String,
    decided_on: Option<NaiveDate>,
    valid_from: Option<NaiveDate>,
    review_interval_months: i32,
    next_review: Option<NaiveDate>,
    summary: String,
    created_by: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl DocumentRow {
    fn parse(self) -> Result<Document> {
        Ok(Document {
            id: self.id,
            org_id: self.org_id,
            data: DocumentInput {
                title: self.title,
                kind: code::<DocKind>(&self.kind)?,
                status: code::<DocStatus>(&self.status)?,
                owner: self.owner,
                decided_by: self.decided_by,
                decided_on: self.decided_on,
                valid_from: self.valid_from,
                review_interval_months: u32::try_from(self.review_interval_months).unwrap_or(12),
                next_review: self.next_review,
                parent_id: self.parent_id,
                summary: self.summary,
            },
            created_by: self.created_by,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

const DOCUMENT_COLUMNS: &str = "SELECT id, org_id, parent_id, title, kind, status, owner, decided_by, decided_on, \
     valid_from, review_interval_months, next_review, summary, created_by, created_at, updated_at FROM steering_documents";

/// An organisation's implementation of a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DocImplementation {
    pub document_id: Uuid,
    pub org_id: Uuid,
    pub status: Implementation,
    pub note: String,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
}

#[derive(FromRow)]
struct ImplementationRow {
    document_id: Uuid,
    org_id: Uuid,
    status: String,
    note: String,
    updated_by: String,
    updated_at: DateTime<Utc>,
}

/// A version of a document, without its file's content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DocVersion {
    pub id: Uuid,
    pub document_id: Uuid,
    pub label: String,
    pub decided_on: Option<NaiveDate>,
    pub note: String,
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub size: i64,
    pub sha256: Option<String>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// A file attached to a version.
pub struct VersionFile<'a> {
    pub filename: &'a str,
    pub content_type: &'a str,
    pub content: &'a [u8],
}

fn document_json(d: &DocumentInput) -> String {
    serde_json::to_string(d).expect("a document serialises")
}

macro_rules! fetch_document {
    ($exec:expr, $id:expr) => {
        sqlx::query_as::<_, DocumentRow>(sqlx::AssertSqlSafe(format!("{DOCUMENT_COLUMNS} WHERE id = $1")))
            .bind($id)
            .fetch_optional($exec)
            .await?
            .map(DocumentRow::parse)
            .transpose()?
    };
}

/// Refuses a parent that is unknown, is the document itself, or lies below it.
macro_rules! check_parent {
    ($tx:expr, $id:expr, $parent:expr) => {
        if let Some(parent) = $parent {
            let mut at: Option<Uuid> = Some(parent);
            let mut steps = 0;
            while let Some(p) = at {
                if Some(p) == $id || steps > 20 {
                    return Err(StoreError::conflict("parent_id", "error-steering-parent-cycle"));
                }
                let row: Option<(Option<Uuid>,)> =
                    sqlx::query_as("SELECT parent_id FROM steering_documents WHERE id = $1")
                        .bind(p)
                        .fetch_optional(&mut *$tx)
                        .await?;
                match row {
                    None if p == parent => {
                        return Err(StoreError::conflict("parent_id", "error-steering-parent-unknown"));
                    }
                    None => break,
                    Some((next,)) => at = next,
                }
                steps += 1;
            }
        }
    };
}

impl Store {
    /// The documents decided by organisations in `scope`, by kind and title.
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn list_documents(&self, scope: &OrgScope) -> Result<Vec<Document>> {
        if scope.is_nothing() {
            return Ok(Vec::new());
        }
        let rows: Vec<DocumentRow> = with_pool!(self, |p| {
            let mut q = sqlx::QueryBuilder::new(format!("{DOCUMENT_COLUMNS} WHERE"));
            push_scope!(q, "org_id", scope);
            q.push(" ORDER BY title");
            q.build_query_as::<DocumentRow>().fetch_all(p).await?
        });
        rows.into_iter().map(DocumentRow::parse).collect()
    }

    /// The documents decided by any of `orgs` (an organisation's ancestors
    /// and itself: what applies to it).
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn documents_of(&self, orgs: &[Uuid]) -> Result<Vec<Document>> {
        if orgs.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<DocumentRow> = with_pool!(self, |p| {
            let mut q = sqlx::QueryBuilder::new(format!("{DOCUMENT_COLUMNS} WHERE org_id IN ("));
            let mut sep = q.separated(", ");
            for o in orgs {
                sep.push_bind(*o);
            }
            q.push(") ORDER BY title");
            q.build_query_as::<DocumentRow>().fetch_all(p).await?
        });
        rows.into_iter().map(DocumentRow::parse).collect()
    }

    #[tracing::instrument(skip_all, err(level = "debug"), fields(id = %id))]
    pub async fn find_document(&self, id: Uuid) -> Result<Option<Document>> {
        Ok(with_pool!(self, |p| fetch_document!(p, id)))
    }

    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, org_id = %org_id))]
    pub async fn insert_document(&self, actor: &Actor, org_id: Uuid, data: DocumentInput) -> Result<Document> {
        let now = domain::now();
        let d = Document {
            id: Uuid::now_v7(),
            org_id,
            data,
            created_by: actor.label.clone(),
            created_at: now,
            updated_at: now,
        };
        write_tx!(self, |tx, chain| {
            let org: Option<(Uuid,)> =
                sqlx::query_as("SELECT id FROM orgs WHERE id = $1").bind(org_id).fetch_optional(&mut *tx).await?;
            if org.is_none() {
                return Err(StoreError::conflict("org_id", "error-org-unknown"));
            }
            check_parent!(tx, None::<Uuid>, d.data.parent_id);
            let x = &d.data;
            sqlx::query(
                "INSERT INTO steering_documents (id, org_id, parent_id, title, kind, status, owner, decided_by, decided_on, \
                 valid_from, review_interval_months, next_review, summary, created_by, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
            )
            .bind(d.id)
            .bind(org_id)
            .bind(x.parent_id)
            .bind(&x.title)
            .bind(x.kind.code())
            .bind(x.status.code())
            .bind(&x.owner)
            .bind(&x.decided_by)
            .bind(x.decided_on)
            .bind(x.valid_from)
            .bind(x.review_interval_months as i32)
            .bind(x.next_review)
            .bind(&x.summary)
            .bind(&d.created_by)
            .bind(now)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            chain.push(
                now,
                audit(actor, "steering.create", "steering_document", d.id, org_id, None, Some(document_json(x))),
            );
        });
        Ok(d)
    }

    /// Changes a document; `expected` is the `updated_at` the change was made
    /// against (a conflict if someone changed it meanwhile).
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, id = %id))]
    pub async fn update_document(
        &self,
        actor: &Actor,
        id: Uuid,
        expected: Option<DateTime<Utc>>,
        data: DocumentInput,
    ) -> Result<Document> {
        let now = domain::now();
        Ok(write_tx!(self, |tx, chain| {
            let before = fetch_document!(&mut *tx, id).ok_or(StoreError::NotFound)?;
            if expected.is_some_and(|e| e != before.updated_at) {
                return Err(StoreError::conflict("updated_at", "error-steering-changed"));
            }
            if before.data == data {
                before
            } else {
                check_parent!(tx, Some(id), data.parent_id);
                sqlx::query(
                    "UPDATE steering_documents SET parent_id = $1, title = $2, kind = $3, status = $4, owner = $5, \
                     decided_by = $6, decided_on = $7, valid_from = $8, review_interval_months = $9, next_review = $10, \
                     summary = $11, updated_at = $12 WHERE id = $13",
                )
                .bind(data.parent_id)
                .bind(&data.title)
                .bind(data.kind.code())
                .bind(data.status.code())
                .bind(&data.owner)
                .bind(&data.decided_by)
                .bind(data.decided_on)
                .bind(data.valid_from)
                .bind(data.review_interval_months as i32)
                .bind(data.next_review)
                .bind(&data.summary)
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                chain.push(
                    now,
                    audit(
                        actor,
                        "steering.update",
                        "steering_document",
                        id,
                        before.org_id,
                        Some(document_json(&before.data)),
                        Some(document_json(&data)),
                    ),
                );
                Document { data, updated_at: now, ..before }
            }
        }))
    }

    /// The recorded implementations of these documents.
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn implementations(&self, documents: &[Uuid]) -> Result<Vec<DocImplementation>> {
        if documents.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<ImplementationRow> = with_pool!(self, |p| {
            let mut q = sqlx::QueryBuilder::new(
                "SELECT document_id, org_id, status, note, updated_by, updated_at FROM steering_implementations \
                 WHERE document_id IN (",
            );
            let mut sep = q.separated(", ");
            for d in documents {
                sep.push_bind(*d);
            }
            q.push(")");
            q.build_query_as::<ImplementationRow>().fetch_all(p).await?
        });
        rows.into_iter()
            .map(|r| {
                Ok(DocImplementation {
                    document_id: r.document_id,
                    org_id: r.org_id,
                    status: code::<Implementation>(&r.status)?,
                    note: r.note,
                    updated_by: r.updated_by,
                    updated_at: r.updated_at,
                })
            })
            .collect()
    }

    /// Records how far `org` has implemented a document.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, document = %document, org = %org))]
    pub async fn set_implementation(
        &self,
        actor: &Actor,
        document: Uuid,
        org: Uuid,
        status: Implementation,
        note: &str,
    ) -> Result<()> {
        let now = domain::now();
        write_tx!(self, |tx, chain| {
            fetch_document!(&mut *tx, document).ok_or(StoreError::NotFound)?;
            let before: Option<(String, String)> = sqlx::query_as(
                "SELECT status, note FROM steering_implementations WHERE document_id = $1 AND org_id = $2",
            )
            .bind(document)
            .bind(org)
            .fetch_optional(&mut *tx)
            .await?;
            if before.as_ref().is_some_and(|(s, n)| s == status.code() && n == note) {
                return Ok(());
            }
            sqlx::query("DELETE FROM steering_implementations WHERE document_id = $1 AND org_id = $2")
                .bind(document)
                .bind(org)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO steering_implementations (document_id, org_id, status, note, updated_by, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(document)
            .bind(org)
            .bind(status.code())
            .bind(note)
            .bind(&actor.label)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            let json = |s: &str, n: &str| serde_json::json!({ "status": s, "note": n }).to_string();
            chain.push(
                now,
                audit(
                    actor,
                    "steering.implementation",
                    "steering_document",
                    document,
                    org,
                    before.map(|(s, n)| json(&s, &n)),
                    Some(json(status.code(), note)),
                ),
            );
        });
        Ok(())
    }

    /// A document's versions, newest first.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(document = %document))]
    pub async fn list_versions(&self, document: Uuid) -> Result<Vec<DocVersion>> {
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, DocVersion>(
                "SELECT id, document_id, label, decided_on, note, filename, content_type, size, sha256, created_by, \
                 created_at FROM steering_versions WHERE document_id = $1 ORDER BY created_at DESC, label DESC",
            )
            .bind(document)
            .fetch_all(p)
            .await?
        }))
    }

    /// Adds a version, with its file if there is one; a label already used is a conflict.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, document = %document))]
    pub async fn insert_version(
        &self,
        actor: &Actor,
        document: Uuid,
        v: VersionInput,
        file: Option<VersionFile<'_>>,
    ) -> Result<DocVersion> {
        let now = domain::now();
        let version = DocVersion {
            id: Uuid::now_v7(),
            document_id: document,
            label: v.label,
            decided_on: v.decided_on,
            note: v.note,
            filename: file.as_ref().map(|f| f.filename.to_owned()),
            content_type: file.as_ref().map(|f| f.content_type.to_owned()),
            size: file.as_ref().map_or(0, |f| f.content.len() as i64),
            sha256: file.as_ref().map(|f| hex::encode(<sha2::Sha256 as sha2::Digest>::digest(f.content))),
            created_by: actor.label.clone(),
            created_at: now,
        };
        write_tx!(self, |tx, chain| {
            let d = fetch_document!(&mut *tx, document).ok_or(StoreError::NotFound)?;
            let taken: Option<(Uuid,)> =
                sqlx::query_as("SELECT id FROM steering_versions WHERE document_id = $1 AND label = $2")
                    .bind(document)
                    .bind(&version.label)
                    .fetch_optional(&mut *tx)
                    .await?;
            if taken.is_some() {
                return Err(StoreError::conflict("label", "error-steering-version-taken"));
            }
            sqlx::query(
                "INSERT INTO steering_versions (id, document_id, label, decided_on, note, filename, content_type, size, \
                 sha256, content, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            )
            .bind(version.id)
            .bind(document)
            .bind(&version.label)
            .bind(version.decided_on)
            .bind(&version.note)
            .bind(&version.filename)
            .bind(&version.content_type)
            .bind(version.size)
            .bind(&version.sha256)
            .bind(file.as_ref().map(|f| f.content))
            .bind(&version.created_by)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            let after = serde_json::json!({
                "label": version.label, "file": version.filename, "size": version.size, "sha256": version.sha256,
            })
            .to_string();
            chain.push(
                now,
                audit(actor, "steering.version", "steering_document", document, d.org_id, None, Some(after)),
            );
        });
        Ok(version)
    }

    /// A version's file: its facts and content, if it has one.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(version = %id))]
    pub async fn version_file(&self, id: Uuid) -> Result<Option<(DocVersion, Vec<u8>)>> {
        let meta: Option<DocVersion> = with_pool!(self, |p| {
            sqlx::query_as::<_, DocVersion>(
                "SELECT id, document_id, label, decided_on, note, filename, content_type, size, sha256, created_by, \
                 created_at FROM steering_versions WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(p)
            .await?
        });
        let Some(meta) = meta else { return Ok(None) };
        let content: Option<(Option<Vec<u8>>,)> = with_pool!(self, |p| {
            sqlx::query_as("SELECT content FROM steering_versions WHERE id = $1").bind(id).fetch_optional(p).await?
        });
        Ok(content.and_then(|(c,)| c).map(|c| (meta, c)))
    }
}
