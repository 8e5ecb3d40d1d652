# Helpers for CLI tests: source this file. $CSCDW is the binary under test.
set -u
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
# expect_exit CODE CMD... : run CMD, check its exit status
expect_exit() {
    local want=$1; shift
    "$@" > "$TMP/out" 2> "$TMP/err"
    local got=$?
    [ "$got" -eq "$want" ] || { cat "$TMP/out" "$TMP/err" >&2; fail "exit $got, wanted $want: $*"; }
}
expect_stderr() { grep -q -- "$1" "$TMP/err" || { cat "$TMP/err" >&2; fail "stderr lacks: $1"; }; }
expect_stdout() { grep -q -- "$1" "$TMP/out" || { cat "$TMP/out" >&2; fail "stdout lacks: $1"; }; }
