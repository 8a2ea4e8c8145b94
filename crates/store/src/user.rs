//! Users and their role assignments.

use chrono::{DateTime, Utc};
use domain::audit::Change;
use domain::authz::Assignment;
use domain::user::{Email, Language, PersonName, Role};
use serde::Serialize;
use sqlx::FromRow;
use uuid::Uuid;

use crate::{Actor, Result, Store, StoreError, with_pool, write_tx};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    #[serde(skip)]
    pub password_hash: Option<String>,
    pub language: Language,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl User {
    fn new(new: NewUser, now: DateTime<Utc>) -> User {
        User {
            id: Uuid::now_v7(),
            email: new.email.as_str().to_owned(),
            name: new.name.as_str().to_owned(),
            password_hash: new.password_hash,
            language: new.language,
            active: true,
            created_at: now,
            updated_at: now,
        }
    }

    fn audit_json(&self) -> String {
        serde_json::json!({
            "email": self.email,
            "name": self.name,
            "language": self.language.code(),
            "active": self.active,
        })
        .to_string()
    }
}

#[derive(FromRow)]
struct UserRow {
    id: Uuid,
    email: String,
    name: String,
    password_hash: Option<String>,
    language: String,
    active: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<UserRow> for User {
    fn from(r: UserRow) -> User {
        User {
            id: r.id,
            email: r.email,
            name: r.name,
            password_hash: r.password_hash,
            language: r.language.parse().unwrap_or_default(),
            active: r.active,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssignmentRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub role: Role,
    pub org_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

impl AssignmentRow {
    pub fn assignment(&self) -> Assignment {
        Assignment { role: self.role, org_id: self.org_id }
    }
    fn audit_json(&self) -> String {
        serde_json::json!({ "user_id": self.user_id, "role": self.role.code(), "org_id": self.org_id }).to_string()
    }
}

/// A role assignment with the name and state of the account holding it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleHolder {
    pub assignment: AssignmentRow,
    pub name: String,
    pub active: bool,
}

#[derive(FromRow)]
struct RoleHolderRow {
    id: Uuid,
    user_id: Uuid,
    role: String,
    org_id: Option<Uuid>,
    created_at: DateTime<Utc>,
    name: String,
    active: bool,
}

#[derive(FromRow)]
struct AssignmentDbRow {
    id: Uuid,
    user_id: Uuid,
    role: String,
    org_id: Option<Uuid>,
    created_at: DateTime<Utc>,
}

impl AssignmentDbRow {
    fn parse(self) -> Option<AssignmentRow> {
        Some(AssignmentRow {
            id: self.id,
            user_id: self.user_id,
            role: self.role.parse().ok()?,
            org_id: self.org_id,
            created_at: self.created_at,
        })
    }
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: Email,
    pub name: PersonName,
    /// An argon2id PHC string; `None` makes an account that cannot log in yet.
    pub password_hash: Option<String>,
    pub language: Language,
}

#[derive(Debug, Clone)]
pub struct UserUpdate {
    pub name: PersonName,
    pub language: Language,
    pub active: bool,
}

const USER_COLUMNS: &str = "id, email, name, password_hash, language, active, created_at, updated_at";

macro_rules! fetch_user {
    ($exec:expr, $id:expr) => {
        sqlx::query_as::<_, UserRow>(
            "SELECT id, email, name, password_hash, language, active, created_at, updated_at FROM users WHERE id = $1",
        )
        .bind($id)
        .fetch_optional($exec)
        .await?
        .map(User::from)
    };
}

macro_rules! insert_assignment_row {
    ($tx:ident, $chain:ident, $actor:expr, $now:expr, $user_id:expr, $role:expr, $org_id:expr) => {{
        let (dupes,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM role_assignments WHERE user_id = $1 AND role = $2 \
             AND (org_id = $3 OR (org_id IS NULL AND $4))",
        )
        .bind($user_id)
        .bind($role.code())
        .bind($org_id)
        .bind($org_id.is_none())
        .fetch_one(&mut *$tx)
        .await?;
        if dupes > 0 {
            return Err(StoreError::conflict("role", "error-role-duplicate"));
        }
        if let Some(org) = $org_id {
            let found: Option<(Uuid,)> =
                sqlx::query_as("SELECT id FROM orgs WHERE id = $1").bind(org).fetch_optional(&mut *$tx).await?;
            if found.is_none() {
                return Err(StoreError::conflict("org_id", "error-org-unknown"));
            }
        }
        let row =
            AssignmentRow { id: Uuid::now_v7(), user_id: $user_id, role: $role, org_id: $org_id, created_at: $now };
        sqlx::query("INSERT INTO role_assignments (id, user_id, role, org_id, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(row.id)
            .bind(row.user_id)
            .bind(row.role.code())
            .bind(row.org_id)
            .bind(row.created_at)
            .execute(&mut *$tx)
            .await?;
        $chain.push(
            $now,
            Change {
                actor_id: $actor.id,
                actor: $actor.label.clone(),
                action: "role.assign".into(),
                record_type: "user".into(),
                record_id: row.user_id.to_string(),
                org_id: row.org_id,
                before: None,
                after: Some(row.audit_json()),
            },
        );
        row
    }};
}

macro_rules! insert_user_row {
    ($tx:ident, $user:expr) => {
        sqlx::query(
            "INSERT INTO users (id, email, name, password_hash, language, active, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind($user.id)
        .bind(&$user.email)
        .bind(&$user.name)
        .bind(&$user.password_hash)
        .bind($user.language.code())
        .bind($user.active)
        .bind($user.created_at)
        .bind($user.updated_at)
        .execute(&mut *$tx)
        .await?
    };
}

/// The organisation of a user's oldest role, to scope their audit entries.
macro_rules! first_org {
    ($tx:ident, $id:expr) => {{
        let row: Option<(Option<Uuid>,)> =
            sqlx::query_as("SELECT org_id FROM role_assignments WHERE user_id = $1 ORDER BY created_at LIMIT 1")
                .bind($id)
                .fetch_optional(&mut *$tx)
                .await?;
        row.and_then(|r| r.0)
    }};
}

/// A session, its user, the user's roles and the data's version when read.
pub type SessionUser = (crate::SessionRow, User, Vec<AssignmentRow>, i64);

impl Store {
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn count_users(&self) -> Result<i64> {
        Ok(with_pool!(self, |p| {
            let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users").fetch_one(p).await?;
            n
        }))
    }

    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn list_users(&self) -> Result<Vec<User>> {
        let rows: Vec<UserRow> = with_pool!(self, |p| {
            sqlx::query_as::<_, UserRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {USER_COLUMNS} FROM users ORDER BY name, email"
            )))
            .fetch_all(p)
            .await?
        });
        let mut users: Vec<User> = rows.into_iter().map(User::from).collect();
        users.sort_by_cached_key(|u| (u.name.to_lowercase(), u.email.clone()));
        Ok(users)
    }

    /// One page of the users who hold a role in `scope` (every user for
    /// [`crate::OrgScope::All`], those without roles too), whose name or
    /// e-mail contains `search` (ignoring case), ordered by
    /// name and e-mail (byte order on both backends, so pages agree); with
    /// how many users match in all. Reads at most `limit` users, whatever the
    /// size of the installation.
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn users_page(
        &self,
        scope: &crate::OrgScope,
        search: &str,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<User>, i64)> {
        if scope.is_nothing() {
            return Ok((Vec::new(), 0));
        }
        let search = search.trim();
        let searching = !search.is_empty();
        // Any case, Swedish letters included, on both backends (crate::search).
        let like = crate::search::like(search);
        let glob = crate::search::glob(search);
        macro_rules! filter {
            ($q:expr, $glob:expr) => {{
                $q.push(" FROM users u WHERE 1 = 1");
                if *scope != crate::OrgScope::All {
                    $q.push(" AND EXISTS (SELECT 1 FROM role_assignments x WHERE x.user_id = u.id AND");
                    crate::scope::push_scope!($q, "x.org_id", scope);
                    $q.push(")");
                }
                if searching && $glob {
                    $q.push(" AND (u.name GLOB ");
                    $q.push_bind(glob.clone());
                    $q.push(" OR u.email GLOB ");
                    $q.push_bind(glob.clone());
                    $q.push(")");
                } else if searching {
                    $q.push(" AND (lower(u.name) LIKE ");
                    $q.push_bind(like.clone());
                    $q.push(" ESCAPE '\\' OR lower(u.email) LIKE ");
                    $q.push_bind(like.clone());
                    $q.push(" ESCAPE '\\')");
                }
            }};
        }
        macro_rules! page {
            ($p:expr, $glob:expr, $order:expr) => {{
                let mut q = sqlx::QueryBuilder::new(
                    "SELECT u.id, u.email, u.name, u.password_hash, u.language, u.active, u.created_at, u.updated_at",
                );
                filter!(q, $glob);
                crate::search::push_page!(q, $order, limit, offset);
                let rows: Vec<UserRow> = q.build_query_as().fetch_all($p).await?;
                let mut c = sqlx::QueryBuilder::new("SELECT COUNT(*)");
                filter!(c, $glob);
                let (n,): (i64,) = c.build_query_as().fetch_one($p).await?;
                (rows, n)
            }};
        }
        let (rows, total) = match &self.backend {
            crate::Backend::Sqlite(p) => page!(p, true, " ORDER BY u.name, u.email"),
            crate::Backend::Postgres(p) => page!(p, false, r#" ORDER BY u.name COLLATE "C", u.email COLLATE "C""#),
        };
        Ok((rows.into_iter().map(User::from).collect(), total))
    }

    /// The role assignments of the given users (a page of them: one bound
    /// parameter each).
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn assignments_of(&self, user_ids: &[Uuid]) -> Result<Vec<AssignmentRow>> {
        if user_ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut out = Vec::new();
        for chunk in user_ids.chunks(500) {
            let rows: Vec<AssignmentDbRow> = with_pool!(self, |p| {
                let mut q = sqlx::QueryBuilder::new(
                    "SELECT id, user_id, role, org_id, created_at FROM role_assignments WHERE user_id IN (",
                );
                let mut sep = q.separated(", ");
                for id in chunk {
                    sep.push_bind(*id);
                }
                q.push(") ORDER BY created_at");
                q.build_query_as().fetch_all(p).await?
            });
            out.extend(rows.into_iter().filter_map(AssignmentDbRow::parse));
        }
        Ok(out)
    }

    /// Who holds a role (only `role`, if given) in an organisation of
    /// `scope`, with their name and whether the account is active; ordered
    /// by name.
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn role_holders(&self, scope: &crate::OrgScope, role: Option<Role>) -> Result<Vec<RoleHolder>> {
        if scope.is_nothing() {
            return Ok(Vec::new());
        }
        let rows: Vec<RoleHolderRow> = with_pool!(self, |p| {
            let mut q = sqlx::QueryBuilder::new(
                "SELECT a.id, a.user_id, a.role, a.org_id, a.created_at, u.name, u.active \
                 FROM role_assignments a JOIN users u ON u.id = a.user_id WHERE",
            );
            crate::scope::push_scope!(q, "a.org_id", scope);
            if let Some(r) = role {
                q.push(" AND a.role = ");
                q.push_bind(r.code());
            }
            q.push(" ORDER BY u.name, a.created_at");
            q.build_query_as().fetch_all(p).await?
        });
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                let (name, active) = (r.name, r.active);
                AssignmentDbRow {
                    id: r.id,
                    user_id: r.user_id,
                    role: r.role,
                    org_id: r.org_id,
                    created_at: r.created_at,
                }
                .parse()
                .map(|assignment| RoleHolder { assignment, name, active })
            })
            .collect())
    }

    /// How many users hold a role in `scope` (every user for [`crate::OrgScope::All`]).
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn count_users_in(&self, scope: &crate::OrgScope) -> Result<i64> {
        if scope.is_nothing() {
            return Ok(0);
        }
        let (n,): (i64,) = with_pool!(self, |p| {
            if *scope == crate::OrgScope::All {
                sqlx::query_as("SELECT COUNT(*) FROM users").fetch_one(p).await?
            } else {
                let mut q = sqlx::QueryBuilder::new("SELECT COUNT(DISTINCT user_id) FROM role_assignments WHERE");
                crate::scope::push_scope!(q, "org_id", scope);
                q.build_query_as().fetch_one(p).await?
            }
        });
        Ok(n)
    }

    /// How many active accounts hold no role at all (nobody but a
    /// system-wide administrator can reach them).
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn count_users_without_roles(&self) -> Result<i64> {
        let (n,): (i64,) = with_pool!(self, |p| {
            sqlx::query_as(
                "SELECT COUNT(*) FROM users u WHERE u.active \
                 AND NOT EXISTS (SELECT 1 FROM role_assignments ra WHERE ra.user_id = u.id)",
            )
            .fetch_one(p)
            .await?
        });
        Ok(n)
    }

    #[tracing::instrument(skip_all, err(level = "debug"), fields(id = %id))]
    pub async fn find_user(&self, id: Uuid) -> Result<Option<User>> {
        Ok(with_pool!(self, |p| fetch_user!(p, id)))
    }

    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn find_user_by_email(&self, email: &str) -> Result<Option<User>> {
        let email = email.trim().to_lowercase();
        let row: Option<UserRow> = with_pool!(self, |p| {
            sqlx::query_as::<_, UserRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {USER_COLUMNS} FROM users WHERE email = $1"
            )))
            .bind(&email)
            .fetch_optional(p)
            .await?
        });
        Ok(row.map(User::from))
    }

    #[tracing::instrument(skip_all, err(level = "debug"), fields(user_id = %user_id))]
    pub async fn list_assignments(&self, user_id: Uuid) -> Result<Vec<AssignmentRow>> {
        let rows: Vec<AssignmentDbRow> = with_pool!(self, |p| {
            sqlx::query_as::<_, AssignmentDbRow>(
                "SELECT id, user_id, role, org_id, created_at FROM role_assignments WHERE user_id = $1 ORDER BY created_at",
            )
            .bind(user_id).fetch_all(p).await?
        });
        Ok(rows.into_iter().filter_map(AssignmentDbRow::parse).collect())
    }

    /// A session with its user, the user's roles and the data's version
    /// ([`SessionUser`]: the audit head's sequence, see
    /// [`Store::org_tree_at`]), in one query
    /// (every request asks this first).
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn find_session_user(&self, token_hash: &str) -> Result<Option<SessionUser>> {
        #[derive(FromRow)]
        struct Row {
            token_hash: String,
            csrf_token: String,
            s_created_at: DateTime<Utc>,
            last_seen_at: DateTime<Utc>,
            #[sqlx(flatten)]
            user: UserRow,
            ra_id: Option<Uuid>,
            ra_role: Option<String>,
            ra_org_id: Option<Uuid>,
            ra_created_at: Option<DateTime<Utc>>,
            data_version: i64,
        }
        let rows: Vec<Row> = with_pool!(self, |p| {
            sqlx::query_as::<_, Row>(
                "SELECT s.token_hash, s.csrf_token, s.created_at AS s_created_at, s.last_seen_at, \
                 u.id, u.email, u.name, u.password_hash, u.language, u.active, u.created_at, u.updated_at, \
                 ra.id AS ra_id, ra.role AS ra_role, ra.org_id AS ra_org_id, ra.created_at AS ra_created_at, \
                 (SELECT seq FROM audit_head WHERE audit_head.id = 1) AS data_version \
                 FROM sessions s JOIN users u ON u.id = s.user_id \
                 LEFT JOIN role_assignments ra ON ra.user_id = u.id \
                 WHERE s.token_hash = $1 ORDER BY ra.created_at",
            )
            .bind(token_hash)
            .fetch_all(p)
            .await?
        });
        let mut rows = rows.into_iter();
        let Some(first) = rows.next() else { return Ok(None) };
        let assignment = |r: &Row, user_id: Uuid| -> Option<AssignmentRow> {
            AssignmentDbRow {
                id: r.ra_id?,
                user_id,
                role: r.ra_role.clone()?,
                org_id: r.ra_org_id,
                created_at: r.ra_created_at?,
            }
            .parse()
        };
        let (user_id, data_version) = (first.user.id, first.data_version);
        let mut assignments: Vec<AssignmentRow> = assignment(&first, user_id).into_iter().collect();
        assignments.extend(rows.filter_map(|r| assignment(&r, user_id)));
        let session = crate::SessionRow {
            token_hash: first.token_hash,
            user_id,
            csrf_token: first.csrf_token,
            created_at: first.s_created_at,
            last_seen_at: first.last_seen_at,
        };
        Ok(Some((session, User::from(first.user), assignments, data_version)))
    }

    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn list_all_assignments(&self) -> Result<Vec<AssignmentRow>> {
        let rows: Vec<AssignmentDbRow> = with_pool!(self, |p| {
            sqlx::query_as::<_, AssignmentDbRow>(
                "SELECT id, user_id, role, org_id, created_at FROM role_assignments ORDER BY created_at",
            )
            .fetch_all(p)
            .await?
        });
        Ok(rows.into_iter().filter_map(AssignmentDbRow::parse).collect())
    }

    #[tracing::instrument(skip_all, err(level = "debug"), fields(id = %id))]
    pub async fn find_assignment(&self, id: Uuid) -> Result<Option<AssignmentRow>> {
        let row: Option<AssignmentDbRow> = with_pool!(self, |p| {
            sqlx::query_as::<_, AssignmentDbRow>(
                "SELECT id, user_id, role, org_id, created_at FROM role_assignments WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(p)
            .await?
        });
        Ok(row.and_then(AssignmentDbRow::parse))
    }

    /// Adds a user, with their first role if given, in one transaction.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id))]
    pub async fn insert_user(&self, actor: &Actor, new: NewUser, first_role: Option<Assignment>) -> Result<User> {
        let now = domain::now();
        let user = User::new(new, now);
        write_tx!(self, |tx, chain| {
            let taken: Option<(Uuid,)> = sqlx::query_as("SELECT id FROM users WHERE email = $1")
                .bind(&user.email)
                .fetch_optional(&mut *tx)
                .await?;
            if taken.is_some() {
                return Err(StoreError::conflict("email", "error-email-taken"));
            }
            insert_user_row!(tx, user);
            chain.push(
                now,
                user_change(
                    actor,
                    "user.create",
                    &user,
                    first_role.as_ref().and_then(|a| a.org_id),
                    None,
                    Some(user.audit_json()),
                ),
            );
            if let Some(a) = first_role {
                insert_assignment_row!(tx, chain, actor, now, user.id, a.role, a.org_id);
            }
        });
        Ok(user)
    }

    /// The first administrator, created through a one-time setup token: the
    /// token is consumed and the user added in one transaction, and only while
    /// no user exists.
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn create_first_admin(&self, token_hash: &str, new: NewUser) -> Result<User> {
        let now = domain::now();
        let user = User::new(new, now);
        let actor = Actor::system();
        write_tx!(self, |tx, chain| {
            let taken = sqlx::query("DELETE FROM setup_tokens WHERE token_hash = $1")
                .bind(token_hash)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if taken == 0 {
                return Err(StoreError::NotFound);
            }
            let (users,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users").fetch_one(&mut *tx).await?;
            if users > 0 {
                return Err(StoreError::NotFound);
            }
            insert_user_row!(tx, user);
            sqlx::query("DELETE FROM setup_tokens").execute(&mut *tx).await?;
            chain.push(now, user_change(&actor, "user.create_first_admin", &user, None, None, Some(user.audit_json())));
            insert_assignment_row!(tx, chain, actor, now, user.id, Role::Admin, None::<Uuid>);
        });
        Ok(user)
    }

    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, id = %id))]
    pub async fn update_user(&self, actor: &Actor, id: Uuid, upd: UserUpdate) -> Result<User> {
        let now = domain::now();
        Ok(write_tx!(self, |tx, chain| {
            let before = fetch_user!(&mut *tx, id).ok_or(StoreError::NotFound)?;
            let after = User {
                name: upd.name.as_str().to_owned(),
                language: upd.language,
                active: upd.active,
                updated_at: now,
                ..before.clone()
            };
            if after.audit_json() == before.audit_json() {
                before
            } else {
                sqlx::query("UPDATE users SET name = $1, language = $2, active = $3, updated_at = $4 WHERE id = $5")
                    .bind(&after.name)
                    .bind(after.language.code())
                    .bind(after.active)
                    .bind(now)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                if !after.active {
                    sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id).execute(&mut *tx).await?;
                }
                let org = first_org!(tx, id);
                chain.push(
                    now,
                    user_change(actor, "user.update", &after, org, Some(before.audit_json()), Some(after.audit_json())),
                );
                after
            }
        }))
    }

    /// Sets a new password hash and ends the user's sessions except `keep_session`
    /// (the token hash of the session that made the change, if it is the user's own).
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, id = %id))]
    pub async fn set_password(
        &self,
        actor: &Actor,
        id: Uuid,
        password_hash: &str,
        action: &str,
        keep_session: Option<&str>,
    ) -> Result<()> {
        let now = domain::now();
        write_tx!(self, |tx, chain| {
            let user = fetch_user!(&mut *tx, id).ok_or(StoreError::NotFound)?;
            sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
                .bind(password_hash)
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
                .bind(id)
                .bind(keep_session.unwrap_or(""))
                .execute(&mut *tx)
                .await?;
            // A private calendar address is a credential too: it ends with the password.
            sqlx::query("UPDATE calendar_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            let org = first_org!(tx, id);
            // The hash itself is never logged, only that it changed.
            chain.push(
                now,
                user_change(
                    actor,
                    action,
                    &user,
                    org,
                    Some(r#"{"password":"(tidigare)"}"#.into()),
                    Some(r#"{"password":"(nytt)"}"#.into()),
                ),
            );
        });
        Ok(())
    }

    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, user_id = %user_id))]
    pub async fn insert_assignment(&self, actor: &Actor, user_id: Uuid, a: Assignment) -> Result<AssignmentRow> {
        let now = domain::now();
        Ok(write_tx!(self, |tx, chain| {
            if fetch_user!(&mut *tx, user_id).is_none() {
                return Err(StoreError::NotFound);
            }
            insert_assignment_row!(tx, chain, actor, now, user_id, a.role, a.org_id)
        }))
    }

    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, id = %id))]
    pub async fn delete_assignment(&self, actor: &Actor, id: Uuid) -> Result<AssignmentRow> {
        let now = domain::now();
        Ok(write_tx!(self, |tx, chain| {
            let row: AssignmentDbRow = sqlx::query_as::<_, AssignmentDbRow>(
                "SELECT id, user_id, role, org_id, created_at FROM role_assignments WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?;
            let row = row.parse().ok_or(StoreError::NotFound)?;
            if row.role == Role::Admin && row.org_id.is_none() {
                // Inside the write transaction, so two withdrawals cannot both pass.
                let (admins,): (i64,) =
                    sqlx::query_as("SELECT COUNT(*) FROM role_assignments WHERE role = 'admin' AND org_id IS NULL")
                        .fetch_one(&mut *tx)
                        .await?;
                if admins <= 1 {
                    return Err(StoreError::conflict("role", "error-last-admin"));
                }
            }
            sqlx::query("DELETE FROM role_assignments WHERE id = $1").bind(id).execute(&mut *tx).await?;
            chain.push(
                now,
                Change {
                    actor_id: actor.id,
                    actor: actor.label.clone(),
                    action: "role.withdraw".into(),
                    record_type: "user".into(),
                    record_id: row.user_id.to_string(),
                    org_id: row.org_id,
                    before: Some(row.audit_json()),
                    after: None,
                },
            );
            row
        }))
    }
}

fn user_change(
    actor: &Actor,
    action: &str,
    user: &User,
    org_id: Option<Uuid>,
    before: Option<String>,
    after: Option<String>,
) -> Change {
    Change {
        actor_id: actor.id,
        actor: actor.label.clone(),
        action: action.into(),
        record_type: "user".into(),
        record_id: user.id.to_string(),
        org_id,
        before,
        after,
    }
}
