#!/usr/bin/env bash
# A run connects to the warehouse once: looking up last year's 903 return and
# the load share one connection (the server's log, with log_connections on,
# counts them), also for `cscdw load`; a server that refuses the connection
# is tried once and the run ends with exit 1 and the reason.
. "$(dirname "$0")/lib.sh"

job "$TMP/job.yaml" samples/mosaic etl/sources/mosaic.yaml 999 2026-03-31
sed -i 's/^returns: \[\]/returns: [ssda903]/' "$TMP/job.yaml"
grep -q '^returns: \[ssda903\]' "$TMP/job.yaml" || fail "job file: no 903 return"
expect_exit 0 "$CSCDW" warehouse start --warehouse-dir "$W"
sql "ALTER SYSTEM SET log_connections = on" > /dev/null || fail "log_connections"
sql "SELECT pg_reload_conf()" > /dev/null || fail "reload"
log="$(dirname "$(sql "SHOW data_directory")")/server.log"
sock=$(sql "SHOW unix_socket_directories")
[ -f "$log" ] || fail "no server log at $log"
for _ in $(seq 50); do   # the reload reaches new backends once the postmaster has read it
    [ "$(sql "SHOW log_connections")" = on ] && grep -q 'connection authorized' "$log" && break
    sleep 0.1
done
grep -q 'connection authorized' "$log" || fail "log_connections not in effect"

# count PATTERN CMD...: run CMD (expect_exit 0 or 1 as $want), then how many
# lines matching PATTERN the server logged meanwhile
want=0
count() {
    local pat=$1; shift
    local from
    from=$(wc -l < "$log")
    expect_exit "$want" "$@"
    tail -n +"$((from + 1))" "$log" | grep -c -- "$pat"
}
to_cscdw='connection authorized: .*database=cscdw'

n=$(count "$to_cscdw" "$CSCDW" run --job "$TMP/job.yaml")
expect_stdout "loaded as run 1"
expect_stdout "none for 2024-25 in the warehouse"
[ "$n" -eq 1 ] || fail "cscdw run connected $n times to the warehouse, wanted 1"

n=$(count "$to_cscdw" "$CSCDW" load --profile etl/sources/mosaic.yaml --input samples/mosaic \
        --la 999 --year 2025-26 --warehouse-dir "$W")
expect_stdout "loaded as run 2"
[ "$n" -eq 1 ] || fail "cscdw load connected $n times to the warehouse, wanted 1"

# a server that turns the connection away: one attempt, exit 1, the reason
want=1
n=$(count 'database "nosuchdb" does not exist' "$CSCDW" load --profile etl/sources/mosaic.yaml \
        --input samples/mosaic --la 999 --year 2025-26 \
        --warehouse "postgresql:///nosuchdb?host=$sock&user=cscdw")
expect_stderr 'cannot reach the warehouse.*nosuchdb'
[ "$(grep -c 'cannot reach the warehouse' "$TMP/err")" -eq 1 ] || fail "reported more than once"
[ "$n" -eq 1 ] || fail "an unreachable warehouse was tried $n times, wanted 1"
expect_sql "SELECT count(*) FROM meta_run" 2
echo "one-connection tests passed"
