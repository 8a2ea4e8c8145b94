-- Follow-up models and self-assessments.

CREATE TABLE models (
    id BLOB PRIMARY KEY NOT NULL,
    key TEXT NOT NULL,
    version INTEGER NOT NULL,
    name TEXT NOT NULL,
    source TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (key, version)
);

CREATE TABLE assessments (
    id BLOB PRIMARY KEY NOT NULL,
    org_id BLOB NOT NULL REFERENCES orgs (id),
    model_id BLOB NOT NULL REFERENCES models (id),
    period INTEGER NOT NULL,
    revision INTEGER NOT NULL,
    status TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    submitted_at TEXT,
    approved_at TEXT,
    approved_by TEXT,
    locked_at TEXT,
    UNIQUE (org_id, period, revision)
);
CREATE INDEX assessments_org ON assessments (org_id, period);

CREATE TABLE answers (
    assessment_id BLOB NOT NULL REFERENCES assessments (id),
    question_id TEXT NOT NULL,
    answer TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    confidence TEXT NOT NULL DEFAULT 'self',
    evidence_url TEXT NOT NULL DEFAULT '',
    answered_by TEXT NOT NULL,
    answered_at TEXT NOT NULL,
    PRIMARY KEY (assessment_id, question_id)
);
