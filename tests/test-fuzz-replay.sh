#!/bin/bash
# Smoke run of the fuzz targets: replays our corpus, our built-in filters
# and libvirt's round-trip inputs through the parser, formatter and
# resolver with the round-trip invariant checked, and the recorded learning
# frames through the packet parser and the learning state machine.

builddir=${builddir:-.}
srcdir=${srcdir:-.}
ref=${NWF_REFERENCE_DIR:-$srcdir/../shared/reference}

inputs=("$srcdir/tests/fuzz/corpus" "$srcdir/filters")
if [ -d "$ref/libvirt/xml2xml" ]; then
    inputs+=("$ref/libvirt/xml2xml/nwfilterxml2xmlin")
else
    echo "FAIL: fuzz replay: libvirt reference data not found at $ref"
fi
if out=$("$builddir/tests/fuzz/fuzz-filter-replay" "${inputs[@]}" 2>&1); then
    echo "PASS: fuzz corpus replay ($out)"
else
    echo "$out" | tail -n 20 | sed 's/^/#   /'
    echo "FAIL: fuzz corpus replay"
fi

if out=$("$builddir/tests/fuzz/fuzz-iplearn-replay" \
         "$srcdir/tests/fuzz/corpus-iplearn" 2>&1); then
    echo "PASS: fuzz-iplearn corpus replay ($out)"
else
    echo "$out" | tail -n 20 | sed 's/^/#   /'
    echo "FAIL: fuzz-iplearn corpus replay"
fi
