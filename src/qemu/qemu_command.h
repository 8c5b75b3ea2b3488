/*
 * qemu_command.h: the QEMU command line of a normalized definition
 */
#pragma once

#include <json-glib/json-glib.h>

#include "domain_conf.h"

typedef struct {
    const char *runDir;             /* per-domain runtime dir parent */
    const char *hugepagesDir;       /* hugetlbfs mount */
    const char *memoryDir;          /* <source type='file'/> backing */
    int monitorFd;                  /* > 0: QEMU inherits its QMP listening
                                     * socket as this fd (the supervisor
                                     * made it); 0: it listens on the path */
    GHashTable *chrFds;             /* path of a listening unix chardev ->
                                     * GINT_TO_POINTER(fd) QEMU inherits
                                     * (the supervisor bound it); NULL or
                                     * absent: QEMU binds the path */
} qemuCommandConfig;

#define QEMU_DEFAULT_RUN_DIR TCEVIRT_RUNSTATEDIR "/tcevirt/qemu"
#define QEMU_DEFAULT_HUGEPAGES_DIR "/dev/hugepages"
#define QEMU_DEFAULT_MEMORY_DIR TCEVIRT_STATEDIR "/ram"

/* argv (NULL-terminated GStrv) of QEMU for @def */
char **qemuBuildCommandLine(const virDomainDef *def,
                            const qemuCommandConfig *cfg, GError **errp);

/* argv as libvirt's .args files show it: one option per line */
char *qemuCommandLineFormat(char *const *argv);

char *qemuDomainMonitorPath(const virDomainDef *def,
                            const qemuCommandConfig *cfg);

/* The mem-path of a file-backed RAM backend (hugepages without memfd, or
 * <source type='file'/>): a directory of the domain's own in which QEMU
 * creates its unlinked backing file; NULL for anonymous and memfd RAM */
char *qemuDomainMemoryPath(const virDomainDef *def,
                           const qemuCommandConfig *cfg);

/* The -device properties of the PHB or host device @alias of @def, as
 * device_add takes them (the same JSON the command line has) */
JsonObject *qemuBuildHotplugProps(const virDomainDef *def, const char *alias,
                                  GError **errp);
