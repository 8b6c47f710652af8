/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#ifndef FILTER_DIR_H
#define FILTER_DIR_H 1

/* Directories of filter files, one NAME.xml per filter, as libvirt keeps
 * /etc/libvirt/nwfilter.
 *
 * The filter store's directory
 * ----------------------------
 * nwf_filter_dir_create() returns the backend (nwf-store.h) that keeps a
 * store's filters in a directory.  It loads every NAME.xml in name order
 * (not files starting with '.'); a file that cannot be read is reported
 * by name and skipped.  Saves are atomic (nwf-file.h): the new content
 * goes to a temporary file in the same directory, which is fsync()ed and
 * renamed over NAME.xml, then the directory is fsync()ed.  After a
 * failure the old file is untouched and no temporary file is left; one
 * that a process killed in the middle of a write left (".NAME.xml.XXXXXX")
 * is removed by the first load.  Files are written with mode 0600, as
 * libvirt writes its filter files.
 *
 * nwf_filter_dir_install_builtins() defines in a store each filter of
 * another directory (the project's filters/) that it lacks.
 *
 * Read-only directories
 * ---------------------
 * struct nwf_filter_files is the lookup function "nwf-ofctl compile"
 * gives nwf_compile_port(): filters read when first needed from the first
 * of two directories that has NAME.xml, and never written, plus one filter
 * given as a file, which stands in for the directories' filter of its
 * name. */

#include <stdbool.h>

#include "openvswitch/shash.h"

struct nwf_diag;
struct nwf_filter;
struct nwf_store;
struct sset;

/* The filter store's directory. */
struct nwf_store_backend *nwf_filter_dir_create(const char *dir);
unsigned int nwf_filter_dir_install_builtins(struct nwf_store *,
                                             const char *builtin_dir,
                                             struct sset *installed,
                                             struct nwf_diag *);

/* Read-only directories. */
struct nwf_filter_files {
    const char *dirs[2];        /* Looked in in this order; NULLs skipped. */
    struct nwf_filter *given;   /* From a file named by the caller. */
    struct shash filters;       /* Name -> struct nwf_filter *, or NULL for
                                 * a name with no usable file. */
    struct nwf_diag *diag;      /* For the files that cannot be used. */
};

void nwf_filter_files_init(struct nwf_filter_files *, const char *dir,
                           const char *builtin_dir, struct nwf_diag *);
const char *nwf_filter_files_top(struct nwf_filter_files *,
                                 const char *filter, bool name_only);
const struct nwf_filter *nwf_filter_files_lookup(const char *name,
                                                 void *files);
void nwf_filter_files_destroy(struct nwf_filter_files *);

#endif /* filter-dir.h */
