/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

/* nwf-ofctl: the administrator's tool for ovs-nwfilter, like
 * "virsh nwfilter-*".  Offline commands work on files with no daemon
 * running; the others talk to nwf-controller over its unixctl socket. */

#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "command-line.h"
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

static const struct ovs_cmdl_command all_commands[] = {
    { "list-commands", NULL, 0, 0, nwf_ofctl_list_commands, OVS_RO },
    { NULL, NULL, 0, 0, NULL, OVS_RO },
};

static const struct ovs_cmdl_command *
get_all_commands(void)
{
    return all_commands;
}
