#!/usr/bin/env bash
# make demo: run the demo job (etl/jobs/demo.yaml) on samples/ into the
# embedded local warehouse, then say where everything is.
set -euo pipefail
BIN=${1:-build/cscdw}
JOB=etl/jobs/demo.yaml
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
  $BIN warehouse stop                      # stop its server when you are done
Run it again and only the run history changes: $BIN run --job $JOB
MSG
