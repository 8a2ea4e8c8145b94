-- Follow-up rounds: invitations, what each respondent shared, reminders,
-- and mappings between model versions.
CREATE TABLE rounds (
    id UUID PRIMARY KEY NOT NULL,
    org_id UUID NOT NULL REFERENCES orgs (id),
    name TEXT NOT NULL,
    model_id UUID NOT NULL REFERENCES models (id),
    period INTEGER NOT NULL,
    opens_on DATE NOT NULL,
    closes_on DATE NOT NULL,
    message TEXT NOT NULL DEFAULT '',
    k INTEGER NOT NULL CHECK (k >= 1),
    remind_days INTEGER NOT NULL DEFAULT 7,
    closed_at TIMESTAMPTZ,
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    CHECK (closes_on >= opens_on)
);
CREATE INDEX rounds_org ON rounds (org_id, period);

CREATE TABLE round_invitations (
    round_id UUID NOT NULL REFERENCES rounds (id),
    org_id UUID NOT NULL REFERENCES orgs (id),
    invited_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (round_id, org_id)
);
CREATE INDEX round_invitations_org ON round_invitations (org_id);

CREATE TABLE round_responses (
    round_id UUID NOT NULL REFERENCES rounds (id),
    org_id UUID NOT NULL REFERENCES orgs (id),
    status TEXT NOT NULL,
    assessment_id UUID REFERENCES assessments (id),
    kind TEXT NOT NULL,
    employees INTEGER NOT NULL,
    size_class TEXT NOT NULL,
    level INTEGER NOT NULL,
    result TEXT NOT NULL,
    answers TEXT,
    submitted_by TEXT NOT NULL,
    submitted_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (round_id, org_id),
    FOREIGN KEY (round_id, org_id) REFERENCES round_invitations (round_id, org_id)
);
CREATE INDEX round_responses_status ON round_responses (round_id, status);

CREATE TABLE round_reminders (
    round_id UUID NOT NULL REFERENCES rounds (id),
    org_id UUID NOT NULL REFERENCES orgs (id),
    sent_at TIMESTAMPTZ NOT NULL,
    emailed INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (round_id, org_id)
);

CREATE TABLE model_mappings (
    id UUID PRIMARY KEY NOT NULL,
    from_model_id UUID NOT NULL REFERENCES models (id),
    to_model_id UUID NOT NULL REFERENCES models (id),
    mapping TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (from_model_id, to_model_id)
);
