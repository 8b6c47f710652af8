/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#include <config.h>

#include "nwf-flow-set.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "byte-order.h"
#include "flow.h"
#include "nwf-ofpacts.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/ofp-actions.h"
#include "openvswitch/ofp-flow.h"
#include "openvswitch/ofp-protocol.h"
#include "openvswitch/ofpbuf.h"
#include "util.h"

static uint32_t
flow_set_hash(uint8_t table, uint16_t priority, const struct minimatch *match)
{
    return minimatch_hash(match, ((uint32_t) table << 16) | priority);
}

/* The flow of 'set' with the identity of 'key', a flow of any set: found
 * by the hash 'key' already has, so that comparing two sets hashes no
 * match. */
struct nwf_flow *
nwf_flow_set_find_same(const struct nwf_flow_set *set,
                       const struct nwf_flow *key)
{
    struct nwf_flow *f;
    HMAP_FOR_EACH_WITH_HASH (f, node, key->node.hash, &set->flows) {
        if (f->table == key->table && f->priority == key->priority
            && minimatch_equal(&f->match, &key->match)) {
            return f;
        }
    }
    return NULL;
}

static void
flow_destroy(struct nwf_flow *f)
{
    minimatch_destroy(&f->match);
    free(f->ofpacts);
    free(f);
}

static struct nwf_flow *
flow_clone(const struct nwf_flow *src)
{
    struct nwf_flow *f = xmalloc(sizeof *f);
    f->table = src->table;
    f->priority = src->priority;
    minimatch_clone(&f->match, &src->match);
    f->cookie = src->cookie;
    f->ofpacts = xmemdup(src->ofpacts, src->ofpacts_len);
    f->ofpacts_len = src->ofpacts_len;
    f->node.hash = src->node.hash;  /* The same identity: the same hash. */
    return f;
}

/* Whether 'a' and 'b' carry the same cookie and actions.
 *
 * Open vSwitch's action parser leaves the padding of some actions
 * uninitialized (the bytes after a set_field's or load's value and mask),
 * so the same actions parsed twice may differ byte for byte.  Comparing
 * only the bytes made every update of parsed flows send them again (at
 * 1,000 ports, two flow changes of three).  When the bytes differ, the
 * actions are compared as ovs-ofctl prints them. */
bool
nwf_flow_same_content(const struct nwf_flow *a, const struct nwf_flow *b)
{
    return (a->cookie == b->cookie
            && (ofpacts_equal(a->ofpacts, a->ofpacts_len,
                              b->ofpacts, b->ofpacts_len)
                || ofpacts_equal_stringwise(a->ofpacts, a->ofpacts_len,
                                            b->ofpacts, b->ofpacts_len)));
}

void
nwf_flow_set_init(struct nwf_flow_set *set)
{
    hmap_init(&set->flows);
}

void
nwf_flow_set_clear(struct nwf_flow_set *set)
{
    struct nwf_flow *f;
    HMAP_FOR_EACH_POP (f, node, &set->flows) {
        flow_destroy(f);
    }
}

void
nwf_flow_set_destroy(struct nwf_flow_set *set)
{
    if (set) {
        nwf_flow_set_clear(set);
        hmap_destroy(&set->flows);
    }
}

void
nwf_flow_set_swap(struct nwf_flow_set *a, struct nwf_flow_set *b)
{
    hmap_swap(&a->flows, &b->flows);
}

size_t
nwf_flow_set_count(const struct nwf_flow_set *set)
{
    return hmap_count(&set->flows);
}

/* Removes and frees the flow of 'set' with the identity of 'key', if there
 * is one.  Returns true if there was. */
static bool
flow_set_remove_key(struct nwf_flow_set *set, const struct nwf_flow *key)
{
    struct nwf_flow *old = nwf_flow_set_find_same(set, key);
    if (old) {
        hmap_remove(&set->flows, &old->node);
        flow_destroy(old);
    }
    return old != NULL;
}

/* Inserts 'f', which the set takes over, in place of the flow with its
 * identity.  'f->node.hash' must be its flow_set_hash(). */
static void
flow_set_replace(struct nwf_flow_set *set, struct nwf_flow *f)
{
    flow_set_remove_key(set, f);
    hmap_insert(&set->flows, &f->node, f->node.hash);
}

/* Adds to 'set' a flow with copies of 'match' and 'ofpacts', replacing
 * the flow with the same table, priority and match. */
void
nwf_flow_set_add_ofpacts(struct nwf_flow_set *set, uint8_t table,
                         uint16_t priority, uint64_t cookie,
                         const struct match *match,
                         const struct ofpact *ofpacts, size_t ofpacts_len)
{
    struct match m = *match;
    nwf_match_add_ethernet_prereq(&m);

    struct nwf_flow *f = xmalloc(sizeof *f);
    f->table = table;
    f->priority = priority;
    minimatch_init(&f->match, &m);
    f->node.hash = flow_set_hash(table, priority, &f->match);
    f->cookie = cookie;
    f->ofpacts = xmemdup(ofpacts, ofpacts_len);
    f->ofpacts_len = ofpacts_len;
    flow_set_replace(set, f);
}

void
nwf_flow_set_add(struct nwf_flow_set *set, uint8_t table, uint16_t priority,
                 uint64_t cookie, const struct match *match,
                 const struct ofpbuf *ofpacts)
{
    nwf_flow_set_add_ofpacts(set, table, priority, cookie, match,
                             ofpacts->data, ofpacts->size);
}

/* Parses 'text', in ovs-ofctl's syntax, into a new flow in '*flowp'.
 * 'command' is OFPFC_ADD for a whole flow, OFPFC_DELETE_STRICT for one
 * that only names a table, priority and match.  Returns NULL on success,
 * otherwise an error message that the caller must free. */
static char *
flow_parse(const char *text, int command, struct nwf_flow **flowp)
{
    struct ofputil_flow_mod fm;
    enum ofputil_protocol usable;
    char *error = parse_ofp_flow_mod_str(&fm, text, NULL, NULL, command,
                                         &usable);
    *flowp = NULL;
    if (error) {
        return error;
    }
    if (!(usable & OFPUTIL_P_OF13_OXM)) {
        minimatch_destroy(&fm.match);
        free(fm.ofpacts);
        return xasprintf("%s: not expressible in OpenFlow 1.3", text);
    }

    struct nwf_flow *f = xmalloc(sizeof *f);
    /* A flow without "table=" belongs to table 0. */
    f->table = fm.table_id == OFPTT_ALL ? 0 : fm.table_id;
    f->priority = fm.priority;
    f->match = fm.match;
    f->cookie = fm.new_cookie == OVS_BE64_MAX ? 0 : ntohll(fm.new_cookie);
    f->ofpacts = fm.ofpacts;
    f->ofpacts_len = fm.ofpacts_len;
    f->node.hash = flow_set_hash(f->table, f->priority, &f->match);
    *flowp = f;
    return NULL;
}

/* Parses 'flow', in ovs-ofctl's syntax ("table=1,priority=10,ip
 * actions=drop"), and adds it to 'set', replacing the flow with the same
 * table, priority and match.  Returns NULL on success, otherwise an error
 * message that the caller must free. */
char *
nwf_flow_set_add_text(struct nwf_flow_set *set, const char *flow)
{
    struct nwf_flow *f;
    char *error = flow_parse(flow, OFPFC_ADD, &f);
    if (!error) {
        flow_set_replace(set, f);
    }
    return error;
}

/* Removes the flow with the table, priority and match of 'flow', in
 * ovs-ofctl's syntax (actions are ignored).  Returns true if there was
 * one. */
bool
nwf_flow_set_remove_text(struct nwf_flow_set *set, const char *flow)
{
    struct nwf_flow *key;
    char *error = flow_parse(flow, OFPFC_DELETE_STRICT, &key);
    if (error) {
        free(error);
        return false;
    }
    bool found = flow_set_remove_key(set, key);
    flow_destroy(key);
    return found;
}

/* Moves every flow of 'src' into 'dst', replacing flows of 'dst' with the
 * same identity. */
void
nwf_flow_set_move(struct nwf_flow_set *dst, struct nwf_flow_set *src)
{
    struct nwf_flow *f;
    HMAP_FOR_EACH_POP (f, node, &src->flows) {
        flow_set_replace(dst, f);
    }
}

/* Adds a copy of every flow of 'src' to 'dst', replacing flows of 'dst'
 * with the same identity. */
void
nwf_flow_set_merge(struct nwf_flow_set *dst, const struct nwf_flow_set *src)
{
    const struct nwf_flow *f;
    HMAP_FOR_EACH (f, node, &src->flows) {
        nwf_flow_set_add_copy(dst, f);
    }
}

/* Adds a copy of 'f', a flow of another set, to 'set', replacing the flow
 * with its identity. */
void
nwf_flow_set_add_copy(struct nwf_flow_set *set, const struct nwf_flow *f)
{
    flow_set_replace(set, flow_clone(f));
}

/* Removes and frees the flow of 'set' with the identity of 'key', a flow of
 * any set.  Returns true if there was one. */
bool
nwf_flow_set_remove_same(struct nwf_flow_set *set, const struct nwf_flow *key)
{
    return flow_set_remove_key(set, key);
}

void
nwf_flow_set_copy(struct nwf_flow_set *dst, const struct nwf_flow_set *src)
{
    nwf_flow_set_clear(dst);
    nwf_flow_set_merge(dst, src);
}

void
nwf_flow_format_match(const struct nwf_flow *flow, struct ds *s)
{
    /* OFP_DEFAULT_PRIORITY: the priority is not part of the match. */
    minimatch_format(&flow->match, NULL, NULL, s, OFP_DEFAULT_PRIORITY);
}

void
nwf_flow_format_actions(const struct nwf_flow *flow, struct ds *s)
{
    struct ofpact_format_params fp = { .s = s };
    ofpacts_format(flow->ofpacts, flow->ofpacts_len, &fp);
}

/* Appends to 's' the match of 'flow' as nwf_flow_format() prints it: ""
 * for every packet. */
static void
put_match(const struct nwf_flow *flow, struct ds *s)
{
    size_t len = s->length;
    nwf_flow_format_match(flow, s);
    if (s->length - len == 3 && !memcmp(&s->string[len], "any", 3)) {
        ds_truncate(s, len);
    }
}

/* 'flow' as a line of nwf_flow_format() from its match and actions as
 * printed. */
static void
put_flow(const struct nwf_flow *flow, const char *match, const char *actions,
         struct ds *s)
{
    ds_put_format(s, "table=%"PRIu8",priority=%"PRIu16",cookie=0x%"PRIx64
                  "%s%s actions=%s", flow->table, flow->priority,
                  flow->cookie, *match ? "," : "", match, actions);
}

void
nwf_flow_format(const struct nwf_flow *flow, struct ds *s)
{
    struct ds match = DS_EMPTY_INITIALIZER;
    struct ds actions = DS_EMPTY_INITIALIZER;
    put_match(flow, &match);
    nwf_flow_format_actions(flow, &actions);
    put_flow(flow, ds_cstr(&match), ds_cstr(&actions), s);
    ds_destroy(&match);
    ds_destroy(&actions);
}

/* A flow with its match and actions as printed, "MATCH ACTIONS" in 'text'
 * (the sort key), the match 'match_len' bytes of it. */
struct sort_entry {
    const struct nwf_flow *flow;
    char *text;
    size_t match_len;
};

static int
compare_sort_entries(const void *a_, const void *b_)
{
    const struct sort_entry *a = a_;
    const struct sort_entry *b = b_;
    const struct nwf_flow *fa = a->flow;
    const struct nwf_flow *fb = b->flow;

    if (fa->table != fb->table) {
        return fa->table < fb->table ? -1 : 1;
    }
    if (fa->priority != fb->priority) {
        return fa->priority > fb->priority ? -1 : 1;
    }
    int cmp = strcmp(a->text, b->text);
    if (!cmp && fa->cookie != fb->cookie) {
        cmp = fa->cookie < fb->cookie ? -1 : 1;
    }
    return cmp;
}

/* The flows of 'set' with their text, sorted; free each 'text' and the
 * array. */
static struct sort_entry *
sorted_entries(const struct nwf_flow_set *set, size_t *np)
{
    size_t n = hmap_count(&set->flows);
    struct sort_entry *entries = xmalloc(n * sizeof *entries);
    size_t i = 0;

    const struct nwf_flow *f;
    HMAP_FOR_EACH (f, node, &set->flows) {
        struct ds s = DS_EMPTY_INITIALIZER;
        put_match(f, &s);
        size_t match_len = s.length;
        ds_put_char(&s, ' ');
        nwf_flow_format_actions(f, &s);
        entries[i++] = (struct sort_entry) { f, ds_steal_cstr(&s),
                                             match_len };
    }
    qsort(entries, n, sizeof *entries, compare_sort_entries);
    *np = n;
    return entries;
}

const struct nwf_flow **
nwf_flow_set_sorted(const struct nwf_flow_set *set, size_t *np)
{
    struct sort_entry *entries = sorted_entries(set, np);
    const struct nwf_flow **flows = xmalloc(*np * sizeof *flows);
    for (size_t i = 0; i < *np; i++) {
        flows[i] = entries[i].flow;
        free(entries[i].text);
    }
    free(entries);
    return flows;
}

/* Formats each flow once: the sort key is its text. */
void
nwf_flow_set_format(const struct nwf_flow_set *set, struct ds *s)
{
    size_t n;
    struct sort_entry *entries = sorted_entries(set, &n);
    for (size_t i = 0; i < n; i++) {
        struct sort_entry *e = &entries[i];
        e->text[e->match_len] = '\0';
        put_flow(e->flow, e->text, &e->text[e->match_len + 1], s);
        ds_put_char(s, '\n');
        free(e->text);
    }
    free(entries);
}

/* Sets 'both' to the packets that match both 'a' and 'b'.  Returns false
 * if there are none. */
bool
nwf_match_intersect(const struct match *a, const struct match *b,
                    struct match *both)
{
    *both = *a;

    uint64_t *f = (uint64_t *) &both->flow;
    uint64_t *w = (uint64_t *) &both->wc.masks;
    const uint64_t *fb = (const uint64_t *) &b->flow;
    const uint64_t *wb = (const uint64_t *) &b->wc.masks;
    for (size_t i = 0; i < FLOW_U64S; i++) {
        if ((f[i] ^ fb[i]) & w[i] & wb[i]) {
            return false;
        }
        f[i] = (f[i] & w[i]) | (fb[i] & wb[i]);
        w[i] |= wb[i];
    }
    return true;
}
