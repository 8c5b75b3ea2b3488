/*
 * virprocess.h: processes
 */
#pragma once

#include <glib.h>
#include <sys/types.h>

/* Start time of @pid (clock ticks since boot, /proc/PID/stat field 22),
 * 0 if the process does not exist.  With the pid it names one process
 * even after the pid is reused. */
guint64 virProcessGetStartTime(pid_t pid);

/* TRUE if @pid is alive and started at @startTime */
gboolean virProcessIsAlive(pid_t pid, guint64 startTime);

/* Waits until @pid (started at @startTime) exits or the monotonic
 * @deadline (microseconds) passes, on a pidfd where the kernel has
 * pidfd_open (5.3), else polling every 10 ms.  TRUE when it exited. */
gboolean virProcessWaitExit(pid_t pid, guint64 startTime, gint64 deadline);

/* Test hook: SIGKILLs the calling process when $TCEVIRT_TEST_CRASH_AT
 * names @point, so tests can kill the supervisor at each step of start
 * and teardown and check that the next command restores the host */
/* TRUE when TCEVIRT_TEST_FAULT_AT names @point: the tests' way to make one
 * step fail as if the system had failed it */
gboolean virProcessTestFault(const char *point);
void virProcessCrashPoint(const char *point);
