-- Follow-up rounds: invitations, what each respondent shared, reminders,
-- and mappings between model versions.
CREATE TABLE rounds (
    id BLOB PRIMARY KEY NOT NULL,
    org_id BLOB NOT NULL REFERENCES orgs (id),
    name TEXT NOT NULL,
    model_id BLOB NOT NULL REFERENCES models (id),
    period INTEGER NOT NULL,
    opens_on TEXT NOT NULL,
    closes_on TEXT NOT NULL,
    message TEXT NOT NULL DEFAULT '',
    k INTEGER NOT NULL CHECK (k >= 1),
    remind_days INTEGER NOT NULL DEFAULT 7,
    closed_at TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (closes_on >= opens_on)
);
CREATE INDEX rounds_org ON rounds (org_id, period);

CREATE TABLE round_invitations (
    round_id BLOB NOT NULL REFERENCES rounds (id),
    org_id BLOB NOT NULL REFERENCES orgs (id),
    invited_at TEXT NOT NULL,
    PRIMARY KEY (round_id, org_id)
);
CREATE INDEX round_invitations_org ON round_invitations (org_id);

CREATE TABLE round_responses (
    round_id BLOB NOT NULL REFERENCES rounds (id),
    org_id BLOB NOT NULL REFERENCES orgs (id),
    status TEXT NOT NULL,
    assessment_id BLOB REFERENCES assessments (id),
    kind TEXT NOT NULL,
    employees INTEGER NOT NULL,
    size_class TEXT NOT NULL,
    level INTEGER NOT NULL,
    result TEXT NOT NULL,
    answers TEXT,
    submitted_by TEXT NOT NULL,
    submitted_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (round_id, org_id),
    FOREIGN KEY (round_id, org_id) REFERENCES round_invitations (round_id, org_id)
);
CREATE INDEX round_responses_status ON round_responses (round_id, status);

CREATE TABLE round_reminders (
    round_id BLOB NOT NULL REFERENCES rounds (id),
    org_id BLOB NOT NULL REFERENCES orgs (id),
    sent_at TEXT NOT NULL,
    emailed INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (round_id, org_id)
);

CREATE TABLE model_mappings (
    id BLOB PRIMARY KEY NOT NULL,
    from_model_id BLOB NOT NULL REFERENCES models (id),
    to_model_id BLOB NOT NULL REFERENCES models (id),
    mapping TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (from_model_id, to_model_id)
);
