/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#include <config.h>

#include "nwf-ofctl-ovsdb.h"

#include "nwf-ofctl.h"
#include "openvswitch/poll-loop.h"
#include "ovsdb-idl.h"
#include "timeval.h"
#include "util.h"

char *
nwf_ofctl_wait_for_contents(struct ovsdb_idl *idl, const char *remote,
                            unsigned int *seqno, long long int deadline)
{
    for (;;) {
        ovsdb_idl_run(idl);
        if (!ovsdb_idl_is_alive(idl)) {
            int retval = ovsdb_idl_get_last_error(idl);
            return xasprintf("%s: database connection failed (%s)",
                             remote, ovs_retval_to_string(retval));
        }
        if (ovsdb_idl_get_seqno(idl) != *seqno
            && ovsdb_idl_has_ever_connected(idl)) {
            *seqno = ovsdb_idl_get_seqno(idl);
            return NULL;
        }
        if (time_msec() >= deadline) {
            int retval = ovsdb_idl_get_last_error(idl);
            return xasprintf("%s: no answer from the database in %d s%s%s%s",
                             remote, nwf_ofctl_timeout,
                             retval ? " (" : "",
                             retval ? ovs_retval_to_string(retval) : "",
                             retval ? ")" : "");
        }
        ovsdb_idl_wait(idl);
        poll_timer_wait_until(deadline);
        poll_block();
    }
}

/* Commits 'txn' by the deadline. */
static enum ovsdb_idl_txn_status
commit(struct ovsdb_idl *idl, struct ovsdb_idl_txn *txn,
       long long int deadline)
{
    enum ovsdb_idl_txn_status status;
    while ((status = ovsdb_idl_txn_commit(txn)) == TXN_INCOMPLETE
           && time_msec() < deadline) {
        ovsdb_idl_run(idl);
        ovsdb_idl_wait(idl);
        ovsdb_idl_txn_wait(txn);
        poll_timer_wait_until(deadline);
        poll_block();
    }
    return status;
}

char *
nwf_ofctl_transact(struct ovsdb_idl *idl, const char *remote,
                   nwf_ofctl_change_func *change, void *aux,
                   const char *comment)
{
    long long int deadline = time_msec() + nwf_ofctl_timeout * 1000LL;
    unsigned int seqno = ovsdb_idl_get_seqno(idl);
    char *error;

    for (;;) {
        error = nwf_ofctl_wait_for_contents(idl, remote, &seqno, deadline);
        if (error) {
            break;
        }
        struct ovsdb_idl_txn *txn = ovsdb_idl_txn_create(idl);
        ovsdb_idl_txn_add_comment(txn, "nwf-ofctl: %s", comment);
        error = change(idl, txn, aux);
        if (error) {
            ovsdb_idl_txn_destroy(txn);
            break;
        }
        enum ovsdb_idl_txn_status status = commit(idl, txn, deadline);
        if (status == TXN_TRY_AGAIN) {
            /* What it read changed (a verify failed), or a clustered
             * database changed leaders: again, on fresh contents. */
            ovsdb_idl_txn_destroy(txn);
            continue;
        }
        if (status == TXN_INCOMPLETE) {
            error = xasprintf("%s: no answer from the database in %d s",
                              remote, nwf_ofctl_timeout);
        } else if (status != TXN_SUCCESS && status != TXN_UNCHANGED) {
            error = xasprintf("%s: transaction failed: %s", remote,
                              ovsdb_idl_txn_get_error(txn));
        }
        ovsdb_idl_txn_destroy(txn);
        break;
    }
    return error;
}
