#!/bin/bash
# nwf-controller's filter directory at start: the built-in filters are
# added with generated UUIDs, an administrator's filter of a built-in's
# name is kept, and a bad file is reported by name while the others load.

. "$(dirname "$0")/lib.sh"

e2e_init
sw_start
mkdir -p "$SW_DIR/filters"
# A filter store as an administrator left it (tests/data/filters/store):
# clean-traffic replaced, a broken file, a filter of our own.
cp "$E2E_FILTERS"/store/*.xml "$SW_DIR/filters/"
cp "$SW_DIR/filters/clean-traffic.xml" "$SW_DIR/admin-copy.xml"

ctl_start
check "controller reports the filters it loaded" \
    retry 5 ctl_log_has "25 filters loaded (23 built-in filters added from .*), 1 files with errors"

builtins_installed() {
    local f
    for f in "$top_srcdir"/filters/*.xml; do
        test -f "$SW_DIR/filters/$(basename "$f")" || return 1
    done
}
check "every built-in filter is in the filter directory" builtins_installed

builtins_have_uuid() {
    grep -q "<uuid>" "$SW_DIR/filters/no-mac-spoofing.xml" \
        && grep -q "<uuid>" "$SW_DIR/filters/mine.xml"
}
check "filters without a UUID get one written" builtins_have_uuid
check "an administrator's clean-traffic is not replaced" \
    cmp "$SW_DIR/filters/clean-traffic.xml" "$SW_DIR/admin-copy.xml"
check "a bad file is logged with its name and the problem" \
    sh -c "grep 'broken.xml' '$SW_DIR/nwf-controller.log' | grep -q sideways"
check "no temporary files are left in the filter directory" \
    test "$(ls -A "$SW_DIR/filters" | grep -vc '\.xml$')" = 0

e2e_finish
