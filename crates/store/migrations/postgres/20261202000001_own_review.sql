-- A part of an organisation (nämnd, förvaltning, enhet) may hold its own
-- yearly management review instead of reporting by unit report.
ALTER TABLE orgs ADD COLUMN own_review BOOLEAN NOT NULL DEFAULT FALSE;
