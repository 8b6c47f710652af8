/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

/* Runs the fuzz target over files, without libFuzzer: the smoke run in
 * "make check" replays the corpus in tests/fuzz/corpus, and a crash found
 * by "make fuzz-run" can be replayed under gdb.
 *
 * Usage: fuzz-filter-replay FILE-OR-DIR... */

#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int n_inputs;

static void
replay_file(const char *name)
{
    FILE *file = fopen(name, "rb");
    if (!file) {
        ovs_fatal(errno, "%s: open failed", name);
    }
    struct stat st;
    if (fstat(fileno(file), &st)) {
        ovs_fatal(errno, "%s: stat failed", name);
    }
    uint8_t *data = xmalloc(st.st_size + 1);
    size_t n = fread(data, 1, st.st_size, file);
    fclose(file);

    LLVMFuzzerTestOneInput(data, n);
    free(data);
    n_inputs++;
}

static void
replay(const char *name)
{
    struct stat st;
    if (stat(name, &st)) {
        ovs_fatal(errno, "%s: stat failed", name);
    }
    if (!S_ISDIR(st.st_mode)) {
        replay_file(name);
        return;
    }

    DIR *dir = opendir(name);
    if (!dir) {
        ovs_fatal(errno, "%s: opendir failed", name);
    }
    struct dirent *de;
    while ((de = readdir(dir)) != NULL) {
        if (de->d_name[0] != '.') {
            char *path = xasprintf("%s/%s", name, de->d_name);
            replay(path);
            free(path);
        }
    }
    closedir(dir);
}

int
main(int argc, char *argv[])
{
    set_program_name(argv[0]);
    for (int i = 1; i < argc; i++) {
        replay(argv[i]);
    }
    printf("replayed %d inputs without a crash\n", n_inputs);
    return n_inputs ? 0 : 1;
}
