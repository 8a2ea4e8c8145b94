-- Areas of an assessment delegated to coordinators, and their proposed answers.
CREATE TABLE delegations (
    assessment_id UUID NOT NULL REFERENCES assessments (id),
    area_id TEXT NOT NULL,
    user_id UUID NOT NULL REFERENCES users (id),
    delegated_by TEXT NOT NULL,
    delegated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (assessment_id, area_id)
);
CREATE INDEX delegations_user ON delegations (user_id);

CREATE TABLE proposals (
    assessment_id UUID NOT NULL REFERENCES assessments (id),
    question_id TEXT NOT NULL,
    answer TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    confidence TEXT NOT NULL DEFAULT 'self',
    evidence_url TEXT NOT NULL DEFAULT '',
    proposed_by TEXT NOT NULL,
    proposed_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (assessment_id, question_id)
);
