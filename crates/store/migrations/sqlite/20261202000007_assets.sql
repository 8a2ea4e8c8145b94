-- Information assets and systems (issue 17): per organisation, the
-- information assets (informationstillgångar) with their information owner
-- and unit, the systems and IT services that process them, the link between
-- the two, each asset's classification kept with its history (every
-- classification is a row; the current one is the latest), risk analyses,
-- consequence assessments (DPIA), the processing register (GDPR art. 30)
-- and data-processing agreements (personuppgiftsbiträdesavtal).
--
-- Names are unique per organisation whatever their case and spacing:
-- `name_key` holds the name with runs of white space made one space and
-- lower-cased by the store (Unicode-aware, which SQLite's lower() is not).
-- Structured inputs (classification levels, the installation's
-- classification model and risk matrix) are JSON text.
CREATE TABLE info_assets (
    id BLOB PRIMARY KEY NOT NULL,
    org_id BLOB NOT NULL REFERENCES orgs (id),
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    name_key TEXT NOT NULL,
    description TEXT NOT NULL CHECK (length(description) <= 4000),
    information_owner TEXT NOT NULL CHECK (length(information_owner) BETWEEN 1 AND 200),
    unit_id BLOB REFERENCES orgs (id),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX info_assets_name ON info_assets (org_id, name_key);
CREATE INDEX info_assets_unit ON info_assets (unit_id);

CREATE TABLE systems (
    id BLOB PRIMARY KEY NOT NULL,
    org_id BLOB NOT NULL REFERENCES orgs (id),
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    name_key TEXT NOT NULL,
    description TEXT NOT NULL CHECK (length(description) <= 4000),
    system_owner TEXT NOT NULL CHECK (length(system_owner) <= 200),
    object_manager TEXT NOT NULL CHECK (length(object_manager) <= 200),
    supplier TEXT NOT NULL CHECK (length(supplier) <= 200),
    hosting TEXT CHECK (hosting IN ('own', 'municipal_it', 'cloud', 'other')),
    country TEXT CHECK (length(country) = 2),
    contract TEXT NOT NULL CHECK (length(contract) <= 200),
    processes_personal_data INTEGER NOT NULL CHECK (processes_personal_data IN (0, 1)),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (hosting IS NULL OR hosting <> 'cloud' OR country IS NOT NULL)
);
CREATE UNIQUE INDEX systems_name ON systems (org_id, name_key);

-- Which systems process which assets (both of the same organisation).
CREATE TABLE asset_systems (
    asset_id BLOB NOT NULL REFERENCES info_assets (id) ON DELETE CASCADE,
    system_id BLOB NOT NULL REFERENCES systems (id) ON DELETE CASCADE,
    PRIMARY KEY (asset_id, system_id)
);
CREATE INDEX asset_systems_system ON asset_systems (system_id);

-- Every classification of an asset; the latest (by id, a time-ordered
-- UUIDv7) is the current one.
CREATE TABLE asset_classifications (
    id BLOB PRIMARY KEY NOT NULL,
    asset_id BLOB NOT NULL REFERENCES info_assets (id) ON DELETE CASCADE,
    org_id BLOB NOT NULL REFERENCES orgs (id),
    levels TEXT NOT NULL,
    motivation TEXT NOT NULL CHECK (length(motivation) BETWEEN 1 AND 4000),
    classified_on TEXT NOT NULL,
    classified_by TEXT NOT NULL CHECK (length(classified_by) BETWEEN 1 AND 200),
    next_review TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    CHECK (next_review > classified_on)
);
CREATE INDEX asset_classifications_asset ON asset_classifications (asset_id, id);
CREATE INDEX asset_classifications_org ON asset_classifications (org_id);

-- Installation-wide settings of the registers, one row each:
-- 'classification_model' and 'risk_matrix' (JSON).
CREATE TABLE register_settings (
    key TEXT PRIMARY KEY NOT NULL CHECK (key IN ('classification_model', 'risk_matrix')),
    value TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Risk analyses: on an organisation, a system or an asset (object_id names
-- it; the store checks it belongs to org_id).
CREATE TABLE risks (
    id BLOB PRIMARY KEY NOT NULL,
    org_id BLOB NOT NULL REFERENCES orgs (id),
    scenario TEXT NOT NULL CHECK (length(scenario) BETWEEN 1 AND 4000),
    object_kind TEXT NOT NULL CHECK (object_kind IN ('org', 'system', 'asset')),
    object_id BLOB NOT NULL,
    likelihood INTEGER NOT NULL CHECK (likelihood BETWEEN 1 AND 6),
    consequence INTEGER NOT NULL CHECK (consequence BETWEEN 1 AND 6),
    residual_likelihood INTEGER CHECK (residual_likelihood BETWEEN 1 AND 6),
    residual_consequence INTEGER CHECK (residual_consequence BETWEEN 1 AND 6),
    treatment TEXT CHECK (treatment IN ('reduce', 'accept', 'transfer', 'avoid')),
    owner TEXT NOT NULL CHECK (length(owner) <= 200),
    accepted_by TEXT CHECK (length(accepted_by) BETWEEN 1 AND 200),
    accepted_on TEXT,
    review_on TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK ((residual_likelihood IS NULL) = (residual_consequence IS NULL)),
    CHECK ((accepted_by IS NULL) = (accepted_on IS NULL))
);
CREATE INDEX risks_org ON risks (org_id);
CREATE INDEX risks_object ON risks (object_id);

-- The processing register (GDPR art. 30).
CREATE TABLE processings (
    id BLOB PRIMARY KEY NOT NULL,
    org_id BLOB NOT NULL REFERENCES orgs (id),
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    name_key TEXT NOT NULL,
    data TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX processings_name ON processings (org_id, name_key);

CREATE TABLE processing_systems (
    processing_id BLOB NOT NULL REFERENCES processings (id) ON DELETE CASCADE,
    system_id BLOB NOT NULL REFERENCES systems (id) ON DELETE CASCADE,
    PRIMARY KEY (processing_id, system_id)
);
CREATE INDEX processing_systems_system ON processing_systems (system_id);

-- Consequence assessments (DPIA, GDPR art. 35), each of one processing.
CREATE TABLE dpias (
    id BLOB PRIMARY KEY NOT NULL,
    org_id BLOB NOT NULL REFERENCES orgs (id),
    processing_id BLOB NOT NULL REFERENCES processings (id),
    data TEXT NOT NULL,
    residual_level TEXT NOT NULL CHECK (residual_level IN ('low', 'medium', 'high', 'very_high')),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX dpias_org ON dpias (org_id);
CREATE INDEX dpias_processing ON dpias (processing_id);

-- Data-processing agreements and what they cover.
CREATE TABLE agreements (
    id BLOB PRIMARY KEY NOT NULL,
    org_id BLOB NOT NULL REFERENCES orgs (id),
    supplier TEXT NOT NULL CHECK (length(supplier) BETWEEN 1 AND 200),
    signed_on TEXT,
    expires_on TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (signed_on IS NULL OR expires_on IS NULL OR expires_on >= signed_on)
);
CREATE INDEX agreements_org ON agreements (org_id);

CREATE TABLE agreement_systems (
    agreement_id BLOB NOT NULL REFERENCES agreements (id) ON DELETE CASCADE,
    system_id BLOB NOT NULL REFERENCES systems (id) ON DELETE CASCADE,
    PRIMARY KEY (agreement_id, system_id)
);
CREATE INDEX agreement_systems_system ON agreement_systems (system_id);

CREATE TABLE agreement_processings (
    agreement_id BLOB NOT NULL REFERENCES agreements (id) ON DELETE CASCADE,
    processing_id BLOB NOT NULL REFERENCES processings (id) ON DELETE CASCADE,
    PRIMARY KEY (agreement_id, processing_id)
);
CREATE INDEX agreement_processings_processing ON agreement_processings (processing_id);
