/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#include <config.h>

#include "ofctrl-flows.h"

#include <stdlib.h>
#include <string.h>

#include "byte-order.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/match.h"
#include "openvswitch/ofp-actions.h"
#include "openvswitch/ofp-flow.h"
#include "openvswitch/ofp-protocol.h"
#include "openvswitch/ofp-util.h"
#include "util.h"

static uint32_t
ofctrl_flow_hash(uint8_t table_id, uint16_t priority,
                 const struct minimatch *match)
{
    return minimatch_hash(match, ((uint32_t) table_id << 16) | priority);
}

struct ofctrl_flow *
ofctrl_flows_find(const struct ofctrl_flows *flows, uint8_t table_id,
                  uint16_t priority, const struct minimatch *match)
{
    struct ofctrl_flow *f;
    HMAP_FOR_EACH_WITH_HASH (f, node,
                             ofctrl_flow_hash(table_id, priority, match),
                             &flows->flows) {
        if (f->table_id == table_id && f->priority == priority
            && minimatch_equal(&f->match, match)) {
            return f;
        }
    }
    return NULL;
}

static void
ofctrl_flow_destroy(struct ofctrl_flow *f)
{
    minimatch_destroy(&f->match);
    free(f->ofpacts);
    free(f);
}

static struct ofctrl_flow *
ofctrl_flow_clone(const struct ofctrl_flow *src)
{
    struct ofctrl_flow *f = xmalloc(sizeof *f);
    f->table_id = src->table_id;
    f->priority = src->priority;
    minimatch_clone(&f->match, &src->match);
    f->cookie = src->cookie;
    f->ofpacts = xmemdup(src->ofpacts, src->ofpacts_len);
    f->ofpacts_len = src->ofpacts_len;
    return f;
}

/* Whether 'a' and 'b' carry the same cookie and actions.
 *
 * Open vSwitch's action parser leaves the padding of some actions
 * uninitialized (the bytes after a set_field's or load's value and mask),
 * so the same actions parsed twice, as every recompiled flow is, may
 * differ byte for byte.  Comparing only the bytes made every update send
 * such flows again (at 1,000 ports, two flow changes of three).  When the
 * bytes differ, the actions are compared as ovs-ofctl prints them. */
bool
ofctrl_flow_same_content(const struct ofctrl_flow *a,
                         const struct ofctrl_flow *b)
{
    return (a->cookie == b->cookie
            && (ofpacts_equal(a->ofpacts, a->ofpacts_len,
                              b->ofpacts, b->ofpacts_len)
                || ofpacts_equal_stringwise(a->ofpacts, a->ofpacts_len,
                                            b->ofpacts, b->ofpacts_len)));
}

void
ofctrl_flows_init(struct ofctrl_flows *flows)
{
    hmap_init(&flows->flows);
}

void
ofctrl_flows_clear(struct ofctrl_flows *flows)
{
    struct ofctrl_flow *f;
    HMAP_FOR_EACH_POP (f, node, &flows->flows) {
        ofctrl_flow_destroy(f);
    }
}

void
ofctrl_flows_destroy(struct ofctrl_flows *flows)
{
    ofctrl_flows_clear(flows);
    hmap_destroy(&flows->flows);
}

void
ofctrl_flows_swap(struct ofctrl_flows *a, struct ofctrl_flows *b)
{
    hmap_swap(&a->flows, &b->flows);
}

size_t
ofctrl_flows_count(const struct ofctrl_flows *flows)
{
    return hmap_count(&flows->flows);
}

static void
ofctrl_flows_insert(struct ofctrl_flows *flows, struct ofctrl_flow *f)
{
    hmap_insert(&flows->flows, &f->node,
                ofctrl_flow_hash(f->table_id, f->priority, &f->match));
}

/* Parses 'flow', in ovs-ofctl's syntax, into a new struct ofctrl_flow in
 * '*flowp'.  'command' is OFPFC_ADD for a whole flow, OFPFC_DELETE_STRICT
 * for one that only names a table, priority and match.  Returns NULL on
 * success, otherwise an error message that the caller must free. */
static char *
ofctrl_flow_parse(const char *flow, int command, struct ofctrl_flow **flowp)
{
    struct ofputil_flow_mod fm;
    enum ofputil_protocol usable;
    char *error = parse_ofp_flow_mod_str(&fm, flow, NULL, NULL, command,
                                         &usable);
    *flowp = NULL;
    if (error) {
        return error;
    }
    if (!(usable & OFPUTIL_P_OF13_OXM)) {
        minimatch_destroy(&fm.match);
        free(fm.ofpacts);
        return xasprintf("%s: not expressible in OpenFlow 1.3", flow);
    }

    struct ofctrl_flow *f = xmalloc(sizeof *f);
    /* A flow without "table=" belongs to table 0. */
    f->table_id = fm.table_id == OFPTT_ALL ? 0 : fm.table_id;
    f->priority = fm.priority;
    f->match = fm.match;
    f->cookie = fm.new_cookie == OVS_BE64_MAX ? 0 : ntohll(fm.new_cookie);
    f->ofpacts = fm.ofpacts;
    f->ofpacts_len = fm.ofpacts_len;
    *flowp = f;
    return NULL;
}

/* Removes and frees the flow in 'flows' with the table, priority and match
 * of 'key', if there is one.  Returns true if there was. */
static bool
ofctrl_flows_remove_key(struct ofctrl_flows *flows,
                        const struct ofctrl_flow *key)
{
    struct ofctrl_flow *old = ofctrl_flows_find(flows, key->table_id,
                                                key->priority, &key->match);
    if (old) {
        hmap_remove(&flows->flows, &old->node);
        ofctrl_flow_destroy(old);
    }
    return old != NULL;
}

/* Parses 'flow', in ovs-ofctl's syntax ("table=1,priority=10,ip
 * actions=drop"), and adds it to 'flows', replacing a flow with the same
 * table, priority and match.  Returns NULL on success, otherwise an error
 * message that the caller must free. */
char *
ofctrl_flows_add(struct ofctrl_flows *flows, const char *flow)
{
    struct ofctrl_flow *f;
    char *error = ofctrl_flow_parse(flow, OFPFC_ADD, &f);
    if (!error) {
        ofctrl_flows_remove_key(flows, f);
        ofctrl_flows_insert(flows, f);
    }
    return error;
}

/* Adds to 'flows' a flow made of copies of the given parts, replacing the
 * flow with the same table, priority and match.  (A flow read back from
 * the switch comes in parts, not as text.) */
void
ofctrl_flows_add_parts(struct ofctrl_flows *flows, uint8_t table_id,
                       uint16_t priority, const struct match *match,
                       uint64_t cookie, const struct ofpact *ofpacts,
                       size_t ofpacts_len)
{
    struct ofctrl_flow *f = xmalloc(sizeof *f);
    f->table_id = table_id;
    f->priority = priority;
    minimatch_init(&f->match, match);
    f->cookie = cookie;
    f->ofpacts = xmemdup(ofpacts, ofpacts_len);
    f->ofpacts_len = ofpacts_len;
    ofctrl_flows_remove_key(flows, f);
    ofctrl_flows_insert(flows, f);
}

/* Removes the flow with the table, priority and match of 'flow' (actions
 * are ignored).  Returns true if there was one. */
bool
ofctrl_flows_remove(struct ofctrl_flows *flows, const char *flow)
{
    struct ofctrl_flow *key;
    char *error = ofctrl_flow_parse(flow, OFPFC_DELETE_STRICT, &key);
    if (error) {
        free(error);
        return false;
    }
    bool found = ofctrl_flows_remove_key(flows, key);
    ofctrl_flow_destroy(key);
    return found;
}

static void
ofctrl_flow_format(const struct ofctrl_flow *f, struct ds *s)
{
    ds_put_format(s, "table=%"PRIu8", cookie=0x%"PRIx64", ",
                  f->table_id, f->cookie);
    minimatch_format(&f->match, NULL, NULL, s, f->priority);
    ds_put_cstr(s, " actions=");
    struct ofpact_format_params fp = { .s = s };
    ofpacts_format(f->ofpacts, f->ofpacts_len, &fp);
}

static int
compare_strings(const void *a_, const void *b_)
{
    const char *const *a = a_;
    const char *const *b = b_;
    return strcmp(*a, *b);
}

/* Appends 'flows' to 's', one per line, sorted so that the output is
 * stable. */
void
ofctrl_flows_format(const struct ofctrl_flows *flows, struct ds *s)
{
    size_t n = hmap_count(&flows->flows);
    char **lines = xmalloc(n * sizeof *lines);
    size_t i = 0;

    const struct ofctrl_flow *f;
    HMAP_FOR_EACH (f, node, &flows->flows) {
        struct ds line = DS_EMPTY_INITIALIZER;
        ofctrl_flow_format(f, &line);
        lines[i++] = ds_steal_cstr(&line);
    }
    qsort(lines, n, sizeof *lines, compare_strings);
    for (i = 0; i < n; i++) {
        ds_put_format(s, "%s\n", lines[i]);
        free(lines[i]);
    }
    free(lines);
}

/* Adds a copy of every flow of 'src' to 'dst', replacing flows of 'dst'
 * with the same table, priority and match. */
void
ofctrl_flows_merge(struct ofctrl_flows *dst, const struct ofctrl_flows *src)
{
    const struct ofctrl_flow *f;
    HMAP_FOR_EACH (f, node, &src->flows) {
        ofctrl_flows_remove_key(dst, f);
        ofctrl_flows_insert(dst, ofctrl_flow_clone(f));
    }
}

void
ofctrl_flows_copy(struct ofctrl_flows *dst, const struct ofctrl_flows *src)
{
    ofctrl_flows_clear(dst);
    ofctrl_flows_merge(dst, src);
}
