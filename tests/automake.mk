# tests/: the CUnit runner, end-to-end tests against a real Open vSwitch,
# and the driver that "make check" runs.

check_PROGRAMS += tests/nwf-unit-tests
tests_nwf_unit_tests_SOURCES = \
	tests/unit/main.c \
	tests/unit/nwf-unit.h \
	tests/unit/test-binding.c \
	tests/unit/test-bridge-flows.c \
	tests/unit/test-compile.c \
	tests/unit/test-diag.c \
	tests/unit/test-filter.c \
	tests/unit/test-flows.c \
	tests/unit/test-iplearn.c \
	tests/unit/test-iplearn-state.c \
	tests/unit/test-match.c \
	tests/unit/test-parse.c \
	tests/unit/test-pinctrl.c \
	tests/unit/test-proto.c \
	tests/unit/test-resolve.c \
	tests/unit/test-store.c \
	tests/unit/test-vars.c \
	tests/unit/test-xml2xml.c
# The controller modules that are pure enough to test in-process.
tests_nwf_unit_tests_SOURCES += \
	controller/iplearn-packet.c \
	controller/iplearn.c \
	controller/ofctrl-meters.c \
	controller/ofctrl-meters.h \
	controller/ofctrl-stats.c \
	controller/ofctrl-stats.h \
	controller/ofctrl.c \
	controller/pinctrl.c
tests_nwf_unit_tests_LDADD = \
	lib/libnwf.la compiler/libnwfcompiler.la $(OVS_LIBADD) \
	$(LIBXML2_LIBS) $(JANSSON_LIBS) $(LIBPCAP_LIBS) $(CUNIT_LIBS)
tests_nwf_unit_tests_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)

# The fuzz targets, replayed over their corpora without libFuzzer: the
# smoke run in "make check".  "make fuzz-run" and "make fuzz-iplearn-run"
# fuzz for real (see docs/fuzzing.md).
check_PROGRAMS += tests/fuzz/fuzz-filter-replay
tests_fuzz_fuzz_filter_replay_SOURCES = \
	tests/fuzz/fuzz-filter.c \
	tests/fuzz/replay.c
tests_fuzz_fuzz_filter_replay_LDADD = \
	lib/libnwf.la compiler/libnwfcompiler.la $(OVS_LIBADD) \
	$(LIBXML2_LIBS) $(JANSSON_LIBS)

FUZZ_IPLEARN_CONTROLLER_SRCS = \
	controller/iplearn-packet.c \
	controller/iplearn.c
check_PROGRAMS += tests/fuzz/fuzz-iplearn-replay
tests_fuzz_fuzz_iplearn_replay_SOURCES = \
	$(FUZZ_IPLEARN_CONTROLLER_SRCS) \
	tests/fuzz/fuzz-iplearn.c \
	tests/fuzz/replay.c
tests_fuzz_fuzz_iplearn_replay_LDADD = \
	lib/libnwf.la compiler/libnwfcompiler.la $(OVS_LIBADD) \
	$(LIBXML2_LIBS) $(JANSSON_LIBS)

FUZZ_CC = clang
FUZZ_CFLAGS = -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined
FUZZ_SECONDS = 600
# libopenvswitch's own dependencies are those its build found (libtool
# lists them in the .la file), not a fixed list.
FUZZ_LIBS = \
	$(OVS_BUILDDIR)/lib/.libs/libopenvswitch.a \
	$(OVS_BUILDDIR)/lib/.libs/libopenvswitchavx512.a \
	$(LIBXML2_LIBS) $(JANSSON_LIBS) \
	$(filter -l%,$(shell sed -n "s/^dependency_libs='\(.*\)'/\1/p" \
	  $(OVS_BUILDDIR)/lib/libopenvswitch.la)) -lpthread -lrt -lm
FUZZ_SRCS = \
	$(filter %.c,$(compiler_libnwfcompiler_la_SOURCES)) \
	tests/fuzz/fuzz-filter.c

# Every compiler source is built here with clang's sanitizers, so that
# libFuzzer sees the coverage of the code under test.
tests/fuzz/fuzz-filter: $(FUZZ_SRCS)
	$(AM_V_CCLD)$(FUZZ_CC) $(FUZZ_CFLAGS) $(AM_CPPFLAGS) $(CPPFLAGS) \
	  -o $@ $(addprefix $(srcdir)/,$(FUZZ_SRCS)) $(FUZZ_LIBS)
CLEANFILES += tests/fuzz/fuzz-filter

# The learning code the guest's frames reach, with the compiler it uses
# and the file code that saves its state.
FUZZ_IPLEARN_LIB_SRCS = lib/nwf-file.c
tests/fuzz/fuzz-iplearn: $(FUZZ_SRCS) $(FUZZ_IPLEARN_CONTROLLER_SRCS) \
		$(FUZZ_IPLEARN_LIB_SRCS) tests/fuzz/fuzz-iplearn.c
	$(AM_V_CCLD)$(FUZZ_CC) $(FUZZ_CFLAGS) $(AM_CPPFLAGS) $(CPPFLAGS) \
	  -I$(srcdir)/controller -o $@ \
	  $(addprefix $(srcdir)/,$(filter-out tests/fuzz/fuzz-filter.c, \
	    $(FUZZ_SRCS)) $(FUZZ_IPLEARN_CONTROLLER_SRCS) \
	    $(FUZZ_IPLEARN_LIB_SRCS) tests/fuzz/fuzz-iplearn.c) $(FUZZ_LIBS)
CLEANFILES += tests/fuzz/fuzz-iplearn

fuzz: tests/fuzz/fuzz-filter tests/fuzz/fuzz-iplearn
fuzz-run: tests/fuzz/fuzz-filter
	@mkdir -p tests/fuzz/work
	tests/fuzz/fuzz-filter -max_total_time=$(FUZZ_SECONDS) \
	  -max_len=16384 -timeout=10 -rss_limit_mb=2048 \
	  tests/fuzz/work $(srcdir)/tests/fuzz/corpus $(srcdir)/filters
fuzz-iplearn-run: tests/fuzz/fuzz-iplearn
	@mkdir -p tests/fuzz/work-iplearn
	tests/fuzz/fuzz-iplearn -max_total_time=$(FUZZ_SECONDS) \
	  -max_len=2048 -timeout=10 -rss_limit_mb=2048 \
	  tests/fuzz/work-iplearn $(srcdir)/tests/fuzz/corpus-iplearn
.PHONY: fuzz fuzz-run fuzz-iplearn-run

EXTRA_DIST += \
	tests/run-tests.sh \
	tests/e2e/lib.sh \
	tests/e2e/filter-db.sh \
	tests/e2e/frames.sh \
	tests/fuzz/corpus \
	tests/fuzz/corpus-iplearn \
	tests/data/make-iplearn-pcaps.py \
	tests/data/reversed-range.xml \
	$(nwf_test_filters) \
	tests/data/iplearn-arp.pcap \
	tests/data/iplearn-dhcp-decline.pcap \
	tests/data/iplearn-dhcp-exchange.pcap \
	tests/data/iplearn-dhcp-other.pcap \
	tests/data/iplearn-dhcp-release.pcap \
	tests/data/iplearn-ipv4.pcap \
	tests/data/iplearn-malformed.pcap \
	tests/data/iplearn-vlan.pcap \
	tests/data/binding/README.md \
	tests/data/binding/binding-list-0.txt \
	tests/data/binding/binding-list-1.txt \
	tests/data/binding/binding-list-3.txt \
	tests/data/binding/explicit-mac.libvirt.xml \
	tests/data/binding/explicit-mac.xml \
	tests/data/binding/filter-escape.libvirt.xml \
	tests/data/binding/filter-escape.xml \
	tests/data/binding/list-param.libvirt.xml \
	tests/data/binding/list-param.xml \
	tests/data/binding/mac-case.libvirt.xml \
	tests/data/binding/mac-case.xml \
	tests/data/binding/odd-formatting.libvirt.xml \
	tests/data/binding/odd-formatting.xml \
	tests/data/binding/one-param.libvirt.xml \
	tests/data/binding/one-param.xml \
	tests/data/binding/param-invalid.libvirt.xml \
	tests/data/binding/param-invalid.xml \
	tests/data/binding/param-sort.libvirt.xml \
	tests/data/binding/param-sort.xml \
	tests/data/binding/simple.libvirt.xml \
	tests/data/binding/simple.xml \
	tests/data/libvirt/domain-bad-filter.xml \
	tests/data/libvirt/domain-vm1-metadata.xml \
	tests/data/libvirt/domain-vm2-interface.xml \
	$(nwf_check_list)

# Filters that the tests use (tests/data/filters/NAME.xml is filter NAME;
# store/ is a filter directory as test-controller-store starts with it).
nwf_test_filters = \
	tests/data/filters/bad-action.xml \
	tests/data/filters/bad-port.xml \
	tests/data/filters/bad-xml.xml \
	tests/data/filters/bcast-arp-only.xml \
	tests/data/filters/bcast-ipv4-only.xml \
	tests/data/filters/empty.xml \
	tests/data/filters/fleet-web.xml \
	tests/data/filters/ip-ipv4-protocols.xml \
	tests/data/filters/ip-ipv6-protocols.xml \
	tests/data/filters/ipv4-drop.xml \
	tests/data/filters/ipv6-drop.xml \
	tests/data/filters/l2-accept-ip-650.xml \
	tests/data/filters/l2-accept-ip-700.xml \
	tests/data/filters/l2-accept-ip-750.xml \
	tests/data/filters/l2-arp-dhcp-only.xml \
	tests/data/filters/l2-arp.xml \
	tests/data/filters/l2-drop-ipv4.xml \
	tests/data/filters/l2-inout-continue-reject.xml \
	tests/data/filters/l2-ip.xml \
	tests/data/filters/l2-ipv4-t.xml \
	tests/data/filters/l2-mac.xml \
	tests/data/filters/l2-stp.xml \
	tests/data/filters/l2-subchain.xml \
	tests/data/filters/l2-two-layers-reverse.xml \
	tests/data/filters/l2-two-layers.xml \
	tests/data/filters/l2-vlan.xml \
	tests/data/filters/learn-test.xml \
	tests/data/filters/reject-81.xml \
	tests/data/filters/reject-vm1-drop-rest.xml \
	tests/data/filters/reject-vm1.xml \
	tests/data/filters/reject-vm3.xml \
	tests/data/filters/reject-vm4.xml \
	tests/data/filters/state-actions.xml \
	tests/data/filters/state-explicit-no-reply.xml \
	tests/data/filters/state-explicit.xml \
	tests/data/filters/state-icmp-inout-type.xml \
	tests/data/filters/state-icmp-type-in-reply.xml \
	tests/data/filters/state-icmp-type-in.xml \
	tests/data/filters/state-inout.xml \
	tests/data/filters/state-negated.xml \
	tests/data/filters/state-no-related.xml \
	tests/data/filters/state-out-stateful.xml \
	tests/data/filters/state-statematch-false.xml \
	tests/data/filters/state-two-vm1.xml \
	tests/data/filters/state-two-vm3-in-80.xml \
	tests/data/filters/state-two-vm3.xml \
	tests/data/filters/store/broken.xml \
	tests/data/filters/store/clean-traffic.xml \
	tests/data/filters/store/mine.xml \
	tests/data/filters/w-allow-arp.xml \
	tests/data/filters/w-allow-dhcp-l2.xml \
	tests/data/filters/w-allow-dhcp-server.xml \
	tests/data/filters/w-allow-dhcp.xml \
	tests/data/filters/w-allow-dhcpv6-server.xml \
	tests/data/filters/w-allow-dhcpv6.xml \
	tests/data/filters/w-allow-incoming-ipv4.xml \
	tests/data/filters/w-allow-incoming-ipv6.xml \
	tests/data/filters/w-allow-ipv4.xml \
	tests/data/filters/w-allow-ipv6.xml \
	tests/data/filters/w-qemu-announce-self-rarp.xml \
	tests/data/filters/web-ip.xml \
	tests/data/filters/web-out.xml \
	tests/data/filters/web.xml

# Test scripts that report "PASS: ..." / "FAIL: ..." lines.
nwf_check_list = \
	tests/schema-check.sh \
	tests/test-ofctl-offline.sh \
	tests/test-fuzz-replay.sh \
	tests/e2e/test-harness.sh \
	tests/e2e/test-controller-drop.sh \
	tests/e2e/test-controller-store.sh \
	tests/e2e/test-ofctl-daemon.sh \
	tests/e2e/test-binding.sh \
	tests/e2e/test-libvirt.sh \
	tests/e2e/test-restart.sh \
	tests/e2e/test-churn.sh \
	tests/e2e/test-bulk.sh \
	tests/e2e/test-live-update.sh \
	tests/e2e/test-untracked.sh \
	tests/e2e/test-iplearn.sh \
	tests/e2e/test-forwarding.sh \
	tests/e2e/test-builtin-clean-traffic.sh \
	tests/e2e/test-builtin-filters.sh \
	tests/e2e/test-broadcast-bound.sh \
	tests/e2e/test-filter-l2.sh \
	tests/e2e/test-filter-ip.sh \
	tests/e2e/test-filter-state.sh \
	tests/e2e/test-filter-reject.sh \
	tests/e2e/test-hostile.sh \
	tests/e2e/test-filter-db.sh

# "make check" runs the unit tests, then every end-to-end test, and ends
# with one line "N passed, N failed".  TESTS='...' picks test scripts,
# UNIT=no skips the unit tests.
check-local: $(check_PROGRAMS) $(bin_PROGRAMS)
	@srcdir='$(srcdir)' builddir='$(builddir)' UNIT='$(UNIT)' \
	  $(SHELL) '$(srcdir)/tests/run-tests.sh' \
	  $(if $(TESTS),$(TESTS),$(nwf_check_list))
