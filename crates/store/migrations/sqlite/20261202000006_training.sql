-- Training completion (utbildning): courses with a target group, validity
-- and target; completion as counts per unit (no personal data) and,
-- optionally, person-level rows imported from a learning platform, kept only
-- for the owner organisation's retention period.
CREATE TABLE training_courses (
    id BLOB PRIMARY KEY NOT NULL,
    org_id BLOB NOT NULL REFERENCES orgs (id),
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    target_group TEXT NOT NULL CHECK (target_group IN ('all_staff', 'managers', 'elected', 'custom')),
    target_description TEXT NOT NULL,
    validity_years INTEGER NOT NULL CHECK (validity_years BETWEEN 1 AND 10),
    target_pct INTEGER NOT NULL CHECK (target_pct BETWEEN 1 AND 100),
    topic TEXT NOT NULL CHECK (topic IN ('information_security', 'data_protection', 'other')),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX training_courses_org ON training_courses (org_id);

CREATE TABLE training_counts (
    course_id BLOB NOT NULL REFERENCES training_courses (id),
    org_id BLOB NOT NULL REFERENCES orgs (id),
    as_of TEXT NOT NULL,
    headcount INTEGER NOT NULL CHECK (headcount BETWEEN 0 AND 1000000),
    completed INTEGER NOT NULL CHECK (completed >= 0 AND completed <= headcount),
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (course_id, org_id, as_of)
);
CREATE INDEX training_counts_org ON training_counts (org_id);

CREATE TABLE training_records (
    id BLOB PRIMARY KEY NOT NULL,
    course_id BLOB NOT NULL REFERENCES training_courses (id),
    org_id BLOB NOT NULL REFERENCES orgs (id),
    person TEXT NOT NULL CHECK (length(person) BETWEEN 1 AND 100),
    completed_on TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    UNIQUE (course_id, org_id, person, completed_on)
);
CREATE INDEX training_records_org ON training_records (org_id, course_id);
CREATE INDEX training_records_imported ON training_records (imported_at);

CREATE TABLE training_settings (
    org_id BLOB PRIMARY KEY NOT NULL REFERENCES orgs (id),
    retention_months INTEGER NOT NULL DEFAULT 24 CHECK (retention_months BETWEEN 1 AND 120),
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
