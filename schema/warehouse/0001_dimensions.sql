-- cscdw warehouse, migration 1: dimensions and run metadata.
-- Dimensions (dim_*) and facts (fact_*) describe the latest snapshot of each LA;
-- meta_run and fact_exception keep history across runs.

CREATE TABLE dim_la (
    la_key      serial PRIMARY KEY,
    la_code     text NOT NULL UNIQUE,          -- DfE 3-digit LA number, e.g. 999
    la_name     text
);

-- One row per day 2000-2040. Financial years end 31 March and are named by
-- their span (2025-26). Bank holidays come from rules/calendar and are set by
-- each load (cscdw keeps the calendar, the warehouse mirrors it).
CREATE TABLE dim_date (
    date_key            integer PRIMARY KEY,   -- yyyymmdd
    date                date NOT NULL UNIQUE,
    year                smallint NOT NULL,
    month               smallint NOT NULL,
    month_name          text NOT NULL,
    day                 smallint NOT NULL,
    financial_year      text NOT NULL,          -- 2025-26
    financial_quarter   smallint NOT NULL,      -- 1 = Apr-Jun
    iso_year            smallint NOT NULL,
    iso_week            smallint NOT NULL,
    weekday             smallint NOT NULL,      -- 1 = Monday
    is_weekend          boolean NOT NULL,
    is_bank_holiday     boolean NOT NULL DEFAULT false,
    bank_holiday_name   text,
    is_working_day      boolean NOT NULL
);

INSERT INTO dim_date
SELECT to_char(d, 'YYYYMMDD')::int,
       d::date,
       extract(year FROM d)::smallint,
       extract(month FROM d)::smallint,
       trim(to_char(d, 'Month')),
       extract(day FROM d)::smallint,
       CASE WHEN extract(month FROM d) >= 4
            THEN extract(year FROM d)::int || '-' || lpad(((extract(year FROM d)::int + 1) % 100)::text, 2, '0')
            ELSE (extract(year FROM d)::int - 1) || '-' || lpad((extract(year FROM d)::int % 100)::text, 2, '0') END,
       ((extract(month FROM d)::int + 8) % 12) / 3 + 1,
       extract(isoyear FROM d)::smallint,
       extract(week FROM d)::smallint,
       extract(isodow FROM d)::smallint,
       extract(isodow FROM d) >= 6,
       false,
       NULL,
       extract(isodow FROM d) < 6
FROM generate_series(date '2000-01-01', date '2040-12-31', interval '1 day') AS d;

-- Children: slowly changing. A new row when sex, ethnicity, disability status
-- or UPN change; valid_to is null on the current row.
CREATE TABLE dim_child (
    child_key           bigserial PRIMARY KEY,
    la_key              integer NOT NULL REFERENCES dim_la,
    person_id           text NOT NULL,          -- LAchildID / 903 CHILD
    valid_from          date NOT NULL,
    valid_to            date,
    is_current          boolean NOT NULL,
    sex                 text,
    ethnicity           text,
    disabled            boolean,
    upn                 text,
    upn_unknown         text,
    birth_date          date,
    expected_birth_date date,
    death_date          date,
    postcode_district   text                    -- outward code only: no full addresses in the warehouse
);
CREATE UNIQUE INDEX dim_child_current ON dim_child (la_key, person_id) WHERE is_current;
CREATE INDEX dim_child_person ON dim_child (la_key, person_id, valid_from);

CREATE TABLE dim_team (
    team_key        serial PRIMARY KEY,
    la_key          integer NOT NULL REFERENCES dim_la,
    team_id         text NOT NULL,
    name            text,
    parent_team_id  text,
    parent_team_key integer REFERENCES dim_team,
    UNIQUE (la_key, team_id)
);

CREATE TABLE dim_worker (
    worker_key      serial PRIMARY KEY,
    la_key          integer NOT NULL REFERENCES dim_la,
    worker_id       text NOT NULL,
    name            text,
    team_key        integer REFERENCES dim_team,
    role            text,
    registration_no text,
    agency          boolean,
    UNIQUE (la_key, worker_id)
);

-- Code sets per return year: (code_set, year, code) -> label.
CREATE TABLE dim_code (
    code_key    serial PRIMARY KEY,
    code_set    text NOT NULL,                  -- ethnicity, referral_source, placement_type, ...
    year        text NOT NULL,                  -- collection year the list applies to (2025-26), or 'all'
    code        text NOT NULL,
    label       text,
    UNIQUE (code_set, year, code)
);

CREATE TABLE dim_rule (
    rule_key    serial PRIMARY KEY,
    return_name text NOT NULL,                  -- cin, ssda903, annexa, extract
    year        text NOT NULL,
    code        text NOT NULL,
    severity    text NOT NULL,
    mirrors     text,
    message     text NOT NULL,
    UNIQUE (return_name, year, code)
);

-- One row per run of `cscdw run` / `cscdw load`.
CREATE TABLE meta_run (
    run_id          bigserial PRIMARY KEY,
    run_uid         text NOT NULL UNIQUE,           -- the run_id printed in exception lists
    la_key          integer NOT NULL REFERENCES dim_la,
    job             text,
    collection_year text,
    reference_date  date,
    started_at      timestamptz NOT NULL,
    finished_at     timestamptz,
    run_by          text,
    host            text,
    profile         text,
    rule_sets       jsonb NOT NULL DEFAULT '[]',     -- [{"return":"cin","year":"2025-26","rules":109}]
    row_counts      jsonb NOT NULL DEFAULT '{}',     -- {"referral": 1234, ...}
    findings        jsonb NOT NULL DEFAULT '{}',     -- {"error": 3, "query": 10, ...}
    outcome         text NOT NULL DEFAULT 'running'  -- running, loaded, failed
);
CREATE INDEX meta_run_la ON meta_run (la_key, run_id);

CREATE TABLE meta_run_source (
    run_id      bigint NOT NULL REFERENCES meta_run ON DELETE CASCADE,
    path        text NOT NULL,
    bytes       bigint NOT NULL,
    sha256      text NOT NULL,
    entity      text,
    records     bigint,
    PRIMARY KEY (run_id, path)
);
