-- A counter on each assessment that every change to its answers raises in
-- the same transaction. Triggers raise it, so no writer can forget to. A
-- list of assessments keeps each one's score in memory keyed on this
-- counter: no process shows a score older than the answers another process
-- has saved.
ALTER TABLE assessments ADD COLUMN answers_version INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER answers_version_insert AFTER INSERT ON answers BEGIN
    UPDATE assessments SET answers_version = answers_version + 1 WHERE id = NEW.assessment_id;
END;

CREATE TRIGGER answers_version_update AFTER UPDATE ON answers BEGIN
    UPDATE assessments SET answers_version = answers_version + 1 WHERE id = NEW.assessment_id;
END;

CREATE TRIGGER answers_version_delete AFTER DELETE ON answers BEGIN
    UPDATE assessments SET answers_version = answers_version + 1 WHERE id = OLD.assessment_id;
END;
