#!/bin/sh
# Installs what is missing (Debian 12 packages, libopenvswitch), then
# configures and builds ovs-nwfilter in the source tree.  Safe to repeat:
# each step is skipped when its result is already there and up to date.
#
# Usage: utilities/nwf-build.sh [CONFIGURE-OPTION...]

set -e
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

ovs_dir=$(utilities/nwf-install-deps.sh | tail -n 1)

if [ ! -x configure ] || [ configure.ac -nt configure ] \
       || [ m4/nwf.m4 -nt configure ]; then
    echo "nwf-build: autoreconf" >&2
    autoreconf -fi >&2
fi
if [ ! -f Makefile ] || [ configure -nt Makefile ] \
       || ! grep -q "^OVS_BUILDDIR = $ovs_dir\$" Makefile; then
    echo "nwf-build: configure --with-ovs-source=$ovs_dir" >&2
    ./configure -q --with-ovs-source="$ovs_dir" \
        --sysconfdir=/etc --localstatedir=/var "$@" >&2
fi
echo "nwf-build: make" >&2
make -s -j"$(nproc 2>/dev/null || echo 2)" all \
    controller/nwf-controller utilities/nwf-ofctl tests/nwf-unit-tests >&2
