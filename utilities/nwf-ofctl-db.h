/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#ifndef NWF_OFCTL_DB_H
#define NWF_OFCTL_DB_H 1

/* nwf-ofctl --db=REMOTE (nwf-ofctl-db.c). */

/* --db: the filter database, or NULL for the daemon's filter commands. */
extern char *nwf_ofctl_db;

/* Runs filter command 'command' ("filter/list", "filter/define XML
 * ORIGIN", "filter/undefine NAME", "filter/dumpxml NAME", or "status") on
 * the filter database, as the daemon runs it on its store.  Returns the
 * reply, or NULL with '*errorp' set to a malloc()ed message; nothing is
 * written then. */
char *nwf_ofctl_db_transact(const char *command, int argc,
                            const char *argv[], char **errorp);

#endif /* nwf-ofctl-db.h */
