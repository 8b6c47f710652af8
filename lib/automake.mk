# lib/: what the programs around the pure compiler share: files (the
# filter store's directory, atomic writes, XML files and RELAX NG schemas
# for the parsers).

noinst_LTLIBRARIES += lib/libnwf.la
lib_libnwf_la_SOURCES = \
	lib/filter-dir.c \
	lib/filter-dir.h \
	lib/nwf-file.c \
	lib/nwf-file.h \
	lib/nwf-schema.c \
	lib/nwf-schema.h \
	lib/nwf-xmlfile.c \
	lib/nwf-xmlfile.h
