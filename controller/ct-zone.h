/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#ifndef CT_ZONE_H
#define CT_ZONE_H 1

/* Conntrack zones: one per bound Interface, NWF_ZONE_MIN to NWF_ZONE_MAX
 * (nwf-pipeline.h), shared by all bridges (zones belong to the datapath,
 * which all userspace bridges share).
 *
 * A port keeps the zone its Interface had (external_ids:filterref-ct-zone)
 * if that one is free, so that a restart does not move live connections
 * to another zone; otherwise it gets the lowest free zone, which is
 * flushed first: a zone handed to a new binding must not carry the
 * connections of an earlier one. */

#include <stdint.h>

struct ofctrl;

uint16_t ct_zone_allocate(unsigned int wanted, struct ofctrl *);
void ct_zone_release(uint16_t zone);
void ct_zone_destroy(void);

#endif /* ct-zone.h */
