#!/usr/bin/env bash
# Runs every test and ends with one summary line "check: N passed, M failed".
#  - unit tests: $BUILD/tests/test_* (cmocka); each test case counts once
#  - CLI, golden and bad-input tests: tests/cli/*.sh (each script counts once)
#  - database tests: tests/db/*.sh (need PostgreSQL server binaries)
# A script's exit status 77 means skipped.
set -u
BUILD=${BUILD:-build}
export CSCDW="$PWD/$BUILD/cscdw"
export BUILD SRCROOT="$PWD"
passed=0 failed=0 skipped=0
failures=()
logdir="$BUILD/test-logs"
mkdir -p "$logdir"

for t in "$BUILD"/tests/test_*; do
    [ -x "$t" ] || continue
    name=$(basename "$t")
    out=$("$t" 2>&1)
    rc=$?
    p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -1)
    f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -1)
    p=${p:-0}; f=${f:-0}
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    passed=$((passed + p)); failed=$((failed + f))
    if [ "$f" -ne 0 ]; then
        failures+=("$name")
        printf '%s\n' "$out" > "$logdir/$name.log"
        printf 'FAIL %s (see %s)\n' "$name" "$logdir/$name.log"
        printf '%s\n' "$out" | grep -E '^\[  (FAILED|ERROR)|^\[  FAILED|error:|Error' | head -20
    else
        printf 'ok   %s (%s)\n' "$name" "$p"
    fi
done

for dir in tests/cli tests/db; do
    for t in "$dir"/*.sh; do
        [ "$(basename "$t")" = lib.sh ] && continue
        [ -f "$t" ] || continue
        name="$dir/$(basename "$t" .sh)"
        log="$logdir/$(basename "$dir")-$(basename "$t" .sh).log"
        timeout 900 bash "$t" > "$log" 2>&1
        rc=$?
        if [ $rc -eq 0 ]; then
            passed=$((passed + 1)); printf 'ok   %s\n' "$name"
        elif [ $rc -eq 77 ]; then
            skipped=$((skipped + 1)); printf 'skip %s: %s\n' "$name" "$(tail -1 "$log")"
        else
            failed=$((failed + 1)); failures+=("$name")
            printf 'FAIL %s (exit %d, see %s)\n' "$name" "$rc" "$log"
            tail -15 "$log" | sed 's/^/     /'
        fi
    done
done

if [ ${#failures[@]} -gt 0 ]; then
    printf 'failed: %s\n' "${failures[*]}"
fi
if [ "$skipped" -gt 0 ]; then
    printf 'check: %d passed, %d failed, %d skipped\n' "$passed" "$failed" "$skipped"
else
    printf 'check: %d passed, %d failed\n' "$passed" "$failed"
fi
[ "$failed" -eq 0 ]
