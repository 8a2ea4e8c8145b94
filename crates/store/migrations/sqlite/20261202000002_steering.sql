-- Steering documents (styrdokument): policies, guidelines, directives,
-- routines and instructions; their versions with files; and how far each
-- organisation they apply to has implemented them.
CREATE TABLE steering_documents (
    id BLOB PRIMARY KEY NOT NULL,
    org_id BLOB NOT NULL REFERENCES orgs (id),
    parent_id BLOB REFERENCES steering_documents (id),
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    kind TEXT NOT NULL CHECK (kind IN ('policy', 'guideline', 'application_directive', 'local_directive', 'routine', 'instruction')),
    status TEXT NOT NULL CHECK (status IN ('draft', 'decided', 'under_revision', 'repealed')),
    owner TEXT NOT NULL,
    decided_by TEXT NOT NULL,
    decided_on TEXT,
    valid_from TEXT,
    review_interval_months INTEGER NOT NULL CHECK (review_interval_months BETWEEN 1 AND 120),
    next_review TEXT,
    summary TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX steering_documents_org ON steering_documents (org_id, kind, title);

CREATE TABLE steering_implementations (
    document_id BLOB NOT NULL REFERENCES steering_documents (id),
    org_id BLOB NOT NULL REFERENCES orgs (id),
    status TEXT NOT NULL CHECK (status IN ('not_started', 'in_progress', 'implemented', 'not_applicable')),
    note TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (document_id, org_id)
);

CREATE TABLE steering_versions (
    id BLOB PRIMARY KEY NOT NULL,
    document_id BLOB NOT NULL REFERENCES steering_documents (id),
    label TEXT NOT NULL,
    decided_on TEXT,
    note TEXT NOT NULL,
    filename TEXT,
    content_type TEXT,
    size INTEGER NOT NULL DEFAULT 0,
    sha256 TEXT,
    content BLOB,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (document_id, label)
);

-- A decision of kind governance may name the document it changes.
ALTER TABLE review_decisions ADD COLUMN document_id BLOB REFERENCES steering_documents (id);
