# filters/: our built-in filters, same names and behaviour as libvirt's.
builtinfiltersdir = $(pkgdatadir)/filters
dist_builtinfilters_DATA = \
	filters/allow-arp.xml \
	filters/allow-dhcp-server.xml \
	filters/allow-dhcp.xml \
	filters/allow-dhcpv6-server.xml \
	filters/allow-dhcpv6.xml \
	filters/allow-incoming-ipv4.xml \
	filters/allow-incoming-ipv6.xml \
	filters/allow-ipv4.xml \
	filters/allow-ipv6.xml \
	filters/clean-traffic-gateway.xml \
	filters/clean-traffic.xml \
	filters/no-arp-ip-spoofing.xml \
	filters/no-arp-mac-spoofing.xml \
	filters/no-arp-spoofing.xml \
	filters/no-ip-multicast.xml \
	filters/no-ip-spoofing.xml \
	filters/no-ipv6-multicast.xml \
	filters/no-ipv6-spoofing.xml \
	filters/no-mac-broadcast.xml \
	filters/no-mac-spoofing.xml \
	filters/no-other-l2-traffic.xml \
	filters/no-other-rarp-traffic.xml \
	filters/qemu-announce-self-rarp.xml \
	filters/qemu-announce-self.xml
