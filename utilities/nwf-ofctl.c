/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

/* nwf-ofctl: the administrator's tool for ovs-nwfilter, like
 * "virsh nwfilter-*".  Offline commands work on files with no daemon
 * running; the others talk to nwf-controller over its unixctl socket. */

#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "command-line.h"
#include "nwf-diag.h"
#include "nwf-filter.h"
#include "nwf-xml.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/vlog.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(nwf_ofctl);

OVS_NO_RETURN static void usage(void);
static void parse_options(int argc, char *argv[]);
static const struct ovs_cmdl_command *get_all_commands(void);

int
main(int argc, char *argv[])
{
    struct ovs_cmdl_context ctx = { .argc = 0, };

    set_program_name(argv[0]);
    vlog_set_levels(NULL, VLF_ANY_DESTINATION, VLL_WARN);
    parse_options(argc, argv);

    ctx.argc = argc - optind;
    ctx.argv = argv + optind;
    ovs_cmdl_run_command(&ctx, get_all_commands());
    return 0;
}

static void
parse_options(int argc, char *argv[])
{
    enum {
        OPT_VERSION = UCHAR_MAX + 1,
    };
    static const struct option long_options[] = {
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, OPT_VERSION},
        {"verbose", optional_argument, NULL, 'v'},
        {NULL, 0, NULL, 0},
    };
    char *short_options = ovs_cmdl_long_options_to_short_options(long_options);

    for (;;) {
        int c = getopt_long(argc, argv, short_options, long_options, NULL);
        if (c == -1) {
            break;
        }
        switch (c) {
        case 'h':
            usage();

        case OPT_VERSION:
            printf("%s (ovs-nwfilter) %s\n", program_name, NWF_VERSION);
            exit(EXIT_SUCCESS);

        case 'v':
            vlog_set_verbosity(optarg);
            break;

        case '?':
            exit(EXIT_FAILURE);

        default:
            abort();
        }
    }
    free(short_options);

    if (optind >= argc) {
        ovs_fatal(0, "missing command name; use --help for help");
    }
}

static void
usage(void)
{
    printf("%s: ovs-nwfilter administration utility\n"
           "usage: %s [OPTIONS] COMMAND [ARG...]\n"
           "\nOffline commands (no daemon needed):\n"
           "  validate FILE...        check filter files, report every error\n"
           "  format FILE             print a filter as dumpxml would\n"
           "\nOther options:\n"
           "  -v, --verbose=[SPEC]    set logging levels\n"
           "  -h, --help              display this help message\n"
           "  --version               display version information\n",
           program_name, program_name);
    exit(EXIT_SUCCESS);
}

static void
nwf_ofctl_list_commands(struct ovs_cmdl_context *ctx OVS_UNUSED)
{
    ovs_cmdl_print_commands(get_all_commands());
}

/* Returns the RELAX NG schema to validate with: $NWF_SCHEMA if set, else
 * the installed copy, else the source tree's copy next to this program's
 * build directory.  Returns NULL, after saying where it looked, if none
 * is readable. */
static char *
find_schema(void)
{
    const char *env = getenv("NWF_SCHEMA");
    if (env) {
        return xstrdup(env);    /* Its absence is reported when used. */
    }

    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    char *exe_dir = n > 0 ? (exe[n] = '\0', dir_name(exe)) : NULL;
    char *candidates[] = {
        xasprintf("%s/nwfilter.rng", NWF_PKGDATADIR),
        exe_dir ? xasprintf("%s/../schemas/nwfilter.rng", exe_dir) : NULL,
    };
    free(exe_dir);
    char *found = NULL;
    struct ds tried = DS_EMPTY_INITIALIZER;
    for (size_t i = 0; i < ARRAY_SIZE(candidates); i++) {
        if (!candidates[i]) {
            continue;
        }
        if (!found && !access(candidates[i], R_OK)) {
            found = candidates[i];
            continue;
        }
        ds_put_format(&tried, "%s%s", tried.length ? ", " : "",
                      candidates[i]);
        free(candidates[i]);
    }
    if (!found) {
        fprintf(stderr, "%s: RELAX NG schema nwfilter.rng not found (looked "
                "for %s); set NWF_SCHEMA to its path\n", program_name,
                ds_cstr(&tried));
    }
    ds_destroy(&tried);
    return found;
}

/* validate FILE...: schema and parser checks; every error is printed and
 * the exit status is 1 if any file is invalid (or the schema is missing). */
static void
nwf_ofctl_validate(struct ovs_cmdl_context *ctx)
{
    char *schema = find_schema();
    bool ok = schema != NULL;

    for (int i = 1; i < ctx->argc; i++) {
        struct nwf_diag diag;
        nwf_diag_init(&diag);
        if (!nwf_xml_validate_file(ctx->argv[i], schema, &diag)) {
            fprintf(stderr, "%s\n", nwf_diag_text(&diag));
            ok = false;
        }
        nwf_diag_destroy(&diag);
    }
    free(schema);
    exit(ok ? EXIT_SUCCESS : EXIT_FAILURE);
}

/* format FILE: prints the filter the way "dumpxml" would. */
static void
nwf_ofctl_format(struct ovs_cmdl_context *ctx)
{
    struct nwf_diag diag;
    nwf_diag_init(&diag);
    struct nwf_filter *filter = nwf_xml_parse_file(ctx->argv[1], &diag);
    if (!filter) {
        fprintf(stderr, "%s\n", nwf_diag_text(&diag));
        exit(EXIT_FAILURE);
    }

    char *xml = nwf_xml_format_string(filter);
    fputs(xml, stdout);
    free(xml);
    nwf_filter_destroy(filter);
    nwf_diag_destroy(&diag);
}

static const struct ovs_cmdl_command all_commands[] = {
    { "list-commands", NULL, 0, 0, nwf_ofctl_list_commands, OVS_RO },
    { "validate", "FILE...", 1, INT_MAX, nwf_ofctl_validate, OVS_RO },
    { "format", "FILE", 1, 1, nwf_ofctl_format, OVS_RO },
    { NULL, NULL, 0, 0, NULL, OVS_RO },
};

static const struct ovs_cmdl_command *
get_all_commands(void)
{
    return all_commands;
}
