# filters/: our built-in filters, same names and behaviour as libvirt's.
builtinfiltersdir = $(pkgdatadir)/filters
dist_builtinfilters_DATA =
