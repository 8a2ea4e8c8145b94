-- Audits of the organisation (granskning, seed 004): the audit with its
-- questions, findings and report; recommendations, each answered and
-- followed up by every audited body it is addressed to. Not the audit log.
CREATE TABLE org_audits (
    id UUID PRIMARY KEY NOT NULL,
    org_id UUID NOT NULL REFERENCES orgs (id),
    title TEXT NOT NULL CHECK (char_length(title) BETWEEN 1 AND 300),
    kind TEXT NOT NULL CHECK (kind IN ('elected', 'internal', 'supervision')),
    auditor_org TEXT NOT NULL,
    auditor_person TEXT NOT NULL,
    period TEXT NOT NULL,
    started DATE,
    report_delivered DATE,
    responses_due DATE,
    purpose TEXT NOT NULL,
    follows_up UUID REFERENCES org_audits (id),
    report_filename TEXT,
    report_size BIGINT NOT NULL DEFAULT 0,
    report_sha256 TEXT,
    report_content BYTEA,
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX org_audits_org ON org_audits (org_id);

CREATE TABLE org_audit_bodies (
    audit_id UUID NOT NULL REFERENCES org_audits (id),
    org_id UUID NOT NULL REFERENCES orgs (id),
    PRIMARY KEY (audit_id, org_id)
);
CREATE INDEX org_audit_bodies_org ON org_audit_bodies (org_id);

CREATE TABLE org_audit_questions (
    id UUID PRIMARY KEY NOT NULL,
    audit_id UUID NOT NULL REFERENCES org_audits (id),
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    areas TEXT NOT NULL,
    assessment TEXT CHECK (assessment IN ('fulfilled', 'partly', 'not_fulfilled')),
    motivation TEXT NOT NULL
);
CREATE INDEX org_audit_questions_audit ON org_audit_questions (audit_id, position);

CREATE TABLE org_audit_findings (
    id UUID PRIMARY KEY NOT NULL,
    audit_id UUID NOT NULL REFERENCES org_audits (id),
    position INTEGER NOT NULL,
    area TEXT NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX org_audit_findings_audit ON org_audit_findings (audit_id, position);

CREATE TABLE org_audit_recommendations (
    id UUID PRIMARY KEY NOT NULL,
    audit_id UUID NOT NULL REFERENCES org_audits (id),
    position INTEGER NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX org_audit_recommendations_audit ON org_audit_recommendations (audit_id, position);

-- One audited body's copy of a recommendation: its answer and where it stands.
CREATE TABLE org_audit_targets (
    id UUID PRIMARY KEY NOT NULL,
    recommendation_id UUID NOT NULL REFERENCES org_audit_recommendations (id),
    org_id UUID NOT NULL REFERENCES orgs (id),
    status TEXT NOT NULL CHECK (status IN ('open', 'measure_planned', 'in_progress', 'done', 'closed')),
    stance TEXT CHECK (stance IN ('agrees', 'partly', 'disagrees')),
    measures TEXT NOT NULL,
    responsible TEXT NOT NULL,
    due DATE,
    decided_by TEXT NOT NULL,
    decided_on DATE,
    answered_by TEXT,
    answered_at TIMESTAMPTZ,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (recommendation_id, org_id)
);
CREATE INDEX org_audit_targets_org ON org_audit_targets (org_id, status);

-- What happened to a body's copy: answered, moved by a follow-up, closed.
CREATE TABLE org_audit_events (
    id UUID PRIMARY KEY NOT NULL,
    target_id UUID NOT NULL REFERENCES org_audit_targets (id),
    at TIMESTAMPTZ NOT NULL,
    actor TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    note TEXT NOT NULL,
    follow_up_audit UUID REFERENCES org_audits (id)
);
CREATE INDEX org_audit_events_target ON org_audit_events (target_id, at);
