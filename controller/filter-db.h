/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#ifndef FILTER_DB_H
#define FILTER_DB_H 1

/* nwf-controller --filter-db=REMOTE: the host's filters come from the
 * filter database of a fleet (schemas/nwfilter.ovsschema,
 * docs/distributed.md) instead of its filter directory.
 *
 * Whenever the database's filters differ from the store's, each changed
 * definition goes through filter_cmds_define() (tried on every port that
 * uses it, then committed, or nothing changes) and each filter gone from
 * the database through filter_cmds_undefine().  The store's backend is a
 * directory that caches what was applied, so that a host that starts
 * while the database is unreachable filters with its last definitions,
 * and one that loses it keeps its flows; it catches up when the database
 * comes back.
 *
 * The host's row in the Host table says which generation of the
 * database it has applied in full, its flows confirmed by the switches,
 * and, if a definition did not apply
 * (a port could not take it), why: the host then stays on the previous
 * definition of that filter, and tries the new one again every few
 * seconds (a port may get what it lacked) and at each change of the
 * database.  The row also lists, per filter, the ports
 * that use it, which nwf-ofctl --db checks before an undefine. */

struct nwf_store;

void filter_db_init(const char *remote, const char *host_name,
                    struct nwf_store *);
void filter_db_run(void);
void filter_db_wait(void);
void filter_db_destroy(void);

#endif /* filter-db.h */
