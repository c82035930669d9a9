-- tuopin schema, migration 3: the exit rules as the source documents state them.
--
-- 1. history may record an 'insert': `tuopin criteria load` adds criteria, and an added rule is a
--    change of the rules like a changed or removed one. SQLite cannot alter a CHECK, so the table is
--    copied aside, recreated and filled again (same ids). The triggers that write into history name
--    it only when they run, so they keep working; its indices are recreated.
-- 2. criterion gets a delete trigger (a removed criterion keeps its row in history).
-- 3. V1, C1, C2, C3: "2%以下" and "高于2%的，不得退出" include 2% (以下 includes the number; 民法典
--    第1259条), so a criterion still holding the old default `< 2`, never edited (no history row),
--    becomes `<= 2`, recorded in history with the reason. An edited one is left as it is; `tuopin
--    criteria` says that it differs from the documents.
-- 4. household_snapshot keeps what the national system's register says beside the base values:
--    policy_support (已脱贫(享受政策) 1, 已脱贫(不再享受政策) 0, not stated NULL), category_as_written
--    (一般脱贫户, 低保特困供养贫困户 ... as the file wrote it, NULL when that is the base category
--    itself; category holds the base category), and
--    monitoring_kind (监测对象类别, the county's flag). Its history triggers copy the new columns.
-- 5. monitoring_rule: the 防返贫监测 income line per year, a fixed line or a multiple of that year's
--    poverty line, replacing the one setting monitoring_income_threshold. A database that had the
--    setting gets it as the fixed line of 2019 and 2020 (the years Liaoning's sources use it); a new
--    database gets data/monitoring.csv from `init`.

CREATE TEMP TABLE history_before_3 AS SELECT * FROM history;
DROP TABLE history;
CREATE TABLE history (
    id           INTEGER PRIMARY KEY,
    table_name   TEXT NOT NULL,
    action       TEXT NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
    row_key      TEXT NOT NULL,      -- JSON array of the primary-key values
    old_row      TEXT NOT NULL,      -- JSON object of the row before the change ('insert': the row added)
    changed_by   INTEGER,            -- change_context.batch_id at the time
    reason       TEXT,
    changed_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
INSERT INTO history (id, table_name, action, row_key, old_row, changed_by, reason, changed_at)
    SELECT id, table_name, action, row_key, old_row, changed_by, reason, changed_at FROM temp.history_before_3;
DROP TABLE temp.history_before_3;
CREATE INDEX history_key ON history (table_name, row_key);
CREATE INDEX history_changed_by ON history (changed_by);

CREATE TRIGGER criterion_history_delete AFTER DELETE ON criterion
BEGIN
    INSERT INTO history (table_name, action, row_key, old_row, changed_by, reason)
    SELECT 'criterion', 'delete', json_array(OLD.no),
           json_object('no', OLD.no, 'level', OLD.level, 'seq', OLD.seq, 'name', OLD.name,
                       'indicator_code', OLD.indicator_code, 'operator', OLD.operator, 'threshold', OLD.threshold,
                       'threshold_ref', OLD.threshold_ref, 'unit', OLD.unit, 'note', OLD.note),
           c.batch_id, c.reason
    FROM change_context c WHERE c.id = 1;
END;

UPDATE change_context
   SET batch_id = NULL,
       reason = 'migration 3: 文件为“2%以下”“高于2%的，不得退出”，含 2%：< 2 改为 <= 2 (inclusive bound, 国开办发〔2017〕56号)'
 WHERE id = 1;
UPDATE criterion SET operator = '<='
 WHERE operator = '<' AND threshold = 2 AND threshold_ref IS NULL
   AND ((no = 'V1' AND level = 'village' AND indicator_code = 'poverty_incidence')
     OR (no = 'C1' AND level = 'county' AND indicator_code = 'poverty_incidence')
     OR (no = 'C2' AND level = 'county' AND indicator_code = 'wrong_exit_rate')
     OR (no = 'C3' AND level = 'county' AND indicator_code = 'missed_rate'))
   AND NOT EXISTS (SELECT 1 FROM history h WHERE h.table_name = 'criterion' AND h.row_key = json_array(criterion.no));
UPDATE change_context SET batch_id = NULL, reason = '' WHERE id = 1;

CREATE TABLE monitoring_kind (
    code  TEXT PRIMARY KEY,
    name  TEXT NOT NULL UNIQUE
) WITHOUT ROWID;
INSERT INTO monitoring_kind (code, name) VALUES
    ('unstable', '脱贫不稳定户'), ('marginal', '边缘易致贫户'), ('sudden_hardship', '突发严重困难户');

DROP TRIGGER household_snapshot_history_update;
DROP TRIGGER household_snapshot_history_delete;

ALTER TABLE household_snapshot ADD COLUMN policy_support INTEGER CHECK (policy_support IN (0, 1));
ALTER TABLE household_snapshot ADD COLUMN category_as_written TEXT;
ALTER TABLE household_snapshot ADD COLUMN monitoring_kind TEXT REFERENCES monitoring_kind (code);

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

-- The 防返贫监测 income line of a year: 'fixed' yuan per person, or 'poverty_line_multiple' times the
-- poverty line of that year. A month is judged by the rule of its year, else of the latest earlier
-- year; before the first rule there is no income line (flagged households are still listed).
CREATE TABLE monitoring_rule (
    year   INTEGER PRIMARY KEY CHECK (year BETWEEN 2000 AND 2100),
    kind   TEXT NOT NULL CHECK (kind IN ('fixed', 'poverty_line_multiple')),
    value  REAL NOT NULL CHECK (value > 0),
    note   TEXT
);

INSERT INTO monitoring_rule (year, kind, value, note)
SELECT y.year, 'fixed', CAST(m.value AS REAL), '迁移自设置 monitoring_income_threshold (migration 3)'
FROM meta m JOIN (SELECT 2019 AS year UNION ALL SELECT 2020) y
WHERE m.key = 'monitoring_income_threshold' AND CAST(m.value AS REAL) > 0;
DELETE FROM meta WHERE key = 'monitoring_income_threshold';

CREATE TRIGGER monitoring_rule_history_update AFTER UPDATE ON monitoring_rule
BEGIN
    INSERT INTO history (table_name, action, row_key, old_row, changed_by, reason)
    SELECT 'monitoring_rule', 'update', json_array(OLD.year),
           json_object('year', OLD.year, 'kind', OLD.kind, 'value', OLD.value, 'note', OLD.note),
           c.batch_id, c.reason
    FROM change_context c WHERE c.id = 1;
END;

CREATE TRIGGER monitoring_rule_history_delete AFTER DELETE ON monitoring_rule
BEGIN
    INSERT INTO history (table_name, action, row_key, old_row, changed_by, reason)
    SELECT 'monitoring_rule', 'delete', json_array(OLD.year),
           json_object('year', OLD.year, 'kind', OLD.kind, 'value', OLD.value, 'note', OLD.note),
           c.batch_id, c.reason
    FROM change_context c WHERE c.id = 1;
END;
