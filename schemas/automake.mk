# schemas/: the RelaxNG schemas of the filter and filter-binding formats,
# and the OVSDB schema of the filter database of a fleet.
dist_pkgdata_DATA += schemas/nwfilter.rng
dist_pkgdata_DATA += schemas/nwfilterbinding.rng
dist_pkgdata_DATA += schemas/nwfilter.ovsschema
