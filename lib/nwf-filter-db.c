/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#include <config.h>

#include "nwf-filter-db.h"

#include <stdlib.h>
#include <string.h>

#include "lib/nwfilter-idl.h"
#include "sset.h"
#include "util.h"

const struct nwfrec_filter *
nwf_filter_db_find_filter(const struct ovsdb_idl *idl, const char *name)
{
    const struct nwfrec_filter *row;
    NWFREC_FILTER_FOR_EACH (row, idl) {
        if (!strcmp(row->name, name)) {
            return row;
        }
    }
    return NULL;
}

const struct nwfrec_host *
nwf_filter_db_find_host(const struct ovsdb_idl *idl, const char *name)
{
    const struct nwfrec_host *row;
    NWFREC_HOST_FOR_EACH (row, idl) {
        if (!strcmp(row->name, name)) {
            return row;
        }
    }
    return NULL;
}

int64_t
nwf_filter_db_generation(const struct ovsdb_idl *idl)
{
    const struct nwfrec_nwfilter_global *global
        = nwfrec_nwfilter_global_first(idl);
    return global ? global->generation : 0;
}

char *
nwf_filter_db_ports_format(const struct sset *ports)
{
    return sset_join(ports, ",", "");
}

void
nwf_filter_db_ports_parse(const char *list, const char *host,
                          struct sset *ports)
{
    char *copy = xstrdup(list);
    char *save_ptr = NULL;
    for (char *port = strtok_r(copy, ",", &save_ptr); port;
         port = strtok_r(NULL, ",", &save_ptr)) {
        char *entry = xasprintf("%s:%s", host, port);
        sset_add(ports, entry);
        free(entry);
    }
    free(copy);
}
