/*
 * l2-hotplugd: the part of ppc64-diag's rtas_errd a pseries guest needs for
 * PCI and PHB hotplug, for the lab's busybox L2 guest (static, ppc64le).
 *
 * The guest kernel handles CPU and memory hotplug requests itself but puts
 * PCI, slot and PHB ones on the RTAS error log for userspace
 * (/proc/ppc64/rtas/error_log, one event per read).  This daemon reads each
 * event, finds the v6 hotplug ("HP") section and runs drmgr with the DRC
 * index it names, as rtas_errd does:
 *     drmgr -c pci|phb|slot -a|-r -s 0x<index> -n
 * and prints one "L2: hotplug: ..." line per event on the console.
 * A production guest runs rtas_errd (Debian: ppc64-diag) instead.
 *
 *   l2-hotplugd [DRMGR]      (default /usr/sbin/drmgr)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define ERROR_LOG "/proc/ppc64/rtas/error_log"
#define RTAS_TYPE_HOTPLUG 229
#define V6_EXT_HEADER_LEN 16      /* flags, reserved, company id */
#define SECTION_ID_HOTPLUG 0x4850 /* "HP" */
#define HP_ID_DRC_INDEX 2
#define DRMGR_OUT "/tmp/drmgr.out"

static uint32_t
be16(const unsigned char *p)
{
    return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t
be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
           (uint32_t)p[2] << 8 | p[3];
}

/* The hotplug section of one RTAS event (without the kernel's sequence
 * number), or NULL when it has none */
static const unsigned char *
findHotplugSection(const unsigned char *ev, size_t len)
{
    size_t extLen, off, end;

    if (len < 8 || ev[0] < 6 || ev[3] != RTAS_TYPE_HOTPLUG)
        return NULL;
    extLen = be32(ev + 4);
    end = 8 + extLen;
    if (end > len)
        end = len;
    for (off = 8 + V6_EXT_HEADER_LEN; off + 8 <= end;) {
        uint32_t id = be16(ev + off), slen = be16(ev + off + 2);

        if (slen < 8)
            return NULL;
        if (id == SECTION_ID_HOTPLUG)
            return off + 16 <= end ? ev + off : NULL;
        off += slen;
    }
    return NULL;
}

static int
runDrmgr(const char *drmgr, const char *kind, const char *action,
         const char *index)
{
    pid_t pid;
    int status;

    if ((pid = fork()) < 0)
        return -1;
    if (pid == 0) {
        int fd = open(DRMGR_OUT, O_WRONLY | O_CREAT | O_TRUNC, 0600);

        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        execl(drmgr, "drmgr", "-c", kind, action, "-s", index, "-n",
              (char *)NULL);
        _exit(127);
    }
    if (waitpid(pid, &status, 0) < 0)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* drmgr's last line of output, for a failure */
static void
printLastLine(void)
{
    char line[512], last[512] = "";
    FILE *f = fopen(DRMGR_OUT, "r");

    if (!f)
        return;
    while (fgets(line, sizeof(line), f))
        if (line[0] != '\n')
            memcpy(last, line, sizeof(last));
    fclose(f);
    last[strcspn(last, "\n")] = '\0';
    if (last[0])
        printf("L2: hotplug: drmgr said: %s\n", last);
}

int
main(int argc, char **argv)
{
    static const char *kinds[] = { [3] = "slot", [4] = "phb", [5] = "pci" };
    const char *drmgr = argc > 1 ? argv[1] : "/usr/sbin/drmgr";
    unsigned char buf[8192];
    int fd;

    setvbuf(stdout, NULL, _IOLBF, 0);
    if ((fd = open(ERROR_LOG, O_RDONLY)) < 0) {
        printf("L2: hotplug: cannot open %s: %s\n", ERROR_LOG, strerror(errno));
        return 1;
    }
    for (;;) {
        ssize_t n = read(fd, buf, sizeof(buf));
        const unsigned char *hp;
        unsigned type, action, ident;
        char index[16];
        int rc;

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            printf("L2: hotplug: read %s: %s\n", ERROR_LOG,
                   n < 0 ? strerror(errno) : "end of file");
            return 1;
        }
        /* the kernel puts its sequence number (an int) before the event */
        if (n < 4 || !(hp = findHotplugSection(buf + 4, n - 4)))
            continue;
        type = hp[8];
        action = hp[9];
        ident = hp[10];
        if (type >= sizeof(kinds) / sizeof(kinds[0]) || !kinds[type] ||
            (action != 1 && action != 2) || ident != HP_ID_DRC_INDEX) {
            printf("L2: hotplug: event type %u action %u identifier %u not handled\n",
                   type, action, ident);
            continue;
        }
        snprintf(index, sizeof(index), "0x%x", be32(hp + 12));
        rc = runDrmgr(drmgr, kinds[type], action == 1 ? "-a" : "-r", index);
        printf("L2: hotplug: drmgr -c %s %s -s %s -n exited %d\n",
               kinds[type], action == 1 ? "-a" : "-r", index, rc);
        if (rc != 0)
            printLastLine();
    }
}
