/*
 * tcemodel-faults.c: fault injection for the fake host
 *
 * A fault is a line "OP ERRNO [COUNT]":
 *   OP     fnmatch(3) pattern matched against an operation name such as
 *          "unbind:0000:01:00.0", "unbind:*", "open:/sys/kernel/iommu_groups*"
 *          or (later stages) "ioctl:VFIO_SET_IOMMU"
 *   ERRNO  symbolic (EBUSY) or numeric errno the operation fails with,
 *          or KILL: the process performing the operation is SIGKILLed
 *          before the operation takes effect (crash tests)
 *   COUNT  how many times it fails; absent means always
 *
 * Faults come from $TCEMODEL_FAULTS (entries separated by ';' or newline;
 * counts are per process) and from the file ROOT/faults (counts are
 * shared by all processes: the file is rewritten as they are used up, an
 * exhausted fault stays with COUNT 0).  The environment is consulted
 * first; the first matching live fault wins.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "tcemodel.h"

#include <errno.h>
#include <signal.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    char *pattern;
    int err;
    int count;          /* -1: unlimited */
} tcemodelFault;

static GMutex tcemodelFaultsLock;   /* protects tcemodelFaultsEnv */
static GPtrArray *tcemodelFaultsEnv;


static void
tcemodelFaultFree(gpointer opaque)
{
    tcemodelFault *fault = opaque;

    g_free(fault->pattern);
    g_free(fault);
}


/*
 * Parse one fault line.  Returns 1 and fills @fault, 0 for a blank or
 * comment line, -1 with @err set when the line is malformed.
 */
static int
tcemodelFaultParse(const char *line, tcemodelFault *fault, char **err)
{
    g_auto(GStrv) words = NULL;
    const char *w[4] = { NULL };
    size_t n = 0;
    size_t i;

    if (line[strspn(line, " \t\r")] == '#')
        return 0;

    words = g_strsplit_set(line, " \t\r", -1);
    for (i = 0; words[i]; i++) {
        if (!*words[i])
            continue;
        if (n == G_N_ELEMENTS(w)) {
            *err = g_strdup_printf("too many words in '%s'", line);
            return -1;
        }
        w[n++] = words[i];
    }
    if (n == 0)
        return 0;
    if (n < 2 || n > 3) {
        *err = g_strdup_printf("'%s' is not 'OP ERRNO [COUNT]'", line);
        return -1;
    }

    if (g_str_equal(w[1], "KILL")) {
        fault->err = TCEMODEL_FAULT_KILL;
    } else if ((fault->err = tcemodelErrnoParse(w[1])) < 0) {
        *err = g_strdup_printf("unknown errno '%s'", w[1]);
        return -1;
    }

    fault->count = -1;
    if (n == 3) {
        char *end;
        long count = strtol(w[2], &end, 10);

        if (end == w[2] || *end || count < 0 || count > G_MAXINT) {
            *err = g_strdup_printf("bad count '%s'", w[2]);
            return -1;
        }
        fault->count = count;
    }

    fault->pattern = g_strdup(w[0]);
    return 1;
}


/* Parse $TCEMODEL_FAULTS once; -1 with @err on a malformed entry. */
int
tcemodelFaultsInitEnv(const char *spec, char **err)
{
    g_autoptr(GPtrArray) faults = g_ptr_array_new_with_free_func(tcemodelFaultFree);
    g_auto(GStrv) lines = g_strsplit_set(spec, ";\n", -1);
    size_t i;

    for (i = 0; lines[i]; i++) {
        tcemodelFault fault = { 0 };
        int rc = tcemodelFaultParse(lines[i], &fault, err);

        if (rc < 0)
            return -1;
        if (rc > 0)
            g_ptr_array_add(faults, g_memdup2(&fault, sizeof(fault)));
    }

    g_mutex_lock(&tcemodelFaultsLock);
    g_clear_pointer(&tcemodelFaultsEnv, g_ptr_array_unref);
    tcemodelFaultsEnv = g_steal_pointer(&faults);
    g_mutex_unlock(&tcemodelFaultsLock);
    return 0;
}


static int
tcemodelFaultCheckEnv(const char *op)
{
    int ret = 0;
    size_t i;

    g_mutex_lock(&tcemodelFaultsLock);
    for (i = 0; tcemodelFaultsEnv && i < tcemodelFaultsEnv->len; i++) {
        tcemodelFault *fault = g_ptr_array_index(tcemodelFaultsEnv, i);

        if (fault->count == 0 || fnmatch(fault->pattern, op, 0) != 0)
            continue;
        if (fault->count > 0)
            fault->count--;
        ret = -fault->err;
        break;
    }
    g_mutex_unlock(&tcemodelFaultsLock);
    return ret;
}


static int
tcemodelFaultCheckFile(const char *root, const char *op)
{
    g_autofree char *path = tcemodelPath(root, "/faults");
    g_autofree char *data = NULL;
    g_auto(GStrv) lines = NULL;
    size_t i;

    if (tcemodelFileRead(path, &data) < 0)
        return 0;

    lines = g_strsplit(data, "\n", -1);
    for (i = 0; lines[i]; i++) {
        g_autofree char *err = NULL;
        tcemodelFault fault = { 0 };
        int rc = tcemodelFaultParse(lines[i], &fault, &err);

        if (rc < 0) {
            fprintf(stderr, "tcemodel: %s:%zu: %s (ignored)\n",
                    path, i + 1, err);
            continue;
        }
        if (rc == 0)
            continue;
        if (fault.count == 0 || fnmatch(fault.pattern, op, 0) != 0) {
            g_free(fault.pattern);
            continue;
        }

        if (fault.count > 0) {
            g_autofree char *update = NULL;

            g_free(lines[i]);
            lines[i] = g_strdup_printf("%s %s %d", fault.pattern,
                                       tcemodelErrnoName(fault.err),
                                       fault.count - 1);
            update = g_strjoinv("\n", lines);
            if (tcemodelFileReplace(root, path, update, 0644) < 0)
                fprintf(stderr, "tcemodel: cannot update %s\n", path);
        }
        g_free(fault.pattern);
        return -fault.err;
    }
    return 0;
}


/*
 * Returns -errno if operation @op is to fail, else 0.  The caller holds
 * the model lock (tcemodelLockAcquire) because the count in ROOT/faults
 * is read-modify-write.
 */
int
tcemodelFaultCheck(const char *root, const char *op)
{
    int ret;

    if ((ret = tcemodelFaultCheckEnv(op)) == 0)
        ret = tcemodelFaultCheckFile(root, op);
    if (ret == -TCEMODEL_FAULT_KILL)
        kill(getpid(), SIGKILL);
    return ret;
}


/* Cheap test whether any fault could match (avoids taking the lock). */
bool
tcemodelFaultsPresent(const char *root)
{
    g_autofree char *path = tcemodelPath(root, "/faults");
    bool env;

    g_mutex_lock(&tcemodelFaultsLock);
    env = tcemodelFaultsEnv && tcemodelFaultsEnv->len > 0;
    g_mutex_unlock(&tcemodelFaultsLock);

    return env || access(path, F_OK) == 0;
}
