#!/bin/bash
# Runs the unit tests and the given end-to-end test scripts, and ends with
# one line "N passed, N failed" (", N skipped" when any were skipped).
#
# Usage: tests/run-tests.sh [TEST-SCRIPT...]
# Environment: srcdir, builddir (set by "make check"); UNIT=no skips the
# CUnit suites.
#
# Each end-to-end script prints "PASS: NAME", "FAIL: NAME" or
# "SKIP: NAME (WHY)" per check; a script that exits non-zero without
# reporting a failure counts as one failure.

set -u
srcdir=${srcdir:-.}
builddir=${builddir:-.}
export srcdir builddir

passed=0
failed=0
skipped=0
failures=

tally() {
    local log=$1 name=$2 status=$3
    local p f s
    p=$(grep -c '^PASS: ' "$log")
    f=$(grep -c '^FAIL: ' "$log")
    s=$(grep -c '^SKIP: ' "$log")
    if [ "$status" != 0 ] && [ "$f" = 0 ]; then
        echo "FAIL: $name exited with status $status"
        f=1
    fi
    passed=$((passed + p))
    failed=$((failed + f))
    skipped=$((skipped + s))
    if [ "$f" != 0 ]; then
        failures="$failures $name"
    fi
}

log=$(mktemp)
trap 'rm -f "$log"' EXIT

if [ "${UNIT:-yes}" != no ]; then
    echo "== unit tests (CUnit)"
    "$builddir/tests/nwf-unit-tests" >"$log" 2>&1
    status=$?
    cat "$log"
    line=$(grep '^unit: [0-9]* passed, [0-9]* failed' "$log" | tail -n 1)
    if [ -n "$line" ]; then
        p=$(echo "$line" | sed 's/^unit: \([0-9]*\) passed.*/\1/')
        f=$(echo "$line" | sed 's/.* \([0-9]*\) failed.*/\1/')
        passed=$((passed + p))
        failed=$((failed + f))
        [ "$f" != 0 ] && failures="$failures unit"
    else
        echo "FAIL: the unit test runner did not report (status $status)"
        failed=$((failed + 1))
        failures="$failures unit"
    fi
fi

for test in "$@"; do
    echo "== $test"
    start=$(date +%s)
    bash "$srcdir/$test" >"$log" 2>&1
    status=$?
    cat "$log"
    echo "# $test: $(( $(date +%s) - start )) s"
    tally "$log" "$test" "$status"
done

if [ -n "$failures" ]; then
    echo "failed in:$failures"
fi
if [ "$skipped" != 0 ]; then
    echo "$passed passed, $failed failed, $skipped skipped"
else
    echo "$passed passed, $failed failed"
fi
[ "$failed" = 0 ]
