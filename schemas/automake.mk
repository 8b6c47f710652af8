# schemas/: the RelaxNG schemas of the filter and filter-binding formats.
dist_pkgdata_DATA += schemas/nwfilter.rng
dist_pkgdata_DATA += schemas/nwfilterbinding.rng
