/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#ifndef NWF_FILTER_DB_H
#define NWF_FILTER_DB_H 1

/* The rows of the filter database of a fleet (schemas/nwfilter.ovsschema,
 * docs/distributed.md), as nwf-controller --filter-db and nwf-ofctl --db
 * both read them, through the IDL of lib/nwfilter-idl.h. */

#include <stdint.h>

struct nwfrec_filter;
struct nwfrec_host;
struct ovsdb_idl;
struct sset;

const struct nwfrec_filter *nwf_filter_db_find_filter(
    const struct ovsdb_idl *, const char *name);
const struct nwfrec_host *nwf_filter_db_find_host(const struct ovsdb_idl *,
                                                  const char *name);

/* NWFilter_Global's generation, 0 before the first change. */
int64_t nwf_filter_db_generation(const struct ovsdb_idl *);

/* A value of Host.filters_in_use: the host's ports that use one filter,
 * sorted, comma-separated.  nwf_filter_db_ports_parse() adds each port of
 * 'list' to 'ports' as "HOST:PORT", the way messages name it. */
char *nwf_filter_db_ports_format(const struct sset *ports);
void nwf_filter_db_ports_parse(const char *list, const char *host,
                               struct sset *ports);

#endif /* nwf-filter-db.h */
