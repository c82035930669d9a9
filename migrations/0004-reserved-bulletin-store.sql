-- tuopin schema, migration 4: reserved for the bulletin-store branch (issue 15), whose
-- 0004-bulletin-store.sql takes this number when it lands on main. This placeholder only keeps the
-- national branch's migration 5 at version 5 until then; when both are merged, delete this file and
-- its line in src/db/migrate.rs (the test there fails while two files claim number 4).

