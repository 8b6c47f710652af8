/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "filter-dir.h"
#include "nwf-diag.h"
#include "nwf-filter.h"
#include "nwf-resolve.h"
#include "nwf-store.h"
#include "nwf-unit.h"
#include "nwf-xml.h"
#include "openvswitch/dynamic-string.h"
#include "sset.h"
#include "svec.h"
#include "util.h"
#include "uuid.h"

#define U1 "11111111-1111-1111-1111-111111111111"
#define U2 "22222222-2222-2222-2222-222222222222"
#define U3 "33333333-3333-3333-3333-333333333333"
#define U4 "44444444-4444-4444-4444-444444444444"

#define RULE "<rule action='drop' direction='in'/>"
#define RULE2 "<rule action='accept' direction='out' priority='100'/>"

/* ---- Helpers. ---- */

/* A store kept in directory 'dir', as nwf-controller's is. */
static struct nwf_store *
store_create(const char *dir)
{
    return nwf_store_create(nwf_filter_dir_create(dir));
}

/* Returns the XML of filter 'name' with 'uuid' (none if NULL) and
 * 'body'. */
static char *
make_xml(const char *name, const char *uuid, const char *body)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    ds_put_format(&s, "<filter name='%s' chain='root'>\n", name);
    if (uuid) {
        ds_put_format(&s, "  <uuid>%s</uuid>\n", uuid);
    }
    ds_put_format(&s, "  %s\n</filter>\n", body);
    return ds_steal_cstr(&s);
}

static char *
tmpdir_create(void)
{
    char tmpl[] = "/tmp/nwf-store-XXXXXX";
    char *dir = mkdtemp(tmpl);
    CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
    return xstrdup(dir);
}

/* Removes 'dir', its files and its empty subdirectories, and frees it. */
static void
tmpdir_remove(char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *de;
        while ((de = readdir(d)) != NULL) {
            if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) {
                continue;
            }
            char *path = xasprintf("%s/%s", dir, de->d_name);
            if (unlink(path)) {
                rmdir(path);
            }
            free(path);
        }
        closedir(d);
    }
    CU_ASSERT_EQUAL(rmdir(dir), 0);
    free(dir);
}

static void
put_file(const char *dir, const char *name, const char *content)
{
    char *path = xasprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(content, f);
    CU_ASSERT_EQUAL(fclose(f), 0);
    free(path);
}

/* Returns the content of 'dir'/'name', or NULL if it cannot be read. */
static char *
get_file(const char *dir, const char *name)
{
    char *path = xasprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "r");
    free(path);
    if (!f) {
        return NULL;
    }
    struct ds s = DS_EMPTY_INITIALIZER;
    int c;
    while ((c = getc(f)) != EOF) {
        ds_put_char(&s, c);
    }
    fclose(f);
    return ds_steal_cstr(&s);
}

static bool
file_equals(const char *dir, const char *name, const char *expected)
{
    char *content = get_file(dir, name);
    bool equal = content && !strcmp(content, expected);
    if (!equal) {
        fprintf(stderr, "\n%s/%s is:\n%s\nexpected:\n%s\n", dir, name,
                content ? content : "(missing)", expected);
    }
    free(content);
    return equal;
}

/* Returns the names in 'dir' (hidden ones included), sorted, separated by
 * spaces: what the store leaves behind, temporary files included. */
static char *
list_dir(const char *dir)
{
    struct svec names = SVEC_EMPTY_INITIALIZER;
    DIR *d = opendir(dir);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
            svec_add(&names, de->d_name);
        }
    }
    closedir(d);
    svec_sort(&names);
    char *s = svec_join(&names, " ", "");
    svec_destroy(&names);
    return s;
}

static bool
dir_equals(const char *dir, const char *expected)
{
    char *got = list_dir(dir);
    bool equal = !strcmp(got, expected);
    if (!equal) {
        fprintf(stderr, "\n%s holds '%s', expected '%s'\n", dir, got,
                expected);
    }
    free(got);
    return equal;
}

static bool
diag_has(const struct nwf_diag *diag, const char *needle)
{
    bool found = strstr(nwf_diag_text(diag), needle) != NULL;
    if (!found) {
        fprintf(stderr, "\nmissing '%s' in diag:\n%s\n", needle,
                nwf_diag_text(diag));
    }
    return found;
}

/* Defines 'name' with 'uuid' and 'body', expecting 'expected'. */
static void
define(struct nwf_store *store, const char *name, const char *uuid,
       const char *body, enum nwf_store_result expected)
{
    struct nwf_diag diag;
    nwf_diag_init(&diag);
    char *xml = make_xml(name, uuid, body);
    enum nwf_store_result result = nwf_store_define(store, xml, strlen(xml),
                                                    "test", &diag);
    CU_ASSERT_EQUAL(result, expected);
    if (result != expected) {
        fprintf(stderr, "\ndefine %s: got %s, expected %s\n%s\n", name,
                nwf_store_result_to_string(result),
                nwf_store_result_to_string(expected), nwf_diag_text(&diag));
    }
    free(xml);
    nwf_diag_destroy(&diag);
}

/* Defines 'name', expecting an error that contains 'message'. */
static void
define_fails(struct nwf_store *store, const char *name, const char *uuid,
             const char *body, const char *message)
{
    struct nwf_diag diag;
    nwf_diag_init(&diag);
    char *xml = make_xml(name, uuid, body);
    CU_ASSERT_EQUAL(nwf_store_define(store, xml, strlen(xml), "input.xml",
                                     &diag), NWF_STORE_ERROR);
    CU_ASSERT_TRUE(diag_has(&diag, message));
    free(xml);
    nwf_diag_destroy(&diag);
}

static size_t
n_entries(const struct nwf_store *store, const char *name)
{
    const struct nwf_filter *f = nwf_store_find_by_name(store, name);
    CU_ASSERT_PTR_NOT_NULL(f);
    return f ? f->n_entries : SIZE_MAX;
}

/* The name of 'f', or "(none)", for comparisons that must not crash. */
static const char *
name_of(const struct nwf_filter *f)
{
    return f ? f->name : "(none)";
}

static char *
uuid_string(const struct nwf_filter *f)
{
    return f ? xasprintf(UUID_FMT, UUID_ARGS(&f->uuid)) : xstrdup("(none)");
}

/* The formatted XML of filter 'name' of 'store', or "(none)". */
static char *
format_of(const struct nwf_store *store, const char *name)
{
    const struct nwf_filter *f = nwf_store_find_by_name(store, name);
    return f ? nwf_xml_format_string(f) : xstrdup("(none)");
}

/* Returns a new store on 'dir', loaded, expecting 'n_failed' failures. */
static struct nwf_store *
load(const char *dir, unsigned int n_failed, struct nwf_diag *diag)
{
    struct nwf_store *store = store_create(dir);
    CU_ASSERT_EQUAL(nwf_store_load(store, diag), n_failed);
    return store;
}

/* ---- Loading. ---- */

static void
test_load_bad_file(void)
{
    char *dir = tmpdir_create();
    char *a = make_xml("a", U1, RULE);
    char *c = make_xml("c", U3, "<filterref filter='a'/>");
    put_file(dir, "a.xml", a);
    put_file(dir, "b.xml", "<filter name='b'>\n  <rule action=");
    put_file(dir, "c.xml", c);
    put_file(dir, "README", "not a filter");
    put_file(dir, ".hidden.xml", "ignored");
    char *sub = xasprintf("%s/d.xml", dir);
    CU_ASSERT_EQUAL(mkdir(sub, 0700), 0);
    /* A FIFO that nothing writes to: reading it would block. */
    char *fifo = xasprintf("%s/f.xml", dir);
    CU_ASSERT_EQUAL(mkfifo(fifo, 0600), 0);

    /* Over the parser's size limit, however valid. */
    struct ds big = DS_EMPTY_INITIALIZER;
    ds_put_cstr(&big, "<filter name='e'>");
    ds_put_char_multiple(&big, ' ', NWF_XML_MAX_SIZE);
    ds_put_cstr(&big, "</filter>\n");
    put_file(dir, "e.xml", ds_cstr(&big));
    ds_destroy(&big);

    struct nwf_diag diag;
    nwf_diag_init(&diag);
    struct nwf_store *store = load(dir, 4, &diag);
    CU_ASSERT_EQUAL(nwf_store_count(store), 2);
    CU_ASSERT_PTR_NOT_NULL(nwf_store_find_by_name(store, "a"));
    CU_ASSERT_PTR_NOT_NULL(nwf_store_find_by_name(store, "c"));
    CU_ASSERT_PTR_NULL(nwf_store_find_by_name(store, "b"));

    char *b_path = xasprintf("%s/b.xml", dir);
    char *d_msg = xasprintf("%s: not a regular file", sub);
    CU_ASSERT_TRUE(diag_has(&diag, b_path));
    CU_ASSERT_TRUE(diag_has(&diag, d_msg));
    char *f_msg = xasprintf("%s: not a regular file", fifo);
    CU_ASSERT_TRUE(diag_has(&diag, f_msg));
    free(f_msg);
    CU_ASSERT_TRUE(diag_has(&diag, "e.xml: input is"));
    CU_ASSERT_TRUE(diag_has(&diag, "more than the limit"));
    CU_ASSERT_PTR_NULL(nwf_store_find_by_name(store, "e"));
    CU_ASSERT_FALSE(strstr(nwf_diag_text(&diag), "a.xml") != NULL);
    CU_ASSERT_FALSE(strstr(nwf_diag_text(&diag), "README") != NULL);

    /* Files that carried a UUID are not rewritten. */
    CU_ASSERT_TRUE(file_equals(dir, "a.xml", a));

    free(d_msg);
    free(b_path);
    free(fifo);
    free(sub);
    free(a);
    free(c);
    nwf_diag_destroy(&diag);
    nwf_store_destroy(store);
    tmpdir_remove(dir);
}

static void
test_load_name_mismatch(void)
{
    char *dir = tmpdir_create();
    char *y = make_xml("y", U1, RULE);
    put_file(dir, "x.xml", y);

    struct nwf_diag diag;
    nwf_diag_init(&diag);
    struct nwf_store *store = load(dir, 1, &diag);
    CU_ASSERT_EQUAL(nwf_store_count(store), 0);
    CU_ASSERT_PTR_NULL(nwf_store_find_by_name(store, "y"));
    char *msg = xasprintf("%s/x.xml: <filter> attribute 'name' value 'y': "
                          "filter name does not match the file name "
                          "(expected 'x')", dir);
    CU_ASSERT_STRING_EQUAL(nwf_diag_text(&diag), msg);

    free(msg);
    free(y);
    nwf_diag_destroy(&diag);
    nwf_store_destroy(store);
    tmpdir_remove(dir);
}

/* A file that an earlier version let "define" write, with a name the
 * check refuses now, still loads: nothing defined is lost. */
static void
test_load_unchecked_name(void)
{
    char *dir = tmpdir_create();
    char *xml = make_xml("a b", U1, "<filterref filter='$(id)'/>");
    put_file(dir, "a b.xml", xml);

    struct nwf_diag diag;
    nwf_diag_init(&diag);
    struct nwf_store *store = load(dir, 0, &diag);
    CU_ASSERT_PTR_NOT_NULL(nwf_store_find_by_name(store, "a b"));
    CU_ASSERT_STRING_EQUAL(nwf_diag_text(&diag), "");

    /* It can be undefined, not defined again under that name. */
    define_fails(store, "a b", U1, RULE, "(byte 2 is 0x20)");
    struct nwf_diag undef;
    nwf_diag_init(&undef);
    CU_ASSERT_TRUE(nwf_store_undefine(store, "a b", &undef));
    CU_ASSERT_TRUE(dir_equals(dir, ""));

    nwf_diag_destroy(&undef);
    nwf_diag_destroy(&diag);
    nwf_store_destroy(store);
    free(xml);
    tmpdir_remove(dir);
}

/* Creates 'dir'/'name' with 'mode'. */
static void
put_file_mode(const char *dir, const char *name, mode_t mode)
{
    put_file(dir, name, "<filter name='x'/>\n");
    char *path = xasprintf("%s/%s", dir, name);
    CU_ASSERT_EQUAL(chmod(path, mode), 0);
    free(path);
}

/* The temporary files that a write killed between mkstemp() and rename()
 * leaves are removed at load, and no other file. */
static void
test_load_removes_temporaries(void)
{
    char *dir = tmpdir_create();
    char *a = make_xml("a", U1, RULE);
    put_file(dir, "a.xml", a);

    /* A real one, as nwf_write_file_atomically() makes it. */
    char *tmp = xasprintf("%s/.a.xml.XXXXXX", dir);
    int fd = mkstemp(tmp);
    CU_ASSERT_FATAL(fd >= 0);
    close(fd);
    put_file_mode(dir, ".b.xml.Zz09aB", 0600);

    /* Not ours: readable by others, not six characters, not ".xml.",
     * no leading dot, a directory. */
    put_file_mode(dir, ".c.xml.backup", 0644);
    put_file_mode(dir, ".d.xml.abcde", 0600);
    put_file_mode(dir, ".e.json.abcdef", 0600);
    put_file_mode(dir, "f.xml.abcdef", 0600);
    char *sub = xasprintf("%s/.g.xml.abcdef", dir);
    CU_ASSERT_EQUAL(mkdir(sub, 0700), 0);

    struct nwf_diag diag;
    nwf_diag_init(&diag);
    struct nwf_store *store = load(dir, 0, &diag);
    CU_ASSERT_EQUAL(nwf_store_count(store), 1);
    CU_ASSERT_TRUE(dir_equals(dir, ".c.xml.backup .d.xml.abcde "
                              ".e.json.abcdef .g.xml.abcdef a.xml "
                              "f.xml.abcdef"));

    CU_ASSERT_EQUAL(rmdir(sub), 0);
    free(sub);
    free(tmp);
    free(a);
    nwf_diag_destroy(&diag);
    nwf_store_destroy(store);
    tmpdir_remove(dir);
}

static void
test_load_uuid_generated(void)
{
    char *dir = tmpdir_create();
    char *a = make_xml("a", NULL, RULE);
    put_file(dir, "a.xml", a);

    struct nwf_diag diag;
    nwf_diag_init(&diag);
    struct nwf_store *store = load(dir, 0, &diag);
    CU_ASSERT_FALSE(nwf_diag_has_errors(&diag));
    const struct nwf_filter *f = nwf_store_find_by_name(store, "a");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);

    /* The file now holds the filter with its UUID, and nothing else is
     * left in the directory. */
    char *expected = nwf_xml_format_string(f);
    char *uuid = uuid_string(f);
    CU_ASSERT_TRUE(strstr(expected, uuid) != NULL);
    CU_ASSERT_TRUE(file_equals(dir, "a.xml", expected));
    CU_ASSERT_TRUE(dir_equals(dir, "a.xml"));

    /* The UUID is stable: another start finds the same one, and a reload
     * sees nothing new. */
    struct nwf_store *again = load(dir, 0, &diag);
    CU_ASSERT_PTR_NOT_NULL(nwf_store_find_by_uuid_string(again, uuid));
    struct sset changed = SSET_INITIALIZER(&changed);
    CU_ASSERT_EQUAL(nwf_store_reload(store, &changed, &diag), 0);
    CU_ASSERT_EQUAL(sset_count(&changed), 0);
    CU_ASSERT_FALSE(nwf_diag_has_errors(&diag));

    /* An admin rewrites the file without <uuid>: the filter keeps its
     * UUID (and the file gets it back) instead of conflicting with
     * itself. */
    char *a2 = make_xml("a", NULL, RULE RULE2);
    put_file(dir, "a.xml", a2);
    CU_ASSERT_EQUAL(nwf_store_reload(store, &changed, &diag), 0);
    CU_ASSERT_FALSE(nwf_diag_has_errors(&diag));
    CU_ASSERT_TRUE(sset_contains(&changed, "a"));
    CU_ASSERT_EQUAL(n_entries(store, "a"), 2);
    f = nwf_store_find_by_name(store, "a");
    char *uuid2 = uuid_string(f);
    CU_ASSERT_STRING_EQUAL(uuid2, uuid);
    char *expected2 = format_of(store, "a");
    CU_ASSERT_TRUE(file_equals(dir, "a.xml", expected2));

    free(expected2);
    free(uuid2);
    free(a2);
    sset_destroy(&changed);
    nwf_store_destroy(again);
    free(uuid);
    free(expected);
    free(a);
    nwf_diag_destroy(&diag);
    nwf_store_destroy(store);
    tmpdir_remove(dir);
}

/* ---- Defining. ---- */

static void
test_define_new(void)
{
    char *dir = tmpdir_create();
    struct nwf_store *store = store_create(dir);

    define(store, "a", U1, RULE, NWF_STORE_CREATED);
    const struct nwf_filter *a = nwf_store_find_by_name(store, "a");
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    char *a_xml = nwf_xml_format_string(a);
    CU_ASSERT_TRUE(file_equals(dir, "a.xml", a_xml));

    /* Without <uuid> a new filter gets one, which is written too. */
    define(store, "b", NULL, RULE, NWF_STORE_CREATED);
    const struct nwf_filter *b = nwf_store_find_by_name(store, "b");
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    char *b_xml = nwf_xml_format_string(b);
    CU_ASSERT_TRUE(file_equals(dir, "b.xml", b_xml));
    CU_ASSERT_TRUE(dir_equals(dir, "a.xml b.xml"));

    /* What was written loads again as the same filters. */
    struct nwf_diag diag;
    nwf_diag_init(&diag);
    struct nwf_store *again = load(dir, 0, &diag);
    CU_ASSERT_EQUAL(nwf_store_count(again), 2);
    const struct nwf_filter *b2 = nwf_store_find_by_name(again, "b");
    CU_ASSERT_TRUE(b2 && uuid_equals(&b2->uuid, &b->uuid));
    CU_ASSERT_PTR_NOT_NULL(nwf_store_find_by_uuid_string(again, U1));

    free(a_xml);
    free(b_xml);
    nwf_diag_destroy(&diag);
    nwf_store_destroy(again);
    nwf_store_destroy(store);
    tmpdir_remove(dir);
}

static void
test_define_identical(void)
{
    char *dir = tmpdir_create();
    struct nwf_store *store = store_create(dir);

    define(store, "a", U1, RULE, NWF_STORE_CREATED);
    uint64_t seqno = nwf_store_get_seqno(store);

    /* A sentinel in the file shows whether the file is written again. */
    put_file(dir, "a.xml", "sentinel");
    define(store, "a", U1, RULE, NWF_STORE_UNCHANGED);

    /* Different text, same formatted XML. */
    const char *same = "<filter chain=\"root\" name=\"a\">"
                       "<uuid>" U1 "</uuid>"
                       "<rule direction=\"in\" action=\"drop\" "
                       "priority=\"500\"></rule></filter>";
    struct nwf_diag diag;
    nwf_diag_init(&diag);
    CU_ASSERT_EQUAL(nwf_store_define(store, same, strlen(same), "t", &diag),
                    NWF_STORE_UNCHANGED);
    CU_ASSERT_EQUAL(nwf_store_get_seqno(store), seqno);
    CU_ASSERT_TRUE(file_equals(dir, "a.xml", "sentinel"));

    /* A real change is an update, and is written. */
    define(store, "a", U1, RULE RULE2, NWF_STORE_UPDATED);
    CU_ASSERT_NOT_EQUAL(nwf_store_get_seqno(store), seqno);
    CU_ASSERT_EQUAL(n_entries(store, "a"), 2);
    char *xml = format_of(store, "a");
    CU_ASSERT_TRUE(file_equals(dir, "a.xml", xml));
    CU_ASSERT_TRUE(dir_equals(dir, "a.xml"));

    free(xml);
    nwf_diag_destroy(&diag);
    nwf_store_destroy(store);
    tmpdir_remove(dir);
}

static void
test_define_same_name_other_uuid(void)
{
    char *dir = tmpdir_create();
    struct nwf_store *store = store_create(dir);

    define(store, "a", U1, RULE, NWF_STORE_CREATED);
    char *before = get_file(dir, "a.xml");
    uint64_t seqno = nwf_store_get_seqno(store);

    define_fails(store, "a", U2, RULE RULE2,
                 "input.xml: <filter> attribute 'name' value 'a': "
                 "filter 'a' already exists with uuid " U1);
    /* As in libvirt, leaving <uuid> out does not replace a filter. */
    define_fails(store, "a", NULL, RULE RULE2,
                 "filter 'a' already exists with uuid " U1
                 " (give that uuid to replace it)");

    CU_ASSERT_EQUAL(nwf_store_get_seqno(store), seqno);
    CU_ASSERT_EQUAL(n_entries(store, "a"), 1);
    CU_ASSERT_PTR_NULL(nwf_store_find_by_uuid_string(store, U2));
    CU_ASSERT_TRUE(file_equals(dir, "a.xml", before));
    CU_ASSERT_TRUE(dir_equals(dir, "a.xml"));

    free(before);
    nwf_store_destroy(store);
    tmpdir_remove(dir);
}

static void
test_define_same_uuid_other_name(void)
{
    char *dir = tmpdir_create();
    struct nwf_store *store = store_create(dir);

    define(store, "a", U1, RULE, NWF_STORE_CREATED);
    define_fails(store, "b", U1, RULE,
                 "input.xml: <uuid> value '" U1 "': filter with uuid " U1
                 " already exists under the name 'a'");
    CU_ASSERT_PTR_NULL(nwf_store_find_by_name(store, "b"));
    CU_ASSERT_EQUAL(nwf_store_count(store), 1);
    CU_ASSERT_TRUE(dir_equals(dir, "a.xml"));

    nwf_store_destroy(store);
    tmpdir_remove(dir);
}

static void
test_define_bad_name(void)
{
    char *dir = tmpdir_create();
    struct nwf_store *store = store_create(dir);

    define_fails(store, "sub/evil", U1, RULE, "(byte 4 is 0x2f)");
    define_fails(store, "../evil", U2, RULE, "must start with a letter");
    define_fails(store, "a&#9;b", U3, RULE, "value 'a\\x09b': filter name "
                 "may contain only letters, digits and _.:- (byte 2 is "
                 "0x09)");

    /* What the docs forbid and an earlier define accepted: a command
     * substitution, quotes, a space, a right-to-left override. */
    define_fails(store, "$(id)", U1, RULE, "(byte 1 is 0x24)");
    define_fails(store, "a&quot;b", U1, RULE, "(byte 2 is 0x22)");
    define_fails(store, "a&apos;b", U1, RULE, "(byte 2 is 0x27)");
    define_fails(store, "a b", U1, RULE, "(byte 2 is 0x20)");
    define_fails(store, "a\xe2\x80\xae" "b", U1, RULE,
                 "value 'a\\xe2\\x80\\xaeb': filter name may contain "
                 "only letters, digits and _.:- (byte 2 is 0xe2)");

    /* The same length limit as "validate". */
    char *name200 = xasprintf("%0200d", 0);
    char *name201 = xasprintf("%0201d", 0);
    define(store, name200, U4, RULE, NWF_STORE_CREATED);
    define_fails(store, name201, U2, RULE,
                 "201 bytes long, more than the limit of 200");

    /* A filterref to a name that can never be defined. */
    define_fails(store, "ok", U3, "<filterref filter='a b'/>",
                 "input.xml:3: <filterref> attribute 'filter' value 'a b'");
    CU_ASSERT_EQUAL(nwf_store_count(store), 1);
    char *file200 = xasprintf("%s.xml", name200);
    CU_ASSERT_TRUE(dir_equals(dir, file200));
    free(file200);
    free(name201);
    free(name200);

    nwf_store_destroy(store);
    tmpdir_remove(dir);
}

static void
test_define_reversed_range(void)
{
    char *dir = tmpdir_create();
    struct nwf_store *store = store_create(dir);
    static const char reversed[] =
        "<rule action='accept' direction='in'>"
        "<tcp dstportstart='100' dstportend='10'/></rule>";

    define_fails(store, "r", U1, reversed,
                 "input.xml:3: <tcp> attribute 'dstportend' value '10': the "
                 "end of the range is below its start, dstportstart='100'");
    CU_ASSERT_EQUAL(nwf_store_count(store), 0);
    CU_ASSERT_TRUE(dir_equals(dir, ""));

    /* A file an earlier version wrote loads all the same, with a
     * warning: its ports fail as before, and "edit" can fix it. */
    char *xml = make_xml("r", U1, reversed);
    put_file(dir, "r.xml", xml);
    struct nwf_diag diag;
    nwf_diag_init(&diag);
    CU_ASSERT_EQUAL(nwf_store_load(store, &diag), 0);
    CU_ASSERT_PTR_NOT_NULL(nwf_store_find_by_name(store, "r"));
    define(store, "r", U1, RULE, NWF_STORE_UPDATED);

    nwf_diag_destroy(&diag);
    free(xml);
    nwf_store_destroy(store);
    tmpdir_remove(dir);
}

static void
test_loop_self(void)
{
    char *dir = tmpdir_create();
    struct nwf_store *store = store_create(dir);

    define_fails(store, "a", U1, "<filterref filter='a'/>",
                 "<filterref> attribute 'filter' value 'a': filter 'a' "
                 "would introduce a loop: a -> a");
    CU_ASSERT_EQUAL(nwf_store_count(store), 0);
    CU_ASSERT_TRUE(dir_equals(dir, ""));

    /* Also when it replaces a definition without the reference. */
    define(store, "a", U1, RULE, NWF_STORE_CREATED);
    define_fails(store, "a", U1, RULE "<filterref filter='a'/>",
                 "a -> a");
    CU_ASSERT_EQUAL(n_entries(store, "a"), 1);

    nwf_store_destroy(store);
    tmpdir_remove(dir);
}

static void
test_loop_cycle(void)
{
    char *dir = tmpdir_create();
    struct nwf_store *store = store_create(dir);

    /* a -> b -> c, plus side branches the search must get through. */
    define(store, "a", U1, "<filterref filter='x'/><filterref filter='b'/>",
           NWF_STORE_CREATED);
    define(store, "b", U2, "<filterref filter='d'/><filterref filter='c'/>",
           NWF_STORE_CREATED);
    define(store, "c", U3, RULE, NWF_STORE_CREATED);
    define(store, "d", U4, RULE, NWF_STORE_CREATED);

    char *c_before = get_file(dir, "c.xml");
    uint64_t seqno = nwf_store_get_seqno(store);

    define_fails(store, "c", U3, RULE "<filterref filter='d'/>"
                 "<filterref filter='a'/>",
                 "<filterref> attribute 'filter' value 'a': filter 'c' "
                 "would introduce a loop: c -> a -> b -> c");

    /* Nothing changed, in memory or on disk. */
    CU_ASSERT_EQUAL(nwf_store_get_seqno(store), seqno);
    CU_ASSERT_EQUAL(n_entries(store, "c"), 1);
    CU_ASSERT_TRUE(file_equals(dir, "c.xml", c_before));
    CU_ASSERT_TRUE(dir_equals(dir, "a.xml b.xml c.xml d.xml"));

    /* A diamond is not a loop: c and d both reached twice. */
    define(store, "d", U4, "<filterref filter='c'/>", NWF_STORE_UPDATED);
    define(store, "e", NULL, "<filterref filter='b'/><filterref filter='d'/>"
           "<filterref filter='c'/>", NWF_STORE_CREATED);

    /* The new definition of a filter replaces its old one in the search:
     * d -> c is gone once d is redefined, so c may refer to d. */
    define(store, "d", U4, RULE, NWF_STORE_UPDATED);
    define(store, "c", U3, "<filterref filter='d'/>", NWF_STORE_UPDATED);
    define_fails(store, "d", U4, "<filterref filter='e'/>",
                 "d -> e -> b -> d");

    free(c_before);
    nwf_store_destroy(store);
    tmpdir_remove(dir);
}

static void
test_undefined_refs(void)
{
    char *dir = tmpdir_create();
    struct nwf_store *store = store_create(dir);

    define(store, "a", U1, "<filterref filter='missing'/>",
           NWF_STORE_CREATED);
    CU_ASSERT_PTR_NULL(nwf_store_find_by_name(store, "missing"));
    CU_ASSERT_TRUE(dir_equals(dir, "a.xml"));

    /* Defining the missing filter later is checked against the reference
     * that was waiting for it. */
    define_fails(store, "missing", U2, "<filterref filter='a'/>",
                 "missing -> a -> missing");
    define(store, "missing", U2, RULE, NWF_STORE_CREATED);

    nwf_store_destroy(store);
    tmpdir_remove(dir);
}

/* ---- Two-phase define. ---- */

static size_t
resolve_count(const struct nwf_filter *(*lookup)(const char *, void *),
              void *aux, const char *top)
{
    struct nwf_resolved r;
    struct nwf_diag diag;
    nwf_resolved_init(&r);
    nwf_diag_init(&diag);
    enum nwf_resolve_status status = nwf_resolve(top, NULL, NULL, lookup,
                                                 aux, &r, &diag);
    CU_ASSERT_EQUAL(status, NWF_RESOLVE_OK);
    if (status != NWF_RESOLVE_OK) {
        fprintf(stderr, "\nresolve: %s\n", nwf_diag_text(&diag));
    }
    size_t n = r.n_insts;
    nwf_resolved_destroy(&r);
    nwf_diag_destroy(&diag);
    return n;
}

static void
test_prepare_abort(void)
{
    char *dir = tmpdir_create();
    struct nwf_store *store = store_create(dir);
    define(store, "top", U1, "<filterref filter='a'/>", NWF_STORE_CREATED);
    define(store, "a", U2, RULE, NWF_STORE_CREATED);
    char *a_before = get_file(dir, "a.xml");
    uint64_t seqno = nwf_store_get_seqno(store);

    struct nwf_diag diag;
    nwf_diag_init(&diag);
    struct nwf_store_change *change;
    char *xml = make_xml("a", U2, RULE RULE2);
    CU_ASSERT_EQUAL(nwf_store_prepare_define(store, xml, strlen(xml), "t",
                                             &change, &diag),
                    NWF_STORE_UPDATED);
    CU_ASSERT_PTR_NOT_NULL_FATAL(change);
    CU_ASSERT_EQUAL(nwf_store_change_get_filter(change)->n_entries, 2);

    /* The change's lookup sees the new definition, the store the old. */
    const struct nwf_filter *seen = nwf_store_change_lookup("a", change);
    CU_ASSERT_TRUE(seen && seen->n_entries == 2);
    CU_ASSERT_EQUAL(resolve_count(nwf_store_change_lookup, change, "top"),
                    2);
    CU_ASSERT_EQUAL(resolve_count(nwf_store_lookup, store, "top"), 1);
    CU_ASSERT_TRUE(file_equals(dir, "a.xml", a_before));

    nwf_store_abort(change);
    CU_ASSERT_EQUAL(n_entries(store, "a"), 1);
    CU_ASSERT_EQUAL(nwf_store_get_seqno(store), seqno);
    CU_ASSERT_TRUE(file_equals(dir, "a.xml", a_before));

    /* Aborting a new filter leaves no trace either. */
    char *b = make_xml("b", U3, RULE);
    CU_ASSERT_EQUAL(nwf_store_prepare_define(store, b, strlen(b), "t",
                                             &change, &diag),
                    NWF_STORE_CREATED);
    CU_ASSERT_PTR_NOT_NULL(nwf_store_change_lookup("b", change));
    CU_ASSERT_PTR_NULL(nwf_store_find_by_name(store, "b"));
    nwf_store_abort(change);
    CU_ASSERT_PTR_NULL(nwf_store_find_by_name(store, "b"));
    CU_ASSERT_PTR_NULL(nwf_store_find_by_uuid_string(store, U3));
    CU_ASSERT_EQUAL(nwf_store_count(store), 2);
    CU_ASSERT_TRUE(dir_equals(dir, "a.xml top.xml"));

    /* No change object for an identical definition or an error. */
    char *same = make_xml("a", U2, RULE);
    change = (struct nwf_store_change *) 1;
    CU_ASSERT_EQUAL(nwf_store_prepare_define(store, same, strlen(same), "t",
                                             &change, &diag),
                    NWF_STORE_UNCHANGED);
    CU_ASSERT_PTR_NULL(change);
    CU_ASSERT_EQUAL(nwf_store_prepare_define(store, "<x", 2, "t", &change,
                                             &diag), NWF_STORE_ERROR);
    CU_ASSERT_PTR_NULL(change);

    free(same);
    free(b);
    free(xml);
    free(a_before);
    nwf_diag_destroy(&diag);
    nwf_store_destroy(store);
    tmpdir_remove(dir);
}

static void
test_prepare_commit(void)
{
    char *dir = tmpdir_create();
    struct nwf_store *store = store_create(dir);
    define(store, "top", U1, "<filterref filter='a'/>", NWF_STORE_CREATED);
    define(store, "a", U2, RULE, NWF_STORE_CREATED);

    struct nwf_diag diag;
    nwf_diag_init(&diag);
    struct nwf_store_change *change;
    char *xml = make_xml("a", U2, RULE RULE2);
    CU_ASSERT_EQUAL(nwf_store_prepare_define(store, xml, strlen(xml), "t",
                                             &change, &diag),
                    NWF_STORE_UPDATED);
    CU_ASSERT_PTR_NOT_NULL_FATAL(change);
    CU_ASSERT_EQUAL(resolve_count(nwf_store_change_lookup, change, "top"),
                    2);
    CU_ASSERT_TRUE(nwf_store_commit(change, &diag));
    CU_ASSERT_FALSE(nwf_diag_has_errors(&diag));

    CU_ASSERT_EQUAL(resolve_count(nwf_store_lookup, store, "top"), 2);
    char *expected = format_of(store, "a");
    CU_ASSERT_TRUE(file_equals(dir, "a.xml", expected));
    CU_ASSERT_TRUE(dir_equals(dir, "a.xml top.xml"));

    /* The file is a complete, private copy. */
    char *path = xasprintf("%s/a.xml", dir);
    struct stat st;
    CU_ASSERT_EQUAL(stat(path, &st), 0);
    CU_ASSERT_EQUAL(st.st_mode & 0777, 0600);
    CU_ASSERT_EQUAL(st.st_size, strlen(expected));

    struct nwf_store *again = load(dir, 0, &diag);
    CU_ASSERT_EQUAL(n_entries(again, "a"), 2);

    nwf_store_destroy(again);
    free(path);
    free(expected);
    free(xml);
    nwf_diag_destroy(&diag);
    nwf_store_destroy(store);
    tmpdir_remove(dir);
}

static void
test_commit_failure(void)
{
    char *dir = tmpdir_create();
    struct nwf_store *store = store_create(dir);
    define(store, "a", U1, RULE, NWF_STORE_CREATED);
    char *a_before = get_file(dir, "a.xml");
    uint64_t seqno = nwf_store_get_seqno(store);

    struct nwf_diag diag;
    nwf_diag_init(&diag);
    struct nwf_store_change *change;

    /* The rename fails: a directory is in the way. */
    char *b_path = xasprintf("%s/b.xml", dir);
    CU_ASSERT_EQUAL(mkdir(b_path, 0700), 0);
    char *b = make_xml("b", U2, RULE);
    CU_ASSERT_EQUAL(nwf_store_prepare_define(store, b, strlen(b), "t",
                                             &change, &diag),
                    NWF_STORE_CREATED);
    CU_ASSERT_PTR_NOT_NULL_FATAL(change);
    CU_ASSERT_FALSE(nwf_store_commit(change, &diag));
    CU_ASSERT_TRUE(diag_has(&diag, "rename of"));
    CU_ASSERT_PTR_NULL(nwf_store_find_by_name(store, "b"));
    CU_ASSERT_EQUAL(nwf_store_get_seqno(store), seqno);
    CU_ASSERT_TRUE(dir_equals(dir, "a.xml b.xml"));
    CU_ASSERT_EQUAL(rmdir(b_path), 0);

    /* The write fails halfway: the file size limit is hit (SIGXFSZ is
     * ignored so that write() reports EFBIG). */
    char *a2 = make_xml("a", U1, RULE RULE2);
    nwf_diag_clear(&diag);
    CU_ASSERT_EQUAL(nwf_store_prepare_define(store, a2, strlen(a2), "t",
                                             &change, &diag),
                    NWF_STORE_UPDATED);
    CU_ASSERT_PTR_NOT_NULL_FATAL(change);
    struct rlimit old_limit, limit;
    CU_ASSERT_EQUAL_FATAL(getrlimit(RLIMIT_FSIZE, &old_limit), 0);
    void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN);
    limit = old_limit;
    limit.rlim_cur = 32;
    CU_ASSERT_EQUAL_FATAL(setrlimit(RLIMIT_FSIZE, &limit), 0);
    bool committed = nwf_store_commit(change, &diag);
    setrlimit(RLIMIT_FSIZE, &old_limit);
    signal(SIGXFSZ, old_handler);
    CU_ASSERT_FALSE(committed);
    CU_ASSERT_TRUE(diag_has(&diag, "write of"));
    CU_ASSERT_TRUE(diag_has(&diag, "the old file is unchanged"));
    CU_ASSERT_EQUAL(n_entries(store, "a"), 1);
    CU_ASSERT_TRUE(file_equals(dir, "a.xml", a_before));
    CU_ASSERT_TRUE(dir_equals(dir, "a.xml"));

    /* A change prepared before the store changed cannot be committed:
     * its checks were made against another store. */
    nwf_diag_clear(&diag);
    CU_ASSERT_EQUAL(nwf_store_prepare_define(store, b, strlen(b), "t",
                                             &change, &diag),
                    NWF_STORE_CREATED);
    CU_ASSERT_PTR_NOT_NULL_FATAL(change);
    define(store, "c", U3, RULE, NWF_STORE_CREATED);
    CU_ASSERT_FALSE(nwf_store_commit(change, &diag));
    CU_ASSERT_TRUE(diag_has(&diag, "filter 'b' not defined: the filter "
                            "store changed"));
    CU_ASSERT_PTR_NULL(nwf_store_find_by_name(store, "b"));
    CU_ASSERT_TRUE(dir_equals(dir, "a.xml c.xml"));

    /* With a missing directory, define fails cleanly. */
    struct nwf_store *nowhere = store_create("/nonexistent/nwf-store");
    nwf_diag_clear(&diag);
    CU_ASSERT_EQUAL(nwf_store_define(nowhere, b, strlen(b), "t", &diag),
                    NWF_STORE_ERROR);
    CU_ASSERT_TRUE(diag_has(&diag, "cannot create temporary file"));
    CU_ASSERT_EQUAL(nwf_store_count(nowhere), 0);
    nwf_store_destroy(nowhere);

    free(a2);
    free(b);
    free(b_path);
    free(a_before);
    nwf_diag_destroy(&diag);
    nwf_store_destroy(store);
    tmpdir_remove(dir);
}

/* ---- Undefining. ---- */

/* The owner's view for the tests: which ports use which filters. */
struct usage {
    struct sset asked;          /* Filters the store asked about. */
};

static bool
usage_in_use(const char *name, struct sset *ports, void *usage_)
{
    struct usage *usage = usage_;
    sset_add(&usage->asked, name);
    if (!strcmp(name, "a")) {
        sset_add(ports, "vnet1");
        sset_add(ports, "vnet0");
        return true;
    } else if (!strcmp(name, "b")) {
        sset_add(ports, "vnet7");
        return true;
    }
    return false;
}

static void
test_undefine_in_use(void)
{
    char *dir = tmpdir_create();
    struct nwf_store *store = store_create(dir);
    struct usage usage = { .asked = SSET_INITIALIZER(&usage.asked) };
    nwf_store_set_in_use_cb(store, usage_in_use, &usage);

    define(store, "a", U1, RULE, NWF_STORE_CREATED);
    define(store, "b", U2, RULE, NWF_STORE_CREATED);
    define(store, "c", U3, "<filterref filter='a'/>", NWF_STORE_CREATED);
    uint64_t seqno = nwf_store_get_seqno(store);

    struct nwf_diag diag;
    nwf_diag_init(&diag);
    CU_ASSERT_FALSE(nwf_store_undefine(store, "a", &diag));
    CU_ASSERT_STRING_EQUAL(nwf_diag_text(&diag), "filter 'a' is in use by "
                           "ports vnet0, vnet1");
    nwf_diag_clear(&diag);
    CU_ASSERT_FALSE(nwf_store_undefine(store, U2, &diag));
    CU_ASSERT_STRING_EQUAL(nwf_diag_text(&diag), "filter 'b' is in use by "
                           "port vnet7");
    CU_ASSERT_PTR_NOT_NULL(nwf_store_find_by_name(store, "a"));
    CU_ASSERT_PTR_NOT_NULL(nwf_store_find_by_name(store, "b"));
    CU_ASSERT_EQUAL(nwf_store_get_seqno(store), seqno);
    CU_ASSERT_TRUE(dir_equals(dir, "a.xml b.xml c.xml"));

    /* c is not used by a port, only refers to a: it can go. */
    nwf_diag_clear(&diag);
    CU_ASSERT_TRUE(nwf_store_undefine(store, "c", &diag));
    CU_ASSERT_FALSE(nwf_diag_has_errors(&diag));
    CU_ASSERT_TRUE(sset_contains(&usage.asked, "c"));
    CU_ASSERT_PTR_NULL(nwf_store_find_by_name(store, "c"));
    CU_ASSERT_TRUE(dir_equals(dir, "a.xml b.xml"));

    /* Without an owner's callback nothing is in use. */
    nwf_store_set_in_use_cb(store, NULL, NULL);
    CU_ASSERT_TRUE(nwf_store_undefine(store, "a", &diag));
    CU_ASSERT_TRUE(dir_equals(dir, "b.xml"));

    sset_destroy(&usage.asked);
    nwf_diag_destroy(&diag);
    nwf_store_destroy(store);
    tmpdir_remove(dir);
}

static void
test_undefine_by_uuid(void)
{
    char *dir = tmpdir_create();
    struct nwf_store *store = store_create(dir);
    define(store, "a", U1, RULE, NWF_STORE_CREATED);
    define(store, "b", U2, RULE, NWF_STORE_CREATED);

    struct nwf_diag diag;
    nwf_diag_init(&diag);
    CU_ASSERT_TRUE(nwf_store_undefine(store, U1, &diag));
    CU_ASSERT_FALSE(nwf_diag_has_errors(&diag));
    CU_ASSERT_PTR_NULL(nwf_store_find_by_name(store, "a"));
    CU_ASSERT_PTR_NULL(nwf_store_find_by_uuid_string(store, U1));
    CU_ASSERT_EQUAL(nwf_store_count(store), 1);
    CU_ASSERT_TRUE(dir_equals(dir, "b.xml"));

    CU_ASSERT_FALSE(nwf_store_undefine(store, U1, &diag));
    CU_ASSERT_TRUE(diag_has(&diag, "no filter with name or uuid '" U1 "'"));

    /* The UUID is free again, for another name. */
    define(store, "c", U1, RULE, NWF_STORE_CREATED);

    /* A filter whose file is already gone can still be undefined. */
    char *b_path = xasprintf("%s/b.xml", dir);
    CU_ASSERT_EQUAL(unlink(b_path), 0);
    nwf_diag_clear(&diag);
    CU_ASSERT_TRUE(nwf_store_undefine(store, "b", &diag));
    CU_ASSERT_PTR_NULL(nwf_store_find_by_name(store, "b"));
    CU_ASSERT_TRUE(dir_equals(dir, "c.xml"));

    free(b_path);
    nwf_diag_destroy(&diag);
    nwf_store_destroy(store);
    tmpdir_remove(dir);
}

/* ---- Queries. ---- */

static void
check_referrers(const struct nwf_store *store, const char *name,
                bool transitive, const char *expected)
{
    struct sset referrers = SSET_INITIALIZER(&referrers);
    struct svec sorted = SVEC_EMPTY_INITIALIZER;
    nwf_store_get_referrers(store, name, transitive, &referrers);

    const char *name_;
    SSET_FOR_EACH (name_, &referrers) {
        svec_add(&sorted, name_);
    }
    svec_sort(&sorted);
    char *got = svec_join(&sorted, " ", "");
    CU_ASSERT_STRING_EQUAL(got, expected);

    free(got);
    svec_destroy(&sorted);
    sset_destroy(&referrers);
}

static void
test_referrers(void)
{
    char *dir = tmpdir_create();
    struct nwf_store *store = store_create(dir);
    define(store, "a", NULL, "<filterref filter='b'/>", NWF_STORE_CREATED);
    define(store, "b", NULL, "<filterref filter='c'/>", NWF_STORE_CREATED);
    define(store, "c", NULL, RULE, NWF_STORE_CREATED);
    define(store, "d", NULL, "<filterref filter='c'/><filterref filter='c'/>",
           NWF_STORE_CREATED);
    define(store, "e", NULL, "<filterref filter='zz'/>", NWF_STORE_CREATED);
    define(store, "f", NULL, "<filterref filter='a'/><filterref filter='d'/>",
           NWF_STORE_CREATED);

    check_referrers(store, "c", true, "a b d f");
    check_referrers(store, "c", false, "b d");
    check_referrers(store, "b", true, "a f");
    check_referrers(store, "f", true, "");
    check_referrers(store, "zz", true, "e");
    check_referrers(store, "nothing", true, "");

    nwf_store_destroy(store);
    tmpdir_remove(dir);
}

static void
test_list_and_find(void)
{
    char *dir = tmpdir_create();
    struct nwf_store *store = store_create(dir);
    define(store, "c", U3, RULE, NWF_STORE_CREATED);
    define(store, "a", U1, RULE, NWF_STORE_CREATED);
    define(store, "b", U2, RULE, NWF_STORE_CREATED);

    size_t n;
    const struct nwf_filter **list = nwf_store_list(store, &n);
    CU_ASSERT_EQUAL_FATAL(n, 3);
    CU_ASSERT_STRING_EQUAL(list[0]->name, "a");
    CU_ASSERT_STRING_EQUAL(list[1]->name, "b");
    CU_ASSERT_STRING_EQUAL(list[2]->name, "c");
    free(list);

    CU_ASSERT_STRING_EQUAL(name_of(nwf_store_find(store, U2)), "b");
    CU_ASSERT_STRING_EQUAL(name_of(nwf_store_find(store, "c")), "c");
    CU_ASSERT_STRING_EQUAL(name_of(nwf_store_find_by_uuid_string(store, U1)),
                           "a");
    CU_ASSERT_PTR_NULL(nwf_store_find_by_uuid_string(store, "a"));
    CU_ASSERT_PTR_NULL(nwf_store_find(store, U4));
    CU_ASSERT_STRING_EQUAL(name_of(nwf_store_lookup("a", store)), "a");
    CU_ASSERT_PTR_NULL(nwf_store_lookup("zz", store));

    struct ds s = DS_EMPTY_INITIALIZER;
    nwf_store_format_list(store, &s);
    const char *text = ds_cstr(&s);
    CU_ASSERT_TRUE(strstr(text, " " U1 "   a\n " U2 "   b\n " U3 "   c\n")
                   != NULL);
    CU_ASSERT_TRUE(strstr(text, "UUID") == text + 1);
    ds_destroy(&s);

    nwf_store_destroy(store);
    tmpdir_remove(dir);
}

/* ---- Reload. ---- */

static void
test_reload(void)
{
    char *dir = tmpdir_create();
    char *a = make_xml("a", U1, RULE);
    char *b = make_xml("b", U2, RULE);
    char *c = make_xml("c", U3, RULE);
    char *e = make_xml("e", U4, RULE);
    put_file(dir, "a.xml", a);
    put_file(dir, "b.xml", b);
    put_file(dir, "c.xml", c);
    put_file(dir, "e.xml", e);

    struct nwf_diag diag;
    nwf_diag_init(&diag);
    struct nwf_store *store = load(dir, 0, &diag);
    CU_ASSERT_EQUAL(nwf_store_count(store), 4);

    /* b changed, d is new, c deleted, a broken, e only re-indented. */
    char *b2 = make_xml("b", U2, RULE RULE2);
    put_file(dir, "b.xml", b2);
    char *d = make_xml("d", NULL, "<filterref filter='b'/>");
    put_file(dir, "d.xml", d);
    char *c_path = xasprintf("%s/c.xml", dir);
    CU_ASSERT_EQUAL(unlink(c_path), 0);
    put_file(dir, "a.xml", "<filter name='a'><rule action='explode'/>"
             "</filter>");
    put_file(dir, "e.xml", "<filter name='e'><uuid>" U4 "</uuid>"
             "<rule action='drop' direction='in'/></filter>");

    struct sset changed = SSET_INITIALIZER(&changed);
    CU_ASSERT_EQUAL(nwf_store_reload(store, &changed, &diag), 1);
    char *a_path = xasprintf("%s/a.xml", dir);
    CU_ASSERT_TRUE(diag_has(&diag, a_path));
    const char **sorted = sset_sort(&changed);
    CU_ASSERT_EQUAL(sset_count(&changed), 2);
    CU_ASSERT_TRUE(sset_count(&changed) == 2
                   && !strcmp(sorted[0], "b") && !strcmp(sorted[1], "d"));
    free(sorted);

    CU_ASSERT_EQUAL(n_entries(store, "b"), 2);        /* Changed. */
    CU_ASSERT_EQUAL(n_entries(store, "d"), 1);        /* New. */
    CU_ASSERT_EQUAL(n_entries(store, "a"), 1);        /* Broken: old. */
    CU_ASSERT_PTR_NOT_NULL(nwf_store_find_by_name(store, "c")); /* Kept. */
    CU_ASSERT_EQUAL(nwf_store_count(store), 5);

    /* d's generated UUID was written back. */
    const struct nwf_filter *df = nwf_store_find_by_name(store, "d");
    CU_ASSERT_PTR_NOT_NULL_FATAL(df);
    char *d_xml = nwf_xml_format_string(df);
    CU_ASSERT_TRUE(file_equals(dir, "d.xml", d_xml));
    CU_ASSERT_TRUE(dir_equals(dir, "a.xml b.xml d.xml e.xml"));

    /* A file whose new content would make a loop is refused; the filter
     * keeps its definition. */
    nwf_diag_clear(&diag);
    sset_clear(&changed);
    char *b3 = make_xml("b", U2, "<filterref filter='d'/>");
    put_file(dir, "b.xml", b3);
    CU_ASSERT_EQUAL(nwf_store_reload(store, &changed, &diag), 2);
    CU_ASSERT_TRUE(diag_has(&diag, "b -> d -> b"));
    CU_ASSERT_EQUAL(sset_count(&changed), 0);
    CU_ASSERT_EQUAL(n_entries(store, "b"), 2);

    free(b3);
    free(d_xml);
    free(a_path);
    sset_destroy(&changed);
    free(c_path);
    free(d);
    free(b2);
    free(a);
    free(b);
    free(c);
    free(e);
    nwf_diag_destroy(&diag);
    nwf_store_destroy(store);
    tmpdir_remove(dir);
}

/* ---- Built-in filters. ---- */

static void
test_install_builtins(void)
{
    char *dir = tmpdir_create();
    char *builtin = tmpdir_create();

    char *admin_a = make_xml("a", U1, RULE2);
    put_file(dir, "a.xml", admin_a);
    char *a = make_xml("a", NULL, RULE);
    char *clean = make_xml("clean", NULL, "<filterref filter='a'/>");
    put_file(builtin, "a.xml", a);
    put_file(builtin, "clean.xml", clean);
    put_file(builtin, "bad.xml", "<filter");

    struct nwf_diag diag;
    nwf_diag_init(&diag);
    struct nwf_store *store = load(dir, 0, &diag);
    struct sset installed = SSET_INITIALIZER(&installed);
    CU_ASSERT_EQUAL(nwf_filter_dir_install_builtins(store, builtin,
                                                    &installed, &diag), 1);
    char *bad_path = xasprintf("%s/bad.xml", builtin);
    CU_ASSERT_TRUE(diag_has(&diag, bad_path));
    CU_ASSERT_EQUAL(sset_count(&installed), 1);
    CU_ASSERT_TRUE(sset_contains(&installed, "clean"));

    /* The admin's a is untouched; clean is written with a UUID; the
     * built-in directory is not written to. */
    CU_ASSERT_TRUE(file_equals(dir, "a.xml", admin_a));
    CU_ASSERT_PTR_NOT_NULL(nwf_store_find_by_uuid_string(store, U1));
    const struct nwf_filter *cf = nwf_store_find_by_name(store, "clean");
    CU_ASSERT_PTR_NOT_NULL_FATAL(cf);
    char *clean_xml = nwf_xml_format_string(cf);
    CU_ASSERT_TRUE(file_equals(dir, "clean.xml", clean_xml));
    CU_ASSERT_TRUE(file_equals(builtin, "clean.xml", clean));
    CU_ASSERT_TRUE(dir_equals(dir, "a.xml clean.xml"));

    /* Installing again changes nothing. */
    sset_clear(&installed);
    nwf_diag_clear(&diag);
    put_file(builtin, "bad.xml", clean);    /* Name mismatch now. */
    CU_ASSERT_EQUAL(nwf_filter_dir_install_builtins(store, builtin,
                                                    &installed, &diag), 1);
    CU_ASSERT_TRUE(diag_has(&diag, "does not match the file name"));
    CU_ASSERT_EQUAL(sset_count(&installed), 0);
    CU_ASSERT_TRUE(file_equals(dir, "clean.xml", clean_xml));

    free(clean_xml);
    free(bad_path);
    sset_destroy(&installed);
    free(admin_a);
    free(a);
    free(clean);
    nwf_diag_destroy(&diag);
    nwf_store_destroy(store);
    tmpdir_remove(builtin);
    tmpdir_remove(dir);
}

/* libvirt's 24 built-in filters seed an empty directory and load back. */
static void
test_install_libvirt_builtins(void)
{
    const char *ref = nwf_unit_reference_dir();
    CU_ASSERT_PTR_NOT_NULL_FATAL(ref);
    char *builtin = xasprintf("%s/libvirt/builtin-filters", ref);
    char *dir = tmpdir_create();

    struct nwf_diag diag;
    nwf_diag_init(&diag);
    struct nwf_store *store = store_create(dir);
    struct sset installed = SSET_INITIALIZER(&installed);
    CU_ASSERT_EQUAL(nwf_filter_dir_install_builtins(store, builtin,
                                                    &installed, &diag), 0);
    if (nwf_diag_has_errors(&diag)) {
        fprintf(stderr, "\n%s\n", nwf_diag_text(&diag));
    }
    CU_ASSERT_EQUAL(sset_count(&installed), 24);
    CU_ASSERT_EQUAL(nwf_store_count(store), 24);

    struct nwf_store *again = load(dir, 0, &diag);
    CU_ASSERT_EQUAL(nwf_store_count(again), 24);
    const struct nwf_filter *f = nwf_store_find_by_name(store,
                                                        "clean-traffic");
    const struct nwf_filter *g = nwf_store_find_by_name(again,
                                                        "clean-traffic");
    CU_ASSERT_TRUE(f && g && uuid_equals(&f->uuid, &g->uuid));
    check_referrers(again, "no-arp-mac-spoofing", true,
                    "clean-traffic clean-traffic-gateway no-arp-spoofing");

    nwf_store_destroy(again);
    sset_destroy(&installed);
    nwf_diag_destroy(&diag);
    nwf_store_destroy(store);
    tmpdir_remove(dir);
    free(builtin);
}

static const struct nwf_unit_test store_tests[] = {
    { "load with a bad file among good ones", test_load_bad_file },
    { "load: name differs from file name", test_load_name_mismatch },
    { "load: uuid generated and written back", test_load_uuid_generated },
    { "load: a name the check refuses", test_load_unchecked_name },
    { "load removes stale temporary files", test_load_removes_temporaries },
    { "define new", test_define_new },
    { "identical redefinition is a no-op", test_define_identical },
    { "same name, other uuid", test_define_same_name_other_uuid },
    { "same uuid, other name", test_define_same_uuid_other_name },
    { "names that are not filter names", test_define_bad_name },
    { "a range that ends below its start", test_define_reversed_range },
    { "loop: self-reference", test_loop_self },
    { "loop: cycle of three", test_loop_cycle },
    { "references to undefined filters", test_undefined_refs },
    { "prepare + abort", test_prepare_abort },
    { "prepare + commit", test_prepare_commit },
    { "commit failures leave nothing behind", test_commit_failure },
    { "undefine refused while in use", test_undefine_in_use },
    { "undefine by uuid", test_undefine_by_uuid },
    { "referrers", test_referrers },
    { "list and find", test_list_and_find },
    { "reload", test_reload },
    { "install built-ins", test_install_builtins },
    { "install libvirt's built-ins", test_install_libvirt_builtins },
    { NULL, NULL },
};

NWF_UNIT_SUITE(store, store_tests);
