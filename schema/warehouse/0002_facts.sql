-- cscdw warehouse, migration 2: facts. Each fact is keyed by (la_key, the
-- case system's own id), so a reload of the same extract changes nothing and a
-- newer extract replaces the LA's snapshot row by row.

CREATE TABLE fact_contact (
    la_key          integer NOT NULL REFERENCES dim_la,
    contact_id      text NOT NULL,
    child_key       bigint REFERENCES dim_child,
    person_id       text,
    contact_date    date,
    source          text,
    outcome         text,
    PRIMARY KEY (la_key, contact_id)
);

CREATE TABLE fact_early_help (
    la_key          integer NOT NULL REFERENCES dim_la,
    episode_id      text NOT NULL,
    child_key       bigint REFERENCES dim_child,
    person_id       text,
    start_date      date,
    end_date        date,
    reason          text,
    end_reason      text,
    organisation    text,
    worker_key      integer REFERENCES dim_worker,
    PRIMARY KEY (la_key, episode_id)
);

CREATE TABLE fact_referral (
    la_key          integer NOT NULL REFERENCES dim_la,
    referral_id     text NOT NULL,
    child_key       bigint REFERENCES dim_child,
    person_id       text,
    referral_date   date,
    source          text,
    primary_need    text,
    nfa             boolean,
    closure_date    date,
    closure_reason  text,
    team_key        integer REFERENCES dim_team,
    worker_key      integer REFERENCES dim_worker,
    PRIMARY KEY (la_key, referral_id)
);

CREATE TABLE fact_assessment (
    la_key              integer NOT NULL REFERENCES dim_la,
    assessment_id       text NOT NULL,
    referral_id         text,
    child_key           bigint REFERENCES dim_child,
    person_id           text,
    start_date          date,
    authorised_date     date,
    working_days        integer,                -- start to authorisation, E&W bank holidays excluded
    child_seen          boolean,
    outcome_nfa         boolean,
    factors             text[],
    team_key            integer REFERENCES dim_team,
    worker_key          integer REFERENCES dim_worker,
    PRIMARY KEY (la_key, assessment_id)
);

CREATE TABLE fact_s47 (
    la_key              integer NOT NULL REFERENCES dim_la,
    s47_id              text NOT NULL,
    referral_id         text,
    child_key           bigint REFERENCES dim_child,
    person_id           text,
    start_date          date,
    end_date            date,
    icpc_not_required   boolean,
    icpc_target_date    date,
    team_key            integer REFERENCES dim_team,
    worker_key          integer REFERENCES dim_worker,
    PRIMARY KEY (la_key, s47_id)
);

CREATE TABLE fact_icpc (
    la_key          integer NOT NULL REFERENCES dim_la,
    icpc_id         text NOT NULL,
    referral_id     text,
    s47_id          text,
    cp_plan_id      text,
    child_key       bigint REFERENCES dim_child,
    person_id       text,
    target_date     date,
    conference_date date,
    transfer_in     boolean,
    outcome_cp      boolean,
    team_key        integer REFERENCES dim_team,
    worker_key      integer REFERENCES dim_worker,
    PRIMARY KEY (la_key, icpc_id)
);

CREATE TABLE fact_cp_plan (
    la_key              integer NOT NULL REFERENCES dim_la,
    cp_plan_id          text NOT NULL,
    referral_id         text,
    child_key           bigint REFERENCES dim_child,
    person_id           text,
    start_date          date,
    end_date            date,
    initial_category    text,
    latest_category     text,
    other_la            boolean,
    team_key            integer REFERENCES dim_team,
    worker_key          integer REFERENCES dim_worker,
    PRIMARY KEY (la_key, cp_plan_id)
);

CREATE TABLE fact_cp_review (
    la_key          integer NOT NULL REFERENCES dim_la,
    review_id       text NOT NULL,
    cp_plan_id      text,
    child_key       bigint REFERENCES dim_child,
    person_id       text,
    due_date        date,
    review_date     date,
    PRIMARY KEY (la_key, review_id)
);

CREATE TABLE fact_cin_plan (
    la_key          integer NOT NULL REFERENCES dim_la,
    cin_plan_id     text NOT NULL,
    referral_id     text,
    child_key       bigint REFERENCES dim_child,
    person_id       text,
    start_date      date,
    end_date        date,
    team_key        integer REFERENCES dim_team,
    worker_key      integer REFERENCES dim_worker,
    PRIMARY KEY (la_key, cin_plan_id)
);

-- CIN, CP and CLA statutory visits (kind says which).
CREATE TABLE fact_visit (
    la_key          integer NOT NULL REFERENCES dim_la,
    visit_id        text NOT NULL,
    kind            text,
    plan_id         text,
    child_key       bigint REFERENCES dim_child,
    person_id       text,
    visit_date      date,
    seen            boolean,
    seen_alone      boolean,
    bedroom_seen    boolean,
    worker_key      integer REFERENCES dim_worker,
    PRIMARY KEY (la_key, visit_id)
);

CREATE TABLE fact_cla_period (
    la_key          integer NOT NULL REFERENCES dim_la,
    period_id       text NOT NULL,
    child_key       bigint REFERENCES dim_child,
    person_id       text,
    start_date      date,
    end_date        date,
    primary_need    text,
    end_reason      text,
    permanence_plan text,
    PRIMARY KEY (la_key, period_id)
);

CREATE TABLE fact_cla_placement (
    la_key              integer NOT NULL REFERENCES dim_la,
    placement_id        text NOT NULL,
    period_id           text,
    child_key           bigint REFERENCES dim_child,
    person_id           text,
    start_date          date,
    end_date            date,
    placement_type      text,
    provider            text,
    urn                 text,
    postcode_district   text,
    change_reason       text,
    PRIMARY KEY (la_key, placement_id)
);

CREATE TABLE fact_legal_status (
    la_key          integer NOT NULL REFERENCES dim_la,
    legal_status_id text NOT NULL,
    child_key       bigint REFERENCES dim_child,
    person_id       text,
    legal_status    text,
    start_date      date,
    end_date        date,
    PRIMARY KEY (la_key, legal_status_id)
);

-- SSDA903 episodes as derived for the return (a new episode whenever legal
-- status or placement changes); filled by runs that build the 903 return.
CREATE TABLE fact_cla_episode (
    la_key              integer NOT NULL REFERENCES dim_la,
    person_id           text NOT NULL,
    decom               date NOT NULL,
    child_key           bigint REFERENCES dim_child,
    rne                 text,
    legal_status        text,
    category_of_need    text,
    placement_type      text,
    placement_provider  text,
    dec                 date,
    rec                 text,
    reason_place_change text,
    PRIMARY KEY (la_key, person_id, decom)
);

CREATE TABLE fact_cla_review (
    la_key          integer NOT NULL REFERENCES dim_la,
    review_id       text NOT NULL,
    period_id       text,
    child_key       bigint REFERENCES dim_child,
    person_id       text,
    due_date        date,
    review_date     date,
    participation   text,
    cancelled       boolean,
    PRIMARY KEY (la_key, review_id)
);

CREATE TABLE fact_health_check (
    la_key          integer NOT NULL REFERENCES dim_la,
    check_id        text NOT NULL,
    child_key       bigint REFERENCES dim_child,
    person_id       text,
    kind            text,
    check_date      date,
    status          text,
    PRIMARY KEY (la_key, check_id)
);

CREATE TABLE fact_missing_episode (
    la_key          integer NOT NULL REFERENCES dim_la,
    missing_id      text NOT NULL,
    child_key       bigint REFERENCES dim_child,
    person_id       text,
    kind            text,                   -- M missing, A away
    start_date      date,
    end_date        date,
    rhi_offered     boolean,
    rhi_accepted    boolean,
    PRIMARY KEY (la_key, missing_id)
);

CREATE TABLE fact_care_leaver (
    la_key                  integer NOT NULL REFERENCES dim_la,
    care_leaver_id          text NOT NULL,
    child_key               bigint REFERENCES dim_child,
    person_id               text,
    eligibility             text,
    in_touch                text,
    latest_contact_date     date,
    accommodation           text,
    accommodation_suitable  boolean,
    activity                text,
    pathway_plan_review_date date,
    team_key                integer REFERENCES dim_team,
    worker_key              integer REFERENCES dim_worker,
    PRIMARY KEY (la_key, care_leaver_id)
);

CREATE TABLE fact_adoption (
    la_key                  integer NOT NULL REFERENCES dim_la,
    adoption_id             text NOT NULL,
    child_key               bigint REFERENCES dim_child,
    person_id               text,
    decision_date           date,
    placement_order_date    date,
    matched_date            date,
    placed_date             date,
    ffa_placed_date         date,
    reversed_date           date,
    reversed_reason         text,
    order_date              date,
    order_type              text,
    adopted_by_carer        boolean,
    number_of_adopters      integer,
    PRIMARY KEY (la_key, adoption_id)
);

-- Who held the case when: the basis of team/worker allocation.
CREATE TABLE fact_involvement (
    la_key          integer NOT NULL REFERENCES dim_la,
    involvement_id  text NOT NULL,
    child_key       bigint REFERENCES dim_child,
    person_id       text,
    worker_key      integer REFERENCES dim_worker,
    team_key        integer REFERENCES dim_team,
    role            text,
    start_date      date,
    end_date        date,
    change_reason   text,
    PRIMARY KEY (la_key, involvement_id)
);

-- Findings of every run (history kept). fingerprint identifies "the same
-- exception" across runs: rule, child and record path.
CREATE TABLE fact_exception (
    run_id          bigint NOT NULL REFERENCES meta_run ON DELETE CASCADE,
    seq             integer NOT NULL,
    la_key          integer NOT NULL REFERENCES dim_la,
    rule_key        integer NOT NULL REFERENCES dim_rule,
    child_key       bigint REFERENCES dim_child,
    person_id       text,
    team_key        integer REFERENCES dim_team,
    worker_key      integer REFERENCES dim_worker,
    severity        text NOT NULL,
    record_path     text,
    fields          text,
    field_values    text,
    message         text,
    source_system   text,
    source_id       text,
    source_file     text,
    source_line     integer,
    fingerprint     text NOT NULL,
    PRIMARY KEY (run_id, seq)
);
CREATE INDEX fact_exception_fp ON fact_exception (la_key, fingerprint);
CREATE INDEX fact_exception_rule ON fact_exception (rule_key);

-- Facts are looked up by child and by date in the views.
CREATE INDEX fact_referral_child ON fact_referral (la_key, person_id);
CREATE INDEX fact_cp_plan_dates ON fact_cp_plan (la_key, start_date, end_date);
CREATE INDEX fact_cla_period_dates ON fact_cla_period (la_key, start_date, end_date);
