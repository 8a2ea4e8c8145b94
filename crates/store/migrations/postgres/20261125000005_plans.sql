-- The action plan, management reviews with their checklist and the units'
-- yearly reports, and the year wheel with private calendar feeds.
CREATE TABLE actions (
    id UUID PRIMARY KEY NOT NULL,
    org_id UUID NOT NULL REFERENCES orgs (id),
    title TEXT NOT NULL,
    goal TEXT NOT NULL DEFAULT '',
    activity TEXT NOT NULL DEFAULT '',
    cost BIGINT NOT NULL DEFAULT 0 CHECK (cost >= 0),
    responsible TEXT NOT NULL DEFAULT '',
    start_date DATE,
    end_date DATE,
    status TEXT NOT NULL,
    progress_note TEXT NOT NULL DEFAULT '',
    origin TEXT NOT NULL DEFAULT 'none',
    origin_ref TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    CHECK (start_date IS NULL OR end_date IS NULL OR end_date >= start_date)
);
CREATE INDEX actions_org ON actions (org_id);
CREATE INDEX actions_origin ON actions (origin, origin_ref);

CREATE TABLE review_points (
    id UUID PRIMARY KEY NOT NULL,
    org_id UUID NOT NULL REFERENCES orgs (id),
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE
);
CREATE INDEX review_points_org ON review_points (org_id, position);

CREATE TABLE reviews (
    id UUID PRIMARY KEY NOT NULL,
    org_id UUID NOT NULL REFERENCES orgs (id),
    year INTEGER NOT NULL,
    revision INTEGER NOT NULL,
    status TEXT NOT NULL,
    meeting_date DATE,
    participants TEXT NOT NULL DEFAULT '',
    snapshot TEXT,
    content_hash TEXT,
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    adopted_at TIMESTAMPTZ,
    adopted_by TEXT,
    UNIQUE (org_id, year, revision)
);

CREATE TABLE review_comments (
    review_id UUID NOT NULL REFERENCES reviews (id),
    section TEXT NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (review_id, section)
);

CREATE TABLE review_decisions (
    id UUID PRIMARY KEY NOT NULL,
    review_id UUID NOT NULL REFERENCES reviews (id),
    root_id UUID NOT NULL,
    position INTEGER NOT NULL,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    responsible TEXT NOT NULL,
    deadline DATE NOT NULL
);
CREATE INDEX review_decisions_review ON review_decisions (review_id, position);

CREATE TABLE unit_reports (
    id UUID PRIMARY KEY NOT NULL,
    unit_id UUID NOT NULL REFERENCES orgs (id),
    year INTEGER NOT NULL,
    status TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    submitted_at TIMESTAMPTZ,
    approved_by TEXT,
    approved_at TIMESTAMPTZ,
    UNIQUE (unit_id, year)
);

CREATE TABLE unit_report_items (
    report_id UUID NOT NULL REFERENCES unit_reports (id),
    point_id UUID NOT NULL REFERENCES review_points (id),
    status TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (report_id, point_id)
);

CREATE TABLE activities (
    id UUID PRIMARY KEY NOT NULL,
    org_id UUID NOT NULL REFERENCES orgs (id),
    title TEXT NOT NULL,
    month INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
    day INTEGER CHECK (day BETWEEN 1 AND 31),
    recurrence TEXT NOT NULL,
    year INTEGER,
    responsible TEXT NOT NULL DEFAULT '',
    concerns TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX activities_org ON activities (org_id);

CREATE TABLE calendar_tokens (
    id UUID PRIMARY KEY NOT NULL,
    user_id UUID NOT NULL REFERENCES users (id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ
);
CREATE INDEX calendar_tokens_user ON calendar_tokens (user_id);
