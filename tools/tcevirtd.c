/*
 * tcevirtd: libvirt's remote protocol for stock virsh and libvirt-python
 * (OpenStack Nova), served from tcevirt's driver.  See docs/tcevirtd.rst.
 */
#include <config.h>

#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "remote_daemon.h"
#include "virerror.h"

#define TCEVIRTD_DEFAULT_SOCKET TCEVIRT_RUNSTATEDIR "/tcevirt/libvirt-sock"

static const char tcevirtdUsage[] =
"usage: tcevirtd [--socket PATH] [--listen-tcp ADDR:PORT] [--version]\n"
"\n"
"Serves libvirt's remote protocol on PATH (default "
TCEVIRTD_DEFAULT_SOCKET ",\n"
"mode 0600, root only) and PATH-ro (mode 0666, read-only procedures),\n"
"so that `virsh -c 'qemu+unix:///system?socket=PATH'` and libvirt-python\n"
"drive tcevirt.  --listen-tcp also listens on TCP without TLS or\n"
"authentication: for labs only.  The TCEVIRT_* environment and\n"
"/etc/tcevirt/qemu.conf apply as for the tcevirt command.\n";

/* tcevirt-start-helper beside this program (the build tree), else where
 * meson installs it */
static char *
tcevirtdStartHelper(void)
{
    g_autofree char *self = g_file_read_link("/proc/self/exe", NULL);
    g_autofree char *dir = self ? g_path_get_dirname(self) : NULL;
    g_autofree char *beside = dir ? g_build_filename(dir, "tcevirt-start-helper",
                                                     NULL) : NULL;

    if (beside && g_file_test(beside, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer(&beside);
    return g_build_filename(TCEVIRT_LIBEXECDIR, "tcevirt-start-helper", NULL);
}

static gboolean
tcevirtdQuit(gpointer data)
{
    virNetServerQuit(data);
    return G_SOURCE_CONTINUE;
}

int
main(int argc, char **argv)
{
    g_autoptr(remoteDaemon) d = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *ro = NULL;
    g_autofree char *helper = tcevirtdStartHelper();
    const char *sock = TCEVIRTD_DEFAULT_SOCKET;
    const char *tcp = NULL;
    int i;

    for (i = 1; i < argc; i++) {
        if (g_str_equal(argv[i], "--socket") && i + 1 < argc) {
            sock = argv[++i];
        } else if (g_str_equal(argv[i], "--listen-tcp") && i + 1 < argc) {
            tcp = argv[++i];
        } else if (g_str_equal(argv[i], "--version")) {
            printf("tcevirtd %s\n", TCEVIRT_VERSION);
            return 0;
        } else if (g_str_equal(argv[i], "--help") || g_str_equal(argv[i], "-h")) {
            fputs(tcevirtdUsage, stdout);
            return 0;
        } else {
            fprintf(stderr, "error: unknown option or missing value '%s'\n\n%s",
                    argv[i], tcevirtdUsage);
            return 2;
        }
    }
    signal(SIGPIPE, SIG_IGN);
    ro = g_strdup_printf("%s-ro", sock);
    if (!(d = remoteDaemonNew(helper, &err)) ||
        !virNetServerAddUNIX(d->srv, sock, 0600, FALSE, &err) ||
        !virNetServerAddUNIX(d->srv, ro, 0666, TRUE, &err) ||
        (tcp && !virNetServerAddTCP(d->srv, tcp, &err))) {
        fprintf(stderr, "error: %s: %s\n", virErrorCodeDescription(err->code),
                err->message);
        return 1;
    }
    g_unix_signal_add(SIGTERM, tcevirtdQuit, d->srv);
    g_unix_signal_add(SIGINT, tcevirtdQuit, d->srv);
    g_message("tcevirtd %s serving %s and %s%s%s", TCEVIRT_VERSION, sock, ro,
              tcp ? " and TCP " : "", tcp ? tcp : "");
    virNetServerRun(d->srv);
    g_message("tcevirtd stopping; running domains keep running under their "
              "supervisors");
    return 0;
}
