-- tuopin schema, migration 5: the register as the national system exports it (issue 14).
--
-- 1. household_snapshot.exit_year may be empty for an exited household. The national system's
--    detail export (one row per person) says 已脱贫(享受政策) without a year unless the county
--    added the 脱贫年度 column, and a year tuopin made up would be data nobody reported. The
--    contract form still requires it (import/households/validate.rs). SQLite cannot drop a CHECK,
--    so the table is rebuilt with the same columns in the same order and its rows copied; nothing
--    references it, so foreign keys stay on. Its history triggers go with the old table and are
--    created again as migration 3 wrote them.
-- 2. household_evidence: for a household imported from the national export, the member row that
--    decided each failed standard (H3 a child out of school, H4 a member without insurance, H5 危房户,
--    H6 饮水): the line of the file, the member's 与户主关系 and the column and value as written
--    (a value of the national_value vocabulary, never free text). A correction replaces it by key
--    like the snapshot rows, so it has the same history triggers, and undo takes it back.
-- 3. national_value: what the national system's vocabulary means (data/national-values.csv,
--    loaded by init, which replaces these defaults): 与户主关系 head or member, 在校生状况 in or out of
--    school, the yes/no columns. A database upgraded from version 4 gets the same defaults here.
--
-- Migration 4 is bulletin-store's (issue 15); this one does not touch its tables.

DROP TRIGGER household_snapshot_history_update;
DROP TRIGGER household_snapshot_history_delete;

CREATE TABLE household_snapshot_v5 (
    period             TEXT NOT NULL CHECK (period GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
    household_id       TEXT NOT NULL CHECK (length(household_id) > 0),
    village_code       TEXT NOT NULL REFERENCES region (code),
    head_name          TEXT,
    id_hash            TEXT CHECK (id_hash IS NULL OR length(id_hash) = 64),
    id_masked          TEXT,
    size               INTEGER NOT NULL CHECK (size >= 1),
    category           TEXT REFERENCES household_category (name),
    cause              TEXT REFERENCES poverty_cause (name),
    status             TEXT NOT NULL REFERENCES household_status (code),
    exit_year          INTEGER,
    income_per_capita  REAL NOT NULL CHECK (income_per_capita >= 0),
    food_clothing_ok   INTEGER CHECK (food_clothing_ok IN (0, 1)),
    education_ok       INTEGER CHECK (education_ok IN (0, 1)),
    medical_ok         INTEGER CHECK (medical_ok IN (0, 1)),
    housing_safe       INTEGER CHECK (housing_safe IN (0, 1)),
    water_safe         INTEGER CHECK (water_safe IN (0, 1)),
    batch_id           INTEGER NOT NULL REFERENCES import_batch (id),
    line               INTEGER NOT NULL,
    policy_support     INTEGER CHECK (policy_support IN (0, 1)),
    category_as_written TEXT,
    monitoring_kind    TEXT REFERENCES monitoring_kind (code),
    PRIMARY KEY (period, household_id)
) WITHOUT ROWID;
INSERT INTO household_snapshot_v5 (period, household_id, village_code, head_name, id_hash, id_masked, size, category, cause, status, exit_year, income_per_capita, food_clothing_ok, education_ok, medical_ok, housing_safe, water_safe, batch_id, line, policy_support, category_as_written, monitoring_kind)
    SELECT period, household_id, village_code, head_name, id_hash, id_masked, size, category, cause, status, exit_year, income_per_capita, food_clothing_ok, education_ok, medical_ok, housing_safe, water_safe, batch_id, line, policy_support, category_as_written, monitoring_kind FROM household_snapshot;
DROP TABLE household_snapshot;
ALTER TABLE household_snapshot_v5 RENAME TO household_snapshot;

CREATE TRIGGER household_snapshot_history_update AFTER UPDATE ON household_snapshot
BEGIN
    INSERT INTO history (table_name, action, row_key, old_row, changed_by, reason)
    SELECT 'household_snapshot', 'update', json_array(OLD.period, OLD.household_id),
           json_object('period', OLD.period, 'household_id', OLD.household_id, 'village_code', OLD.village_code,
                       'head_name', OLD.head_name, 'id_hash', OLD.id_hash, 'id_masked', OLD.id_masked, 'size', OLD.size, 'category', OLD.category, 'cause', OLD.cause,
                       'status', OLD.status, 'exit_year', OLD.exit_year,
                       'income_per_capita', OLD.income_per_capita, 'food_clothing_ok', OLD.food_clothing_ok,
                       'education_ok', OLD.education_ok, 'medical_ok', OLD.medical_ok,
                       'housing_safe', OLD.housing_safe, 'water_safe', OLD.water_safe,
                       'batch_id', OLD.batch_id, 'line', OLD.line,
                       'policy_support', OLD.policy_support, 'category_as_written', OLD.category_as_written,
                       'monitoring_kind', OLD.monitoring_kind),
           c.batch_id, c.reason
    FROM change_context c WHERE c.id = 1;
END;

CREATE TRIGGER household_snapshot_history_delete AFTER DELETE ON household_snapshot
BEGIN
    INSERT INTO history (table_name, action, row_key, old_row, changed_by, reason)
    SELECT 'household_snapshot', 'delete', json_array(OLD.period, OLD.household_id),
           json_object('period', OLD.period, 'household_id', OLD.household_id, 'village_code', OLD.village_code,
                       'head_name', OLD.head_name, 'id_hash', OLD.id_hash, 'id_masked', OLD.id_masked, 'size', OLD.size, 'category', OLD.category, 'cause', OLD.cause,
                       'status', OLD.status, 'exit_year', OLD.exit_year,
                       'income_per_capita', OLD.income_per_capita, 'food_clothing_ok', OLD.food_clothing_ok,
                       'education_ok', OLD.education_ok, 'medical_ok', OLD.medical_ok,
                       'housing_safe', OLD.housing_safe, 'water_safe', OLD.water_safe,
                       'batch_id', OLD.batch_id, 'line', OLD.line,
                       'policy_support', OLD.policy_support, 'category_as_written', OLD.category_as_written,
                       'monitoring_kind', OLD.monitoring_kind),
           c.batch_id, c.reason
    FROM change_context c WHERE c.id = 1;
END;

CREATE TABLE household_evidence (
    period       TEXT NOT NULL CHECK (period GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
    household_id TEXT NOT NULL,
    standard     TEXT NOT NULL CHECK (standard IN ('H3', 'H4', 'H5', 'H6')),
    line         INTEGER NOT NULL CHECK (line >= 1),
    relation     TEXT NOT NULL,
    column_name  TEXT NOT NULL,
    value        TEXT NOT NULL,
    batch_id     INTEGER NOT NULL REFERENCES import_batch (id),
    PRIMARY KEY (period, household_id, standard)
) WITHOUT ROWID;
CREATE INDEX household_evidence_batch ON household_evidence (batch_id);

CREATE TRIGGER household_evidence_history_update AFTER UPDATE ON household_evidence
BEGIN
    INSERT INTO history (table_name, action, row_key, old_row, changed_by, reason)
    SELECT 'household_evidence', 'update', json_array(OLD.period, OLD.household_id, OLD.standard),
           json_object('period', OLD.period, 'household_id', OLD.household_id, 'standard', OLD.standard,
                       'line', OLD.line, 'relation', OLD.relation, 'column_name', OLD.column_name,
                       'value', OLD.value, 'batch_id', OLD.batch_id),
           c.batch_id, c.reason
    FROM change_context c WHERE c.id = 1;
END;

CREATE TRIGGER household_evidence_history_delete AFTER DELETE ON household_evidence
BEGIN
    INSERT INTO history (table_name, action, row_key, old_row, changed_by, reason)
    SELECT 'household_evidence', 'delete', json_array(OLD.period, OLD.household_id, OLD.standard),
           json_object('period', OLD.period, 'household_id', OLD.household_id, 'standard', OLD.standard,
                       'line', OLD.line, 'relation', OLD.relation, 'column_name', OLD.column_name,
                       'value', OLD.value, 'batch_id', OLD.batch_id),
           c.batch_id, c.reason
    FROM change_context c WHERE c.id = 1;
END;

CREATE TABLE national_value (
    column_name  TEXT NOT NULL,
    value        TEXT NOT NULL,
    meaning      TEXT NOT NULL CHECK (meaning IN ('head', 'member', 'in_school', 'out_of_school',
                                                  'not_applicable', 'yes', 'no')),
    note         TEXT,
    PRIMARY KEY (column_name, value)
) WITHOUT ROWID;
INSERT INTO national_value (column_name, value, meaning) VALUES
    ('与户主关系', '户主', 'head'),
    ('与户主关系', '配偶', 'member'),
    ('与户主关系', '之子', 'member'),
    ('与户主关系', '之女', 'member'),
    ('与户主关系', '之儿媳', 'member'),
    ('与户主关系', '之女婿', 'member'),
    ('与户主关系', '之孙子', 'member'),
    ('与户主关系', '之孙女', 'member'),
    ('与户主关系', '之外孙子', 'member'),
    ('与户主关系', '之外孙女', 'member'),
    ('与户主关系', '之父', 'member'),
    ('与户主关系', '之母', 'member'),
    ('与户主关系', '之岳父', 'member'),
    ('与户主关系', '之岳母', 'member'),
    ('与户主关系', '之公公', 'member'),
    ('与户主关系', '之婆婆', 'member'),
    ('与户主关系', '之祖父', 'member'),
    ('与户主关系', '之祖母', 'member'),
    ('与户主关系', '之外祖父', 'member'),
    ('与户主关系', '之外祖母', 'member'),
    ('与户主关系', '之兄弟姐妹', 'member'),
    ('与户主关系', '之曾孙子', 'member'),
    ('与户主关系', '之曾孙女', 'member'),
    ('与户主关系', '其他', 'member'),
    ('在校生状况', '辍学', 'out_of_school'),
    ('在校生状况', '失学', 'out_of_school'),
    ('在校生状况', '未入学', 'out_of_school'),
    ('在校生状况', '适龄未入学', 'out_of_school'),
    ('在校生状况', '非在校生', 'out_of_school'),
    ('在校生状况', '学龄前儿童', 'not_applicable'),
    ('在校生状况', '学前教育', 'in_school'),
    ('在校生状况', '在校生', 'in_school'),
    ('在校生状况', '小学', 'in_school'),
    ('在校生状况', '初中', 'in_school'),
    ('在校生状况', '七年级', 'in_school'),
    ('在校生状况', '八年级', 'in_school'),
    ('在校生状况', '九年级', 'in_school'),
    ('在校生状况', '高中', 'in_school'),
    ('在校生状况', '普通高中', 'in_school'),
    ('在校生状况', '中职', 'in_school'),
    ('在校生状况', '中等职业教育', 'in_school'),
    ('在校生状况', '高职', 'in_school'),
    ('在校生状况', '大专', 'in_school'),
    ('在校生状况', '本科及以上', 'in_school'),
    ('在校生状况', '送教上门', 'in_school'),
    ('在校生状况', '已毕业', 'not_applicable'),
    ('参加大病医疗', '是', 'yes'),
    ('参加大病医疗', '否', 'no'),
    ('参加大病医疗', '已参加', 'yes'),
    ('参加大病医疗', '未参加', 'no'),
    ('是否参加城乡居民基本医疗保险', '是', 'yes'),
    ('是否参加城乡居民基本医疗保险', '否', 'no'),
    ('是否参加城乡居民基本医疗保险', '已参加', 'yes'),
    ('是否参加城乡居民基本医疗保险', '未参加', 'no'),
    ('危房户', '是', 'yes'),
    ('危房户', '否', 'no'),
    ('饮水安全', '是', 'yes'),
    ('饮水安全', '否', 'no'),
    ('饮水困难', '是', 'yes'),
    ('饮水困难', '否', 'no');
