#!/bin/bash
# nwf-ofctl's offline commands, with no daemon running: validate reports
# every error with file, line, element, attribute and value and exits 1;
# format prints the canonical form; our built-in filters all validate.

set -u
builddir=${builddir:-.}
srcdir=${srcdir:-.}
ofctl=$builddir/utilities/nwf-ofctl
export NWF_SCHEMA=$srcdir/schemas/nwfilter.rng
data=$srcdir/tests/data/filters
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check() {
    local name=$1
    shift
    if "$@" >"$tmp/out" 2>&1; then
        echo "PASS: $name"
    else
        echo "FAIL: $name"
        sed 's/^/#   /' "$tmp/out" | tail -n 20
    fi
}


validate_good() {
    "$ofctl" validate "$data/web-ip.xml"
}
check "validate accepts a good filter (exit 0)" validate_good

validate_reports() {
    ! "$ofctl" validate "$data/bad-port.xml" >"$tmp/msg" 2>&1 || return 1
    cat "$tmp/msg"
    grep -q "bad-port.xml:3:" "$tmp/msg" \
        && grep -q "<tcp>" "$tmp/msg" \
        && grep -q "dstportstart" "$tmp/msg" \
        && grep -q "70000" "$tmp/msg"
}
check "validate names file, line, element, attribute and value (exit 1)" \
    validate_reports

validate_range() {
    ! "$ofctl" validate "$srcdir/tests/data/reversed-range.xml" \
        >"$tmp/msg" 2>&1 || return 1
    cat "$tmp/msg"
    grep -q "reversed-range.xml:4: <tcp> attribute 'dstportend' value '10': the end of the range is below its start, dstportstart='100'" "$tmp/msg"
}
check "validate refuses a range that ends below its start" validate_range

# name_file NAME: a file whose filter is called NAME.
name_file() {
    printf "<filter name='%s'/>\n" "$1" >"$tmp/name.xml"
}
validate_name() {
    name_file "$1"
    ! "$ofctl" validate "$tmp/name.xml" >"$tmp/msg" 2>&1 || return 1
    cat "$tmp/msg"
    grep -q "name.xml: <filter> attribute 'name' value '.*': $2" "$tmp/msg"
}
check "validate refuses a 300-byte name, as define does" \
    validate_name "$(printf '%300s' '' | tr ' ' n)" \
    "filter name is 300 bytes long, more than the limit of 200"
check "validate refuses \$(id) in a name with the same message as define" \
    validate_name '$(id)' "filter name must start with"
check "validate refuses a space in a name" validate_name "a b" \
    "filter name may contain only letters, digits and _.:- (byte 2 is 0x20)"

# A FIFO that nothing writes to: reading it would block for good.
mkfifo "$tmp/fifo.xml"
refuses_fifo() {
    ! timeout 5 "$ofctl" "$@" "$tmp/fifo.xml" >"$tmp/msg" 2>&1 || return 1
    cat "$tmp/msg"
    grep -q "fifo.xml: not a regular file" "$tmp/msg"
}
check "validate refuses a FIFO at once" refuses_fifo validate
check "compile refuses a FIFO at once" refuses_fifo compile
check "format refuses a FIFO at once" refuses_fifo format
check "define refuses a FIFO before it reaches a daemon" \
    refuses_fifo --target="$tmp/no-daemon.ctl" define

validate_all_files() {
    ! "$ofctl" validate "$data/web-ip.xml" "$data/bad-xml.xml" \
        "$data/bad-action.xml" >"$tmp/msg" 2>&1 || return 1
    cat "$tmp/msg"
    grep -q "bad-xml.xml" "$tmp/msg" && grep -q "bad-action.xml" "$tmp/msg" \
        && grep -q "permit" "$tmp/msg"
}
check "validate reports every bad file, not only the first" \
    validate_all_files

validate_missing_file() {
    ! "$ofctl" validate "$tmp/nonexistent.xml" >"$tmp/msg" 2>&1 \
        && grep -q "nonexistent.xml" "$tmp/msg"
}
check "validate of a missing file fails naming it" validate_missing_file

format_canonical() {
    "$ofctl" format "$data/web-ip.xml" >"$tmp/fmt" || return 1
    cat "$tmp/fmt"
    grep -q "^<filter name='web-ip' chain='ipv4' priority='-700'>$" "$tmp/fmt" \
        && grep -q "<uuid>" "$tmp/fmt" \
        && grep -q "<tcp srcipaddr='\$IP' dstportstart='0x50'/>" "$tmp/fmt" \
        && grep -q "<rule action='drop' direction='inout' priority='500'/>" \
                "$tmp/fmt"
}
check "format prints libvirt's canonical layout, hex kept" format_canonical

format_fixed_point() {
    "$ofctl" format "$data/web-ip.xml" >"$tmp/a.xml" \
        && "$ofctl" format "$tmp/a.xml" >"$tmp/b.xml" \
        && cmp "$tmp/a.xml" "$tmp/b.xml"
}
check "format of formatted output is unchanged" format_fixed_point

format_bad() {
    ! "$ofctl" format "$data/bad-port.xml" >"$tmp/msg" 2>&1 \
        && grep -q "dstportstart" "$tmp/msg"
}
check "format of a bad filter fails with the error" format_bad

builtins_valid() {
    "$ofctl" validate "$srcdir"/filters/*.xml \
        && [ "$(ls "$srcdir"/filters/*.xml | wc -l)" = 24 ]
}
check "all 24 built-in filters validate" builtins_valid

schema_missing() {
    ! NWF_SCHEMA=$tmp/none.rng "$ofctl" validate "$data/web-ip.xml" \
        >"$tmp/msg" 2>&1 && grep -q "none.rng" "$tmp/msg"
}
check "a missing schema is an error naming where it looked" schema_missing
