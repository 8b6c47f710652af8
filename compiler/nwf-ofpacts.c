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
    ovs_be32 v = htonl(value);
    ofpact_put_set_field(ofpacts, mf_from_id(reg), &v, NULL);
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
nwf_put_ct_commit(struct ofpbuf *ofpacts)
{
    struct ofpact_conntrack *ct = ofpact_put_CT(ofpacts);
    ct->flags = NX_CT_F_COMMIT;
    ct->zone_src = (struct mf_subfield) { mf_from_id(NWF_MFF_ZONE), 0, 16 };
    ct->recirc_table = NX_CT_RECIRC_NONE;
    ofpact_finish_CT(ofpacts, &ct);
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
