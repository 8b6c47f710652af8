/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#ifndef NWF_OFPACTS_H
#define NWF_OFPACTS_H 1

/* The actions and match fields of the pipeline (nwf-pipeline.h), built as
 * Open vSwitch's own types: each helper appends one action to an ofpbuf
 * of ofpacts, or sets one field of a struct match, exactly as
 * Open vSwitch's parser would for the same ovs-ofctl text. */

#include <stdint.h>
#include "openvswitch/meta-flow.h"
#include "openvswitch/types.h"

struct match;
struct ofpbuf;

/* set_field:VALUE->REG for a 32-bit register ('reg' is MFF_REG0...). */
void nwf_put_set_reg(struct ofpbuf *, enum mf_field_id reg, uint32_t value);
void nwf_put_goto_table(struct ofpbuf *, uint8_t table);
void nwf_put_resubmit(struct ofpbuf *, uint8_t table);
void nwf_put_output(struct ofpbuf *, ofp_port_t);
/* controller(userdata=REASON,meter_id=METER). */
void nwf_put_controller(struct ofpbuf *, uint8_t reason, uint32_t meter_id);
/* move:SRC[SRC_OFS..]->DST[DST_OFS..], 'n_bits' wide. */
void nwf_put_move(struct ofpbuf *, enum mf_field_id src, int src_ofs,
                  enum mf_field_id dst, int dst_ofs, int n_bits);
/* output:REG[0..15], the port in register 'reg'. */
void nwf_put_output_reg(struct ofpbuf *, enum mf_field_id reg);
/* load:VALUE->REG[OFS..OFS+N_BITS-1] for a 32-bit register. */
void nwf_put_load(struct ofpbuf *, enum mf_field_id reg, int ofs, int n_bits,
                  uint32_t value);
/* ct(FLAGS,table=RECIRC_TABLE,zone=NWF_MFF_ZONE[0..15]): 'flags' are
 * NX_CT_F_*, 'recirc_table' NX_CT_RECIRC_NONE for no "table". */
void nwf_put_ct(struct ofpbuf *, uint16_t flags, uint8_t recirc_table);
void nwf_put_ct_clear(struct ofpbuf *);
void nwf_put_pop_vlan(struct ofpbuf *);
/* clone(...): the actions put between nwf_put_clone_start() and
 * nwf_put_clone_end(), which takes what the first returned. */
size_t nwf_put_clone_start(struct ofpbuf *);
void nwf_put_clone_end(struct ofpbuf *, size_t start);
/* push_vlan:0x8100, then the VLAN id from NWF_MFF_VLAN into the tag. */
void nwf_put_push_vlan_from_reg(struct ofpbuf *);

/* Marks 'match' as matching Ethernet packets only (the default packet
 * type) if it matches any field of a packet's headers, as Open vSwitch's
 * parser does for each field it reads: a match built field by field is
 * then the same as one parsed from its text, also for ofctrl's comparison
 * with the flows the switch reports. */
void nwf_match_add_ethernet_prereq(struct match *);

/* REG=VALUE for a 32-bit register. */
void nwf_match_set_reg(struct match *, enum mf_field_id reg, uint32_t value);

#endif /* nwf-ofpacts.h */
