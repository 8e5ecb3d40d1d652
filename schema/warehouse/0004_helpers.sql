-- cscdw warehouse, migration 4: helpers the loader and views use.

-- Running count of working days, so the working days between two dates is a
-- subtraction (start day not counted, end day counted). Kept current by each
-- load after it mirrors the bank-holiday calendar.
ALTER TABLE dim_date ADD COLUMN working_day_number integer;
UPDATE dim_date d SET working_day_number = x.n
FROM (SELECT date, sum(is_working_day::int) OVER (ORDER BY date) AS n FROM dim_date) x
WHERE d.date = x.date;

-- The outward part of a postcode ("KT1 4AW" -> "KT1"): the warehouse keeps no
-- full addresses of children.
CREATE FUNCTION postcode_district(p text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN p IS NULL OR btrim(p) = '' THEN NULL
        WHEN position(' ' IN btrim(p)) > 0 THEN upper(split_part(btrim(p), ' ', 1))
        WHEN length(btrim(p)) > 3 THEN upper(left(btrim(p), length(btrim(p)) - 3))
        ELSE upper(btrim(p)) END
$$;

-- Working days between two dates (E&W bank holidays excluded), or NULL.
CREATE FUNCTION working_days_between(a date, b date) RETURNS integer
LANGUAGE sql STABLE AS $$
    SELECT (SELECT working_day_number FROM dim_date WHERE date = b)
         - (SELECT working_day_number FROM dim_date WHERE date = a)
$$;
