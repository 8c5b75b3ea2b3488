/*
 * virprocess.c: processes
 */
#include <config.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "virprocess.h"

guint64
virProcessGetStartTime(pid_t pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/stat", (int) pid);
    g_autofree char *text = NULL;
    g_auto(GStrv) fields = NULL;
    const char *rest;

    if (pid <= 0 || !g_file_get_contents(path, &text, NULL, NULL))
        return 0;
    /* the command name (field 2) may contain spaces: skip past its ')' */
    if (!(rest = strrchr(text, ')')))
        return 0;
    fields = g_strsplit(rest + 2, " ", 0);
    /* fields[0] is field 3 (state): the start time is field 22 */
    if (g_strv_length(fields) < 20)
        return 0;
    return g_ascii_strtoull(fields[19], NULL, 10);
}

gboolean
virProcessIsAlive(pid_t pid, guint64 startTime)
{
    guint64 now = virProcessGetStartTime(pid);

    return now != 0 && now == startTime;
}

gboolean
virProcessWaitExit(pid_t pid, guint64 startTime, gint64 deadline)
{
    int fd = syscall(SYS_pidfd_open, pid, 0);

    if (fd >= 0) {
        /* the pid may have been reused since the caller looked */
        gboolean exited = !virProcessIsAlive(pid, startTime);

        /* at least one look, also with a deadline already past: a
         * zombie has exited, though /proc still lists it */
        while (!exited) {
            struct pollfd pfd = { .fd = fd, .events = POLLIN };
            gint64 left = MAX((deadline - g_get_monotonic_time()) / 1000, 0);
            int rc = poll(&pfd, 1, MIN(left, G_MAXINT));

            if (rc > 0)
                exited = TRUE;
            else if ((rc < 0 && errno != EINTR) || (rc == 0 && left == 0))
                break;
        }
        close(fd);
        if (exited || g_get_monotonic_time() >= deadline)
            return exited;
    }
    while (virProcessIsAlive(pid, startTime)) {
        if (g_get_monotonic_time() >= deadline)
            return FALSE;
        g_usleep(10 * 1000);
    }
    return TRUE;
}

gboolean
virProcessTestFault(const char *point)
{
    const char *at = g_getenv("TCEVIRT_TEST_FAULT_AT");

    return at && g_str_equal(at, point);
}

void
virProcessCrashPoint(const char *point)
{
    const char *at = g_getenv("TCEVIRT_TEST_CRASH_AT");

    if (at && g_str_equal(at, point))
        kill(getpid(), SIGKILL);
}
