-- Follow-up models and self-assessments.

CREATE TABLE models (
    id UUID PRIMARY KEY NOT NULL,
    key TEXT NOT NULL,
    version INTEGER NOT NULL,
    name TEXT NOT NULL,
    source TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (key, version)
);

CREATE TABLE assessments (
    id UUID PRIMARY KEY NOT NULL,
    org_id UUID NOT NULL REFERENCES orgs (id),
    model_id UUID NOT NULL REFERENCES models (id),
    period INTEGER NOT NULL,
    revision INTEGER NOT NULL,
    status TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    submitted_at TIMESTAMPTZ,
    approved_at TIMESTAMPTZ,
    approved_by TEXT,
    locked_at TIMESTAMPTZ,
    UNIQUE (org_id, period, revision)
);
CREATE INDEX assessments_org ON assessments (org_id, period);

CREATE TABLE answers (
    assessment_id UUID NOT NULL REFERENCES assessments (id),
    question_id TEXT NOT NULL,
    answer TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    confidence TEXT NOT NULL DEFAULT 'self',
    evidence_url TEXT NOT NULL DEFAULT '',
    answered_by TEXT NOT NULL,
    answered_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (assessment_id, question_id)
);
