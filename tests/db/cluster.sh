#!/usr/bin/env bash
# The embedded local warehouse: init, status, psql, stop, restart, migrate;
# unix socket only (no TCP port); clear message when the directory is unusable.
. "$(dirname "$0")/../cli/lib.sh"
export CSCDW_PG_NOSYNC=1
W="$TMP/wh"
chmod 755 "$TMP"   # the cluster runs as an unprivileged user when we are root
cleanup() { "$CSCDW" warehouse stop --warehouse-dir "$W" >/dev/null 2>&1; rm -rf "$TMP"; }
trap cleanup EXIT

expect_exit 0 "$CSCDW" warehouse status --warehouse-dir "$W"
expect_stdout "not created"
expect_exit 0 "$CSCDW" warehouse init --warehouse-dir "$W"
expect_stdout "created and running"
expect_stdout "schema"
expect_exit 0 "$CSCDW" warehouse status --warehouse-dir "$W"
expect_stdout "running"
expect_stdout "schema  version"
# the server listens on no TCP port
expect_exit 0 "$CSCDW" warehouse psql --warehouse-dir "$W" -At -c "SHOW listen_addresses"
[ "$(cat "$TMP/out")" = "" ] || fail "listen_addresses is '$(cat "$TMP/out")', wanted empty"
expect_exit 0 "$CSCDW" warehouse psql --warehouse-dir "$W" -At -c "SELECT count(*) FROM meta_migration"
# data folder private to its owner
perm=$(stat -c %a "$W/data")
[ "$perm" = 700 ] || fail "data folder mode $perm"
# init again is harmless; migrate is idempotent
expect_exit 0 "$CSCDW" warehouse init --warehouse-dir "$W"
expect_stdout "running"
expect_exit 0 "$CSCDW" warehouse migrate --warehouse-dir "$W"
expect_stdout "up to date"
expect_exit 0 "$CSCDW" warehouse stop --warehouse-dir "$W"
expect_stdout "stopped"
expect_exit 0 "$CSCDW" warehouse stop --warehouse-dir "$W"
expect_stdout "was not running"
expect_exit 0 "$CSCDW" warehouse start --warehouse-dir "$W"
expect_stdout "running"
# usage errors
expect_exit 2 "$CSCDW" warehouse frobnicate --warehouse-dir "$W"
expect_exit 2 "$CSCDW" warehouse status --bogus
# an unreachable server: clear message, exit 1, password not shown
expect_exit 1 "$CSCDW" warehouse migrate --warehouse "postgresql://u:s3cret@127.0.0.1:1/none?connect_timeout=2"
expect_stderr "cannot reach the warehouse"
grep -q s3cret "$TMP/err" && fail "password leaked: $(cat "$TMP/err")"
# a warehouse dir that cannot be created
expect_exit 1 "$CSCDW" warehouse init --warehouse-dir /proc/nope/wh
expect_stderr "/proc/nope/wh"
# as root, a folder the cluster's user cannot reach is relocated, not refused
if [ "$(id -u)" = 0 ]; then
    CLOSED="$TMP/closed"; mkdir -p "$CLOSED"; chmod 700 "$CLOSED"
    expect_exit 0 "$CSCDW" warehouse init --warehouse-dir "$CLOSED/wh"
    expect_stderr "cannot reach"
    expect_exit 0 "$CSCDW" warehouse status --warehouse-dir "$CLOSED/wh"
    expect_stdout "running"
    moved=$(sed -n 's/^  folder  //p' "$TMP/out")
    case "$moved" in /var/lib/cscdw/warehouse-*) ;; *) fail "cluster not relocated: $moved" ;; esac
    "$CSCDW" warehouse stop --warehouse-dir "$CLOSED/wh" >/dev/null 2>&1
    rm -rf "$moved"   # leave no cluster behind
fi
echo "cluster tests passed"
