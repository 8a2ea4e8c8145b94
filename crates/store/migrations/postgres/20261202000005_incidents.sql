-- The incident register (seeds 001, 003, 004): incidents with their
-- timeline, the notifications made to IMY, CERT-SE and MSB, and the
-- escalations sent when a statutory deadline is near or missed. An
-- organisation's class under the cybersäkerhetslag (NIS2) decides which
-- duties apply to its incidents.
ALTER TABLE orgs ADD COLUMN nis_class TEXT CHECK (nis_class IN ('essential', 'important'));

CREATE TABLE incidents (
    id UUID PRIMARY KEY NOT NULL,
    org_id UUID NOT NULL REFERENCES orgs (id),
    title TEXT NOT NULL CHECK (char_length(title) BETWEEN 1 AND 300),
    description TEXT NOT NULL CHECK (char_length(description) <= 8000),
    occurred_at TIMESTAMPTZ,
    discovered_at TIMESTAMPTZ NOT NULL,
    registered_at TIMESTAMPTZ NOT NULL,
    category TEXT NOT NULL CHECK (category IN ('software_hardware', 'operating_environment', 'information_loss',
        'information_corruption', 'access_prevented', 'product_vulnerability', 'attack', 'handling_error',
        'critical_infrastructure', 'other_event')),
    aspects TEXT NOT NULL CHECK (char_length(aspects) BETWEEN 1 AND 100),
    personal_data BOOLEAN NOT NULL,
    severity TEXT NOT NULL CHECK (severity IN ('low', 'moderate', 'serious', 'critical')),
    status TEXT NOT NULL CHECK (status IN ('registered', 'investigating', 'remedied', 'closed')),
    responsible TEXT NOT NULL CHECK (char_length(responsible) <= 200),
    lessons TEXT NOT NULL CHECK (char_length(lessons) <= 8000),
    closed_at TIMESTAMPTZ,
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    CHECK ((status = 'closed') = (closed_at IS NOT NULL))
);
CREATE INDEX incidents_org ON incidents (org_id);
CREATE INDEX incidents_discovered ON incidents (discovered_at);

-- The timeline: what was learnt and done, in order.
CREATE TABLE incident_entries (
    id UUID PRIMARY KEY NOT NULL,
    incident_id UUID NOT NULL REFERENCES incidents (id),
    at TIMESTAMPTZ NOT NULL,
    author TEXT NOT NULL,
    text TEXT NOT NULL CHECK (char_length(text) BETWEEN 1 AND 4000)
);
CREATE INDEX incident_entries_incident ON incident_entries (incident_id, at);

-- A notification to an authority for one step of a duty: when it was
-- made, or that it was not required.
CREATE TABLE incident_reports (
    incident_id UUID NOT NULL REFERENCES incidents (id),
    step TEXT NOT NULL CHECK (step IN ('gdpr_notify', 'nis_early_warning', 'nis_notification', 'nis_final',
        'msb_first', 'msb_final')),
    at TIMESTAMPTZ,
    not_required BOOLEAN NOT NULL,
    reference TEXT NOT NULL CHECK (char_length(reference) <= 200),
    note TEXT NOT NULL CHECK (char_length(note) <= 2000),
    recorded_by TEXT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (incident_id, step),
    CHECK (at IS NOT NULL OR not_required)
);

-- An escalation of a deadline, sent once whatever the number of processes.
CREATE TABLE incident_alerts (
    incident_id UUID NOT NULL REFERENCES incidents (id),
    step TEXT NOT NULL CHECK (step IN ('gdpr_notify', 'nis_early_warning', 'nis_notification', 'nis_final',
        'msb_first', 'msb_final')),
    alert TEXT NOT NULL CHECK (alert IN ('near', 'missed')),
    sent_at TIMESTAMPTZ NOT NULL,
    emailed INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (incident_id, step, alert)
);
