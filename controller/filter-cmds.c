/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

/* The daemon's filter commands: "virsh nwfilter-*" over unixctl.
 *
 * A definition goes through the store in two phases (nwf-store.h): it is
 * checked, then tried on every port that uses it through the binding
 * module's try_change() hook, and only written to the store if every port
 * took it.  So a definition that some port cannot use changes nothing,
 * neither the file nor any flow, as libvirt rolls back
 * (docs/filter-format.md, "Defining and undefining filters"). */

#include <config.h>

#include "filter-cmds.h"

#include <stdlib.h>
#include <string.h>

#include "nwf-diag.h"
#include "nwf-filter.h"
#include "nwf-store.h"
#include "nwf-xml.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/vlog.h"
#include "unixctl.h"
#include "util.h"
#include "uuid.h"

VLOG_DEFINE_THIS_MODULE(filter_cmds);

/* What the commands work on.  There is one store per daemon, so one
 * instance. */
struct filter_cmds {
    struct nwf_store *store;
    struct filter_cmds_hooks hooks;
    char *read_only;            /* Why define and undefine are refused. */
};

static struct filter_cmds filter_cmds;

static unixctl_cb_func filter_cmd_list;
static unixctl_cb_func filter_cmd_define;
static unixctl_cb_func filter_cmd_undefine;
static unixctl_cb_func filter_cmd_dumpxml;

/* Registers the "filter/..." unixctl commands on 'store', with 'hooks'
 * (copied) for what a change means to the ports.  Also makes 'hooks''s
 * in_use() the store's in-use function, so that undefine is refused for a
 * filter some port uses.  Call once, after the store is loaded. */
void
filter_cmds_register(struct nwf_store *store,
                     const struct filter_cmds_hooks *hooks)
{
    ovs_assert(!filter_cmds.store);
    filter_cmds.store = store;
    filter_cmds.hooks = *hooks;
    nwf_store_set_in_use_cb(store, hooks->in_use, hooks->aux);

    unixctl_command_register("filter/list", "[--format=json]", 0, 1,
                             filter_cmd_list, &filter_cmds);
    unixctl_command_register("filter/define", "XML [ORIGIN]", 1, 2,
                             filter_cmd_define, &filter_cmds);
    unixctl_command_register("filter/undefine", "NAME|UUID", 1, 1,
                             filter_cmd_undefine, &filter_cmds);
    unixctl_command_register("filter/dumpxml", "NAME|UUID", 1, 1,
                             filter_cmd_dumpxml, &filter_cmds);
}

/* "filter/list [--format=json]": the table of "virsh nwfilter-list", UUID
 * and name of every filter sorted by name, or the same as a JSON array of
 * {"uuid": UUID, "name": NAME} objects. */
static void
filter_cmd_list(struct unixctl_conn *conn, int argc, const char *argv[],
                void *cmds_)
{
    struct filter_cmds *cmds = cmds_;
    bool json = false;

    if (argc > 1) {
        if (!strcmp(argv[1], "--format=json")) {
            json = true;
        } else if (strcmp(argv[1], "--format=text")) {
            char *error = xasprintf("%s: unknown option (filter/list "
                                    "takes --format=json or --format=text)",
                                    argv[1]);
            unixctl_command_reply_error(conn, error);
            free(error);
            return;
        }
    }

    struct ds s = DS_EMPTY_INITIALIZER;
    if (json) {
        nwf_store_format_list_json(cmds->store, &s);
    } else {
        nwf_store_format_list(cmds->store, &s);
    }
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

/* "filter/define XML [ORIGIN]": defines a filter from the XML text, or
 * replaces the definition of the filter of its name, which then must carry
 * that filter's UUID (docs/filter-format.md, "Defining and undefining
 * filters").  ORIGIN names the input in messages,
 * typically the file the client read.
 *
 * A new definition of a filter in use is first tried on every port that
 * uses it; if any port fails, nothing changes and the reply names each
 * failing port with the reason. */
/* Replies to 'conn' with 'error' if it is nonnull, else with 'reply', and
 * frees both. */
static void
reply_and_free(struct unixctl_conn *conn, char *error, char *reply)
{
    if (error) {
        unixctl_command_reply_error(conn, error);
    } else {
        unixctl_command_reply(conn, reply);
    }
    free(error);
    free(reply);
}

static void
filter_cmd_define(struct unixctl_conn *conn, int argc, const char *argv[],
                  void *cmds_ OVS_UNUSED)
{
    if (filter_cmds.read_only) {
        unixctl_command_reply_error(conn, filter_cmds.read_only);
        return;
    }
    const char *xml = argv[1];
    const char *origin = argc > 2 ? argv[2] : "filter/define";
    char *reply;
    char *error = filter_cmds_define(xml, strlen(xml), origin, &reply);
    reply_and_free(conn, error, reply);
}

char *
filter_cmds_define(const char *xml, size_t len, const char *origin,
                   char **replyp)
{
    struct filter_cmds *cmds = &filter_cmds;
    char *error = NULL;

    *replyp = NULL;
    if (len > NWF_XML_MAX_SIZE) {
        return xasprintf("%s: filter XML of %"PRIuSIZE" bytes is larger "
                         "than the limit of %d bytes", origin, len,
                         NWF_XML_MAX_SIZE);
    }

    struct nwf_diag diag;
    nwf_diag_init(&diag);
    struct nwf_store_change *change;
    enum nwf_store_result result = nwf_store_prepare_define(
        cmds->store, xml, len, origin, &change, &diag);
    switch (result) {
    case NWF_STORE_ERROR:
        error = nwf_diag_first_or(&diag, "filter not defined");
        break;

    case NWF_STORE_UNCHANGED: {
        /* The store does not say which filter: parse the name again
         * (cheap, and this path is the rare one). */
        struct nwf_diag ignore;
        nwf_diag_init(&ignore);
        struct nwf_filter *filter = nwf_xml_parse_buffer(xml, len, origin,
                                                         &ignore);
        *replyp = xasprintf("filter '%s' unchanged",
                            filter ? filter->name : "");
        nwf_filter_destroy(filter);
        nwf_diag_destroy(&ignore);
        break;
    }

    case NWF_STORE_CREATED:
    case NWF_STORE_UPDATED: {
        const struct filter_cmds_hooks *hooks = &cmds->hooks;
        char *name = xstrdup(nwf_store_change_get_filter(change)->name);
        const char *verb = (result == NWF_STORE_CREATED
                            ? "defined" : "updated");

        if (hooks->try_change && !hooks->try_change(change, &diag,
                                                    hooks->aux)) {
            nwf_store_abort(change);
            struct ds s = DS_EMPTY_INITIALIZER;
            ds_put_format(&s, "filter '%s' not %s, nothing changed: ",
                          name, verb);
            if (!nwf_diag_has_errors(&diag)) {
                ds_put_cstr(&s, "the ports that use it could not take "
                            "the new definition");
            } else if (diag.n_errors == 1) {
                ds_put_cstr(&s, nwf_diag_text(&diag));
            } else {
                ds_put_format(&s, "%u ports could not take the new "
                              "definition:\n%s", diag.n_errors,
                              nwf_diag_text(&diag));
            }
            VLOG_WARN("%s", ds_cstr(&s));
            error = ds_steal_cstr(&s);
        } else if (!nwf_store_commit(change, &diag)) {
            if (hooks->abandoned) {
                hooks->abandoned(name, hooks->aux);
            }
            error = nwf_diag_first_or(&diag, "filter not defined");
        } else {
            if (hooks->changed) {
                hooks->changed(name, hooks->aux);
            }
            VLOG_INFO("filter '%s' %s (from %s)", name, verb, origin);
            *replyp = xasprintf("filter '%s' %s", name, verb);
        }
        free(name);
        break;
    }

    default:
        OVS_NOT_REACHED();
    }
    nwf_diag_destroy(&diag);
    return error;
}

/* "filter/undefine NAME|UUID": removes a filter, refused while some port
 * uses it (the message names the ports). */
static void
filter_cmd_undefine(struct unixctl_conn *conn, int argc OVS_UNUSED,
                    const char *argv[], void *cmds_ OVS_UNUSED)
{
    if (filter_cmds.read_only) {
        unixctl_command_reply_error(conn, filter_cmds.read_only);
        return;
    }
    char *reply;
    char *error = filter_cmds_undefine(argv[1], &reply);
    reply_and_free(conn, error, reply);
}

char *
filter_cmds_undefine(const char *name_or_uuid, char **replyp)
{
    struct filter_cmds *cmds = &filter_cmds;
    const struct nwf_filter *filter = nwf_store_find(cmds->store,
                                                     name_or_uuid);
    char *name = filter ? xstrdup(filter->name) : NULL;
    char *error = NULL;

    *replyp = NULL;
    struct nwf_diag diag;
    nwf_diag_init(&diag);
    if (!nwf_store_undefine(cmds->store, name_or_uuid, &diag)) {
        error = nwf_diag_first_or(&diag, "filter not undefined");
    } else {
        const struct filter_cmds_hooks *hooks = &cmds->hooks;
        if (hooks->changed) {
            hooks->changed(name, hooks->aux);
        }
        VLOG_INFO("filter '%s' undefined", name);
        *replyp = xasprintf("filter '%s' undefined", name);
    }
    nwf_diag_destroy(&diag);
    free(name);
    return error;
}

void
filter_cmds_set_read_only(const char *why)
{
    free(filter_cmds.read_only);
    filter_cmds.read_only = why ? xstrdup(why) : NULL;
}

/* "filter/dumpxml NAME|UUID": the filter in libvirt's canonical layout. */
static void
filter_cmd_dumpxml(struct unixctl_conn *conn, int argc OVS_UNUSED,
                   const char *argv[], void *cmds_)
{
    struct filter_cmds *cmds = cmds_;
    const struct nwf_filter *filter = nwf_store_find(cmds->store, argv[1]);
    if (!filter) {
        char *error = xasprintf("no filter with name or uuid '%s'", argv[1]);
        unixctl_command_reply_error(conn, error);
        free(error);
        return;
    }

    char *xml = nwf_xml_format_string(filter);
    unixctl_command_reply(conn, xml);
    free(xml);
}
