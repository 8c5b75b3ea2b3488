/*
 * virseccomp.h: hand VFIO fds to an unprivileged QEMU with seccomp user
 * notification
 *
 * Between fork and exec the child (QEMU-to-be) sets no_new_privs and loads
 * a filter that turns open and openat for writing (O_WRONLY or O_RDWR in
 * the flags) and every openat2 into SECCOMP_RET_USER_NOTIF; a read-only
 * open goes straight to the kernel, where DAC decides as it would for a
 * continued one.  ptrace, process_vm_readv/writev, pidfd_getfd and kcmp
 * fail with EPERM: one QEMU cannot read another's memory or take its fds,
 * whatever their uids.  The filter's listener fd goes to the supervisor over a
 * unix socket.  For every trapped open the supervisor's broker reads the
 * path from
 * /proc/PID/mem, resolves it against the caller's cwd or dirfd, normalises
 * it lexically and decides: DEVDIR/vfio and DEVDIR/N for an IOMMU group the
 * domain owns are opened by the broker itself and injected into the caller
 * (SECCOMP_IOCTL_NOTIF_ADDFD with SECCOMP_ADDFD_FLAG_SEND, the caller's
 * O_CLOEXEC kept); any other path under DEVDIR gets EACCES; everything else
 * continues to the kernel unchanged.  Pitfalls: (1) the listener must
 * outlive the target: once every copy of it is closed, each later open* of
 * the target fails with ENOSYS, and a stopped broker blocks every open of
 * the target; (2) CONTINUE is racy on the path (another thread may rewrite
 * it after the check), so the EACCES answer is advice: enforcement is DAC
 * (group nodes root-only, QEMU unprivileged); injection is safe because the
 * broker opens its own file; matching is lexical, so a path reaching
 * DEVDIR through a symlink continues to the kernel, where DAC applies;
 * (3) the child must not open anything (nor malloc) between loading the
 * filter and handing over the listener, or it deadlocks; (4) the broker
 * needs ptrace rights over the target to read its memory (root has them);
 * (5) it needs Linux >= 5.14 for SECCOMP_ADDFD_FLAG_SEND.
 */
#pragma once

#include <glib.h>

/*
 * Child side, between fork and exec: builds the filter, sets
 * PR_SET_NO_NEW_PRIVS, loads the filter, sends its listener over @sock
 * (SCM_RIGHTS) and closes the listener.  After loading the filter it
 * neither opens files nor allocates (it only frees what it built), so it is
 * safe in a child of a threaded parent.  Returns 0 or -errno (no GError).
 */
int virSeccompNotifyInstall(int sock);

/*
 * Whether this kernel can hand fds over a seccomp listener: user
 * notification (SECCOMP_GET_NOTIF_SIZES) and SECCOMP_ADDFD_FLAG_SEND
 * (Linux 5.14).  @why gets one sentence saying what was found.
 */
gboolean virSeccompCanHandOff(char **why);

/*
 * Parent side: receives the listener sent by virSeccompNotifyInstall()
 * over @sock.  Returns the fd (close-on-exec) or -1 with @errp set.
 */
int virSeccompNotifyReceive(int sock, GError **errp);

typedef struct _virSeccompBroker virSeccompBroker;

typedef struct {
    guint64 trapped;    /* notifications received */
    guint64 continued;  /* answered SECCOMP_USER_NOTIF_FLAG_CONTINUE */
    guint64 injected;   /* fds injected */
    guint64 denied;     /* answered EACCES (not this domain's) */
    guint64 failed;     /* the broker's own open or ADDFD failed */
} virSeccompBrokerCounters;

/*
 * A broker answering the notifications of @listener.  @devDir is the VFIO
 * directory ("/dev/vfio"; a parameter for tests), @groups the IOMMU groups
 * the domain owns.  On success the broker owns @listener and closes it in
 * virSeccompBrokerFree(); on failure the caller keeps it.
 */
virSeccompBroker *virSeccompBrokerNew(int listener,
                                      const char *devDir,
                                      const unsigned int *groups,
                                      size_t ngroups,
                                      GError **errp);
void virSeccompBrokerFree(virSeccompBroker *b);

/* The groups the domain owns from now on (hotplug); safe while another
 * thread runs virSeccompBrokerHandle().  A group fd QEMU already holds is
 * not taken back: the caller waits for QEMU to close it. */
void virSeccompBrokerSetGroups(virSeccompBroker *b, const unsigned int *groups,
                               size_t ngroups);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virSeccompBroker, virSeccompBrokerFree);

/* The listener: poll it for POLLIN, then call virSeccompBrokerHandle() */
int virSeccompBrokerGetFD(virSeccompBroker *b);

/*
 * Receives and answers one notification (blocks if none is pending).  A
 * target that died or was interrupted is not an error.  Returns FALSE with
 * @errp set only when the listener itself failed.
 */
gboolean virSeccompBrokerHandle(virSeccompBroker *b, GError **errp);

/* @cb gets one line per injected, denied or failed open (domain log) */
void virSeccompBrokerSetLog(virSeccompBroker *b,
                            void (*cb)(const char *line, void *opaque),
                            void *opaque);

void virSeccompBrokerGetCounters(virSeccompBroker *b,
                                 virSeccompBrokerCounters *counters);
