-- Files attached to a section of a management review (the data protection
-- officer's annual report, for instance); part of what adoption freezes.
CREATE TABLE review_files (
    id UUID PRIMARY KEY NOT NULL,
    review_id UUID NOT NULL REFERENCES reviews (id),
    section TEXT NOT NULL,
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    content BYTEA NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX review_files_review ON review_files (review_id);
