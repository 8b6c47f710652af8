# Checks for ovs-nwfilter's configure.

# NWF_CHECK_OVS
# -------------
# Finds a configured and built Open vSwitch tree, OVN's way:
# --with-ovs-source=DIR is the source tree, --with-ovs-build=DIR the build
# tree (defaults to the source tree).  Only lib/libopenvswitch.la is needed.
AC_DEFUN([NWF_CHECK_OVS], [
  AC_ARG_WITH([ovs-source],
    [AS_HELP_STRING([--with-ovs-source=DIR],
                    [Open vSwitch 3.1 source tree (utilities/nwf-install-deps.sh prints one)])],
    [OVS_SOURCEDIR=$withval],
    [OVS_SOURCEDIR=])
  AC_ARG_WITH([ovs-build],
    [AS_HELP_STRING([--with-ovs-build=DIR],
                    [Open vSwitch build tree (default: the source tree)])],
    [OVS_BUILDDIR=$withval],
    [OVS_BUILDDIR=$OVS_SOURCEDIR])

  if test -z "$OVS_SOURCEDIR"; then
    for dir in /var/cache/ovs-nwfilter/ovs-*; do
      if test -f "$dir/lib/libopenvswitch.la"; then
        OVS_SOURCEDIR=$dir
        OVS_BUILDDIR=$dir
      fi
    done
  fi
  AC_MSG_CHECKING([for the Open vSwitch source tree])
  if test -z "$OVS_SOURCEDIR" || test ! -f "$OVS_SOURCEDIR/lib/ofp-flow.c"; then
    AC_MSG_RESULT([no])
    AC_MSG_ERROR([Open vSwitch source not found. Install the Debian package
openvswitch-source and run utilities/nwf-install-deps.sh, then pass
--with-ovs-source=DIR with the directory it prints.])
  fi
  OVS_SOURCEDIR=`cd "$OVS_SOURCEDIR" && pwd`
  OVS_BUILDDIR=`cd "$OVS_BUILDDIR" && pwd`
  AC_MSG_RESULT([$OVS_SOURCEDIR])

  AC_MSG_CHECKING([for a built libopenvswitch])
  if test ! -f "$OVS_BUILDDIR/lib/libopenvswitch.la" \
     || test ! -f "$OVS_BUILDDIR/config.h" \
     || test ! -f "$OVS_BUILDDIR/lib/vswitch-idl.h"; then
    AC_MSG_RESULT([no])
    AC_MSG_ERROR([$OVS_BUILDDIR has no lib/libopenvswitch.la, config.h or
lib/vswitch-idl.h. Build it with utilities/nwf-install-deps.sh.])
  fi
  AC_MSG_RESULT([$OVS_BUILDDIR/lib/libopenvswitch.la])

  AC_MSG_CHECKING([the Open vSwitch version])
  OVS_VERSION=`sed -n 's/^#define PACKAGE_VERSION "\(.*\)"/\1/p' "$OVS_BUILDDIR/config.h"`
  AC_MSG_RESULT([$OVS_VERSION])
  case $OVS_VERSION in
    3.1.*) ;;
    *) AC_MSG_WARN([built and tested against Open vSwitch 3.1, found $OVS_VERSION]) ;;
  esac

  # The OVS build tree comes first so that <config.h> is OVS's own: the
  # layout of OVS structures depends on it.
  OVS_CPPFLAGS="-I$OVS_BUILDDIR -I$OVS_SOURCEDIR/include -I$OVS_BUILDDIR/include -I$OVS_SOURCEDIR/lib -I$OVS_BUILDDIR/lib -I$OVS_SOURCEDIR"
  OVS_LIBADD="$OVS_BUILDDIR/lib/libopenvswitch.la"
  AC_SUBST([OVS_SOURCEDIR])
  AC_SUBST([OVS_BUILDDIR])
  AC_SUBST([OVS_VERSION])
  AC_SUBST([OVS_CPPFLAGS])
  AC_SUBST([OVS_LIBADD])
])

# NWF_CHECK_LIBRARIES
# -------------------
# libxml2, libpcap, jansson and CUnit, each failing with the Debian
# package that provides it.
AC_DEFUN([NWF_CHECK_LIBRARIES], [
  PKG_CHECK_MODULES([LIBXML2], [libxml-2.0 >= 2.9], [],
    [AC_MSG_ERROR([libxml2 not found: apt-get install libxml2-dev])])
  PKG_CHECK_MODULES([JANSSON], [jansson >= 2.10], [],
    [AC_MSG_ERROR([jansson not found: apt-get install libjansson-dev])])
  PKG_CHECK_MODULES([CUNIT], [cunit >= 2.1], [],
    [AC_MSG_ERROR([CUnit not found: apt-get install libcunit1-dev])])
  PKG_CHECK_MODULES([LIBPCAP], [libpcap], [],
    [AC_CHECK_LIB([pcap], [pcap_open_offline],
       [LIBPCAP_LIBS=-lpcap; LIBPCAP_CFLAGS=],
       [AC_MSG_ERROR([libpcap not found: apt-get install libpcap-dev])])])
  AC_CHECK_HEADER([pcap/pcap.h], [],
    [AC_MSG_ERROR([pcap/pcap.h not found: apt-get install libpcap-dev])])
])

# NWF_ENABLE_SANITIZERS
# ---------------------
# --enable-sanitizers builds everything with ASan and UBSan.
AC_DEFUN([NWF_ENABLE_SANITIZERS], [
  AC_ARG_ENABLE([sanitizers],
    [AS_HELP_STRING([--enable-sanitizers], [build with ASan and UBSan])],
    [], [enable_sanitizers=no])
  SANITIZER_FLAGS=
  if test "$enable_sanitizers" = yes; then
    SANITIZER_FLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer"
  fi
  AC_SUBST([SANITIZER_FLAGS])
])
