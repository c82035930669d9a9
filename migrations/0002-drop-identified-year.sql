-- tuopin schema, migration 2: drop household_snapshot.identified_year.
--
-- The column (识别年度) was never written: no import reads it from a file and no check reads it.
-- ALTER TABLE ... DROP COLUMN refuses a column that a trigger still names, so the two history
-- triggers that copy the row into history.old_row are dropped first and recreated without it.
-- History rows written before this migration keep their "identified_year": null; undo ignores it.

DROP TRIGGER household_snapshot_history_update;
DROP TRIGGER household_snapshot_history_delete;

ALTER TABLE household_snapshot DROP COLUMN identified_year;

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
                       'status', OLD.status, 'exit_year', OLD.exit_year,
                       'income_per_capita', OLD.income_per_capita, 'food_clothing_ok', OLD.food_clothing_ok,
                       'education_ok', OLD.education_ok, 'medical_ok', OLD.medical_ok,
                       'housing_safe', OLD.housing_safe, 'water_safe', OLD.water_safe,
                       'batch_id', OLD.batch_id, 'line', OLD.line),
           c.batch_id, c.reason
    FROM change_context c WHERE c.id = 1;
END;
