/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#ifndef NWF_OFCTL_H
#define NWF_OFCTL_H 1

/* What nwf-ofctl's command files share: options and data files. */

#include <stdbool.h>

struct ovs_cmdl_command;

/* --ovs-db: the Open_vSwitch database the binding commands write. */
extern char *nwf_ofctl_ovs_db;

/* --timeout: how long, in seconds, a command may wait for OVSDB. */
extern int nwf_ofctl_timeout;

struct nwf_schema;

const char *nwf_ofctl_store_dir(void);
char *nwf_ofctl_find_builtin_dir(bool quiet);
struct nwf_schema *nwf_ofctl_read_schema(const char *name);

/* The commands of nwf-ofctl-binding.c: filter bindings and the libvirt
 * hook, terminated by a null command. */
const struct ovs_cmdl_command *nwf_ofctl_binding_commands(void);

#endif /* nwf-ofctl.h */
