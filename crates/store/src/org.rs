//! Organisations.

use chrono::{DateTime, Utc};
use domain::audit::Change;
use domain::org::{OrgKind, OrgName, OrgNode, OrgNumber, OrgTree};
use serde::Serialize;
use sqlx::FromRow;
use uuid::Uuid;

use crate::{Actor, Result, Store, StoreError, with_pool, write_tx};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Org {
    pub id: Uuid,
    pub parent_id: Option<Uuid>,
    pub name: String,
    pub kind: OrgKind,
    pub org_number: Option<String>,
    /// A part (nämnd, förvaltning, enhet) that holds its own yearly review.
    pub own_review: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Org {
    pub fn node(&self) -> OrgNode {
        OrgNode {
            id: self.id,
            parent_id: self.parent_id,
            name: self.name.clone(),
            kind: self.kind,
            own_review: self.own_review,
        }
    }

    fn audit_json(&self) -> String {
        serde_json::json!({
            "name": self.name,
            "kind": self.kind.code(),
            "org_number": self.org_number,
            "parent_id": self.parent_id,
            "own_review": self.own_review,
        })
        .to_string()
    }
}

#[derive(FromRow)]
struct OrgRow {
    id: Uuid,
    parent_id: Option<Uuid>,
    name: String,
    kind: String,
    org_number: Option<String>,
    own_review: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<OrgRow> for Org {
    type Error = StoreError;
    fn try_from(r: OrgRow) -> Result<Org> {
        let kind = r
            .kind
            .parse()
            .map_err(|_| StoreError::Database(sqlx::Error::Decode(format!("unknown org kind {}", r.kind).into())))?;
        Ok(Org {
            id: r.id,
            parent_id: r.parent_id,
            name: r.name,
            kind,
            org_number: r.org_number,
            own_review: r.own_review,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

/// A new organisation, made of parsed values only.
#[derive(Debug, Clone)]
pub struct NewOrg {
    pub name: OrgName,
    pub kind: OrgKind,
    pub org_number: Option<OrgNumber>,
    pub parent_id: Option<Uuid>,
    pub own_review: bool,
}

/// A change of an organisation: every field is the new value.
#[derive(Debug, Clone)]
pub struct OrgUpdate {
    pub name: OrgName,
    pub kind: OrgKind,
    pub org_number: Option<OrgNumber>,
    pub parent_id: Option<Uuid>,
    pub own_review: bool,
}

/// What stops an organisation from being deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Dependents {
    pub children: i64,
    pub assignments: i64,
}

impl Dependents {
    pub fn any(&self) -> bool {
        self.children > 0 || self.assignments > 0
    }
}

const COLUMNS: &str = "SELECT id, parent_id, name, kind, org_number, own_review, created_at, updated_at FROM orgs";

macro_rules! fetch_org {
    ($exec:expr, $id:expr) => {
        sqlx::query_as::<_, OrgRow>(
            "SELECT id, parent_id, name, kind, org_number, own_review, created_at, updated_at FROM orgs WHERE id = $1",
        )
        .bind($id)
        .fetch_optional($exec)
        .await?
        .map(Org::try_from)
        .transpose()?
    };
}

macro_rules! fetch_nodes {
    ($exec:expr) => {{
        let rows: Vec<(Uuid, Option<Uuid>, String, String, bool)> =
            sqlx::query_as("SELECT id, parent_id, name, kind, own_review FROM orgs").fetch_all($exec).await?;
        OrgTree::new(
            rows.into_iter()
                .filter_map(|(id, parent_id, name, kind, own_review)| {
                    Some(OrgNode { id, parent_id, name, kind: kind.parse().ok()?, own_review })
                })
                .collect(),
        )
    }};
}

/// Adds the closure rows of a new organisation: itself, and its parent's ancestors one level further.
macro_rules! link_closure {
    ($exec:expr, $id:expr, $parent:expr) => {{
        sqlx::query("INSERT INTO org_closure (ancestor_id, org_id, depth) VALUES ($1, $1, 0)")
            .bind($id)
            .execute(&mut *$exec)
            .await?;
        if let Some(parent) = $parent {
            sqlx::query(
                "INSERT INTO org_closure (ancestor_id, org_id, depth) \
                 SELECT ancestor_id, $1, depth + 1 FROM org_closure WHERE org_id = $2",
            )
            .bind($id)
            .bind(parent)
            .execute(&mut *$exec)
            .await?;
        }
    }};
}

/// Moves a subtree in the closure table: forgets its old ancestors, then
/// links every node of it under each ancestor of the new parent.
macro_rules! move_closure {
    ($exec:expr, $id:expr, $parent:expr) => {{
        sqlx::query(
            "DELETE FROM org_closure WHERE org_id IN (SELECT org_id FROM org_closure WHERE ancestor_id = $1) \
             AND ancestor_id NOT IN (SELECT org_id FROM org_closure WHERE ancestor_id = $1)",
        )
        .bind($id)
        .execute(&mut *$exec)
        .await?;
        if let Some(parent) = $parent {
            sqlx::query(
                "INSERT INTO org_closure (ancestor_id, org_id, depth) \
                 SELECT a.ancestor_id, s.org_id, a.depth + s.depth + 1 \
                 FROM org_closure a, org_closure s WHERE a.org_id = $1 AND s.ancestor_id = $2",
            )
            .bind(parent)
            .bind($id)
            .execute(&mut *$exec)
            .await?;
        }
    }};
}

impl Store {
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn list_orgs(&self) -> Result<Vec<Org>> {
        let rows: Vec<OrgRow> = with_pool!(self, |p| {
            sqlx::query_as::<_, OrgRow>(sqlx::AssertSqlSafe(format!("{COLUMNS} ORDER BY name"))).fetch_all(p).await?
        });
        let mut orgs = rows.into_iter().map(Org::try_from).collect::<Result<Vec<_>>>()?;
        // Sorted here, not by the database's collation, so both backends agree.
        orgs.sort_by_cached_key(|o| o.name.to_lowercase());
        Ok(orgs)
    }

    /// The organisations in `scope`, by name.
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn list_orgs_in(&self, scope: &crate::OrgScope) -> Result<Vec<Org>> {
        if scope.is_nothing() {
            return Ok(Vec::new());
        }
        let rows: Vec<OrgRow> = with_pool!(self, |p| {
            let mut q = sqlx::QueryBuilder::new(format!("{COLUMNS} WHERE"));
            crate::scope::push_scope!(q, "id", scope);
            q.build_query_as::<OrgRow>().fetch_all(p).await?
        });
        let mut orgs = rows.into_iter().map(Org::try_from).collect::<Result<Vec<_>>>()?;
        orgs.sort_by_cached_key(|o| o.name.to_lowercase());
        Ok(orgs)
    }

    /// How many organisations `scope` holds.
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn count_orgs_in(&self, scope: &crate::OrgScope) -> Result<i64> {
        if scope.is_nothing() {
            return Ok(0);
        }
        let (n,): (i64,) = with_pool!(self, |p| {
            let mut q = sqlx::QueryBuilder::new("SELECT COUNT(*) FROM orgs WHERE");
            crate::scope::push_scope!(q, "id", scope);
            q.build_query_as().fetch_one(p).await?
        });
        Ok(n)
    }

    /// The whole tree, for authorisation and navigation.
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn org_tree(&self) -> Result<OrgTree> {
        Ok(with_pool!(self, |p| fetch_nodes!(p)))
    }

    #[tracing::instrument(skip_all, err(level = "debug"), fields(id = %id))]
    pub async fn find_org(&self, id: Uuid) -> Result<Option<Org>> {
        Ok(with_pool!(self, |p| fetch_org!(p, id)))
    }

    /// Organisations with exactly this name (case-insensitive).
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn find_orgs_by_name(&self, name: &str) -> Result<Vec<Org>> {
        let wanted = name.trim().to_lowercase();
        Ok(self.list_orgs().await?.into_iter().filter(|o| o.name.to_lowercase() == wanted).collect())
    }

    #[tracing::instrument(skip_all, err(level = "debug"), fields(id = %id))]
    pub async fn org_dependents(&self, id: Uuid) -> Result<Dependents> {
        Ok(with_pool!(self, |p| {
            let (children,): (i64,) =
                sqlx::query_as("SELECT COUNT(*) FROM orgs WHERE parent_id = $1").bind(id).fetch_one(p).await?;
            let (assignments,): (i64,) =
                sqlx::query_as("SELECT COUNT(*) FROM role_assignments WHERE org_id = $1").bind(id).fetch_one(p).await?;
            Dependents { children, assignments }
        }))
    }

    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id))]
    pub async fn insert_org(&self, actor: &Actor, new: NewOrg) -> Result<Org> {
        let now = domain::now();
        let org = Org {
            id: Uuid::now_v7(),
            parent_id: new.parent_id,
            name: new.name.into_inner(),
            kind: new.kind,
            org_number: new.org_number.map(|n| n.as_str().to_owned()),
            own_review: new.own_review,
            created_at: now,
            updated_at: now,
        };
        write_tx!(self, |tx, chain| {
            if let Some(p) = org.parent_id
                && fetch_org!(&mut *tx, p).is_none()
            {
                return Err(StoreError::conflict("parent_id", "error-parent-unknown"));
            }
            sqlx::query(
                "INSERT INTO orgs (id, parent_id, name, kind, org_number, own_review, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(org.id)
            .bind(org.parent_id)
            .bind(&org.name)
            .bind(org.kind.code())
            .bind(&org.org_number)
            .bind(org.own_review)
            .bind(org.created_at)
            .bind(org.updated_at)
            .execute(&mut *tx)
            .await?;
            link_closure!(&mut *tx, org.id, org.parent_id);
            chain.push(now, change(actor, "org.create", &org, None, Some(org.audit_json())));
        });
        Ok(org)
    }

    /// Adds many top-level or child organisations in one transaction (a
    /// generated population); parents must come before their children.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id))]
    pub async fn insert_orgs_bulk(&self, actor: &Actor, new: Vec<NewOrg>) -> Result<Vec<Org>> {
        let now = domain::now();
        let orgs: Vec<Org> = new
            .into_iter()
            .map(|n| Org {
                id: Uuid::now_v7(),
                parent_id: n.parent_id,
                name: n.name.into_inner(),
                kind: n.kind,
                org_number: n.org_number.map(|x| x.as_str().to_owned()),
                own_review: n.own_review,
                created_at: now,
                updated_at: now,
            })
            .collect();
        write_tx!(self, |tx, chain| {
            for chunk in orgs.chunks(500) {
                let mut q = sqlx::QueryBuilder::new(
                    "INSERT INTO orgs (id, parent_id, name, kind, org_number, own_review, created_at, updated_at) ",
                );
                q.push_values(chunk, |mut b, o| {
                    b.push_bind(o.id)
                        .push_bind(o.parent_id)
                        .push_bind(&o.name)
                        .push_bind(o.kind.code())
                        .push_bind(&o.org_number)
                        .push_bind(o.own_review)
                        .push_bind(now)
                        .push_bind(now);
                });
                q.build().execute(&mut *tx).await?;
                let mut c = sqlx::QueryBuilder::new("INSERT INTO org_closure (ancestor_id, org_id, depth) ");
                c.push_values(chunk, |mut b, o| {
                    b.push_bind(o.id).push_bind(o.id).push_bind(0i32);
                });
                c.build().execute(&mut *tx).await?;
            }
            for o in orgs.iter().filter(|o| o.parent_id.is_some()) {
                sqlx::query(
                    "INSERT INTO org_closure (ancestor_id, org_id, depth) \
                     SELECT ancestor_id, $1, depth + 1 FROM org_closure WHERE org_id = $2",
                )
                .bind(o.id)
                .bind(o.parent_id)
                .execute(&mut *tx)
                .await?;
            }
            for o in &orgs {
                chain.push(now, change(actor, "org.create", o, None, Some(o.audit_json())));
            }
        });
        Ok(orgs)
    }

    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, id = %id))]
    pub async fn update_org(&self, actor: &Actor, id: Uuid, upd: OrgUpdate) -> Result<Org> {
        let now = domain::now();
        let org = write_tx!(self, |tx, chain| {
            let before = fetch_org!(&mut *tx, id).ok_or(StoreError::NotFound)?;
            if let Some(parent) = upd.parent_id {
                if fetch_org!(&mut *tx, parent).is_none() {
                    return Err(StoreError::conflict("parent_id", "error-parent-unknown"));
                }
                let below: Option<(i32,)> =
                    sqlx::query_as("SELECT depth FROM org_closure WHERE ancestor_id = $1 AND org_id = $2")
                        .bind(id)
                        .bind(parent)
                        .fetch_optional(&mut *tx)
                        .await?;
                if below.is_some() {
                    return Err(StoreError::conflict("parent_id", "error-parent-cycle"));
                }
            }
            let after = Org {
                name: upd.name.into_inner(),
                kind: upd.kind,
                org_number: upd.org_number.map(|n| n.as_str().to_owned()),
                parent_id: upd.parent_id,
                own_review: upd.own_review,
                updated_at: now,
                ..before.clone()
            };
            if after.audit_json() != before.audit_json() {
                sqlx::query(
                    "UPDATE orgs SET name = $1, kind = $2, org_number = $3, parent_id = $4, updated_at = $5, \
                     own_review = $7 WHERE id = $6",
                )
                .bind(&after.name)
                .bind(after.kind.code())
                .bind(&after.org_number)
                .bind(after.parent_id)
                .bind(after.updated_at)
                .bind(id)
                .bind(after.own_review)
                .execute(&mut *tx)
                .await?;
                if after.parent_id != before.parent_id {
                    move_closure!(&mut *tx, id, after.parent_id);
                }
                let action = if after.parent_id != before.parent_id { "org.move" } else { "org.update" };
                chain.push(now, change(actor, action, &after, Some(before.audit_json()), Some(after.audit_json())));
                after
            } else {
                before
            }
        });
        Ok(org)
    }

    /// Deletes an organisation that nothing depends on.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, id = %id))]
    pub async fn delete_org(&self, actor: &Actor, id: Uuid) -> Result<()> {
        let now = domain::now();
        write_tx!(self, |tx, chain| {
            let before = fetch_org!(&mut *tx, id).ok_or(StoreError::NotFound)?;
            let (children,): (i64,) =
                sqlx::query_as("SELECT COUNT(*) FROM orgs WHERE parent_id = $1").bind(id).fetch_one(&mut *tx).await?;
            if children > 0 {
                return Err(StoreError::conflict("id", "error-org-has-children"));
            }
            let (assignments,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM role_assignments WHERE org_id = $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
            if assignments > 0 {
                return Err(StoreError::conflict("id", "error-org-has-assignments"));
            }
            for table in [
                "assessments",
                "actions",
                "reviews",
                "activities",
                "review_points",
                "rounds",
                "round_invitations",
                "org_audits",
                "org_audit_bodies",
                "org_audit_targets",
                "incidents",
                "training_courses",
                "training_counts",
                "training_records",
                "info_assets",
                "systems",
                "asset_classifications",
                "risks",
                "processings",
                "dpias",
                "agreements",
            ] {
                let (n,): (i64,) =
                    sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table} WHERE org_id = $1")))
                        .bind(id)
                        .fetch_one(&mut *tx)
                        .await?;
                if n > 0 {
                    return Err(StoreError::conflict("id", "error-org-has-records"));
                }
            }
            let (reports,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM unit_reports WHERE unit_id = $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
            if reports > 0 {
                return Err(StoreError::conflict("id", "error-org-has-records"));
            }
            // An asset may name a unit below its organisation.
            let (units,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM info_assets WHERE unit_id = $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
            if units > 0 {
                return Err(StoreError::conflict("id", "error-org-has-records"));
            }
            // A setting is no record: it goes with the organisation.
            sqlx::query("DELETE FROM training_settings WHERE org_id = $1").bind(id).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM org_closure WHERE org_id = $1 OR ancestor_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM orgs WHERE id = $1").bind(id).execute(&mut *tx).await?;
            chain.push(now, change(actor, "org.delete", &before, Some(before.audit_json()), None));
        });
        Ok(())
    }
}

fn change(actor: &Actor, action: &str, org: &Org, before: Option<String>, after: Option<String>) -> Change {
    Change {
        actor_id: actor.id,
        actor: actor.label.clone(),
        action: action.into(),
        record_type: "org".into(),
        record_id: org.id.to_string(),
        // A deleted or moved organisation's entries stay visible to whoever sees its parent.
        org_id: if action == "org.delete" { org.parent_id } else { Some(org.id) },
        before,
        after,
    }
}
