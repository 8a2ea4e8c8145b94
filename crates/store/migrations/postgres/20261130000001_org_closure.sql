-- The organisation tree as a closure table: one row for every organisation
-- and each of its ancestors (itself included, at depth 0). Scope is then one
-- join in SQL, whatever the size of the installation and of the scope, and
-- never a list of organisations bound one parameter each.

CREATE TABLE org_closure (
    ancestor_id UUID NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    org_id UUID NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    depth INTEGER NOT NULL CHECK (depth >= 0),
    PRIMARY KEY (ancestor_id, org_id)
);
CREATE INDEX org_closure_org ON org_closure (org_id, ancestor_id);

WITH RECURSIVE c (ancestor_id, org_id, depth) AS (
    SELECT id, id, 0 FROM orgs
    UNION ALL
    SELECT c.ancestor_id, o.id, c.depth + 1 FROM c JOIN orgs o ON o.parent_id = c.org_id
)
INSERT INTO org_closure (ancestor_id, org_id, depth) SELECT ancestor_id, org_id, depth FROM c;

CREATE INDEX orgs_kind ON orgs (kind);
CREATE INDEX role_assignments_user_role ON role_assignments (user_id, role, org_id);

-- Background jobs that must run on one process only when several share the
-- database: whoever holds the lease until `until` runs the job.
CREATE TABLE job_leases (
    name TEXT PRIMARY KEY NOT NULL,
    holder TEXT NOT NULL,
    until TIMESTAMPTZ NOT NULL
);
