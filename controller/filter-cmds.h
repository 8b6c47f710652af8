/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#ifndef FILTER_CMDS_H
#define FILTER_CMDS_H 1

/* The daemon's filter commands, over its unixctl socket: what
 * "nwf-ofctl list/define/undefine/dumpxml" talk to.
 *
 *   filter/list [--format=json]     UUID and name of every filter
 *   filter/define XML [ORIGIN]      define or update from XML text;
 *                                   ORIGIN (a file name) is for messages
 *   filter/undefine NAME|UUID       refused while in use, naming the ports
 *   filter/dumpxml NAME|UUID        the filter in canonical XML
 *
 * The commands own nothing: the filter store is the controller's, and
 * what a definition means for bound ports is the binding module's,
 * reached through the hooks below.  A hook left NULL means: no filter is
 * in use, every change is accepted, nothing to do. */

#include <stdbool.h>
#include <stddef.h>

struct nwf_diag;
struct nwf_store;
struct nwf_store_change;
struct sset;

struct filter_cmds_hooks {
    /* Fills 'ports' with the ports whose filter trees use 'name'; returns
     * true if there is any. */
    bool (*in_use)(const char *name, struct sset *ports, void *aux);

    /* Called with a prepared (not yet committed) change.  Must instantiate
     * the new definition on every affected port and return true only if
     * all succeeded, otherwise false with one message per port in 'diag';
     * then the caller aborts the change and nothing changes anywhere. */
    bool (*try_change)(struct nwf_store_change *, struct nwf_diag *,
                       void *aux);

    /* Called after a change was committed to the store (or a filter was
     * undefined): the binding module installs what try_change() built. */
    void (*changed)(const char *name, void *aux);

    /* Called instead of changed() when try_change() accepted a change but
     * the store could not commit it (its file could not be written): the
     * binding module drops what try_change() built, and the ports keep
     * their old flows. */
    void (*abandoned)(const char *name, void *aux);

    void *aux;
};

void filter_cmds_register(struct nwf_store *,
                          const struct filter_cmds_hooks *);

/* What filter/define and filter/undefine do, for the filter database
 * (filter-db.h) as for the commands: returns NULL with '*replyp' set to
 * the reply, or an error message, nothing changed (both malloc()ed). */
char *filter_cmds_define(const char *xml, size_t len, const char *origin,
                         char **replyp);
char *filter_cmds_undefine(const char *name_or_uuid, char **replyp);

/* Makes filter/define and filter/undefine refuse with 'why' (NULL: accept
 * again): with a filter database, the filters are defined there. */
void filter_cmds_set_read_only(const char *why);

#endif /* filter-cmds.h */
