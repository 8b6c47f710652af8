# tests/: the CUnit runner, end-to-end tests against a real Open vSwitch,
# and the driver that "make check" runs.

check_PROGRAMS += tests/nwf-unit-tests
tests_nwf_unit_tests_SOURCES = \
	tests/unit/main.c \
	tests/unit/nwf-unit.h \
	tests/unit/test-diag.c
tests_nwf_unit_tests_LDADD = \
	compiler/libnwfcompiler.la $(OVS_LIBADD) $(LIBXML2_LIBS) \
	$(JANSSON_LIBS) $(LIBPCAP_LIBS) $(CUNIT_LIBS)
tests_nwf_unit_tests_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)

EXTRA_DIST += \
	tests/run-tests.sh \
	tests/e2e/lib.sh \
	$(E2E_TESTS)

E2E_TESTS = \
	tests/e2e/test-harness.sh \
	tests/e2e/test-controller-drop.sh

# "make check" runs the unit tests, then every end-to-end test, and ends
# with one line "N passed, N failed".  TESTS='...' picks end-to-end tests,
# UNIT=no skips the unit tests.
check-local: $(check_PROGRAMS) $(bin_PROGRAMS)
	@srcdir='$(srcdir)' builddir='$(builddir)' UNIT='$(UNIT)' \
	  $(SHELL) '$(srcdir)/tests/run-tests.sh' \
	  $(if $(TESTS),$(TESTS),$(E2E_TESTS))
