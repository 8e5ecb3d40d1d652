-- cscdw warehouse, migration 6: each run's returns as submitted.
--
-- A run that builds the SSDA903 return keeps its CSV tables here, byte for
-- byte as the writer produced them (gzip-compressed), so next year's run of
-- the same LA can read them back as "last year's return" for the rules that
-- compare with it, and anyone can see what a run would have submitted.
-- History, like meta_run and fact_exception: a reload adds rows, never
-- replaces them. What the return was built from is the run's own record
-- (meta_run: job, profile; meta_run_source: every file with its SHA-256).

CREATE TABLE meta_run_return (
    run_id          bigint NOT NULL REFERENCES meta_run ON DELETE CASCADE,
    la_key          integer NOT NULL REFERENCES dim_la,
    return_name     text NOT NULL CHECK (return_name IN ('ssda903', 'cin')),
    collection_year text NOT NULL,                   -- 2025-26
    table_name      text NOT NULL,                   -- the return's table: Header, Episodes, ...
    file_name       text NOT NULL,                   -- as written: episodes.csv
    row_count       bigint NOT NULL,                 -- data rows (header line not counted)
    bytes           bigint NOT NULL,                 -- the file's size, uncompressed
    sha256          text NOT NULL,                   -- of the file, uncompressed
    source_system   text,                            -- the case system the return was built from
    content         bytea NOT NULL,                  -- the file, gzip
    PRIMARY KEY (run_id, return_name, file_name)
);
-- "the latest stored 903 return of this LA for 2024-25"
CREATE INDEX meta_run_return_latest ON meta_run_return (la_key, return_name, collection_year, run_id);
