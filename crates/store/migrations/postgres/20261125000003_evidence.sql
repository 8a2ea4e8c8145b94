-- Evidence files attached to answers of a self-assessment.
CREATE TABLE evidence_files (
    id UUID PRIMARY KEY NOT NULL,
    assessment_id UUID NOT NULL REFERENCES assessments (id),
    question_id TEXT NOT NULL,
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    content BYTEA NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX evidence_files_assessment ON evidence_files (assessment_id, question_id);
