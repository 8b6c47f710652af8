#!/bin/sh
# Installs what ovs-nwfilter needs on Debian 12 and builds libopenvswitch
# from the openvswitch-source package, the way OVN links it.
#
# Usage: utilities/nwf-install-deps.sh [--no-packages]
#
# Environment:
#   OVS_BUILD_DIR  where the configured OVS tree is built
#                  (default /var/cache/ovs-nwfilter/ovs-VERSION).
#
# Safe to repeat: packages already installed are not touched, and a
# finished build of the same OVS version is reused.  Prints, as its last
# line, the directory of the OVS build.

set -e

PACKAGES="openvswitch-switch openvswitch-source
    libxml2-dev libxml2-utils libpcap-dev libjansson-dev libcunit1-dev
    autoconf automake libtool pkg-config make gcc libssl-dev libcap-ng-dev
    libunbound-dev
    iproute2 ethtool python3 python3-scapy iputils-ping netcat-openbsd
    procps psmisc dnsmasq-base udhcpc tcpdump"

log() { echo "nwf-install-deps: $*" >&2; }

install_packages() {
    missing=
    for p in $PACKAGES; do
        if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null \
                | grep -q 'install ok installed'; then
            missing="$missing $p"
        fi
    done
    if [ -z "$missing" ]; then
        return 0
    fi
    if [ "$(id -u)" != 0 ]; then
        log "missing Debian packages:$missing (run as root to install them)"
        exit 1
    fi
    log "installing:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >&2 || log "apt-get update failed; trying the install anyway"
    apt-get install -y -q --no-install-recommends $missing >&2
}

build_ovs() {
    tarball=/usr/src/openvswitch/openvswitch.tar.gz
    if [ ! -r "$tarball" ]; then
        log "$tarball missing: install the openvswitch-source package"
        exit 1
    fi
    version=$(dpkg-query -W -f='${Version}' openvswitch-source)
    upstream=${version%%-*}
    dir=${OVS_BUILD_DIR:-/var/cache/ovs-nwfilter/ovs-$upstream}
    stamp="$dir/.nwf-built-$version"
    if [ -f "$stamp" ] && [ -f "$dir/lib/.libs/libopenvswitch.a" ]; then
        log "reusing OVS $version build in $dir"
        echo "$dir"
        return 0
    fi
    log "building libopenvswitch $version in $dir (takes a few minutes)"
    rm -rf "$dir"
    mkdir -p "$dir"
    tar -xzf "$tarball" -C "$dir" --strip-components=1
    cd "$dir"
    if [ ! -x configure ]; then
        ./boot.sh >&2
    fi
    # Static only: the programs then carry their own copy of the library and
    # do not depend on where this cache lives.
    ./configure --enable-static --disable-shared --disable-ssl \
        CFLAGS="-g -O2" >&2
    jobs=$(nproc 2>/dev/null || echo 2)
    # The generated headers (odp-netlink.h, vswitch-idl.h, ...) must exist
    # before the library builds; they are BUILT_SOURCES of the tree.
    make -j"$jobs" $(make -s -f Makefile -f - print-built-sources <<'MK'
print-built-sources:
	@echo $(BUILT_SOURCES)
MK
) >&2
    make -j"$jobs" lib/libopenvswitch.la >&2
    touch "$stamp"
    echo "$dir"
}

if [ "$1" != "--no-packages" ]; then
    install_packages
fi
build_ovs
