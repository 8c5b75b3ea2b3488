/*
 * virkprobe.c: evidence from the kernel itself, through a kprobe in a
 * tracefs instance of its own
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "virkprobe.h"

#define VIR_TRACEFS "/sys/kernel/tracing"
#define VIR_KPROBE_GROUP "tcevirt"

static int
virKprobeWrite(const char *path, const char *text, int flags)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC | flags);
    int err = 0;

    if (fd < 0)
        return errno;
    if (write(fd, text, strlen(text)) != (ssize_t) strlen(text))
        err = errno ? errno : EIO;
    close(fd);
    return err;
}

static char *
virKprobeInstancePath(const char *instance, const char *file)
{
    return g_build_filename(VIR_TRACEFS, "instances", instance, file, NULL);
}

gboolean
virKprobeArm(const char *instance, const char *event, const char *func,
             pid_t pid, char **why)
{
    g_autofree char *probe = g_strdup_printf("p:%s/%s %s\n", VIR_KPROBE_GROUP,
                                             event, func);
    g_autofree char *defined = g_build_filename(VIR_TRACEFS, "events",
                                                VIR_KPROBE_GROUP, event, NULL);
    g_autofree char *dir = virKprobeInstancePath(instance, NULL);
    g_autofree char *pids = virKprobeInstancePath(instance, "set_event_pid");
    g_autofree char *trace = virKprobeInstancePath(instance, "trace");
    g_autofree char *enable = NULL;
    g_autofree char *pidText = g_strdup_printf("%d\n", (int) pid);
    int err;

    if (!g_file_test(VIR_TRACEFS "/kprobe_events", G_FILE_TEST_EXISTS)) {
        *why = g_strdup("no tracefs with kprobe events at " VIR_TRACEFS);
        return FALSE;
    }
    if (!g_file_test(defined, G_FILE_TEST_IS_DIR) &&
        (err = virKprobeWrite(VIR_TRACEFS "/kprobe_events", probe, O_APPEND))) {
        *why = g_strdup_printf("cannot put a kprobe on %s: %s", func,
                               g_strerror(err));
        return FALSE;
    }
    if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
        *why = g_strdup_printf("cannot create the tracefs instance %s: %s",
                               dir, g_strerror(errno));
        return FALSE;
    }
    enable = g_build_filename(dir, "events", VIR_KPROBE_GROUP, event,
                              "enable", NULL);
    if ((err = virKprobeWrite(pids, pidText, O_TRUNC)) ||
        (err = virKprobeWrite(trace, "", O_TRUNC)) ||
        (err = virKprobeWrite(enable, "1\n", 0))) {
        *why = g_strdup_printf("cannot arm the kprobe on %s in %s: %s", func,
                               dir, g_strerror(err));
        rmdir(dir);
        return FALSE;
    }
    return TRUE;
}

int
virKprobeCount(const char *instance, const char *event)
{
    g_autofree char *trace = virKprobeInstancePath(instance, "trace");
    g_autofree char *text = NULL;
    g_autofree char *needle = g_strdup_printf(" %s: (", event);
    const char *p;
    int n = 0;

    if (!g_file_get_contents(trace, &text, NULL, NULL))
        return -1;
    for (p = text; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

void
virKprobeDisarm(const char *instance, const char *event)
{
    g_autofree char *dir = virKprobeInstancePath(instance, NULL);
    g_autofree char *enable = g_build_filename(dir, "events", VIR_KPROBE_GROUP,
                                               event, "enable", NULL);

    if (!g_file_test(dir, G_FILE_TEST_IS_DIR))
        return;
    virKprobeWrite(enable, "0\n", 0);
    rmdir(dir);
}
