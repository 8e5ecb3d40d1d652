-- cscdw warehouse, migration 7: less for every load to build or rewrite.
--
-- 1. No primary key on the facts no other fact refers to.
--
-- Every load builds each fact's new partition from scratch, and an index
-- built there costs a sort of all the LA's rows (fact_visit: a million).
-- A fact's id is unique by construction: the loader writes one row per id
-- (the first in file order; extract reports repeats as X118), so on these
-- facts the primary key was only a uniqueness guard nothing queried. Facts
-- whose id other facts carry (referral_id, s47_id, cp_plan_id, cin_plan_id
-- via a visit's plan_id, period_id) keep their key: MI joins go through it.
-- The views (migrations 3, 4) use none of the dropped keys. Dropping the
-- parent's key drops each partition's with it.

ALTER TABLE fact_contact DROP CONSTRAINT fact_contact_pkey;
ALTER TABLE fact_early_help DROP CONSTRAINT fact_early_help_pkey;
ALTER TABLE fact_assessment DROP CONSTRAINT fact_assessment_pkey;
ALTER TABLE fact_icpc DROP CONSTRAINT fact_icpc_pkey;
ALTER TABLE fact_cp_review DROP CONSTRAINT fact_cp_review_pkey;
ALTER TABLE fact_visit DROP CONSTRAINT fact_visit_pkey;
ALTER TABLE fact_cla_placement DROP CONSTRAINT fact_cla_placement_pkey;
ALTER TABLE fact_legal_status DROP CONSTRAINT fact_legal_status_pkey;
ALTER TABLE fact_cla_review DROP CONSTRAINT fact_cla_review_pkey;
ALTER TABLE fact_health_check DROP CONSTRAINT fact_health_check_pkey;
ALTER TABLE fact_missing_episode DROP CONSTRAINT fact_missing_episode_pkey;
ALTER TABLE fact_care_leaver DROP CONSTRAINT fact_care_leaver_pkey;
ALTER TABLE fact_adoption DROP CONSTRAINT fact_adoption_pkey;
ALTER TABLE fact_involvement DROP CONSTRAINT fact_involvement_pkey;

-- 2. dim_date pages half empty. Each load mirrors the bank-holiday calendar
-- and renumbers working days from the first day that changed; on a new
-- warehouse that rewrites every row. None of those columns is indexed, so
-- with room on the page the new row versions stay there (heap-only tuples)
-- instead of adding two index entries each: a first load's calendar merge
-- costs a third of what it did.
ALTER TABLE dim_date SET (fillfactor = 50);
CLUSTER dim_date USING dim_date_pkey;
