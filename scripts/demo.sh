#!/usr/bin/env bash
# make demo: run the demo job (etl/jobs/demo.yaml) on samples/ into the
# embedded local warehouse, then say where everything is. Last year's job
# (etl/jobs/demo-2024-25.yaml) runs first, so the warehouse holds the LA's
# 2024-25 SSDA903 return and the 2025-26 run takes it from there.
set -euo pipefail
BIN=${1:-build/cscdw}
JOB=etl/jobs/demo.yaml
LAST=etl/jobs/demo-2024-25.yaml
echo "== cscdw demo: last year first ($LAST: the 2024-25 SSDA903 return, kept in the warehouse)"
"$BIN" run --job "$LAST" --quiet
echo "== cscdw demo: $JOB"
"$BIN" run --job "$JOB"
out=$(sed -n 's/^output: *//p' "$JOB")
echo
echo "Outputs are in $out/:"
ls -l "$out" | sed 1d | sed 's/^/  /'
cat <<MSG

Query the warehouse:
  $BIN warehouse psql                      # psql on the embedded warehouse
  $BIN warehouse psql -c "SELECT * FROM v_exceptions_open LIMIT 20"
  $BIN warehouse psql -c "SELECT * FROM cin_census_cohort('2025-26') LIMIT 20"
  $BIN warehouse psql -c "SELECT run_id, collection_year, file_name, row_count FROM meta_run_return"
  $BIN warehouse psql -c "SELECT count(*) FROM fact_cla_episode"
  $BIN warehouse stop                      # stop its server when you are done
Run it again and only the run history changes: $BIN run --job $JOB
MSG
