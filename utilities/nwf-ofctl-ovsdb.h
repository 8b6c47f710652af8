/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#ifndef NWF_OFCTL_OVSDB_H
#define NWF_OFCTL_OVSDB_H 1

/* nwf-ofctl's transactions on a database through the OVSDB IDL, the
 * Open_vSwitch database's (nwf-ofctl-binding.c) as the filter
 * database's (nwf-ofctl-db.c): wait for its contents, let a function put
 * its changes into one transaction, commit, and start again on fresh
 * contents if someone else changed what it read.  Every wait ends by
 * nwf_ofctl_timeout. */

#include "openvswitch/compiler.h"

struct ovsdb_idl;
struct ovsdb_idl_txn;

/* What one transaction does: given the database's current contents, puts
 * its changes into 'txn', or returns a malloc()ed message to change
 * nothing. */
typedef char *nwf_ofctl_change_func(struct ovsdb_idl *,
                                    struct ovsdb_idl_txn *, void *aux);

/* Runs 'idl' (connected to 'remote', named in messages) until its
 * contents are newer than '*seqno', or the deadline (time_msec()).
 * Returns NULL, or a malloc()ed message. */
char *nwf_ofctl_wait_for_contents(struct ovsdb_idl *, const char *remote,
                                  unsigned int *seqno, long long int deadline)
    OVS_WARN_UNUSED_RESULT;

/* Runs 'change' in one transaction on 'idl', which the caller created
 * and destroys.  Returns NULL, or a malloc()ed message if 'change'
 * refused or the database failed, in which case nothing was written.
 * 'comment' goes into the database's log. */
char *nwf_ofctl_transact(struct ovsdb_idl *, const char *remote,
                         nwf_ofctl_change_func *, void *aux,
                         const char *comment)
    OVS_WARN_UNUSED_RESULT;

#endif /* nwf-ofctl-ovsdb.h */
