# schemas/: the RelaxNG schema of the filter format.
dist_pkgdata_DATA += schemas/nwfilter.rng
