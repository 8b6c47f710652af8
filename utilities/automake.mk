# utilities/: nwf-ofctl and the set-up scripts.

bin_PROGRAMS += utilities/nwf-ofctl
utilities_nwf_ofctl_SOURCES = utilities/nwf-ofctl.c
utilities_nwf_ofctl_LDADD = \
	compiler/libnwfcompiler.la $(OVS_LIBADD) $(LIBXML2_LIBS) \
	$(JANSSON_LIBS)

EXTRA_DIST += \
	utilities/nwf-install-deps.sh \
	utilities/nwf-sandbox.sh
