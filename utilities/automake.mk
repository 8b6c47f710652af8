# utilities/: nwf-ofctl and the set-up scripts.

bin_PROGRAMS += utilities/nwf-ofctl
utilities_nwf_ofctl_SOURCES = \
	utilities/nwf-ofctl.c \
	utilities/nwf-ofctl.h \
	utilities/nwf-ofctl-binding.c \
	utilities/nwf-ofctl-db.c \
	utilities/nwf-ofctl-db.h \
	utilities/nwf-ofctl-ovsdb.c \
	utilities/nwf-ofctl-ovsdb.h
utilities_nwf_ofctl_LDADD = \
	lib/libnwf.la compiler/libnwfcompiler.la $(OVS_LIBADD) \
	$(LIBXML2_LIBS) $(JANSSON_LIBS)

EXTRA_DIST += \
	utilities/nwf-install-deps.sh \
	utilities/nwf-sandbox.sh

# The libvirt hook: a wrapper that libvirt runs from its hook directory
# (configure --with-libvirt-hook-dir, default /etc/libvirt/hooks/qemu.d).
libvirthookdir = $(LIBVIRT_HOOK_DIR)
libvirthook_SCRIPTS = utilities/libvirt-hook/ovs-nwfilter
utilities/libvirt-hook/ovs-nwfilter: utilities/ovs-nwfilter-hook.in Makefile
	$(AM_V_GEN)$(MKDIR_P) $(@D) && \
	  sed -e 's|@bindir[@]|$(bindir)|g' \
	      -e 's|@sysconfdir[@]|$(sysconfdir)|g' \
	      $(srcdir)/utilities/ovs-nwfilter-hook.in >$@.tmp && \
	  chmod +x $@.tmp && mv $@.tmp $@
CLEANFILES += utilities/libvirt-hook/ovs-nwfilter
EXTRA_DIST += utilities/ovs-nwfilter-hook.in
