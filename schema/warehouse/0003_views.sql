-- cscdw warehouse, migration 3: the views an MI analyst wants on day one.
-- Documented in schema/README.md.

-- Collection period of a year named '2025-26': 1 April 2025 to 31 March 2026.
CREATE FUNCTION collection_period(p_year text, OUT period_start date, OUT period_end date)
LANGUAGE sql IMMUTABLE AS $$
    SELECT make_date(left(p_year, 4)::int, 4, 1),
           make_date(left(p_year, 4)::int + 1, 3, 31)
$$;

-- The CIN census cohort: children with an episode of need (referral) open at
-- some point in the collection year — referred in the year, or open on 1 April.
CREATE FUNCTION cin_census_cohort(p_year text)
RETURNS TABLE (la_code text, person_id text, episodes bigint, referrals_in_year bigint,
               open_on_1_april boolean, open_at_year_end boolean)
LANGUAGE sql STABLE AS $$
    SELECT l.la_code, r.person_id,
           count(*),
           count(*) FILTER (WHERE r.referral_date >= p.period_start),
           bool_or(r.referral_date < p.period_start),
           bool_or(r.closure_date IS NULL OR r.closure_date > p.period_end)
    FROM fact_referral r
    JOIN dim_la l USING (la_key)
    CROSS JOIN collection_period(p_year) p
    WHERE r.referral_date <= p.period_end
      AND (r.closure_date IS NULL OR r.closure_date >= p.period_start)
    GROUP BY l.la_code, r.person_id
$$;

-- Every year's cohort at once, for Power BI slicers.
CREATE VIEW v_cin_census_cohort AS
SELECT y.financial_year, c.*
FROM (SELECT DISTINCT financial_year FROM dim_date
      WHERE date BETWEEN (SELECT coalesce(min(referral_date), current_date) FROM fact_referral)
                     AND current_date) y
CROSS JOIN LATERAL cin_census_cohort(y.financial_year) c;

-- Children looked after on a date: in a period of care that began on or
-- before the date and had not ended by it; with their legal status and
-- placement on that date. Short breaks (V3/V4) are flagged, not dropped.
CREATE FUNCTION cla_on_date(p_date date)
RETURNS TABLE (la_code text, person_id text, period_id text, period_start date,
               legal_status text, placement_type text, placement_provider text,
               short_breaks boolean, days_in_care integer)
LANGUAGE sql STABLE AS $$
    SELECT l.la_code, c.person_id, c.period_id, c.start_date,
           ls.legal_status, pl.placement_type, pl.provider,
           coalesce(ls.legal_status IN ('V3', 'V4'), false),
           (p_date - c.start_date)
    FROM fact_cla_period c
    JOIN dim_la l USING (la_key)
    LEFT JOIN LATERAL (
        SELECT s.legal_status FROM fact_legal_status s
        WHERE s.la_key = c.la_key AND s.person_id = c.person_id
          AND s.start_date <= p_date AND (s.end_date IS NULL OR s.end_date > p_date)
        ORDER BY s.start_date DESC LIMIT 1) ls ON true
    LEFT JOIN LATERAL (
        SELECT x.placement_type, x.provider FROM fact_cla_placement x
        WHERE x.la_key = c.la_key AND x.person_id = c.person_id
          AND x.start_date <= p_date AND (x.end_date IS NULL OR x.end_date > p_date)
        ORDER BY x.start_date DESC LIMIT 1) pl ON true
    WHERE c.start_date <= p_date AND (c.end_date IS NULL OR c.end_date > p_date)
$$;

-- Child protection plans open on a date, with how long they had lasted.
CREATE FUNCTION cp_plans_open_on(p_date date)
RETURNS TABLE (la_code text, person_id text, cp_plan_id text, start_date date,
               latest_category text, days_open integer, over_two_years boolean,
               team text, worker text)
LANGUAGE sql STABLE AS $$
    SELECT l.la_code, p.person_id, p.cp_plan_id, p.start_date, p.latest_category,
           (p_date - p.start_date), p.start_date <= (p_date - interval '2 years')::date,
           t.name, w.name
    FROM fact_cp_plan p
    JOIN dim_la l USING (la_key)
    LEFT JOIN dim_team t ON t.team_key = p.team_key
    LEFT JOIN dim_worker w ON w.worker_key = p.worker_key
    WHERE p.start_date <= p_date AND (p.end_date IS NULL OR p.end_date > p_date)
$$;

-- The latest loaded run of each LA and return.
CREATE VIEW v_latest_run AS
SELECT DISTINCT ON (r.la_key) r.*
FROM meta_run r
WHERE r.outcome = 'loaded'
ORDER BY r.la_key, r.run_id DESC;

-- Exceptions open now (in each LA's latest run), by team and worker.
CREATE VIEW v_exceptions_open AS
SELECT l.la_code, coalesce(t.name, '(no team)') AS team, coalesce(w.name, '(no worker)') AS worker,
       ru.return_name, ru.code AS rule, e.severity, ru.message,
       count(*) AS exceptions, count(DISTINCT e.person_id) AS children
FROM fact_exception e
JOIN v_latest_run r ON r.run_id = e.run_id
JOIN dim_la l ON l.la_key = e.la_key
JOIN dim_rule ru ON ru.rule_key = e.rule_key
LEFT JOIN dim_team t ON t.team_key = e.team_key
LEFT JOIN dim_worker w ON w.worker_key = e.worker_key
GROUP BY l.la_code, t.name, w.name, ru.return_name, ru.code, e.severity, ru.message;

-- Exceptions between two runs of the same LA: new (only in the later run),
-- fixed (only in the earlier), still open (in both), matched by fingerprint.
CREATE FUNCTION exceptions_compare(p_earlier bigint, p_later bigint)
RETURNS TABLE (status text, rule text, severity text, person_id text, record_path text,
               message text, team text, worker text)
LANGUAGE sql STABLE AS $$
    WITH a AS (SELECT * FROM fact_exception WHERE run_id = p_earlier),
         b AS (SELECT * FROM fact_exception WHERE run_id = p_later),
         j AS (
            SELECT CASE WHEN a.fingerprint IS NULL THEN 'new'
                        WHEN b.fingerprint IS NULL THEN 'fixed'
                        ELSE 'still open' END AS status,
                   coalesce(b.rule_key, a.rule_key) AS rule_key,
                   coalesce(b.severity, a.severity) AS severity,
                   coalesce(b.person_id, a.person_id) AS person_id,
                   coalesce(b.record_path, a.record_path) AS record_path,
                   coalesce(b.team_key, a.team_key) AS team_key,
                   coalesce(b.worker_key, a.worker_key) AS worker_key
            FROM a FULL JOIN b ON a.fingerprint = b.fingerprint)
    SELECT j.status, ru.code, j.severity, j.person_id, j.record_path, ru.message, t.name, w.name
    FROM j
    JOIN dim_rule ru ON ru.rule_key = j.rule_key
    LEFT JOIN dim_team t ON t.team_key = j.team_key
    LEFT JOIN dim_worker w ON w.worker_key = j.worker_key
$$;
