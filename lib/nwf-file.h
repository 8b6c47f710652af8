/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#ifndef NWF_FILE_H
#define NWF_FILE_H 1

/* Files, for the programs around the compiler (which reads none itself).
 *
 * Reading: nwf_file_open() opens only regular files, so that a FIFO or a
 * device (validate /dev/tty, a FIFO planted in the filter directory)
 * never blocks the reader; nwf_file_read() reads one whole, up to a
 * limit, reporting problems to a struct nwf_diag against the file name.
 *
 * Writing: nwf_file_write_atomically() replaces a file in one step
 * (temporary file in the same directory, fsync, rename, directory fsync),
 * and nwf_file_remove_stale_temporaries() removes what such a write left
 * when the process was killed in the middle of it. */

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "openvswitch/compiler.h"

struct nwf_diag;
struct svec;

/* Reading. */
FILE *nwf_file_open(const char *file_name, char **errorp)
    OVS_WARN_UNUSED_RESULT;
char *nwf_file_read(const char *file_name, size_t max, size_t *lenp,
                    struct nwf_diag *)
    OVS_WARN_UNUSED_RESULT;
bool nwf_file_list_dir(const char *dir, const char *suffix, struct svec *,
                       struct nwf_diag *);

/* Writing. */
char *nwf_write_file_atomically(const char *dir, const char *file_name,
                                const char *content)
    OVS_WARN_UNUSED_RESULT;
unsigned int nwf_remove_stale_temporaries(const char *dir,
                                          const char *suffix);
int nwf_file_remove(const char *dir, const char *file_name)
    OVS_WARN_UNUSED_RESULT;

#endif /* nwf-file.h */
