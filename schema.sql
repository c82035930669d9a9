-- tuopin schema, version 1.
--
-- Applied by src/db/migrate.rs as migration 1 when `PRAGMA user_version` is 0. A released migration is never
-- edited in place: later changes go into new files under migrations/ with the next version number.
--
-- Conventions: periods are TEXT 'YYYY-MM' (sorts as time); booleans are INTEGER 0/1 with NULL meaning
-- "not reported"; percents are stored 0-100; money is yuan; every stored value points at its source:
-- an import batch and line (files, including the reference data loaded by `init`) or a bulletin quote.

-- Small key/value store: the per-database salt for ID-number hashes, and tunable settings.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

------------------------------------------------------------------------------------------------
-- Sources
------------------------------------------------------------------------------------------------

-- One row per imported file: county CSVs, and the reference files of data/ loaded by `init`.
CREATE TABLE import_batch (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('reference', 'households', 'indicators', 'regions')),
    file_name     TEXT NOT NULL,
    sha256        TEXT NOT NULL CHECK (length(sha256) = 64),
    rows_read     INTEGER NOT NULL DEFAULT 0 CHECK (rows_read >= 0),
    rows_written  INTEGER NOT NULL DEFAULT 0 CHECK (rows_written >= 0),
    imported_by   TEXT NOT NULL,
    imported_at   TEXT NOT NULL,
    scope         TEXT,              -- county code given with --county, NULL for province-wide
    period        TEXT,              -- snapshot month of a households file
    undone_at     TEXT               -- set by `import undo`; the batch row stays as a record
);
CREATE INDEX import_batch_sha ON import_batch (sha256);

-- 《脱贫攻坚快报》 issues.
CREATE TABLE bulletin (
    id         INTEGER PRIMARY KEY,
    issue_no   INTEGER NOT NULL,      -- 第 N 期
    total_no   INTEGER NOT NULL,      -- 总第 N 期
    date       TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    title      TEXT NOT NULL,
    publisher  TEXT NOT NULL,
    UNIQUE (publisher, total_no)
);

-- The sentence of a bulletin behind a fact, quoted verbatim.
CREATE TABLE bulletin_quote (
    id           INTEGER PRIMARY KEY,
    bulletin_id  INTEGER NOT NULL REFERENCES bulletin (id),
    sentence     TEXT NOT NULL,
    UNIQUE (bulletin_id, sentence)
);

------------------------------------------------------------------------------------------------
-- Regions: province -> city -> county -> township -> village
------------------------------------------------------------------------------------------------

CREATE TABLE region_level (
    level  TEXT PRIMARY KEY,
    rank   INTEGER NOT NULL UNIQUE,   -- 1 province ... 5 village
    name   TEXT NOT NULL              -- Chinese name
) WITHOUT ROWID;
INSERT INTO region_level (level, rank, name) VALUES
    ('province', 1, '省'), ('city', 2, '市'), ('county', 3, '县'), ('township', 4, '乡镇'), ('village', 5, '村');

CREATE TABLE region (
    code                TEXT PRIMARY KEY,
    name                TEXT NOT NULL CHECK (length(trim(name)) > 0),
    level               TEXT NOT NULL REFERENCES region_level (level),
    parent_code         TEXT REFERENCES region (code),
    poverty_registered  INTEGER CHECK (poverty_registered IN (0, 1)),   -- NULL: not known
    planned_exit_year   INTEGER CHECK (planned_exit_year BETWEEN 2014 AND 2030),
    code_official       INTEGER NOT NULL DEFAULT 1 CHECK (code_official IN (0, 1)),
    batch_id            INTEGER REFERENCES import_batch (id),
    line                INTEGER,
    quote_id            INTEGER REFERENCES bulletin_quote (id),         -- the sentence naming it
    CHECK ((level = 'province') = (parent_code IS NULL))
);
CREATE INDEX region_parent ON region (parent_code);

-- A region's parent must be exactly one level up (a village under a township, ...).
CREATE TRIGGER region_parent_level_insert BEFORE INSERT ON region
WHEN NEW.parent_code IS NOT NULL
 AND (SELECT pl.rank + 1 FROM region p JOIN region_level pl ON pl.level = p.level WHERE p.code = NEW.parent_code)
     IS NOT (SELECT rank FROM region_level WHERE level = NEW.level)
BEGIN
    SELECT RAISE(ABORT, 'region parent must be one level above the region');
END;
CREATE TRIGGER region_parent_level_update BEFORE UPDATE OF level, parent_code ON region
WHEN NEW.parent_code IS NOT NULL
 AND (SELECT pl.rank + 1 FROM region p JOIN region_level pl ON pl.level = p.level WHERE p.code = NEW.parent_code)
     IS NOT (SELECT rank FROM region_level WHERE level = NEW.level)
BEGIN
    SELECT RAISE(ABORT, 'region parent must be one level above the region');
END;

-- The county a region belongs to (itself for a county), for --county scoping and per-county sums.
CREATE VIEW region_county AS
SELECT r.code AS code, r.code AS county_code FROM region r WHERE r.level = 'county'
UNION ALL
SELECT t.code, t.parent_code FROM region t WHERE t.level = 'township'
UNION ALL
SELECT v.code, t.parent_code FROM region v JOIN region t ON t.code = v.parent_code WHERE v.level = 'village';

------------------------------------------------------------------------------------------------
-- Indicators
------------------------------------------------------------------------------------------------

CREATE TABLE indicator (
    code        TEXT PRIMARY KEY CHECK (code GLOB '[a-z]*' AND code NOT GLOB '*[^a-z0-9_]*'),
    name        TEXT NOT NULL UNIQUE,      -- Chinese name users see and may use as a CSV header
    unit        TEXT NOT NULL,             -- 人, 户, 元/年, %, 是/否, 亩 ...
    value_type  TEXT NOT NULL CHECK (value_type IN ('count', 'number', 'yuan', 'percent', 'percent_change', 'boolean')),
    derived     INTEGER NOT NULL DEFAULT 0 CHECK (derived IN (0, 1)),  -- computed from the register, never imported
    note        TEXT
) WITHOUT ROWID;

-- Which region levels an indicator applies to.
CREATE TABLE indicator_level (
    indicator_code  TEXT NOT NULL REFERENCES indicator (code),
    level           TEXT NOT NULL REFERENCES region_level (level),
    PRIMARY KEY (indicator_code, level)
) WITHOUT ROWID;

-- One value per region, indicator and month. Its source is an import batch line or a bulletin quote.
CREATE TABLE indicator_value (
    region_code     TEXT NOT NULL REFERENCES region (code),
    indicator_code  TEXT NOT NULL REFERENCES indicator (code),
    period          TEXT NOT NULL CHECK (period GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
    value           REAL NOT NULL,
    -- How the source states the figure: 'exact'; 'at_least' (200 余人, 5 万多人); 'about' (800 元左右);
    -- 'at_most' (不超过 2 年); 'range' (1 至 3 块: value .. value_high).
    qualifier       TEXT NOT NULL DEFAULT 'exact'
                    CHECK (qualifier = 'exact' OR qualifier = 'at_least' OR qualifier = 'about'
                           OR qualifier = 'at_most' OR qualifier = 'range'),
    value_high      REAL CHECK ((qualifier = 'range') = (value_high IS NOT NULL)),
    note            TEXT,
    batch_id        INTEGER REFERENCES import_batch (id),
    line            INTEGER,
    quote_id        INTEGER REFERENCES bulletin_quote (id),
    PRIMARY KEY (region_code, indicator_code, period),
    CHECK ((batch_id IS NULL) <> (quote_id IS NULL)),
    CHECK ((batch_id IS NULL) = (line IS NULL))
) WITHOUT ROWID;
CREATE INDEX indicator_value_batch ON indicator_value (batch_id);
-- "The latest month with data" without scanning every value.
CREATE INDEX indicator_value_period ON indicator_value (period);

------------------------------------------------------------------------------------------------
-- Households (建档立卡) and their monthly snapshots
------------------------------------------------------------------------------------------------

-- The enumerations of the register, as tables: a CHECK (x IN (...)) list would be rebuilt as a
-- temporary b-tree on every inserted row, which a million-row import cannot afford.
CREATE TABLE household_status (
    code  TEXT PRIMARY KEY,
    name  TEXT NOT NULL UNIQUE
) WITHOUT ROWID;
INSERT INTO household_status (code, name) VALUES ('poor', '未脱贫'), ('exited', '已脱贫'), ('returned', '返贫');

CREATE TABLE household_category (name TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT INTO household_category (name) VALUES ('一般贫困户'), ('低保贫困户'), ('特困供养贫困户');

CREATE TABLE poverty_cause (name TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT INTO poverty_cause (name) VALUES ('因病'), ('因残'), ('因学'), ('因灾'), ('缺土地'), ('缺水'), ('缺技术'),
    ('缺劳力'), ('缺资金'), ('交通条件落后'), ('自身发展动力不足'), ('其他');

-- One register snapshot per county and month: which batch it came from.
CREATE TABLE register_snapshot (
    county_code  TEXT NOT NULL REFERENCES region (code),
    period       TEXT NOT NULL CHECK (period GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
    batch_id     INTEGER NOT NULL REFERENCES import_batch (id),
    households   INTEGER NOT NULL CHECK (households >= 0),
    PRIMARY KEY (county_code, period)
) WITHOUT ROWID;

-- A household (户编号) as reported in one month's register. The register is monthly snapshots:
-- one table, because a million-row import cannot afford a second b-tree per row.
-- The ID-card number is never stored in clear: only a salted SHA-256 (salt in meta 'id_salt') and a
-- masked form such as 2109**********1234.
CREATE TABLE household_snapshot (
    period             TEXT NOT NULL CHECK (period GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
    household_id       TEXT NOT NULL CHECK (length(household_id) > 0),
    village_code       TEXT NOT NULL REFERENCES region (code),
    head_name          TEXT,
    id_hash            TEXT CHECK (id_hash IS NULL OR length(id_hash) = 64),
    id_masked          TEXT,
    size               INTEGER NOT NULL CHECK (size >= 1),
    category           TEXT REFERENCES household_category (name),
    cause              TEXT REFERENCES poverty_cause (name),
    identified_year    INTEGER,
    status             TEXT NOT NULL REFERENCES household_status (code),
    exit_year          INTEGER CHECK (status <> 'exited' OR exit_year IS NOT NULL),
    income_per_capita  REAL NOT NULL CHECK (income_per_capita >= 0),
    food_clothing_ok   INTEGER CHECK (food_clothing_ok IN (0, 1)),
    education_ok       INTEGER CHECK (education_ok IN (0, 1)),
    medical_ok         INTEGER CHECK (medical_ok IN (0, 1)),
    housing_safe       INTEGER CHECK (housing_safe IN (0, 1)),
    water_safe         INTEGER CHECK (water_safe IN (0, 1)),
    batch_id           INTEGER NOT NULL REFERENCES import_batch (id),
    line               INTEGER NOT NULL,
    PRIMARY KEY (period, household_id)
) WITHOUT ROWID;

------------------------------------------------------------------------------------------------
-- Rules and reference figures
------------------------------------------------------------------------------------------------

-- Exit criteria, loaded from data/criteria.csv. Either a fixed threshold, or (threshold_ref) the same
-- indicator of another region: 'province' compares a county with its province (C6).
CREATE TABLE criterion (
    no              TEXT PRIMARY KEY,                  -- V1..V10, C1..C6
    level           TEXT NOT NULL CHECK (level IN ('village', 'county')),
    seq             INTEGER NOT NULL,
    name            TEXT NOT NULL,
    indicator_code  TEXT NOT NULL REFERENCES indicator (code),
    operator        TEXT NOT NULL CHECK (operator IN ('<', '<=', '>', '>=', '=', '!=')),
    threshold       REAL,
    threshold_ref   TEXT CHECK (threshold_ref IN ('province')),
    unit            TEXT NOT NULL,
    note            TEXT,
    CHECK ((threshold IS NULL) <> (threshold_ref IS NULL)),
    UNIQUE (level, seq)
) WITHOUT ROWID;

-- National poverty line (current prices), yuan per person per year.
CREATE TABLE poverty_line (
    year   INTEGER PRIMARY KEY,
    yuan   REAL NOT NULL CHECK (yuan > 0),
    note   TEXT
);

------------------------------------------------------------------------------------------------
-- History: every overwritten or deleted value, kept by triggers so no code path can skip it.
------------------------------------------------------------------------------------------------

-- The import batch (or other change) responsible for the current write transaction, so that the
-- triggers can record who replaced a value. A single row; writers set it inside their transaction.
CREATE TABLE change_context (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    batch_id  INTEGER,
    reason    TEXT
);
INSERT INTO change_context (id, batch_id, reason) VALUES (1, NULL, NULL);

CREATE TABLE history (
    id           INTEGER PRIMARY KEY,
    table_name   TEXT NOT NULL,
    action       TEXT NOT NULL CHECK (action IN ('update', 'delete')),
    row_key      TEXT NOT NULL,      -- JSON array of the primary-key values
    old_row      TEXT NOT NULL,      -- JSON object of the row before the change
    changed_by   INTEGER,            -- change_context.batch_id at the time
    reason       TEXT,
    changed_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX history_key ON history (table_name, row_key);
CREATE INDEX history_changed_by ON history (changed_by);

CREATE TRIGGER indicator_value_history_update AFTER UPDATE ON indicator_value
BEGIN
    INSERT INTO history (table_name, action, row_key, old_row, changed_by, reason)
    SELECT 'indicator_value', 'update',
           json_array(OLD.region_code, OLD.indicator_code, OLD.period),
           json_object('region_code', OLD.region_code, 'indicator_code', OLD.indicator_code, 'period', OLD.period,
                       'value', OLD.value, 'qualifier', OLD.qualifier, 'value_high', OLD.value_high, 'note', OLD.note,
                       'batch_id', OLD.batch_id, 'line', OLD.line, 'quote_id', OLD.quote_id),
           c.batch_id, c.reason
    FROM change_context c WHERE c.id = 1;
END;

CREATE TRIGGER indicator_value_history_delete AFTER DELETE ON indicator_value
BEGIN
    INSERT INTO history (table_name, action, row_key, old_row, changed_by, reason)
    SELECT 'indicator_value', 'delete',
           json_array(OLD.region_code, OLD.indicator_code, OLD.period),
           json_object('region_code', OLD.region_code, 'indicator_code', OLD.indicator_code, 'period', OLD.period,
                       'value', OLD.value, 'qualifier', OLD.qualifier, 'value_high', OLD.value_high, 'note', OLD.note,
                       'batch_id', OLD.batch_id, 'line', OLD.line, 'quote_id', OLD.quote_id),
           c.batch_id, c.reason
    FROM change_context c WHERE c.id = 1;
END;

CREATE TRIGGER household_snapshot_history_update AFTER UPDATE ON household_snapshot
BEGIN
    INSERT INTO history (table_name, action, row_key, old_row, changed_by, reason)
    SELECT 'household_snapshot', 'update', json_array(OLD.period, OLD.household_id),
           json_object('period', OLD.period, 'household_id', OLD.household_id, 'village_code', OLD.village_code,
                       'head_name', OLD.head_name, 'id_hash', OLD.id_hash, 'id_masked', OLD.id_masked, 'size', OLD.size, 'category', OLD.category, 'cause', OLD.cause,
                       'identified_year', OLD.identified_year, 'status', OLD.status, 'exit_year', OLD.exit_year,
                       'income_per_capita', OLD.income_per_capita, 'food_clothing_ok', OLD.food_clothing_ok,
                       'education_ok', OLD.education_ok, 'medical_ok', OLD.medical_ok,
                       'housing_safe', OLD.housing_safe, 'water_safe', OLD.water_safe,
                       'batch_id', OLD.batch_id, 'line', OLD.line),
           c.batch_id, c.reason
    FROM change_context c WHERE c.id = 1;
END;

CREATE TRIGGER household_snapshot_history_delete AFTER DELETE ON household_snapshot
BEGIN
    INSERT INTO history (table_name, action, row_key, old_row, changed_by, reason)
    SELECT 'household_snapshot', 'delete', json_array(OLD.period, OLD.household_id),
           json_object('period', OLD.period, 'household_id', OLD.household_id, 'village_code', OLD.village_code,
                       'head_name', OLD.head_name, 'id_hash', OLD.id_hash, 'id_masked', OLD.id_masked, 'size', OLD.size, 'category', OLD.category, 'cause', OLD.cause,
                       'identified_year', OLD.identified_year, 'status', OLD.status, 'exit_year', OLD.exit_year,
                       'income_per_capita', OLD.income_per_capita, 'food_clothing_ok', OLD.food_clothing_ok,
                       'education_ok', OLD.education_ok, 'medical_ok', OLD.medical_ok,
                       'housing_safe', OLD.housing_safe, 'water_safe', OLD.water_safe,
                       'batch_id', OLD.batch_id, 'line', OLD.line),
           c.batch_id, c.reason
    FROM change_context c WHERE c.id = 1;
END;

CREATE TRIGGER region_history_update AFTER UPDATE ON region
BEGIN
    INSERT INTO history (table_name, action, row_key, old_row, changed_by, reason)
    SELECT 'region', 'update', json_array(OLD.code),
           json_object('code', OLD.code, 'name', OLD.name, 'level', OLD.level, 'parent_code', OLD.parent_code,
                       'poverty_registered', OLD.poverty_registered, 'planned_exit_year', OLD.planned_exit_year,
                       'code_official', OLD.code_official, 'batch_id', OLD.batch_id, 'line', OLD.line,
                       'quote_id', OLD.quote_id),
           c.batch_id, c.reason
    FROM change_context c WHERE c.id = 1;
END;

CREATE TRIGGER region_history_delete AFTER DELETE ON region
BEGIN
    INSERT INTO history (table_name, action, row_key, old_row, changed_by, reason)
    SELECT 'region', 'delete', json_array(OLD.code),
           json_object('code', OLD.code, 'name', OLD.name, 'level', OLD.level, 'parent_code', OLD.parent_code,
                       'poverty_registered', OLD.poverty_registered, 'planned_exit_year', OLD.planned_exit_year,
                       'code_official', OLD.code_official, 'batch_id', OLD.batch_id, 'line', OLD.line,
                       'quote_id', OLD.quote_id),
           c.batch_id, c.reason
    FROM change_context c WHERE c.id = 1;
END;

CREATE TRIGGER criterion_history_update AFTER UPDATE ON criterion
BEGIN
    INSERT INTO history (table_name, action, row_key, old_row, changed_by, reason)
    SELECT 'criterion', 'update', json_array(OLD.no),
           json_object('no', OLD.no, 'level', OLD.level, 'seq', OLD.seq, 'name', OLD.name,
                       'indicator_code', OLD.indicator_code, 'operator', OLD.operator, 'threshold', OLD.threshold,
                       'threshold_ref', OLD.threshold_ref, 'unit', OLD.unit, 'note', OLD.note),
           c.batch_id, c.reason
    FROM change_context c WHERE c.id = 1;
END;

CREATE TRIGGER meta_history_update AFTER UPDATE ON meta
BEGIN
    INSERT INTO history (table_name, action, row_key, old_row, changed_by, reason)
    SELECT 'meta', 'update', json_array(OLD.key), json_object('key', OLD.key, 'value', OLD.value),
           c.batch_id, c.reason
    FROM change_context c WHERE c.id = 1;
END;

CREATE TRIGGER register_snapshot_history_update AFTER UPDATE ON register_snapshot
BEGIN
    INSERT INTO history (table_name, action, row_key, old_row, changed_by, reason)
    SELECT 'register_snapshot', 'update', json_array(OLD.county_code, OLD.period),
           json_object('county_code', OLD.county_code, 'period', OLD.period, 'batch_id', OLD.batch_id,
                       'households', OLD.households),
           c.batch_id, c.reason
    FROM change_context c WHERE c.id = 1;
END;

CREATE TRIGGER register_snapshot_history_delete AFTER DELETE ON register_snapshot
BEGIN
    INSERT INTO history (table_name, action, row_key, old_row, changed_by, reason)
    SELECT 'register_snapshot', 'delete', json_array(OLD.county_code, OLD.period),
           json_object('county_code', OLD.county_code, 'period', OLD.period, 'batch_id', OLD.batch_id,
                       'households', OLD.households),
           c.batch_id, c.reason
    FROM change_context c WHERE c.id = 1;
END;
