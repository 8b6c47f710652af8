# compiler/: filter XML -> model -> resolved rule instances -> flow set.
# Pure code: no sockets, no files (lib/ reads and writes them).

noinst_LTLIBRARIES += compiler/libnwfcompiler.la
compiler_libnwfcompiler_la_SOURCES = \
	compiler/nwf-binding.c \
	compiler/nwf-binding.h \
	compiler/nwf-bridge-flows.c \
	compiler/nwf-bridge-flows.h \
	compiler/nwf-compile.c \
	compiler/nwf-compile.h \
	compiler/nwf-diag.c \
	compiler/nwf-diag.h \
	compiler/nwf-domain.c \
	compiler/nwf-domain.h \
	compiler/nwf-filter.c \
	compiler/nwf-filter.h \
	compiler/nwf-flow-set.c \
	compiler/nwf-flow-set.h \
	compiler/nwf-flows.c \
	compiler/nwf-flows.h \
	compiler/nwf-learn-flows.c \
	compiler/nwf-port-entries.c \
	compiler/nwf-match.c \
	compiler/nwf-match-expand.c \
	compiler/nwf-match-private.h \
	compiler/nwf-ofpacts.c \
	compiler/nwf-ofpacts.h \
	compiler/nwf-match.h \
	compiler/nwf-proto.c \
	compiler/nwf-proto.h \
	compiler/nwf-xml.c \
	compiler/nwf-xml.h \
	compiler/nwf-xmldoc.c \
	compiler/nwf-xmldoc.h \
	compiler/nwf-resolve.c \
	compiler/nwf-resolve.h \
	compiler/nwf-store.c \
	compiler/nwf-store.h \
	compiler/nwf-value.c \
	compiler/nwf-value.h \
	compiler/nwf-var-expand.c \
	compiler/nwf-var-expand.h \
	compiler/nwf-vars.c \
	compiler/nwf-vars.h
compiler_libnwfcompiler_la_LIBADD = \
	$(OVS_LIBADD) $(LIBXML2_LIBS) $(JANSSON_LIBS)
