/*
 * qemu_conf.h: where tcevirt keeps its state and how it runs QEMU
 *
 * Built-in defaults, then /etc/tcevirt/qemu.conf (a key file, group
 * [qemu]), then the environment for tests and relocated installs:
 *   TCEVIRT_CONF        another configuration file
 *   TCEVIRT_STATE_DIR   persistent state (definitions, claims, logs)
 *   TCEVIRT_RUN_DIR     runtime state (status, sockets)
 *   TCEVIRT_QEMU_USER   the user QEMU runs as
 */
#pragma once

#include <glib.h>
#include <sys/types.h>

#include "virenum.h"

typedef enum {
    QEMU_FD_HANDOFF_AUTO = 0,       /* seccomp where the kernel has ADDFD, else DAC */
    QEMU_FD_HANDOFF_SECCOMP,
    QEMU_FD_HANDOFF_DAC,
    QEMU_FD_HANDOFF_LAST,
} qemuFDHandoff;

typedef struct {
    char *stateDir;                 /* STATEDIR */
    char *runDir;                   /* RUNSTATEDIR/tcevirt */
    char *qemuRunDir;               /* runDir/qemu: per-domain sockets */
    char *logDir;                   /* STATEDIR/log */
    char *hugepagesDir;             /* hugetlbfs_mount: file-backed hugepages */
    char *memoryDir;                /* STATEDIR/ram: <source type='file'/> */
    char *user;                     /* QEMU's user; "" = tcevirt's own */
    uid_t uid;
    gid_t gid;
    gid_t *groups;                  /* supplementary groups of the user */
    int ngroups;
    uid_t idFirst;                  /* uid_range: one id per running */
    uid_t idLast;                   /* domain; 0-0 = all share user's */
    gboolean idRangeSet;            /* uid_range was in the file */
    int fdHandoff;                  /* qemuFDHandoff */
    unsigned int startTimeout;      /* seconds until QMP answers */
    unsigned int shutdownTimeout;   /* seconds: shutdown --timeout default */
} qemuDriverConfig;

#define QEMU_DEFAULT_USER "tcevirt-qemu"
/* 0x70000000 + 65536: above systemd's container range, below 2^31, a
 * range its UIDS-GIDS.md leaves unassigned */
#define QEMU_DEFAULT_ID_FIRST 1879048192u
#define QEMU_DEFAULT_ID_LAST 1879113727u
#define QEMU_CONF_FILE "/etc/tcevirt/qemu.conf"

qemuDriverConfig *qemuDriverConfigNew(GError **errp);
void qemuDriverConfigFree(qemuDriverConfig *cfg);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(qemuDriverConfig, qemuDriverConfigFree);
/* Resolves cfg->user to uid/gid (checked at start, not at every command) */
gboolean qemuDriverConfigResolveUser(qemuDriverConfig *cfg, GError **errp);
VIR_ENUM_DECL(qemuFDHandoff);
