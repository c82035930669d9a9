-- tuopin schema, migration 4: the bulletins stored whole, their articles, and the facts proposed
-- from them with their review (`tuopin bulletin add`, `tuopin facts --proposed|accept|reject|import`).
--
-- foreign_keys: off
--
-- 1. bulletin is rebuilt (same ids): an article without masthead has no 第 N 期 / 总第 N 期, so
--    issue_no and total_no may be NULL; issue_key names the issue for re-adding (publisher and 总第
--    N 期, else year and 第 N 期, else date and title) in place of UNIQUE (publisher, total_no); the
--    text is kept whole with its digest and the file it came from. SQLite cannot drop a NOT NULL, and
--    dropping a table that bulletin_quote references needs foreign keys off (the line above tells
--    db/migrate.rs; it runs PRAGMA foreign_key_check before committing). Issues loaded before this
--    migration have no text (NULL) until they are added again.
-- 2. bulletin_article: each issue's articles, their titles and byte ranges in the text.
-- 3. bulletin_proposal: every figure `bulletin add` proposes as a fact, its sentence and position,
--    value, unit, qualifier, place, region, indicator and period as extracted or as the review
--    corrected them, and its status: proposed (待审核), accepted, rejected. An accepted proposal is a
--    fact: it cites its sentence (quote_id) and, unless the register derives the indicator or an
--    import holds the same region, indicator and month, its value is in indicator_value.
-- 4. The facts stored before this migration (indicator values citing a quote) become accepted
--    proposals of origin 'migrated', without positions (their issues had no stored text).
-- 5. History triggers for bulletin (a corrected text replaces the old one) and bulletin_proposal.
--
-- Positions are byte offsets into the UTF-8 text (Rust's, not SQLite's substr, which counts
-- characters).

CREATE TABLE bulletin_new (
    id         INTEGER PRIMARY KEY,
    issue_no   INTEGER,               -- 第 N 期; NULL for an article without masthead
    total_no   INTEGER,               -- 总第 N 期
    date       TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    title      TEXT NOT NULL,
    publisher  TEXT NOT NULL,
    issue_key  TEXT NOT NULL UNIQUE,
    text       TEXT,                  -- the issue as stored: masthead, distribution block and footer left out
    sha256     TEXT CHECK (sha256 IS NULL OR length(sha256) = 64),
    file_name  TEXT,                  -- the file it was added from
    added_by   TEXT,
    added_at   TEXT
);
INSERT INTO bulletin_new (id, issue_no, total_no, date, title, publisher, issue_key)
    SELECT id, issue_no, total_no, date, title, publisher, publisher || '|总第' || total_no || '期'
    FROM bulletin;
DROP TABLE bulletin;
ALTER TABLE bulletin_new RENAME TO bulletin;

CREATE TABLE bulletin_article (
    bulletin_id  INTEGER NOT NULL REFERENCES bulletin (id),
    seq          INTEGER NOT NULL,    -- 1, 2, ... in reading order
    title        TEXT,                -- as cited (no spaces); NULL when the issue has no titles
    text_start   INTEGER NOT NULL,    -- the article, title and paragraphs, in bulletin.text
    text_end     INTEGER NOT NULL CHECK (text_end >= text_start),
    PRIMARY KEY (bulletin_id, seq)
) WITHOUT ROWID;

CREATE TABLE bulletin_proposal (
    id              INTEGER PRIMARY KEY,
    bulletin_id     INTEGER NOT NULL REFERENCES bulletin (id),
    seq             INTEGER NOT NULL,   -- reading order in the issue
    status          TEXT NOT NULL DEFAULT 'proposed'
                    CHECK (status IN ('proposed', 'accepted', 'rejected')),
    -- extracted by `bulletin add`; added by a reviewer (a fact the extractor missed, from its
    -- sentence); migrated from a fact stored before migration 4.
    origin          TEXT NOT NULL DEFAULT 'extracted'
                    CHECK (origin IN ('extracted', 'reviewer', 'migrated')),
    figure          TEXT,               -- the figure as printed: 200 余人, 1.3 万亩
    figure_start    INTEGER,
    figure_end      INTEGER,
    sentence        TEXT NOT NULL,      -- verbatim, bulletin.text[sentence_start..sentence_end]
    sentence_start  INTEGER,
    sentence_end    INTEGER,
    value           REAL NOT NULL,
    qualifier       TEXT NOT NULL DEFAULT 'exact'
                    CHECK (qualifier IN ('exact', 'at_least', 'about', 'at_most', 'range')),
    value_high      REAL CHECK ((qualifier = 'range') = (value_high IS NOT NULL)),
    unit            TEXT NOT NULL,
    place           TEXT,               -- as the text names it
    -- Deferred: `init` stores the seed issues before the regions and indicators they name.
    region_code     TEXT REFERENCES region (code) DEFERRABLE INITIALLY DEFERRED,
    -- JSON array of the regions acceptance creates when region_code is NULL: a township or
    -- village the tables lack (code null: a provisional code is given under its parent), or the
    -- counties, cities and provinces of the gazetteer the region table lacks (with their codes).
    -- An entry with parent_code null hangs under the entry before it.
    new_regions     TEXT CHECK (new_regions IS NULL OR json_valid(new_regions)),
    indicator_code  TEXT REFERENCES indicator (code) DEFERRABLE INITIALLY DEFERRED,
    indicator_name  TEXT NOT NULL,      -- the catalogue's, or the noun the text measures
    period          TEXT CHECK (period IS NULL OR period GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
    note            TEXT,
    quote_id        INTEGER REFERENCES bulletin_quote (id),   -- the sentence a fact cites
    reviewed_by     TEXT,
    reviewed_at     TEXT,
    CHECK ((figure_start IS NULL) = (figure_end IS NULL)),
    CHECK ((sentence_start IS NULL) = (sentence_end IS NULL)),
    CHECK (status <> 'accepted' OR (quote_id IS NOT NULL AND region_code IS NOT NULL
                                    AND indicator_code IS NOT NULL AND period IS NOT NULL))
);
CREATE INDEX bulletin_proposal_bulletin ON bulletin_proposal (bulletin_id, seq);
CREATE INDEX bulletin_proposal_status ON bulletin_proposal (status);

INSERT INTO bulletin_proposal (bulletin_id, seq, status, origin, sentence, value, qualifier,
                               value_high, unit, place, region_code, indicator_code,
                               indicator_name, period, note, quote_id)
    SELECT q.bulletin_id,
           row_number() OVER (PARTITION BY q.bulletin_id
                              ORDER BY q.id, v.region_code, v.indicator_code, v.period),
           'accepted', 'migrated', q.sentence, v.value, v.qualifier, v.value_high, i.unit, r.name,
           v.region_code, v.indicator_code, i.name, v.period, v.note, v.quote_id
    FROM indicator_value v
    JOIN bulletin_quote q ON q.id = v.quote_id
    JOIN indicator i ON i.code = v.indicator_code
    JOIN region r ON r.code = v.region_code;

CREATE TRIGGER bulletin_history_update AFTER UPDATE ON bulletin
BEGIN
    INSERT INTO history (table_name, action, row_key, old_row, changed_by, reason)
    SELECT 'bulletin', 'update', json_array(OLD.id),
           json_object('id', OLD.id, 'issue_no', OLD.issue_no, 'total_no', OLD.total_no, 'date', OLD.date,
                       'title', OLD.title, 'publisher', OLD.publisher, 'issue_key', OLD.issue_key,
                       'text', OLD.text, 'sha256', OLD.sha256, 'file_name', OLD.file_name,
                       'added_by', OLD.added_by, 'added_at', OLD.added_at),
           c.batch_id, c.reason
    FROM change_context c WHERE c.id = 1;
END;

CREATE TRIGGER bulletin_history_delete AFTER DELETE ON bulletin
BEGIN
    INSERT INTO history (table_name, action, row_key, old_row, changed_by, reason)
    SELECT 'bulletin', 'delete', json_array(OLD.id),
           json_object('id', OLD.id, 'issue_no', OLD.issue_no, 'total_no', OLD.total_no, 'date', OLD.date,
                       'title', OLD.title, 'publisher', OLD.publisher, 'issue_key', OLD.issue_key,
                       'text', OLD.text, 'sha256', OLD.sha256, 'file_name', OLD.file_name,
                       'added_by', OLD.added_by, 'added_at', OLD.added_at),
           c.batch_id, c.reason
    FROM change_context c WHERE c.id = 1;
END;

CREATE TRIGGER bulletin_proposal_history_update AFTER UPDATE ON bulletin_proposal
BEGIN
    INSERT INTO history (table_name, action, row_key, old_row, changed_by, reason)
    SELECT 'bulletin_proposal', 'update', json_array(OLD.id),
           json_object('id', OLD.id, 'bulletin_id', OLD.bulletin_id, 'seq', OLD.seq, 'status', OLD.status,
                       'origin', OLD.origin, 'figure', OLD.figure, 'figure_start', OLD.figure_start,
                       'figure_end', OLD.figure_end, 'sentence', OLD.sentence,
                       'sentence_start', OLD.sentence_start, 'sentence_end', OLD.sentence_end,
                       'value', OLD.value, 'qualifier', OLD.qualifier, 'value_high', OLD.value_high,
                       'unit', OLD.unit, 'place', OLD.place, 'region_code', OLD.region_code,
                       'new_regions', OLD.new_regions, 'indicator_code', OLD.indicator_code,
                       'indicator_name', OLD.indicator_name, 'period', OLD.period, 'note', OLD.note,
                       'quote_id', OLD.quote_id, 'reviewed_by', OLD.reviewed_by,
                       'reviewed_at', OLD.reviewed_at),
           c.batch_id, c.reason
    FROM change_context c WHERE c.id = 1;
END;

CREATE TRIGGER bulletin_proposal_history_delete AFTER DELETE ON bulletin_proposal
BEGIN
    INSERT INTO history (table_name, action, row_key, old_row, changed_by, reason)
    SELECT 'bulletin_proposal', 'delete', json_array(OLD.id),
           json_object('id', OLD.id, 'bulletin_id', OLD.bulletin_id, 'seq', OLD.seq, 'status', OLD.status,
                       'origin', OLD.origin, 'figure', OLD.figure, 'figure_start', OLD.figure_start,
                       'figure_end', OLD.figure_end, 'sentence', OLD.sentence,
                       'sentence_start', OLD.sentence_start, 'sentence_end', OLD.sentence_end,
                       'value', OLD.value, 'qualifier', OLD.qualifier, 'value_high', OLD.value_high,
                       'unit', OLD.unit, 'place', OLD.place, 'region_code', OLD.region_code,
                       'new_regions', OLD.new_regions, 'indicator_code', OLD.indicator_code,
                       'indicator_name', OLD.indicator_name, 'period', OLD.period, 'note', OLD.note,
                       'quote_id', OLD.quote_id, 'reviewed_by', OLD.reviewed_by,
                       'reviewed_at', OLD.reviewed_at),
           c.batch_id, c.reason
    FROM change_context c WHERE c.id = 1;
END;
