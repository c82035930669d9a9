-- tuopin schema, migration 6: indicator values stored month by month (issue 16).
--
-- indicator_value's primary key was (region_code, indicator_code, period): each region's history of
-- an indicator side by side, so that "the latest value at or before a month" was one seek. But a
-- county office imports one month at a time, and every month's values then went between the
-- values of the months before, into nearly every page of the table: a year of monthly files
-- rewrote the whole table twelve times (a month's 100,000 values wrote 100 MB of pages, and more
-- every month), and indicator values imported at half the rate of household rows.
--
-- The key is now (period, region_code, indicator_code): a month's values go after the months
-- before, into new pages, like the register's. "The latest value as of a month" walks the months
-- that hold values, newest first, with one seek for a region's values of each (check/inputs.rs);
-- nearly always the first month has them. The index on period goes: the key leads with it.
--
-- The table is rebuilt with the same columns in the same order and its rows copied; nothing
-- references it, so foreign keys stay on. Its history triggers go with the old table and are
-- created again as schema.sql wrote them.

DROP TRIGGER indicator_value_history_update;
DROP TRIGGER indicator_value_history_delete;

CREATE TABLE indicator_value_v6 (
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
    PRIMARY KEY (period, region_code, indicator_code),
    CHECK ((batch_id IS NULL) <> (quote_id IS NULL)),
    CHECK ((batch_id IS NULL) = (line IS NULL))
) WITHOUT ROWID;

INSERT INTO indicator_value_v6
    (region_code, indicator_code, period, value, qualifier, value_high, note, batch_id, line, quote_id)
SELECT region_code, indicator_code, period, value, qualifier, value_high, note, batch_id, line, quote_id
FROM indicator_value
ORDER BY period, region_code, indicator_code;

DROP TABLE indicator_value;
ALTER TABLE indicator_value_v6 RENAME TO indicator_value;
CREATE INDEX indicator_value_batch ON indicator_value (batch_id);

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
