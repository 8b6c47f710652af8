#!/bin/sh
# The README's second command: installs what is missing, builds, and runs
# every test (CUnit unit tests and end-to-end tests on a private Open
# vSwitch with real packets).  Needs root for the end-to-end tests.
#
# Usage: utilities/nwf-check.sh [TESTS='tests/e2e/test-X.sh ...']

set -e
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/utilities/nwf-build.sh"
cd "$top"
exec make -s check "$@"
