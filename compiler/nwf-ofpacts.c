/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#include <config.h>

#include "nwf-ofpacts.h"

#include "byte-order.h"
#include "flow.h"
#include "nwf-pipeline.h"
#include "openvswitch/match.h"
#include "openvswitch/ofp-actions.h"
#include "openvswitch/ofpbuf.h"
#include "packets.h"
#include "util.h"

void
nwf_put_set_reg(struct ofpbuf *ofpacts, enum mf_field_id reg, uint32_t value)
{
    const struct mf_field *field = mf_from_id(reg);
    ovs_assert(field->n_bytes == sizeof(ovs_be32));

    /* Put with its padding zeroed (given a value, Open vSwitch leaves the
     * padding as it finds it), so that two flows with the same actions
     * are the same bytes and ofpacts_equal() says so. */
    struct ofpact_set_field *sf = ofpact_put_set_field(ofpacts, field,
                                                       NULL, NULL);
    ovs_be32 v = htonl(value);
    memcpy(sf->value, &v, sizeof v);
    memset(ofpact_set_field_mask(sf), 0xff, field->n_bytes);
}

void
nwf_put_goto_table(struct ofpbuf *ofpacts, uint8_t table)
{
    ofpact_put_GOTO_TABLE(ofpacts)->table_id = table;
}

void
nwf_put_resubmit(struct ofpbuf *ofpacts, uint8_t table)
{
    struct ofpact_resubmit *resubmit = ofpact_put_RESUBMIT(ofpacts);
    resubmit->in_port = OFPP_IN_PORT;
    resubmit->table_id = table;
}

void
nwf_put_output(struct ofpbuf *ofpacts, ofp_port_t port)
{
    ofpact_put_OUTPUT(ofpacts)->port = port;
}

void
nwf_put_controller(struct ofpbuf *ofpacts, uint8_t reason, uint32_t meter_id)
{
    struct ofpact_controller *oc = ofpact_put_CONTROLLER(ofpacts);
    oc->max_len = UINT16_MAX;
    oc->reason = OFPR_ACTION;
    oc->meter_id = meter_id;
    ofpbuf_put(ofpacts, &reason, 1);
    oc = ofpacts->header;
    oc->userdata_len = 1;
    ofpact_finish_CONTROLLER(ofpacts, &oc);
}

void
nwf_put_move(struct ofpbuf *ofpacts, enum mf_field_id src, int src_ofs,
             enum mf_field_id dst, int dst_ofs, int n_bits)
{
    struct ofpact_reg_move *move = ofpact_put_REG_MOVE(ofpacts);
    move->src = (struct mf_subfield) { mf_from_id(src), src_ofs, n_bits };
    move->dst = (struct mf_subfield) { mf_from_id(dst), dst_ofs, n_bits };
}

void
nwf_put_output_reg(struct ofpbuf *ofpacts, enum mf_field_id reg)
{
    struct ofpact_output_reg *output = ofpact_put_OUTPUT_REG(ofpacts);
    output->max_len = UINT16_MAX;
    output->src = (struct mf_subfield) { mf_from_id(reg), 0, 16 };
}

void
nwf_put_load(struct ofpbuf *ofpacts, enum mf_field_id reg, int ofs,
             int n_bits, uint32_t value)
{
    const struct mf_field *field = mf_from_id(reg);
    ovs_assert(field->n_bytes == sizeof(ovs_be32));

    /* Marked as NXAST_REG_LOAD, which prints as "load:". */
    struct ofpact_set_field *sf = ofpact_put_reg_load(ofpacts, field,
                                                      NULL, NULL);
    ovs_be32 v = htonl(value);
    bitwise_copy(&v, sizeof v, 0, sf->value, field->n_bytes, ofs, n_bits);
    bitwise_one(ofpact_set_field_mask(sf), field->n_bytes, ofs, n_bits);
}

void
nwf_put_ct(struct ofpbuf *ofpacts, uint16_t flags, uint8_t recirc_table)
{
    struct ofpact_conntrack *ct = ofpact_put_CT(ofpacts);
    ct->flags = flags;
    ct->zone_src = (struct mf_subfield) { mf_from_id(NWF_MFF_ZONE), 0, 16 };
    ct->recirc_table = recirc_table;
    ofpact_finish_CT(ofpacts, &ct);
}

void
nwf_put_ct_clear(struct ofpbuf *ofpacts)
{
    ofpact_put_CT_CLEAR(ofpacts);
}

/* The raw action type that makes a STRIP_VLAN print as "pop_vlan", as it
 * does when it comes from OpenFlow 1.1 or later; the value is private to
 * Open vSwitch's library, so it is taken from a decoded action. */
static uint8_t
pop_vlan_raw(void)
{
    static uint8_t raw;
    static bool inited;

    if (!inited) {
        /* OpenFlow 1.3's OFPAT_POP_VLAN: type 18, 8 bytes long. */
        const ovs_be16 pop[4] = { htons(18), htons(8), 0, 0 };
        struct ofpbuf openflow;
        ofpbuf_use_const(&openflow, &pop, sizeof pop);
        uint64_t stub[8];
        struct ofpbuf decoded = OFPBUF_STUB_INITIALIZER(stub);
        enum ofperr error = ofpacts_pull_openflow_actions(
            &openflow, sizeof pop, OFP13_VERSION, NULL, NULL, &decoded);
        ovs_assert(!error);
        raw = ((const struct ofpact *) decoded.data)->raw;
        ofpbuf_uninit(&decoded);
        inited = true;
    }
    return raw;
}

void
nwf_put_pop_vlan(struct ofpbuf *ofpacts)
{
    ofpact_put_STRIP_VLAN(ofpacts)->ofpact.raw = pop_vlan_raw();
}

size_t
nwf_put_clone_start(struct ofpbuf *ofpacts)
{
    size_t start = ofpacts->size;
    ofpact_put_CLONE(ofpacts);
    return start;
}

void
nwf_put_clone_end(struct ofpbuf *ofpacts, size_t start)
{
    struct ofpact_nest *clone = ofpbuf_at_assert(ofpacts, start,
                                                 sizeof *clone);
    ofpacts->header = clone;
    ofpact_finish_CLONE(ofpacts, &clone);
}

void
nwf_put_push_vlan_from_reg(struct ofpbuf *ofpacts)
{
    ofpact_put_PUSH_VLAN(ofpacts)->ethertype = htons(ETH_TYPE_VLAN_8021Q);
    nwf_put_move(ofpacts, NWF_MFF_VLAN, 0, MFF_VLAN_TCI, 0, 12);
}

void
nwf_match_set_reg(struct match *match, enum mf_field_id reg, uint32_t value)
{
    match_set_reg(match, reg - MFF_REG0, value);
}

void
nwf_match_add_ethernet_prereq(struct match *match)
{
    /* Every field from dl_dst on belongs to a packet's headers and has
     * Ethernet as a prerequisite; those before it are metadata. */
    size_t ofs = offsetof(struct flow, dl_dst);
    const uint8_t *masks = (const uint8_t *) &match->wc.masks;
    if (!is_all_zeros(masks + ofs, sizeof match->wc.masks - ofs)) {
        match_set_default_packet_type(match);
    }
}
