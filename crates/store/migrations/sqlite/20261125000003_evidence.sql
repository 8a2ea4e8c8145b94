-- Evidence files attached to answers of a self-assessment.
CREATE TABLE evidence_files (
    id BLOB PRIMARY KEY NOT NULL,
    assessment_id BLOB NOT NULL REFERENCES assessments (id),
    question_id TEXT NOT NULL,
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    content BLOB NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL
);
CREATE INDEX evidence_files_assessment ON evidence_files (assessment_id, question_id);
