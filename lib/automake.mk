# lib/: what the programs around the pure compiler share: files (the
# filter store's directory, atomic writes, XML files and RELAX NG schemas
# for the parsers).

noinst_LTLIBRARIES += lib/libnwf.la
lib_libnwf_la_SOURCES = \
	lib/filter-dir.c \
	lib/filter-dir.h \
	lib/nwf-file.c \
	lib/nwf-file.h \
	lib/nwf-filter-db.c \
	lib/nwf-filter-db.h \
	lib/nwf-schema.c \
	lib/nwf-schema.h \
	lib/nwf-xmlfile.c \
	lib/nwf-xmlfile.h

# The filter database's IDL (schemas/nwfilter.ovsschema), generated the
# way Open vSwitch generates its own, with ovsdb-idlc from its source tree.
OVSDB_IDLC = PYTHONPATH=$(OVS_SOURCEDIR)/python /usr/bin/python3 \
	$(OVS_SOURCEDIR)/ovsdb/ovsdb-idlc.in
nodist_lib_libnwf_la_SOURCES = lib/nwfilter-idl.c lib/nwfilter-idl.h
# What includes the header waits for it.  (Not BUILT_SOURCES: that makes
# "all" a recursive make, which then races the goals given beside it, as
# utilities/nwf-build.sh gives them, compiling some objects twice at once.)
lib/nwfilter-idl.lo lib/nwf-filter-db.lo controller/filter-db.$(OBJEXT) \
utilities/nwf-ofctl-db.$(OBJEXT): lib/nwfilter-idl.h
CLEANFILES += lib/nwfilter-idl.c lib/nwfilter-idl.h lib/nwfilter-idl.ovsidl
EXTRA_DIST += lib/nwfilter-idl.ann
lib/nwfilter-idl.ovsidl: schemas/nwfilter.ovsschema lib/nwfilter-idl.ann
	$(AM_V_GEN)$(OVSDB_IDLC) annotate $(srcdir)/schemas/nwfilter.ovsschema \
	  $(srcdir)/lib/nwfilter-idl.ann >$@.tmp && mv $@.tmp $@
lib/nwfilter-idl.c: lib/nwfilter-idl.ovsidl
	$(AM_V_GEN)$(OVSDB_IDLC) c-idl-source $< >$@.tmp && mv $@.tmp $@
lib/nwfilter-idl.h: lib/nwfilter-idl.ovsidl
	$(AM_V_GEN)$(OVSDB_IDLC) c-idl-header $< >$@.tmp && mv $@.tmp $@
