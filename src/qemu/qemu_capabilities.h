/*
 * qemu_capabilities.h: what the host and its QEMU can run, as libvirt's
 * capabilities and domain capabilities XML
 *
 * The host side comes from sysfs and /proc (arch, CPU model, NUMA cells
 * with their CPUs, memory and pages); the guest side from QEMU itself
 * over QMP (version, pseries machine types with their aliases and vCPU
 * limits, POWER CPU models), probed once per binary and probed again
 * when the binary's mtime changes.  Domain capabilities list what
 * tcevirt's own parser accepts, so a client that trusts them writes XML
 * that defines.
 */
#pragma once

#include <glib.h>

typedef struct {
    char *name;
    char *alias;                    /* "pseries" for the newest, or NULL */
    int maxCpus;
    gboolean isDefault;
    gboolean deprecated;
} qemuCapsMachine;

typedef struct {
    gint refs;
    char *emulator;
    gint64 mtime;
    guint64 version;                /* major * 1000000 + minor * 1000 + micro */
    GPtrArray *machines;            /* qemuCapsMachine, pseries only */
    GPtrArray *cpuModels;           /* POWER7 ... POWER11 that QEMU has */
} qemuCaps;

qemuCaps *qemuCapsRef(qemuCaps *caps);
void qemuCapsUnref(qemuCaps *caps);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(qemuCaps, qemuCapsUnref);

/* Probes @emulator (QMP over stdio, -machine none) */
qemuCaps *qemuCapsProbe(const char *emulator, GError **errp);

/* The machine @name names (a name or an alias; NULL: the default) */
const qemuCapsMachine *qemuCapsFindMachine(qemuCaps *caps, const char *name);
/* vCPU limit of @machine (NULL: the default machine) */
int qemuCapsMaxCpus(qemuCaps *caps, const char *machine);

typedef struct _qemuCapsCache qemuCapsCache;

qemuCapsCache *qemuCapsCacheNew(void);
void qemuCapsCacheFree(qemuCapsCache *cache);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(qemuCapsCache, qemuCapsCacheFree);
/* The capabilities of @emulator (NULL: the default emulator), probed on
 * first use and when the binary changed; thread-safe */
qemuCaps *qemuCapsCacheLookup(qemuCapsCache *cache, const char *emulator,
                              GError **errp);

/* libvirt's <capabilities> of this host */
char *qemuCapsFormatHost(qemuCapsCache *cache, GError **errp);
/* libvirt's <domainCapabilities>; each argument may be NULL (defaults:
 * the default emulator, the host's guest arch, the default machine, kvm
 * when this host can run it, else qemu) */
char *qemuCapsFormatDomain(qemuCapsCache *cache, const char *emulator,
                           const char *arch, const char *machine,
                           const char *virttype, GError **errp);

/* virNodeInfo */
typedef struct {
    char model[32];
    guint64 memoryKiB;
    int cpus;
    int mhz;
    int nodes;
    int sockets;                    /* per node, as libvirt counts */
    int cores;                      /* per socket */
    int threads;                    /* per core */
} qemuNodeInfo;

gboolean qemuCapsNodeInfo(qemuNodeInfo *info, GError **errp);
