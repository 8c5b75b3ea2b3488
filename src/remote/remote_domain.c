/*
 * remote_domain.c: domain procedures, each a thin call into the driver
 */
#include <config.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "qemu_process.h"
#include "remote_daemon.h"
#include "qemu_driver_device.h"
#include "virerror.h"

/* how long DOMAIN_DESTROY waits for the teardown, as the CLI does */
#define REMOTE_DESTROY_WAIT_MS 60000

static int
remoteDomainID(const qemuDriverDomain *dom)
{
    return dom->status && dom->status->qemuPid > 0 ?
        (int) dom->status->qemuPid : -1;
}

static void
remoteReplyDomainRef(GByteArray *w, const qemuDriverDomain *dom)
{
    remoteWriteDomain(w, dom->def->name, dom->def->uuid, remoteDomainID(dom));
}

static void
remoteLogWarnings(GPtrArray *warnings)
{
    guint i;

    for (i = 0; warnings && i < warnings->len; i++)
        g_message("%s", (const char *) g_ptr_array_index(warnings, i));
}

/* The domain @ref names, by its UUID as libvirt's drivers do */
static qemuDriverDomain *
remoteLookup(qemuDriver *drv, const remoteDomainRef *ref, gboolean inactive,
             GError **errp)
{
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) err = NULL;
    char uuid[VIR_UUID_STRING_BUFLEN];
    qemuDriverDomain *dom;

    /* by name first: one file to read, where a search by UUID reads every
     * definition (virsh list --all asks the state of each domain) */
    if ((dom = qemuDriverLookup(drv, ref->name, inactive, warnings, NULL))) {
        if (memcmp(dom->def->uuid, ref->uuid, VIR_UUID_BUFLEN) == 0) {
            remoteLogWarnings(warnings);
            return dom;
        }
        qemuDriverDomainFree(dom);
    }
    virUUIDFormat(ref->uuid, uuid);
    dom = qemuDriverLookup(drv, uuid, inactive, warnings, &err);
    remoteLogWarnings(warnings);
    if (dom)
        return dom;
    if (err->domain == VIR_ERROR && err->code == VIR_ERR_NO_DOMAIN)
        virReportError(errp, VIR_ERR_NO_DOMAIN,
                       "no domain with matching uuid '%s' (%s)", uuid,
                       ref->name);
    else
        g_propagate_error(errp, g_steal_pointer(&err));
    return NULL;
}

/* Reads a remote_nonnull_domain (and the flags word when @flags is not
 * NULL), ends the arguments and finds the domain */
static qemuDriverDomain *
remoteDomainArgs(remoteCall *call, qemuDriver **drv, guint32 *flags,
                 gboolean inactive, GError **errp)
{
    g_auto(remoteDomainRef) ref = { 0 };

    remoteReadDomain(call->args, &ref);
    if (flags)
        virXDRReadU32(call->args, flags);
    *drv = remoteDriver(call);
    if (!remoteArgsEnd(call, errp))
        return NULL;
    return remoteLookup(*drv, &ref, inactive, errp);
}

/* lookups ------------------------------------------------------------ */

static gboolean
remoteReplyDomain(remoteCall *call, qemuDriver *drv, const char *nameOrUUID,
                  GError **errp)
{
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(qemuDriverDomain) dom = qemuDriverLookup(drv, nameOrUUID, FALSE,
                                                       warnings, errp);

    remoteLogWarnings(warnings);
    if (!dom)
        return FALSE;
    remoteReplyDomainRef(call->ret, dom);
    return TRUE;
}

gboolean
remoteDomainLookupByName(remoteCall *call, GError **errp)
{
    qemuDriver *drv = remoteDriver(call);
    g_autofree char *name = NULL;

    virXDRReadString(call->args, VIR_NET_STRING_MAX, &name);
    if (!remoteArgsEnd(call, errp))
        return FALSE;
    return remoteReplyDomain(call, drv, name, errp);
}

gboolean
remoteDomainLookupByUUID(remoteCall *call, GError **errp)
{
    qemuDriver *drv = remoteDriver(call);
    unsigned char uuid[VIR_UUID_BUFLEN] = { 0 };
    char str[VIR_UUID_STRING_BUFLEN];
    g_autoptr(GError) err = NULL;

    virXDRReadFixed(call->args, uuid, VIR_UUID_BUFLEN);
    if (!remoteArgsEnd(call, errp))
        return FALSE;
    virUUIDFormat(uuid, str);
    if (remoteReplyDomain(call, drv, str, &err))
        return TRUE;
    if (err->domain == VIR_ERROR && err->code == VIR_ERR_NO_DOMAIN)
        virReportError(errp, VIR_ERR_NO_DOMAIN,
                       "no domain with matching uuid '%s'", str);
    else
        g_propagate_error(errp, g_steal_pointer(&err));
    return FALSE;
}

gboolean
remoteDomainLookupByID(remoteCall *call, GError **errp)
{
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    qemuDriver *drv = remoteDriver(call);
    g_autoptr(GPtrArray) all = NULL;
    gint32 id = 0;
    guint i;

    virXDRReadI32(call->args, &id);
    if (!remoteArgsEnd(call, errp) ||
        !(all = qemuDriverListAll(drv, warnings, errp)))
        return FALSE;
    remoteLogWarnings(warnings);
    for (i = 0; i < all->len; i++) {
        qemuDriverDomain *dom = g_ptr_array_index(all, i);

        if (id > 0 && remoteDomainID(dom) == id) {
            remoteReplyDomainRef(call->ret, dom);
            return TRUE;
        }
    }
    virReportError(errp, VIR_ERR_NO_DOMAIN, "no domain with matching id %d",
                   id);
    return FALSE;
}

/* define / undefine -------------------------------------------------- */

static gboolean
remoteDefine(remoteCall *call, gboolean withFlags, GError **errp)
{
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    qemuDriver *drv = remoteDriver(call);
    g_autoptr(virDomainDef) def = NULL;
    g_autofree char *xml = NULL;
    guint32 flags = 0;
    gboolean replaced = FALSE;
    char uuid[VIR_UUID_STRING_BUFLEN];

    virXDRReadString(call->args, VIR_NET_STRING_MAX, &xml);
    if (withFlags)
        virXDRReadU32(call->args, &flags);
    /* VIR_DOMAIN_DEFINE_VALIDATE: every definition is validated anyway */
    if (!remoteArgsEnd(call, errp) ||
        !remoteCheckFlags(call, flags, VIR_DOMAIN_DEFINE_VALIDATE, errp) ||
        !(def = qemuDriverDefineXML(drv, xml, strlen(xml), "(the XML of a "
                                    "remote client)", warnings, &replaced,
                                    errp)))
        return FALSE;
    remoteLogWarnings(warnings);
    virUUIDFormat(def->uuid, uuid);
    return remoteReplyDomain(call, drv, uuid, errp);
}

gboolean
remoteDomainDefineXML(remoteCall *call, GError **errp)
{
    return remoteDefine(call, FALSE, errp);
}

gboolean
remoteDomainDefineXMLFlags(remoteCall *call, GError **errp)
{
    return remoteDefine(call, TRUE, errp);
}

/* VIR_DOMAIN_UNDEFINE_*: tcevirt keeps no managed save, snapshot,
 * checkpoint, NVRAM or TPM state beside a definition, so there is
 * nothing for them to remove or keep */
#define REMOTE_UNDEFINE_FLAGS 0x7f

static gboolean
remoteUndefine(remoteCall *call, gboolean withFlags, GError **errp)
{
    qemuDriver *drv = NULL;
    g_autoptr(qemuDriverDomain) dom = NULL;
    g_autofree char *name = NULL;
    guint32 flags = 0;
    gboolean ok;

    if (!(dom = remoteDomainArgs(call, &drv, withFlags ? &flags : NULL, TRUE,
                                 errp)) ||
        !remoteCheckFlags(call, flags, REMOTE_UNDEFINE_FLAGS, errp))
        return FALSE;
    if (!dom->persistent) {
        virReportError(errp, VIR_ERR_OPERATION_INVALID,
                       "cannot undefine transient domain '%s'",
                       dom->def->name);
        return FALSE;
    }
    remoteDomainJobBegin(call->daemon, dom->def->name);
    ok = qemuDriverUndefine(drv, dom->def->name, &name, errp);
    remoteDomainJobEnd(call->daemon, dom->def->name);
    return ok;
}

gboolean
remoteDomainUndefine(remoteCall *call, GError **errp)
{
    return remoteUndefine(call, FALSE, errp);
}

gboolean
remoteDomainUndefineFlags(remoteCall *call, GError **errp)
{
    return remoteUndefine(call, TRUE, errp);
}

/* start and the supervisor's verbs ----------------------------------- */

/* Starts @name through tcevirt-start-helper (a fresh single-threaded
 * process forks the supervisor, not this daemon); QEMU's pid */
static pid_t
remoteStartDomain(remoteCall *call, const char *name, gboolean paused,
                  GError **errp)
{
    const char *argv[] = { call->daemon->startHelper, name,
                           paused ? "--paused" : NULL, NULL };
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_autoptr(GError) spawnErr = NULL;
    g_auto(GStrv) warnings = NULL;
    char *msg = NULL;
    gint64 code;
    size_t i;

    if (!g_spawn_sync(NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                      &out, &err, NULL, &spawnErr)) {
        virReportError(errp, VIR_ERR_INTERNAL_ERROR,
                       "cannot run %s to start domain '%s': %s",
                       call->daemon->startHelper, name, spawnErr->message);
        return -1;
    }
    warnings = g_strsplit(err, "\n", -1);
    for (i = 0; warnings[i]; i++) {
        if (*warnings[i])
            g_message("%s", warnings[i]);
    }
    g_strchomp(out);
    code = g_ascii_strtoll(out, &msg, 10);
    if (msg == out || (*msg && *msg != ' ')) {
        virReportError(errp, VIR_ERR_INTERNAL_ERROR,
                       "%s said nothing about starting domain '%s' (%s)",
                       call->daemon->startHelper, name, err);
        return -1;
    }
    if (*msg == ' ')
        msg++;
    if (code != 0) {
        g_set_error_literal(errp, VIR_ERROR, code, msg);
        return -1;
    }
    return (pid_t) g_ascii_strtoll(msg, NULL, 10);
}

static gboolean
remoteCreate(remoteCall *call, gboolean withFlags, GError **errp)
{
    qemuDriver *drv = NULL;
    g_autoptr(qemuDriverDomain) dom = NULL;
    g_autofree char *name = NULL;
    guint32 flags = 0;
    pid_t pid;

    if (!(dom = remoteDomainArgs(call, &drv, withFlags ? &flags : NULL, TRUE,
                                 errp)) ||
        !remoteCheckFlags(call, flags, VIR_DOMAIN_START_PAUSED, errp))
        return FALSE;
    name = g_strdup(dom->def->name);
    remoteDomainJobBegin(call->daemon, name);
    pid = remoteStartDomain(call, name, flags & VIR_DOMAIN_START_PAUSED, errp);
    remoteDomainJobEnd(call->daemon, name);
    if (pid < 0)
        return FALSE;
    if (withFlags)
        remoteWriteDomain(call->ret, name, dom->def->uuid, pid);
    return TRUE;
}

gboolean
remoteDomainCreate(remoteCall *call, GError **errp)
{
    return remoteCreate(call, FALSE, errp);
}

gboolean
remoteDomainCreateWithFlags(remoteCall *call, GError **errp)
{
    return remoteCreate(call, TRUE, errp);
}

/* One request to the domain's supervisor; destroy waits for the
 * teardown */
static gboolean
remoteControl(remoteCall *call, const char *verb, gboolean withFlags,
              guint32 allowed, GError **errp)
{
    qemuDriver *drv = NULL;
    g_autoptr(qemuDriverDomain) dom = NULL;
    g_autoptr(JsonNode) ret = NULL;
    g_autofree char *name = NULL;
    guint32 flags = 0;
    gboolean ok;

    if (!(dom = remoteDomainArgs(call, &drv, withFlags ? &flags : NULL, FALSE,
                                 errp)) ||
        !remoteCheckFlags(call, flags, allowed, errp))
        return FALSE;
    name = g_strdup(dom->def->name);
    if (!dom->status) {
        virReportError(errp, VIR_ERR_OPERATION_INVALID,
                       "domain '%s' is not running", name);
        return FALSE;
    }
    remoteDomainJobBegin(call->daemon, name);
    ok = (ret = qemuProcessControl(drv, name, verb, NULL, errp)) &&
         (!g_str_equal(verb, "destroy") ||
          qemuProcessWaitStopped(drv, name, REMOTE_DESTROY_WAIT_MS, NULL, errp));
    remoteDomainJobEnd(call->daemon, name);
    return ok;
}

gboolean
remoteDomainDestroy(remoteCall *call, GError **errp)
{
    return remoteControl(call, "destroy", FALSE, 0, errp);
}

gboolean
remoteDomainShutdown(remoteCall *call, GError **errp)
{
    return remoteControl(call, "shutdown", FALSE, 0, errp);
}

/* VIR_DOMAIN_SHUTDOWN_DEFAULT (0) and ACPI_POWER_BTN (1): on pseries both
 * are the power-off request (RTAS EPOW) */
gboolean
remoteDomainShutdownFlags(remoteCall *call, GError **errp)
{
    return remoteControl(call, "shutdown", TRUE, 1, errp);
}

gboolean
remoteDomainSuspend(remoteCall *call, GError **errp)
{
    return remoteControl(call, "suspend", FALSE, 0, errp);
}

gboolean
remoteDomainResume(remoteCall *call, GError **errp)
{
    return remoteControl(call, "resume", FALSE, 0, errp);
}

/* queries ------------------------------------------------------------ */

/* virDomainState and its reason for @dom */
static void
remoteDomainState(qemuDriver *drv, const qemuDriverDomain *dom, int *state,
                  int *reason)
{
    g_autofree char *why = NULL;
    int st = dom->status ? dom->status->state : QEMU_STATE_SHUTOFF;

    *reason = 0;
    switch (st) {
    case QEMU_STATE_RUNNING:
        *state = VIR_DOMAIN_RUNNING;
        why = g_strdup(dom->status->reason);
        /* VIR_DOMAIN_RUNNING_BOOTED 1, _UNPAUSED 5 */
        *reason = g_strcmp0(why, "unpaused") == 0 ? 5 : 1;
        break;
    case QEMU_STATE_STARTING:
        *state = VIR_DOMAIN_PAUSED;
        *reason = 11;               /* VIR_DOMAIN_PAUSED_STARTING_UP */
        break;
    case QEMU_STATE_PAUSED:
        *state = VIR_DOMAIN_PAUSED;
        *reason = 1;                /* VIR_DOMAIN_PAUSED_USER */
        break;
    case QEMU_STATE_SHUTDOWN:
    case QEMU_STATE_STOPPING:
        *state = VIR_DOMAIN_SHUTDOWN;
        *reason = 1;                /* VIR_DOMAIN_SHUTDOWN_USER */
        break;
    default:
        *state = VIR_DOMAIN_SHUTOFF;
        why = g_strdup(dom->shutoffReason);
        /* VIR_DOMAIN_SHUTOFF_SHUTDOWN 1, DESTROYED 2, CRASHED 3, FAILED 6 */
        if (g_strcmp0(why, "shutdown") == 0)
            *reason = 1;
        else if (g_strcmp0(why, "destroyed") == 0)
            *reason = 2;
        else if (g_strcmp0(why, "crashed") == 0)
            *reason = 3;
        else if (g_strcmp0(why, "failed") == 0)
            *reason = 6;
        break;
    }
}

/* QEMU's CPU time in nanoseconds (utime + stime of /proc/PID/stat) */
static guint64
remoteCPUTime(pid_t pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/stat", (int) pid);
    g_autofree char *text = NULL;
    unsigned long long utime = 0, stime = 0;
    const char *p;

    if (pid <= 0 || !g_file_get_contents(path, &text, NULL, NULL) ||
        !(p = strrchr(text, ')')) ||
        sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
               &utime, &stime) != 2)
        return 0;
    return (utime + stime) * (1000000000ull / sysconf(_SC_CLK_TCK));
}

static guint64
remoteMaxMemory(const virDomainDef *def)
{
    return def->mem.maxMemory ? def->mem.maxMemory : def->mem.total;
}

gboolean
remoteDomainGetInfo(remoteCall *call, GError **errp)
{
    qemuDriver *drv = NULL;
    g_autoptr(qemuDriverDomain) dom = NULL;
    int state, reason;

    if (!(dom = remoteDomainArgs(call, &drv, NULL, FALSE, errp)))
        return FALSE;
    remoteDomainState(drv, dom, &state, &reason);
    virXDRWriteU32(call->ret, state);               /* unsigned char */
    virXDRWriteU64(call->ret, remoteMaxMemory(dom->def));
    virXDRWriteU64(call->ret, dom->def->mem.current ? dom->def->mem.current
                                                    : dom->def->mem.total);
    virXDRWriteU32(call->ret, dom->def->vcpus);     /* unsigned short */
    virXDRWriteU64(call->ret, dom->status ?
                   remoteCPUTime(dom->status->qemuPid) : 0);
    return TRUE;
}

gboolean
remoteDomainGetState(remoteCall *call, GError **errp)
{
    qemuDriver *drv = NULL;
    g_autoptr(qemuDriverDomain) dom = NULL;
    guint32 flags = 0;
    int state, reason;

    if (!(dom = remoteDomainArgs(call, &drv, &flags, FALSE, errp)) ||
        !remoteCheckFlags(call, flags, 0, errp))
        return FALSE;
    remoteDomainState(drv, dom, &state, &reason);
    virXDRWriteI32(call->ret, state);
    virXDRWriteI32(call->ret, reason);
    return TRUE;
}

gboolean
remoteDomainGetXMLDesc(remoteCall *call, GError **errp)
{
    g_auto(remoteDomainRef) ref = { 0 };
    qemuDriver *drv = remoteDriver(call);
    g_autoptr(qemuDriverDomain) dom = NULL;
    g_autofree char *xml = NULL;
    guint32 flags = 0;

    remoteReadDomain(call->args, &ref);
    virXDRReadU32(call->args, &flags);
    /* SECURE (1), INACTIVE (2), UPDATE_CPU (4), MIGRATABLE (8): tcevirt's
     * definitions hold no secrets and no CPU expansion */
    if (!remoteArgsEnd(call, errp) || !remoteCheckFlags(call, flags, 0xf, errp) ||
        !(dom = remoteLookup(drv, &ref, flags & VIR_DOMAIN_XML_INACTIVE, errp)))
        return FALSE;
    xml = virDomainDefFormat(dom->def);
    virXDRWriteString(call->ret, xml);
    return TRUE;
}

gboolean
remoteDomainGetOSType(remoteCall *call, GError **errp)
{
    qemuDriver *drv = NULL;
    g_autoptr(qemuDriverDomain) dom = NULL;

    if (!(dom = remoteDomainArgs(call, &drv, NULL, FALSE, errp)))
        return FALSE;
    virXDRWriteString(call->ret, "hvm");
    return TRUE;
}

gboolean
remoteDomainGetMaxMemory(remoteCall *call, GError **errp)
{
    qemuDriver *drv = NULL;
    g_autoptr(qemuDriverDomain) dom = NULL;

    if (!(dom = remoteDomainArgs(call, &drv, NULL, FALSE, errp)))
        return FALSE;
    virXDRWriteU64(call->ret, remoteMaxMemory(dom->def));
    return TRUE;
}

/* A query whose answer is an int of the domain */
static gboolean
remoteDomainInt(remoteCall *call, gboolean withFlags,
                int (*value)(const qemuDriverDomain *dom), GError **errp)
{
    qemuDriver *drv = NULL;
    g_autoptr(qemuDriverDomain) dom = NULL;
    guint32 flags = 0;

    if (!(dom = remoteDomainArgs(call, &drv, withFlags ? &flags : NULL, FALSE,
                                 errp)) ||
        !remoteCheckFlags(call, flags, 0, errp))
        return FALSE;
    virXDRWriteI32(call->ret, value(dom));
    return TRUE;
}

static int
remoteValueZero(const qemuDriverDomain *dom)
{
    return 0;
}

static int
remoteValueActive(const qemuDriverDomain *dom)
{
    return dom->status != NULL;
}

static int
remoteValuePersistent(const qemuDriverDomain *dom)
{
    return dom->persistent;
}

/* tcevirt has no autostart */
gboolean
remoteDomainGetAutostart(remoteCall *call, GError **errp)
{
    return remoteDomainInt(call, FALSE, remoteValueZero, errp);
}

gboolean
remoteDomainIsActive(remoteCall *call, GError **errp)
{
    return remoteDomainInt(call, FALSE, remoteValueActive, errp);
}

gboolean
remoteDomainIsPersistent(remoteCall *call, GError **errp)
{
    return remoteDomainInt(call, FALSE, remoteValuePersistent, errp);
}

/* tcevirt has no managed save */
gboolean
remoteDomainHasManagedSaveImage(remoteCall *call, GError **errp)
{
    return remoteDomainInt(call, TRUE, remoteValueZero, errp);
}

/* tcevirt has no snapshots */
gboolean
remoteDomainSnapshotNum(remoteCall *call, GError **errp)
{
    return remoteDomainInt(call, TRUE, remoteValueZero, errp);
}

/* lists -------------------------------------------------------------- */

static gboolean
remoteDomainMatches(qemuDriver *drv, const qemuDriverDomain *dom,
                    guint32 flags)
{
    int state, reason;
    gboolean active = dom->status != NULL;

    if ((flags & (VIR_CONNECT_LIST_DOMAINS_ACTIVE |
                  VIR_CONNECT_LIST_DOMAINS_INACTIVE)) &&
        !((flags & VIR_CONNECT_LIST_DOMAINS_ACTIVE && active) ||
          (flags & VIR_CONNECT_LIST_DOMAINS_INACTIVE && !active)))
        return FALSE;
    if ((flags & (VIR_CONNECT_LIST_DOMAINS_PERSISTENT |
                  VIR_CONNECT_LIST_DOMAINS_TRANSIENT)) &&
        !((flags & VIR_CONNECT_LIST_DOMAINS_PERSISTENT && dom->persistent) ||
          (flags & VIR_CONNECT_LIST_DOMAINS_TRANSIENT && !dom->persistent)))
        return FALSE;
    if (flags & (VIR_CONNECT_LIST_DOMAINS_RUNNING |
                 VIR_CONNECT_LIST_DOMAINS_PAUSED |
                 VIR_CONNECT_LIST_DOMAINS_SHUTOFF |
                 VIR_CONNECT_LIST_DOMAINS_OTHER)) {
        remoteDomainState(drv, dom, &state, &reason);
        if (!((flags & VIR_CONNECT_LIST_DOMAINS_RUNNING &&
               state == VIR_DOMAIN_RUNNING) ||
              (flags & VIR_CONNECT_LIST_DOMAINS_PAUSED &&
               state == VIR_DOMAIN_PAUSED) ||
              (flags & VIR_CONNECT_LIST_DOMAINS_SHUTOFF &&
               state == VIR_DOMAIN_SHUTOFF) ||
              (flags & VIR_CONNECT_LIST_DOMAINS_OTHER &&
               state == VIR_DOMAIN_SHUTDOWN)))
            return FALSE;
    }
    return TRUE;
}

/* _AUTOSTART, _NO_AUTOSTART, _HAS/NO_SNAPSHOT, _HAS/NO_CHECKPOINT and
 * _MANAGEDSAVE: tcevirt has none of these, so NO_* matches every domain */
#define REMOTE_LIST_HAS_NONE ((1 << 8) | (1 << 11) | (1 << 13) | (1 << 14))
#define REMOTE_LIST_NO_ALL ((1 << 9) | (1 << 10) | (1 << 12) | (1 << 15))

gboolean
remoteConnectListAllDomains(remoteCall *call, GError **errp)
{
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    qemuDriver *drv = remoteDriver(call);
    g_autoptr(GPtrArray) all = NULL;
    g_autoptr(GPtrArray) match = g_ptr_array_new();
    gint32 need = 0;
    guint32 flags = 0;
    guint i;

    virXDRReadI32(call->args, &need);
    virXDRReadU32(call->args, &flags);
    if (!remoteArgsEnd(call, errp) ||
        !remoteCheckFlags(call, flags, 0xff | REMOTE_LIST_HAS_NONE |
                          REMOTE_LIST_NO_ALL, errp) ||
        !(all = qemuDriverListAll(drv, warnings, errp)))
        return FALSE;
    remoteLogWarnings(warnings);
    for (i = 0; i < all->len; i++) {
        qemuDriverDomain *dom = g_ptr_array_index(all, i);

        if (!(flags & REMOTE_LIST_HAS_NONE) &&
            remoteDomainMatches(drv, dom, flags))
            g_ptr_array_add(match, dom);
    }
    if (match->len > REMOTE_DOMAIN_LIST_MAX) {
        virReportError(errp, VIR_ERR_RPC, "%u domains are more than the "
                       "protocol's %d in one list", match->len,
                       REMOTE_DOMAIN_LIST_MAX);
        return FALSE;
    }
    if (need) {
        virXDRWriteU32(call->ret, match->len);
        for (i = 0; i < match->len; i++)
            remoteReplyDomainRef(call->ret, g_ptr_array_index(match, i));
    } else {
        virXDRWriteU32(call->ret, 0);
    }
    virXDRWriteU32(call->ret, match->len);
    return TRUE;
}

gboolean
remoteConnectNumOfDomains(remoteCall *call, GError **errp)
{
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    qemuDriver *drv = remoteDriver(call);
    g_autoptr(GPtrArray) all = NULL;
    int n = 0;
    guint i;

    if (!remoteArgsEnd(call, errp) ||
        !(all = qemuDriverListAll(drv, warnings, errp)))
        return FALSE;
    for (i = 0; i < all->len; i++)
        n += ((qemuDriverDomain *) g_ptr_array_index(all, i))->status != NULL;
    virXDRWriteI32(call->ret, n);
    return TRUE;
}


/* virDomainAttachDeviceFlags / virDomainDetachDeviceFlags
 * (VIR_DOMAIN_AFFECT_CURRENT 0, LIVE 1, CONFIG 2).  As libvirt does, a live
 * detach returns once QEMU has been asked and the guest had a few seconds:
 * the removal may complete later, and DEVICE_REMOVED says when (Nova waits
 * for that event and retries the detach on silence) */
static gboolean
remoteDeviceCall(remoteCall *call, gboolean attach, GError **errp)
{
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    g_auto(remoteDomainRef) ref = { 0 };
    g_autoptr(qemuDriverDomain) dom = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *name = NULL;
    qemuDriver *drv = remoteDriver(call);
    guint32 flags = 0;
    gboolean ok;

    remoteReadDomain(call->args, &ref);
    virXDRReadString(call->args, VIR_NET_STRING_MAX, &xml);
    virXDRReadU32(call->args, &flags);
    if (!remoteArgsEnd(call, errp) ||
        !remoteCheckFlags(call, flags, QEMU_AFFECT_LIVE | QEMU_AFFECT_CONFIG,
                          errp) ||
        !(dom = remoteLookup(drv, &ref, FALSE, errp)))
        return FALSE;
    name = g_strdup(dom->def->name);
    remoteDomainJobBegin(call->daemon, name);
    ok = attach ?
        qemuDriverAttachDevice(drv, name, xml, flags, warnings, NULL, errp) :
        qemuDriverDetachDevice(drv, name, xml, flags, QEMU_DETACH_ASYNC,
                               warnings, errp);
    remoteDomainJobEnd(call->daemon, name);
    remoteLogWarnings(warnings);
    return ok;
}

gboolean
remoteDomainAttachDeviceFlags(remoteCall *call, GError **errp)
{
    return remoteDeviceCall(call, TRUE, errp);
}

gboolean
remoteDomainDetachDeviceFlags(remoteCall *call, GError **errp)
{
    return remoteDeviceCall(call, FALSE, errp);
}
