# tests/bench/: benchmarks.  Built by "make" (so that they keep compiling)
# and by "make bench", never run by "make check", which must stay fast.
# Run by hand: "make bench && tests/bench/bench-compile" (see
# docs/performance.md).

noinst_PROGRAMS += tests/bench/bench-compile
tests_bench_bench_compile_SOURCES = tests/bench/bench-compile.c
tests_bench_bench_compile_CPPFLAGS = $(AM_CPPFLAGS) \
	-DNWF_BENCH_FILTER_DIR='"$(abs_top_srcdir)/filters"'
tests_bench_bench_compile_LDADD = \
	lib/libnwf.la compiler/libnwfcompiler.la $(OVS_LIBADD) \
	$(LIBXML2_LIBS) $(JANSSON_LIBS)

bench: tests/bench/bench-compile
.PHONY: bench

EXTRA_DIST += tests/bench/bench-controller.sh
EXTRA_DIST += tests/bench/bench-iplearn.sh
EXTRA_DIST += tests/bench/bench-vs-ovn.sh
