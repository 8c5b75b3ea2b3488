/*
 * remote_daemon.c: the daemon's state shared by every connection
 */
#include <config.h>

#include "remote_daemon.h"

void
remoteDomainRefClear(remoteDomainRef *ref)
{
    g_clear_pointer(&ref->name, g_free);
}

void
remoteReadDomain(virXDRReader *r, remoteDomainRef *ref)
{
    virXDRReadString(r, VIR_NET_STRING_MAX, &ref->name);
    virXDRReadFixed(r, ref->uuid, VIR_UUID_BUFLEN);
    virXDRReadI32(r, &ref->id);
}

void
remoteWriteDomain(GByteArray *w, const char *name, const unsigned char *uuid,
                  int id)
{
    virXDRWriteString(w, name);
    virXDRWriteFixed(w, uuid, VIR_UUID_BUFLEN);
    virXDRWriteI32(w, id);
}

remoteDaemon *
remoteDaemonNew(const char *startHelper, GError **errp)
{
    g_autoptr(remoteDaemon) d = g_new0(remoteDaemon, 1);

    d->startHelper = g_strdup(startHelper);
    g_mutex_init(&d->jobLock);
    g_cond_init(&d->jobCond);
    d->jobs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    d->caps = qemuCapsCacheNew();
    d->srv = virNetServerNew(remoteDispatch, remoteClientGone, d);
    if (!(d->drv = qemuDriverOpen(errp)) ||
        !qemuDriverEnableCache(d->drv, errp) ||
        !(d->events = qemuEventWatcherNew(d->drv->cfg, remoteEventBroadcast,
                                          d, errp)))
        return NULL;
    return g_steal_pointer(&d);
}

void
remoteDaemonFree(remoteDaemon *d)
{
    if (!d)
        return;
    /* no more events, then no more clients */
    qemuEventWatcherFree(d->events);
    virNetServerFree(d->srv);
    qemuCapsCacheFree(d->caps);
    qemuDriverClose(d->drv);
    g_free(d->startHelper);
    g_hash_table_unref(d->jobs);
    g_cond_clear(&d->jobCond);
    g_mutex_clear(&d->jobLock);
    g_free(d);
}
