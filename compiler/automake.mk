# compiler/: filter XML -> model -> resolved rule instances -> flow set.
# Pure code: no sockets, no files beyond those it is handed.

noinst_LTLIBRARIES += compiler/libnwfcompiler.la
compiler_libnwfcompiler_la_SOURCES = \
	compiler/nwf-diag.c \
	compiler/nwf-diag.h
compiler_libnwfcompiler_la_LIBADD = \
	$(OVS_LIBADD) $(LIBXML2_LIBS) $(JANSSON_LIBS)
