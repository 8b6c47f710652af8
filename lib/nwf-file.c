/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#include <config.h>

#include "nwf-file.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nwf-diag.h"
#include "openvswitch/vlog.h"
#include "svec.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(nwf_file);

/* ---- Reading. ---- */

/* Opens 'file_name' for reading if it is a regular file.  Returns the
 * stream, or NULL with a malloc()ed message in '*errorp'.
 *
 * This is the one check that a file to read is a file: the filter
 * directory uses it for every file it loads, nwf-ofctl for the files it
 * validates, compiles or sends to define.  A FIFO or a device would
 * otherwise block the reader for good; O_NONBLOCK lets open() itself
 * return at once for a FIFO. */
FILE *
nwf_file_open(const char *file_name, char **errorp)
{
    int fd = open(file_name, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        *errorp = xasprintf("cannot open: %s", ovs_strerror(errno));
        return NULL;
    }

    struct stat st;
    if (fstat(fd, &st)) {
        *errorp = xasprintf("cannot stat: %s", ovs_strerror(errno));
    } else if (!S_ISREG(st.st_mode)) {
        *errorp = xstrdup("not a regular file");
    } else {
        FILE *stream = fdopen(fd, "rb");
        if (stream) {
            *errorp = NULL;
            return stream;
        }
        *errorp = xasprintf("cannot open: %s", ovs_strerror(errno));
    }
    close(fd);
    return NULL;
}

/* Reads all of 'file_name', which must be a regular file
 * (nwf_file_open()), into a malloc()ed buffer, up to one byte more than
 * 'max' (so that a parser with that limit can refuse it), and stores its
 * length in '*lenp'.  Returns NULL after reporting to 'diag' against the
 * file's name if it cannot be read. */
char *
nwf_file_read(const char *file_name, size_t max, size_t *lenp,
              struct nwf_diag *diag)
{
    struct nwf_diag_loc loc = { .file = file_name };
    char *error;
    FILE *stream = nwf_file_open(file_name, &error);
    if (!stream) {
        nwf_diag_error(diag, &loc, "%s", error);
        free(error);
        return NULL;
    }

    size_t cap = max + 1;
    char *buf = xmalloc(cap);
    size_t len = fread(buf, 1, cap, stream);
    bool failed = ferror(stream);
    fclose(stream);
    if (failed) {
        nwf_diag_error(diag, &loc, "read error");
        free(buf);
        return NULL;
    }
    *lenp = len;
    return buf;
}

/* Adds to 'files' the sorted names of the files in 'dir' whose names end
 * in 'suffix' (after at least one other byte), without those starting
 * with '.' (among them the temporary files of
 * nwf_write_file_atomically()).  Returns false after reporting to 'diag'
 * if the directory cannot be read. */
bool
nwf_file_list_dir(const char *dir, const char *suffix, struct svec *files,
                  struct nwf_diag *diag)
{
    struct nwf_diag_loc loc = { .file = dir };
    size_t suffix_len = strlen(suffix);
    DIR *d = opendir(dir);
    if (!d) {
        nwf_diag_error(diag, &loc, "cannot open directory: %s",
                       ovs_strerror(errno));
        return false;
    }

    for (;;) {
        errno = 0;
        struct dirent *de = readdir(d);
        if (!de) {
            if (errno) {
                nwf_diag_error(diag, &loc, "cannot read directory: %s",
                               ovs_strerror(errno));
                closedir(d);
                return false;
            }
            break;
        }
        size_t len = strlen(de->d_name);
        if (de->d_name[0] != '.' && len > suffix_len
            && !strcmp(de->d_name + len - suffix_len, suffix)) {
            svec_add(files, de->d_name);
        }
    }
    closedir(d);
    svec_sort(files);
    return true;
}

/* ---- Writing. ---- */

static int
write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return errno;
        }
        data += n;
        len -= n;
    }
    return 0;
}

/* Makes the directory entries of 'dir' (a rename or unlink done in it)
 * durable.  Returns 0 or an errno value. */
static int
fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd < 0) {
        return errno;
    }
    int error = fsync(fd) ? errno : 0;
    close(fd);

    /* Some file systems cannot sync a directory; their renames are as
     * durable as they get. */
    return error == EINVAL ? 0 : error;
}

static void
sync_dir_or_warn(const char *dir)
{
    /* The change is already visible in the directory, so undoing it is
     * not possible and would not help: only its durability across a
     * crash is in doubt.  Hence a warning, not an error. */
    int error = fsync_dir(dir);
    if (error) {
        VLOG_WARN("%s: cannot sync directory: %s", dir, ovs_strerror(error));
    }
}

/* Writes 'content' to 'dir'/'file_name' atomically: into a temporary file
 * in the same directory, synced, then renamed over the file, then the
 * directory synced.  The file has mode 0600, as mkstemp() creates it.
 * Returns NULL if the file has the new content; otherwise the old file
 * (if any) is untouched, no temporary file is left, and the returned
 * message (for the caller to free) says what failed. */
char *
nwf_write_file_atomically(const char *dir, const char *file_name,
                          const char *content)
{
    char *path = xasprintf("%s/%s", dir, file_name);
    char *tmp = xasprintf("%s/.%s.XXXXXX", dir, file_name);
    char *result = NULL;
    const char *failed = NULL;
    int error = 0;

    int fd = mkstemp(tmp);
    if (fd < 0) {
        result = xasprintf("cannot create temporary file %s: %s", tmp,
                           ovs_strerror(errno));
        goto out;
    }

    error = write_all(fd, content, strlen(content));
    if (error) {
        failed = "write";
    } else if (fsync(fd)) {
        error = errno;
        failed = "fsync";
    }
    if (close(fd) && !failed) {
        error = errno;
        failed = "close";
    }
    if (!failed && rename(tmp, path)) {
        error = errno;
        failed = "rename";
    }

    if (failed) {
        unlink(tmp);
        result = xasprintf("%s of %s failed: %s", failed, tmp,
                           ovs_strerror(error));
    } else {
        sync_dir_or_warn(dir);
    }
out:
    free(tmp);
    free(path);
    return result;
}

/* Whether 'name', a file of 'dir', is a temporary file that
 * nwf_write_file_atomically() made for a file whose name ends in 'suffix'
 * and that an interrupted write left behind: ".FILE.XXXXXX", where FILE
 * ends in 'suffix' and XXXXXX are six letters and digits from mkstemp(),
 * a regular file of this user that only this user may read or write, as
 * mkstemp() creates it. */
static bool
is_stale_temporary(const char *dir, const char *name, const char *suffix)
{
    size_t len = strlen(name);
    size_t suffix_len = strlen(suffix);
    if (name[0] != '.' || len < 1 + suffix_len + 7
        || name[len - 7] != '.'
        || strncmp(name + len - 7 - suffix_len, suffix, suffix_len)) {
        return false;
    }
    for (size_t i = len - 6; i < len; i++) {
        if (!isalnum((unsigned char) name[i])) {
            return false;
        }
    }

    char *path = xasprintf("%s/%s", dir, name);
    struct stat st;
    bool ours = (!lstat(path, &st) && S_ISREG(st.st_mode)
                 && st.st_uid == geteuid()
                 && !(st.st_mode & 077));
    free(path);
    return ours;
}

/* Removes from 'dir' the temporary files that nwf_write_file_atomically()
 * left there for files whose name ends in 'suffix' when the process was
 * killed between creating and renaming them (kill -9, a crash, a power
 * cut), and nothing else.  Only for a directory no other process writes
 * in at the same time.  Returns the number of files removed. */
unsigned int
nwf_remove_stale_temporaries(const char *dir, const char *suffix)
{
    unsigned int n = 0;
    DIR *d = opendir(dir);
    if (!d) {
        return 0;
    }
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (is_stale_temporary(dir, de->d_name, suffix)) {
            char *path = xasprintf("%s/%s", dir, de->d_name);
            if (!unlink(path)) {
                VLOG_INFO("%s: removed a temporary file that an "
                          "interrupted write left", path);
                n++;
            } else {
                VLOG_WARN("%s: cannot remove temporary file (%s)", path,
                          ovs_strerror(errno));
            }
            free(path);
        }
    }
    closedir(d);
    if (n) {
        sync_dir_or_warn(dir);
    }
    return n;
}

/* Removes 'dir'/'file_name' durably (the directory is synced after).
 * Returns 0 if the file is gone, also if it was not there, otherwise an
 * errno value and the file is still there. */
int
nwf_file_remove(const char *dir, const char *file_name)
{
    char *path = xasprintf("%s/%s", dir, file_name);
    int error = unlink(path) && errno != ENOENT ? errno : 0;
    free(path);
    if (!error) {
        sync_dir_or_warn(dir);
    }
    return error;
}
