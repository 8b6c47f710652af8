# tests/bench/: benchmarks.  Built by "make" (so that they keep compiling),
# run by hand with "make bench" (as root, for the ones that start their own
# Open vSwitch; BENCH_PORTS=N for their number of ports, 1,000 by default),
# never by "make check", which must stay fast.  docs/performance.md says
# what each measures.

noinst_PROGRAMS += tests/bench/bench-compile
tests_bench_bench_compile_SOURCES = tests/bench/bench-compile.c
tests_bench_bench_compile_CPPFLAGS = $(AM_CPPFLAGS) \
	-DNWF_BENCH_FILTER_DIR='"$(abs_top_srcdir)/filters"'
tests_bench_bench_compile_LDADD = \
	lib/libnwf.la compiler/libnwfcompiler.la $(OVS_LIBADD) \
	$(LIBXML2_LIBS) $(JANSSON_LIBS)

BENCH_PORTS = 1000
bench: tests/bench/bench-compile controller/nwf-controller utilities/nwf-ofctl
	tests/bench/bench-compile
	bash $(srcdir)/tests/bench/bench-controller.sh $(BENCH_PORTS)
	bash $(srcdir)/tests/bench/bench-vs-ovn.sh $(BENCH_PORTS)
	bash $(srcdir)/tests/bench/bench-filter-db.sh 2 $(BENCH_PORTS)
	bash $(srcdir)/tests/bench/bench-filter-db.sh 10 $(BENCH_PORTS)
	bash $(srcdir)/tests/bench/bench-datapath.sh
.PHONY: bench

EXTRA_DIST += tests/bench/bench-controller.sh
EXTRA_DIST += tests/bench/bench-datapath.sh
EXTRA_DIST += tests/bench/bench-stateful-20.xml
EXTRA_DIST += tests/bench/bench-iplearn.sh
EXTRA_DIST += tests/bench/bench-vs-ovn.sh
EXTRA_DIST += tests/bench/bench-filter-db.sh
