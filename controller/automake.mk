# controller/: nwf-controller, the daemon that keeps every bound port's
# flows right.

bin_PROGRAMS += controller/nwf-controller
controller_nwf_controller_SOURCES = \
	controller/capture.c \
	controller/capture.h \
	controller/ct-zone.c \
	controller/ct-zone.h \
	controller/filter-cmds.c \
	controller/filter-cmds.h \
	controller/filter-db.c \
	controller/filter-db.h \
	controller/nwf-controller.c \
	controller/nwf-unixctl.c \
	controller/nwf-unixctl.h \
	controller/binding.c \
	controller/binding.h \
	controller/bridge.c \
	controller/bridge.h \
	controller/iplearn-packet.c \
	controller/iplearn-packet.h \
	controller/iplearn.c \
	controller/iplearn.h \
	controller/ofctrl-meters.c \
	controller/ofctrl-meters.h \
	controller/ofctrl-stats.c \
	controller/ofctrl-stats.h \
	controller/ofctrl.c \
	controller/ofctrl.h \
	controller/pinctrl.c \
	controller/pinctrl.h
controller_nwf_controller_LDADD = \
	lib/libnwf.la compiler/libnwfcompiler.la $(OVS_LIBADD) \
	$(LIBXML2_LIBS) $(JANSSON_LIBS) $(LIBPCAP_LIBS)
