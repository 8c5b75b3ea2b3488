/*
 * tcevirt-start-helper NAME [--paused]: starts one domain for tcevirtd
 *
 * The supervisor is forked from the process that starts a domain and
 * keeps running without exec.  tcevirtd has worker threads and holds
 * client connections and listening sockets; a fork of it would inherit
 * them (a supervisor holding the listening socket makes a restarted
 * tcevirtd find its socket "in use") and could inherit a lock another
 * thread held.  So tcevirtd starts domains through this single-threaded
 * program, exactly as `tcevirt start` does, and reads the result from
 * its standard output: "0 PID", or "CODE MESSAGE" with libvirt's error
 * code.  Warnings go to standard error, one per line.
 */
#include <config.h>

#include <stdio.h>

#include "qemu_process.h"
#include "virerror.h"

int
main(int argc, char **argv)
{
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(qemuDriver) drv = NULL;
    g_autoptr(GError) err = NULL;
    gboolean paused = argc == 3 && g_str_equal(argv[2], "--paused");
    pid_t pid = -1;
    guint i;

    if (argc < 2 || (argc == 3 && !paused) || argc > 3) {
        fprintf(stderr, "usage: %s NAME [--paused] (run by tcevirtd)\n",
                argv[0]);
        return 2;
    }
    if ((drv = qemuDriverOpen(&err)))
        pid = qemuProcessStart(drv, argv[1], paused, warnings, &err);
    for (i = 0; i < warnings->len; i++)
        fprintf(stderr, "%s\n", (char *) g_ptr_array_index(warnings, i));
    if (pid < 0) {
        printf("%d %s\n", err->domain == VIR_ERROR ? err->code
                                                  : VIR_ERR_INTERNAL_ERROR,
               err->message);
        return 1;
    }
    printf("0 %d\n", (int) pid);
    return 0;
}
