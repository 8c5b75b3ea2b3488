/*
 * virkprobe.h: evidence from the kernel itself, through a kprobe in a
 * tracefs instance of its own
 *
 * What QEMU writes to its log it could forge; a kprobe hit recorded by
 * the kernel for QEMU's pid it cannot.  An instance (instances/NAME under
 * /sys/kernel/tracing) records one kprobe event (group "tcevirt") for one
 * pid and nothing else, so domains do not see each other's hits and other
 * users of ftrace are not disturbed.
 */
#pragma once

#include <glib.h>
#include <sys/types.h>

/* Arms kprobe @event on kernel function @func in instance @instance,
 * recording @pid only, from an empty buffer.  FALSE, with *@why, when the
 * kernel cannot give the evidence (no tracefs, no kprobes, no @func). */
gboolean virKprobeArm(const char *instance, const char *event,
                      const char *func, pid_t pid, char **why);
/* The hits of @event recorded in @instance, -1 when it is not armed */
int virKprobeCount(const char *instance, const char *event);
/* Stops recording and removes the instance */
void virKprobeDisarm(const char *instance, const char *event);
