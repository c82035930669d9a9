-- tuopin schema, migration 7: indicator values without an index on their batch (issue 16).
--
-- Every value written also went into indicator_value_batch, (batch_id, then the key): a second
-- b-tree insert per value, about a fifth of a monthly file's import. Only two things asked it:
-- `import undo` of an indicator batch (DELETE … WHERE batch_id = ?) and `verify`'s rows per
-- batch, each once per command, and a scan of a year's values costs them a quarter of a second
-- at province size. The register (household_snapshot) never had such an index, for the same
-- reason.

DROP INDEX indicator_value_batch;
