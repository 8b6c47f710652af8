/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#include <config.h>

#include "ct-zone.h"

#include "bitmap.h"
#include "nwf-pipeline.h"
#include "ofctrl.h"
#include "openflow/nicira-ext.h"
#include "openvswitch/ofp-msgs.h"
#include "openvswitch/ofpbuf.h"

/* Zones held by bound ports, across all bridges. */
static unsigned long *zones_used;

static bool
ct_zone_in_use(unsigned int zone)
{
    return zones_used && bitmap_is_set(zones_used, zone);
}

static void
ct_zone_set_used(unsigned int zone, bool used)
{
    if (!zones_used) {
        zones_used = bitmap_allocate(NWF_ZONE_MAX + 1);
    }
    bitmap_set(zones_used, zone, used);
}

/* Sends NXT_CT_FLUSH_ZONE for 'zone' through 'ofctrl'. */
static void
ct_zone_flush(struct ofctrl *ofctrl, uint16_t zone)
{
    struct ofpbuf *msg = ofpraw_alloc(OFPRAW_NXT_CT_FLUSH_ZONE,
                                      OFP13_VERSION, 0);
    struct nx_zone_id *nzi = ofpbuf_put_zeros(msg, sizeof *nzi);
    nzi->zone_id = htons(zone);
    ofctrl_send_raw(ofctrl, msg);
}

/* Returns a zone for a newly bound port: 'wanted' (the zone its Interface
 * had, or 0) if it is a free zone, otherwise the lowest free zone,
 * flushed through 'ofctrl'.  Returns 0 if every zone is taken. */
uint16_t
ct_zone_allocate(unsigned int wanted, struct ofctrl *ofctrl)
{
    unsigned int z = wanted;
    if (z < NWF_ZONE_MIN || z > NWF_ZONE_MAX || ct_zone_in_use(z)) {
        z = (zones_used
             ? bitmap_scan(zones_used, 0, NWF_ZONE_MIN, NWF_ZONE_MAX + 1)
             : NWF_ZONE_MIN);
        if (z > NWF_ZONE_MAX) {
            return 0;
        }
        ct_zone_flush(ofctrl, z);
    }
    ct_zone_set_used(z, true);
    return z;
}

/* 'zone' is no longer a port's (0 is none). */
void
ct_zone_release(uint16_t zone)
{
    if (zone) {
        ct_zone_set_used(zone, false);
    }
}

void
ct_zone_destroy(void)
{
    bitmap_free(zones_used);
    zones_used = NULL;
}
