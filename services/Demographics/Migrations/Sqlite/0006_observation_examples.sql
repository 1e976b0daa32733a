-- Release 2: an observation can be a made-up example (demo data, "Beispieldaten"), never an official
-- figure; the summary and the report mark every figure an example went into. Existing rows are not.
ALTER TABLE observations ADD COLUMN example INTEGER NOT NULL DEFAULT 0 CHECK (example IN (0, 1));
