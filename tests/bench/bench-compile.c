/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

/* Compile benchmark: what the compiler costs per port.
 *
 * Not a test and not part of "make check": it prints Markdown tables of
 * measured numbers for docs/performance.md.  Run it as
 *
 *     make bench && tests/bench/bench-compile
 *
 * What it measures (see docs/performance.md for how to read it):
 *
 *   1. For each built-in filter (every NAME.xml of the filter directory),
 *      with the parameters it needs (clean-traffic's has one IPv4
 *      address), and for clean-traffic with 4 and 1,000: rule instances and flows per port, by table,
 *      and the time to compile one port, resolve (nwf_resolve()) plus
 *      flows (nwf_flows_for_port()), the median of --runs runs after
 *      warm-up runs.  Filters are parsed once beforehand: parsing is a
 *      filter store's job, done when a filter is defined, not per port.
 *   2. 1,000 ports (--ports) with clean-traffic and an explicit IP each,
 *      compiled one after another and all kept in memory, as a controller
 *      keeps its desired flows: time per pass and per port, heap and
 *      resident memory; then the bridge-wide flows of a bridge of all
 *      those ports.  This part runs first, so that the memory it reports
 *      is its own, and is printed second.
 *   3. An update as libvirt was measured doing it: clean-traffic gets one
 *      more rule while 21 ports use it; parse it and compile them again.
 *   4. nwf_var_expand() over one list of --list values (one in ten a
 *      repeat of an earlier value), the case that used to be quadratic.
 *
 * Times come from clock_gettime(CLOCK_MONOTONIC); the process runs
 * single-threaded. */

#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "flow.h"
#include "nwf-diag.h"
#include "nwf-filter.h"
#include "nwf-flows.h"
#include "nwf-pipeline.h"
#include "nwf-resolve.h"
#include "nwf-vars.h"
#include "nwf-xml.h"
#include "nwf-xmlfile.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/shash.h"
#include "packets.h"
#include "svec.h"
#include "util.h"

#ifndef NWF_BENCH_FILTER_DIR
#define NWF_BENCH_FILTER_DIR "filters"
#endif

/* Options. */
static const char *filter_dir = NWF_BENCH_FILTER_DIR;
static int n_runs = 201;
static int n_warmup = 20;
static int n_ports = 1000;
static int n_list = 59002;

/* The parameters each built-in filter needs besides $MAC, which comes
 * from the port.  Filters not listed get none. */
static const struct {
    const char *filter;
    const char *params;         /* "NAME=V1,V2;NAME=V" */
} filter_params[] = {
    { "allow-dhcp-server", "DHCPSERVER=10.0.0.254" },
    { "allow-dhcpv6-server", "DHCPSERVER=fd00::fe" },
    { "clean-traffic", "IP=10.0.0.1" },
    { "clean-traffic-gateway",
      "IP=10.0.0.1;GATEWAY_MAC=52:54:00:00:00:fe" },
    { "no-arp-ip-spoofing", "IP=10.0.0.1" },
    { "no-arp-spoofing", "IP=10.0.0.1" },
    { "no-ip-spoofing", "IP=10.0.0.1" },
    { "no-ipv6-spoofing", "IPV6=fd00::1" },
};

/* Tables a port's own flows go to, in the order of the output. */
static const struct {
    uint8_t table;
    const char *name;
} port_tables[] = {
    { NWF_TABLE_CLASSIFY, "CLASSIFY" },
    { NWF_TABLE_ETH_OUT, "ETH_OUT" },
    { NWF_TABLE_IP_OUT, "IP_OUT" },
    { NWF_TABLE_OUTPUT, "OUTPUT" },
    { NWF_TABLE_IP_IN, "IP_IN" },
    { NWF_TABLE_ETH_IN, "ETH_IN" },
};

/* Time. */

static uint64_t
now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int
compare_u64(const void *a_, const void *b_)
{
    const uint64_t *a = a_, *b = b_;
    return *a < *b ? -1 : *a > *b;
}

static uint64_t
median(uint64_t *v, size_t n)
{
    qsort(v, n, sizeof *v, compare_u64);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Memory: kB of the process's resident set, now ("VmRSS") or at its peak
 * ("VmHWM"), from /proc/self/status; 0 if unknown. */
static long
proc_status_kb(const char *field)
{
    FILE *f = fopen("/proc/self/status", "r");
    size_t len = strlen(field);
    char line[256];
    long kb = 0;

    if (!f) {
        return 0;
    }
    while (fgets(line, sizeof line, f)) {
        if (!strncmp(line, field, len) && line[len] == ':') {
            kb = strtol(line + len + 1, NULL, 10);
            break;
        }
    }
    fclose(f);
    return kb;
}

/* Filters, parsed once. */

static struct shash filters = SHASH_INITIALIZER(&filters);

static const struct nwf_filter *
lookup_filter(const char *name, void *aux OVS_UNUSED)
{
    return shash_find_data(&filters, name);
}

static uint32_t
filter_id(const char *name, void *aux OVS_UNUSED)
{
    const struct nwf_filter *f = shash_find_data(&filters, name);
    return f && f->uuid_given ? f->uuid.parts[0] : 0;
}

/* Parses every NAME.xml in 'filter_dir' into 'filters' and their names,
 * sorted, into 'names'.  Returns the time it took. */
static uint64_t
load_filters(struct svec *names)
{
    DIR *dir = opendir(filter_dir);
    if (!dir) {
        ovs_fatal(errno, "%s: cannot open filter directory (use "
                  "--filter-dir)", filter_dir);
    }

    struct dirent *de;
    while ((de = readdir(dir)) != NULL) {
        size_t len = strlen(de->d_name);
        if (len > 4 && !strcmp(de->d_name + len - 4, ".xml")) {
            svec_add_nocopy(names, xmemdup0(de->d_name, len - 4));
        }
    }
    closedir(dir);
    svec_sort(names);

    uint64_t start = now_ns();
    for (size_t i = 0; i < names->n; i++) {
        char *path = xasprintf("%s/%s.xml", filter_dir, names->names[i]);
        struct nwf_diag diag;

        nwf_diag_init(&diag);
        struct nwf_filter *f = nwf_xml_parse_file(path, &diag);
        if (!f) {
            ovs_fatal(0, "%s", nwf_diag_text(&diag));
        }
        shash_add(&filters, f->name, f);
        nwf_diag_destroy(&diag);
        free(path);
    }
    return now_ns() - start;
}

/* Ports. */

struct bench_port {
    struct nwf_port port;
    struct nwf_var_table vars;
};

/* Port number 'i' (0-based): ofport and zone i + 1, a MAC of its own. */
static void
bench_port_init(struct bench_port *bp, size_t i, const char *params)
{
    memset(bp, 0, sizeof *bp);
    bp->port.name = xasprintf("vnet%"PRIuSIZE, i);
    bp->port.ofport = u16_to_ofp(i + 1);
    bp->port.zone = i + 1;
    bp->port.bound = true;
    bp->port.tag = -1;
    bp->port.mac = (struct eth_addr) ETH_ADDR_C(52, 54, 00, 00, 00, 00);
    bp->port.mac.ea[3] = i >> 16;
    bp->port.mac.ea[4] = i >> 8;
    bp->port.mac.ea[5] = i;

    nwf_var_table_init(&bp->vars);
    if (params) {
        char *copy = xstrdup(params);
        char *save = NULL;
        for (char *a = strtok_r(copy, ";", &save); a;
             a = strtok_r(NULL, ";", &save)) {
            char *error = nwf_var_table_parse_assignment(&bp->vars, a,
                                                         NWF_VAR_STRICT);
            if (error) {
                ovs_fatal(0, "%s: %s", params, error);
            }
        }
        free(copy);
    }
}

static void
bench_port_destroy(struct bench_port *bp)
{
    free(bp->port.name);
    nwf_var_table_destroy(&bp->vars);
}

/* Compiles one port with filter 'top' into 'flows' (cleared first), with
 * its rule instances counted in '*n_insts' if nonnull.  Adds the time of
 * each stage to '*resolve_ns' and '*flows_ns'.  Returns NULL, or the
 * error (free() it). */
static char *
compile_port(const char *top, const struct bench_port *bp,
             struct nwf_flow_set *flows, size_t *n_insts,
             uint64_t *resolve_ns, uint64_t *flows_ns)
{
    struct nwf_resolved resolved;
    struct nwf_diag diag;
    char *error = NULL;

    nwf_diag_init(&diag);
    nwf_resolved_init(&resolved);
    nwf_flow_set_clear(flows);

    uint64_t t0 = now_ns();
    enum nwf_resolve_status status = nwf_resolve(top, &bp->vars,
                                                 &bp->port.mac,
                                                 lookup_filter, NULL,
                                                 &resolved, &diag);
    uint64_t t1 = now_ns();
    bool ok = (status == NWF_RESOLVE_OK
               && nwf_flows_for_port(&bp->port, &resolved, filter_id, NULL,
                                     flows, &diag));
    uint64_t t2 = now_ns();

    if (!ok) {
        error = (status == NWF_RESOLVE_NEED_IP
                 ? xstrdup("needs IP")
                 : nwf_diag_first(&diag));
    }
    if (n_insts) {
        *n_insts = resolved.n_insts;
    }
    *resolve_ns += t1 - t0;
    *flows_ns += t2 - t1;
    nwf_resolved_destroy(&resolved);
    nwf_diag_destroy(&diag);
    return error;
}

/* Part 1: one port per filter. */

static const char *
params_for(const char *filter)
{
    for (size_t i = 0; i < ARRAY_SIZE(filter_params); i++) {
        if (!strcmp(filter_params[i].filter, filter)) {
            return filter_params[i].params;
        }
    }
    return NULL;
}

static void
print_us(uint64_t ns)
{
    printf(" %.1f |", ns / 1000.0);
}

static void
bench_one_filter(const char *filter, const char *params, const char *label,
                 const char *params_label)
{
    struct bench_port bp;
    struct nwf_flow_set flows;
    size_t n_insts = 0;
    uint64_t *resolve = xcalloc(n_runs, sizeof *resolve);
    uint64_t *total = xcalloc(n_runs, sizeof *total);
    uint64_t *build = xcalloc(n_runs, sizeof *build);
    uint64_t ignore = 0;
    char *error;

    bench_port_init(&bp, 2, params);
    nwf_flow_set_init(&flows);

    /* Warm up caches, the allocator and the CPU's clock. */
    for (int i = 0; i < n_warmup; i++) {
        error = compile_port(filter, &bp, &flows, &n_insts, &ignore,
                             &ignore);
        if (error) {
            printf("| %s | %s | error: %s |\n", label, params_label, error);
            free(error);
            goto out;
        }
    }
    for (int i = 0; i < n_runs; i++) {
        error = compile_port(filter, &bp, &flows, NULL, &resolve[i],
                             &build[i]);
        ovs_assert(!error);
        total[i] = resolve[i] + build[i];
    }

    size_t by_table[ARRAY_SIZE(port_tables)] = { 0 };
    const struct nwf_flow *f;
    HMAP_FOR_EACH (f, node, &flows.flows) {
        size_t t;
        for (t = 0; t < ARRAY_SIZE(port_tables); t++) {
            if (f->table == port_tables[t].table) {
                by_table[t]++;
                break;
            }
        }
        ovs_assert(t < ARRAY_SIZE(port_tables));
    }

    printf("| %s | %s | %"PRIuSIZE" | **%"PRIuSIZE"** |", label,
           params_label, n_insts, nwf_flow_set_count(&flows));
    for (size_t t = 0; t < ARRAY_SIZE(port_tables); t++) {
        printf(" %"PRIuSIZE" |", by_table[t]);
    }
    print_us(median(resolve, n_runs));
    print_us(median(build, n_runs));
    printf(" **%.1f** |\n", median(total, n_runs) / 1000.0);

out:
    nwf_flow_set_destroy(&flows);
    bench_port_destroy(&bp);
    free(resolve);
    free(total);
    free(build);
}

static void
bench_filters(const struct svec *names)
{
    printf("## One port per filter\n\n"
           "Flows of one bound port (its own flows only, not the "
           "bridge-wide ones), by table, and the time to compile it: "
           "median of %d runs after %d warm-up runs, in microseconds.  "
           "$MAC comes from the port.\n\n", n_runs, n_warmup);
    printf("| filter | parameters | rule instances | flows |");
    for (size_t t = 0; t < ARRAY_SIZE(port_tables); t++) {
        printf(" %s |", port_tables[t].name);
    }
    printf(" resolve µs | flows µs | total µs |\n|---|---|--:|--:|");
    for (size_t t = 0; t < ARRAY_SIZE(port_tables); t++) {
        printf("--:|");
    }
    printf("--:|--:|--:|\n");

    for (size_t i = 0; i < names->n; i++) {
        const char *name = names->names[i];
        const char *params = params_for(name);
        bench_one_filter(name, params, name, params ? params : "");
    }
    bench_one_filter("clean-traffic",
                     "IP=10.0.0.1,10.0.0.2,10.0.0.3,10.0.0.4",
                     "clean-traffic, 4 IPs",
                     "IP=10.0.0.1,10.0.0.2,10.0.0.3,10.0.0.4");

    /* A long list, to show how the cost grows with it. */
    struct ds ips = DS_EMPTY_INITIALIZER;
    ds_put_cstr(&ips, "IP=");
    for (int i = 0; i < 1000; i++) {
        ds_put_format(&ips, "%s10.0.%d.%d", i ? "," : "", i / 250,
                      i % 250 + 1);
    }
    bench_one_filter("clean-traffic", ds_cstr(&ips),
                     "clean-traffic, 1,000 IPs",
                     "IP=10.0.0.1,...,10.0.3.250");
    ds_destroy(&ips);
    printf("\n");
}

/* Part 2: many ports. */

#define N_PASSES 7

static size_t
heap_in_use(void)
{
    return mallinfo2().uordblks;
}

/* Runs the many-ports benchmark and puts its report in 'out', to be
 * printed later: it runs before anything else, so that the memory it
 * reports is its own. */
static void
bench_many_ports(struct ds *out)
{
    struct bench_port *ports = xcalloc(n_ports, sizeof *ports);
    struct nwf_flow_set *flows = xcalloc(n_ports, sizeof *flows);
    size_t n_flows = 0;

    for (int i = 0; i < n_ports; i++) {
        char params[64];
        snprintf(params, sizeof params, "IP=10.%d.%d.%d",
                 i / 250 / 256, i / 250 % 256, i % 250 + 1);
        bench_port_init(&ports[i], i, params);
        nwf_flow_set_init(&flows[i]);
    }

    /* Warm up on a scratch flow set. */
    struct nwf_flow_set scratch;
    uint64_t ignore = 0;
    nwf_flow_set_init(&scratch);
    for (int i = 0; i < n_warmup; i++) {
        char *error = compile_port("clean-traffic", &ports[i % n_ports],
                                   &scratch, NULL, &ignore, &ignore);
        if (error) {
            ovs_fatal(0, "clean-traffic: %s", error);
        }
    }
    nwf_flow_set_destroy(&scratch);

    /* The first pass fills the flow sets from nothing: the memory they
     * take is measured around it.  Later passes compile into the same
     * sets again (nwf_flow_set_clear() keeps their arrays). */
    long rss_before = proc_status_kb("VmRSS");
    size_t heap_before = heap_in_use(), heap_after = 0;
    uint64_t pass_ns[N_PASSES], pass_resolve_ns[N_PASSES];
    uint64_t pass_flows_ns[N_PASSES];
    long rss_after = 0;
    for (size_t pass = 0; pass < N_PASSES; pass++) {
        uint64_t resolve_ns = 0, flows_ns = 0;
        uint64_t start = now_ns();

        n_flows = 0;
        for (int i = 0; i < n_ports; i++) {
            char *error = compile_port("clean-traffic", &ports[i],
                                       &flows[i], NULL, &resolve_ns,
                                       &flows_ns);
            if (error) {
                ovs_fatal(0, "port %d: %s", i, error);
            }
            n_flows += nwf_flow_set_count(&flows[i]);
        }
        pass_ns[pass] = now_ns() - start;
        pass_resolve_ns[pass] = resolve_ns;
        pass_flows_ns[pass] = flows_ns;
        if (!pass) {
            rss_after = proc_status_kb("VmRSS");
            heap_after = heap_in_use();
        }
    }
    long hwm = proc_status_kb("VmHWM");
    uint64_t total_ns = median(pass_ns, N_PASSES);

    /* The bridge-wide flows of a bridge of all those ports: every one a
     * trunk of every VLAN (OVS's default), all bound. */
    struct nwf_port *np = xcalloc(n_ports, sizeof *np);
    for (int i = 0; i < n_ports; i++) {
        np[i] = ports[i].port;
    }
    struct nwf_flow_set bridge;
    nwf_flow_set_init(&bridge);
    nwf_flows_for_bridge(np, n_ports, &bridge);       /* Warm-up. */
    uint64_t bridge_ns[5];
    for (size_t i = 0; i < ARRAY_SIZE(bridge_ns); i++) {
        nwf_flow_set_clear(&bridge);
        uint64_t t0 = now_ns();
        nwf_flows_for_bridge(np, n_ports, &bridge);
        bridge_ns[i] = now_ns() - t0;
    }

    ds_put_format(out, "## %d ports with clean-traffic\n\n"
                  "Each port has its own ofport, zone, MAC and one explicit "
                  "IP.  The ports are compiled one after another (resolve "
                  "+ flows), each port's flows kept in memory, as a "
                  "controller keeps its desired flows.  Times: median of "
                  "%d passes over all ports, after %d warm-up "
                  "compilations.  Memory: the heap in use (glibc's "
                  "mallinfo2()) and the resident set around the first "
                  "pass, which fills the flow sets; this part runs first, "
                  "so the peak is its own.\n\n",
                  n_ports, N_PASSES, n_warmup);
    ds_put_cstr(out, "| what | value |\n|---|--:|\n");
    ds_put_format(out, "| ports | %d |\n", n_ports);
    ds_put_format(out, "| flows (all ports) | %"PRIuSIZE" |\n", n_flows);
    ds_put_format(out, "| total time (median pass) | %.1f ms |\n",
                  total_ns / 1e6);
    ds_put_format(out, "| fastest / slowest pass | %.1f / %.1f ms |\n",
                  pass_ns[0] / 1e6, pass_ns[N_PASSES - 1] / 1e6);
    ds_put_format(out, "| resolve (median pass) | %.1f ms |\n",
                  median(pass_resolve_ns, N_PASSES) / 1e6);
    ds_put_format(out, "| flows (median pass) | %.1f ms |\n",
                  median(pass_flows_ns, N_PASSES) / 1e6);
    ds_put_format(out, "| time per port (median pass) | %.1f µs |\n",
                  total_ns / 1e3 / n_ports);
    ds_put_format(out, "| heap held by the flows, per port | %.1f KiB |\n",
                  (double) (heap_after - heap_before) / 1024 / n_ports);
    ds_put_format(out, "| resident memory before / after | "
                  "%.1f / %.1f MiB |\n",
                  rss_before / 1024.0, rss_after / 1024.0);
    ds_put_format(out, "| peak resident memory (VmHWM) | %.1f MiB |\n",
                  hwm / 1024.0);
    ds_put_format(out, "| bridge-wide flows of the %d-port bridge | "
                  "%"PRIuSIZE" |\n", n_ports, nwf_flow_set_count(&bridge));
    ds_put_format(out, "| time to build them (median of %"PRIuSIZE") | "
                  "%.1f ms |\n\n", ARRAY_SIZE(bridge_ns),
                  median(bridge_ns, ARRAY_SIZE(bridge_ns)) / 1e6);

    nwf_flow_set_destroy(&bridge);
    free(np);
    for (int i = 0; i < n_ports; i++) {
        nwf_flow_set_destroy(&flows[i]);
        bench_port_destroy(&ports[i]);
    }
    free(flows);
    free(ports);
}

/* Part 3: a filter update, as libvirt was measured doing it. */

#define N_UPDATE_PORTS 21

/* Returns clean-traffic.xml with one more rule, an accept of incoming TCP
 * to port 22, parsed. */
static struct nwf_filter *
parse_updated_clean_traffic(void)
{
    char *path = xasprintf("%s/clean-traffic.xml", filter_dir);
    struct ds text = DS_EMPTY_INITIALIZER;
    FILE *f = fopen(path, "r");
    if (!f) {
        ovs_fatal(errno, "%s: cannot read", path);
    }
    for (int c; (c = getc(f)) != EOF; ) {
        ds_put_char(&text, c);
    }
    fclose(f);

    char *end = strstr(ds_cstr(&text), "</filter>");
    ovs_assert(end);
    size_t ofs = end - ds_cstr(&text);
    struct ds updated = DS_EMPTY_INITIALIZER;
    ds_put_buffer(&updated, ds_cstr(&text), ofs);
    ds_put_cstr(&updated, "  <rule action='accept' direction='in' "
                "priority='500'>\n    <tcp dstportstart='22'/>\n"
                "  </rule>\n");
    ds_put_cstr(&updated, ds_cstr(&text) + ofs);

    struct nwf_diag diag;
    nwf_diag_init(&diag);
    struct nwf_filter *filter = nwf_xml_parse_buffer(
        ds_cstr(&updated), updated.length, path, &diag);
    if (!filter) {
        ovs_fatal(0, "%s", nwf_diag_text(&diag));
    }
    nwf_diag_destroy(&diag);
    ds_destroy(&updated);
    ds_destroy(&text);
    free(path);
    return filter;
}

/* libvirt took 34.5 s to apply a redefinition of clean-traffic (one tcp
 * rule added) to 21 bound ports.  The compiler's share of that: parse the
 * new definition and compile the 21 ports again. */
static void
bench_update(void)
{
    struct bench_port ports[N_UPDATE_PORTS];
    struct nwf_flow_set flows[N_UPDATE_PORTS];
    struct shash_node *node = shash_find(&filters, "clean-traffic");
    struct nwf_filter *original = node->data;
    uint64_t *ns = xcalloc(n_runs, sizeof *ns);
    size_t n_before = 0, n_after = 0;
    uint64_t ignore = 0;

    for (size_t i = 0; i < N_UPDATE_PORTS; i++) {
        char params[32];
        snprintf(params, sizeof params, "IP=10.0.0.%"PRIuSIZE, i + 1);
        bench_port_init(&ports[i], i, params);
        nwf_flow_set_init(&flows[i]);
        free(compile_port("clean-traffic", &ports[i], &flows[i], NULL,
                          &ignore, &ignore));
        n_before += nwf_flow_set_count(&flows[i]);
    }

    for (int run = -n_warmup; run < n_runs; run++) {
        uint64_t start = now_ns();
        node->data = parse_updated_clean_traffic();
        n_after = 0;
        for (size_t i = 0; i < N_UPDATE_PORTS; i++) {
            char *error = compile_port("clean-traffic", &ports[i],
                                       &flows[i], NULL, &ignore, &ignore);
            if (error) {
                ovs_fatal(0, "updated clean-traffic: %s", error);
            }
            n_after += nwf_flow_set_count(&flows[i]);
        }
        if (run >= 0) {
            ns[run] = now_ns() - start;
        }
        nwf_filter_destroy(node->data);
        node->data = original;
    }

    printf("## Updating clean-traffic on %d ports\n\n"
           "clean-traffic gets one more rule (accept incoming TCP to port "
           "22); the new definition is parsed from memory and the %d "
           "ports that use it are compiled again: median of %d runs.\n\n",
           N_UPDATE_PORTS, N_UPDATE_PORTS, n_runs);
    printf("| ports | flows before | flows after | time |\n"
           "|--:|--:|--:|--:|\n");
    printf("| %d | %"PRIuSIZE" | %"PRIuSIZE" | %.2f ms |\n\n",
           N_UPDATE_PORTS, n_before, n_after, median(ns, n_runs) / 1e6);

    for (size_t i = 0; i < N_UPDATE_PORTS; i++) {
        nwf_flow_set_destroy(&flows[i]);
        bench_port_destroy(&ports[i]);
    }
    free(ns);
}

/* Part 4: a long list. */

static void
bench_long_list(void)
{
    struct nwf_var_table t;
    struct nwf_var_access a;
    const struct nwf_var_access *ptrs[] = { &a };
    size_t n_unique = 0;

    /* Value i repeats value i - 7 when i % 10 == 9. */
    nwf_var_table_init(&t);
    for (int i = 0; i < n_list; i++) {
        int v = i % 10 == 9 ? i - 7 : i;
        char s[32];
        snprintf(s, sizeof s, "10.%d.%d.%d",
                 (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff);
        nwf_var_table_add(&t, "X", s);
        n_unique += v == i;
    }
    ovs_assert(!nwf_var_access_parse("$X", &a));

    uint64_t ns[5];
    size_t n_combos = 0;
    for (size_t i = 0; i < ARRAY_SIZE(ns); i++) {
        struct nwf_var_combos combos;
        uint64_t t0 = now_ns();
        char *error = nwf_var_expand(ptrs, 1, &t, &combos);
        ns[i] = now_ns() - t0;
        ovs_assert(!error);
        n_combos = combos.n;
        nwf_var_combos_destroy(&combos);
    }
    ovs_assert(n_combos == n_unique);

    printf("## One long list\n\n"
           "nwf_var_expand() of \"$X\" over a list of %d values, one in "
           "ten a repeat (%"PRIuSIZE" distinct): median of %"PRIuSIZE
           " runs.\n\n", n_list, n_unique, ARRAY_SIZE(ns));
    printf("| values | combinations | time |\n|--:|--:|--:|\n");
    printf("| %d | %"PRIuSIZE" | %.2f ms |\n\n", n_list, n_combos,
           median(ns, ARRAY_SIZE(ns)) / 1e6);

    nwf_var_access_destroy(&a);
    nwf_var_table_destroy(&t);
}

/* The machine. */

static void
print_header(uint64_t parse_ns, size_t n_filters)
{
    struct utsname u;
    char cpu[256] = "unknown";
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (f) {
        char line[512];
        while (fgets(line, sizeof line, f)) {
            char *colon = strchr(line, ':');
            if (!strncmp(line, "model name", 10) && colon) {
                snprintf(cpu, sizeof cpu, "%s", colon + 2);
                cpu[strcspn(cpu, "\n")] = '\0';
                break;
            }
        }
        fclose(f);
    }

    time_t now = time(NULL);
    char date[64];
    strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", gmtime(&now));
    uname(&u);

    printf("# bench-compile\n\n");
    printf("- date: %s\n", date);
    printf("- machine: %s, %ld online CPUs, %s %s\n", cpu,
           sysconf(_SC_NPROCESSORS_ONLN), u.sysname, u.release);
#ifdef __OPTIMIZE__
    printf("- compiler: gcc %s, optimized\n", __VERSION__);
#else
    printf("- compiler: gcc %s, NOT optimized\n", __VERSION__);
#endif
    printf("- filters: %"PRIuSIZE" from %s, parsed once in %.1f ms "
           "(not counted below)\n\n", n_filters, filter_dir, parse_ns / 1e6);
}

static void
usage(void)
{
    printf("%s: compile benchmark of ovs-nwfilter\n"
           "usage: %s [OPTIONS]\n"
           "  --filter-dir=DIR  built-in filters (default: %s)\n"
           "  --runs=N          timed runs per filter (default: %d)\n"
           "  --warmup=N        warm-up runs (default: %d)\n"
           "  --ports=N         ports of the many-ports run (default: %d)\n"
           "  --list=N          values of the long list (default: %d)\n"
           "  -h, --help        this help\n",
           program_name, program_name, filter_dir, n_runs, n_warmup,
           n_ports, n_list);
    exit(EXIT_SUCCESS);
}

static int
positive(const char *arg)
{
    char *end;
    long n = strtol(arg, &end, 10);
    if (*end || n < 1 || n > 10000000) {
        ovs_fatal(0, "%s: expected a positive number", arg);
    }
    return n;
}

int
main(int argc, char *argv[])
{
    static const struct option options[] = {
        { "filter-dir", required_argument, NULL, 'd' },
        { "runs", required_argument, NULL, 'r' },
        { "warmup", required_argument, NULL, 'w' },
        { "ports", required_argument, NULL, 'p' },
        { "list", required_argument, NULL, 'l' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };

    set_program_name(argv[0]);
    for (;;) {
        int c = getopt_long(argc, argv, "h", options, NULL);
        if (c == -1) {
            break;
        }
        switch (c) {
        case 'd': filter_dir = optarg; break;
        case 'r': n_runs = positive(optarg); break;
        case 'w': n_warmup = positive(optarg); break;
        case 'p': n_ports = positive(optarg); break;
        case 'l': n_list = positive(optarg); break;
        case 'h': usage(); break;
        default: exit(EXIT_FAILURE);
        }
    }
    if (n_ports > 65000) {
        ovs_fatal(0, "--ports: at most 65000 (16-bit ofports and zones)");
    }

    struct svec names = SVEC_EMPTY_INITIALIZER;
    uint64_t parse_ns = load_filters(&names);

    struct ds many_ports = DS_EMPTY_INITIALIZER;
    bench_many_ports(&many_ports);

    print_header(parse_ns, names.n);
    bench_filters(&names);
    fputs(ds_cstr(&many_ports), stdout);
    ds_destroy(&many_ports);
    bench_update();
    bench_long_list();

    struct shash_node *node;
    SHASH_FOR_EACH (node, &filters) {
        nwf_filter_destroy(node->data);
    }
    shash_destroy(&filters);
    svec_destroy(&names);
    return 0;
}
