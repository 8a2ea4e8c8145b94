-- A counter on each assessment that every change to its answers raises in
-- the same transaction. A trigger raises it, so no writer can forget to. A
-- list of assessments keeps each one's score in memory keyed on this
-- counter: no process shows a score older than the answers another process
-- has saved.
ALTER TABLE assessments ADD COLUMN answers_version BIGINT NOT NULL DEFAULT 0;

CREATE FUNCTION answers_version_raise() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        UPDATE assessments SET answers_version = answers_version + 1 WHERE id = OLD.assessment_id;
    ELSE
        UPDATE assessments SET answers_version = answers_version + 1 WHERE id = NEW.assessment_id;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER answers_version AFTER INSERT OR UPDATE OR DELETE ON answers
    FOR EACH ROW EXECUTE FUNCTION answers_version_raise();
