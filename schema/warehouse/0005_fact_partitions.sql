-- cscdw warehouse, migration 5: facts partitioned by LA, without foreign keys.
--
-- Each fact table the loader fills becomes LIST-partitioned on la_key, one
-- partition per LA (fact_referral_la1, ...). A load writes the LA's facts by
-- COPY into a new table created in its transaction, builds the indexes, and
-- swaps it in for the LA's old partition just before COMMIT: a reload
-- replaces the LA's snapshot whole, at close to raw COPY speed, and other
-- LAs are not touched. (DESIGN.md: "fact tables are partitioned by LA".)
--
-- Facts keep their dimension keys without foreign-key constraints: the
-- loader takes every key (child_key, team_key, worker_key, rule_key) from
-- the dimension rows it has just merged in the same transaction, and never
-- deletes dimension rows; a foreign key would re-check each row with a
-- trigger, an index probe and a row lock, costing more than the load.
-- Dimensions keep their own constraints; fact_cla_episode (filled by the
-- 903 builder, not the loader) keeps its shape.

DO $$
DECLARE
    r record;
BEGIN
    FOR r IN
        SELECT c.conrelid::regclass AS tbl, c.conname
        FROM pg_constraint c
        JOIN pg_class t ON t.oid = c.conrelid
        JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE c.contype = 'f' AND n.nspname = current_schema() AND t.relname LIKE 'fact\_%'
    LOOP
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', r.tbl, r.conname);
    END LOOP;
END
$$;

-- recreated below, unchanged, over the partitioned fact_referral
DROP VIEW v_cin_census_cohort;

-- dim_child gets one row per child on a first load; its key to dim_la is
-- the LA row the same load has just written.
ALTER TABLE dim_child DROP CONSTRAINT dim_child_la_key_fkey;

DROP INDEX fact_referral_child;
DROP INDEX fact_cp_plan_dates;
DROP INDEX fact_cla_period_dates;

DO $$
DECLARE
    f text[];
    la integer;
BEGIN
    FOREACH f SLICE 1 IN ARRAY ARRAY[
        ['fact_contact', 'contact_id'], ['fact_early_help', 'episode_id'],
        ['fact_referral', 'referral_id'], ['fact_assessment', 'assessment_id'],
        ['fact_s47', 's47_id'], ['fact_icpc', 'icpc_id'], ['fact_cp_plan', 'cp_plan_id'],
        ['fact_cp_review', 'review_id'], ['fact_cin_plan', 'cin_plan_id'],
        ['fact_visit', 'visit_id'], ['fact_cla_period', 'period_id'],
        ['fact_cla_placement', 'placement_id'], ['fact_legal_status', 'legal_status_id'],
        ['fact_cla_review', 'review_id'], ['fact_health_check', 'check_id'],
        ['fact_missing_episode', 'missing_id'], ['fact_care_leaver', 'care_leaver_id'],
        ['fact_adoption', 'adoption_id'], ['fact_involvement', 'involvement_id']]
    LOOP
        EXECUTE format('ALTER TABLE %I RENAME TO %I', f[1], f[1] || '_unpartitioned');
        EXECUTE format('ALTER INDEX %I RENAME TO %I', f[1] || '_pkey', f[1] || '_unpartitioned_pkey');
        EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS) PARTITION BY LIST (la_key)',
                       f[1], f[1] || '_unpartitioned');
        EXECUTE format('ALTER TABLE %I ADD PRIMARY KEY (la_key, %I)', f[1], f[2]);
        FOR la IN EXECUTE format('SELECT DISTINCT la_key FROM %I ORDER BY 1', f[1] || '_unpartitioned')
        LOOP
            EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES IN (%s)',
                           f[1] || '_la' || la, f[1], la);
            EXECUTE format('INSERT INTO %I SELECT * FROM %I WHERE la_key = %s',
                           f[1] || '_la' || la, f[1] || '_unpartitioned', la);
        END LOOP;
        EXECUTE format('DROP TABLE %I', f[1] || '_unpartitioned');
    END LOOP;
END
$$;

-- Facts are looked up by child and by date in the views (each partition
-- gets these too).
CREATE INDEX fact_referral_child ON fact_referral (la_key, person_id);
CREATE INDEX fact_cp_plan_dates ON fact_cp_plan (la_key, start_date, end_date);
CREATE INDEX fact_cla_period_dates ON fact_cla_period (la_key, start_date, end_date);

CREATE VIEW v_cin_census_cohort AS
SELECT y.financial_year, c.*
FROM (SELECT DISTINCT financial_year FROM dim_date
      WHERE date BETWEEN (SELECT coalesce(min(referral_date), current_date) FROM fact_referral)
                     AND current_date) y
CROSS JOIN LATERAL cin_census_cohort(y.financial_year) c;

-- fact_exception grows by a run's findings each load: its rows arrive in
-- (run_id, seq) order, so the primary key grows at its right edge, but an
-- index on the fingerprint (an md5) took an insert at a random place per
-- row and served no query (exceptions_compare joins the two runs' rows by
-- hash). Dropped; analysts may add their own.
DROP INDEX fact_exception_fp;
