-- Files attached to a section of a management review (the data protection
-- officer's annual report, for instance); part of what adoption freezes.
CREATE TABLE review_files (
    id BLOB PRIMARY KEY NOT NULL,
    review_id BLOB NOT NULL REFERENCES reviews (id),
    section TEXT NOT NULL,
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    content BLOB NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL
);
CREATE INDEX review_files_review ON review_files (review_id);
