/*
 * qemu_status.c: runtime state of a running domain
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <json-glib/json-glib.h>

#include "qemu_status.h"
#include "virerror.h"
#include "virfile.h"

VIR_ENUM_IMPL(qemuDomainState, QEMU_STATE_LAST,
              "shut off", "starting", "running", "paused", "in shutdown",
              "stopping");

static void
qemuStatusOwnerFree(qemuStatusOwner *own)
{
    g_free(own->path);
    g_free(own);
}

static void
qemuStatusDeviceEventFree(gpointer p)
{
    qemuStatusDeviceEvent *ev = p;

    g_free(ev->alias);
    g_free(ev);
}

qemuDomainStatus *
qemuDomainStatusNew(void)
{
    qemuDomainStatus *st = g_new0(qemuDomainStatus, 1);

    st->refs = 1;

    st->owners = g_ptr_array_new_with_free_func((GDestroyNotify) qemuStatusOwnerFree);
    st->deviceEvents = g_ptr_array_new_with_free_func(qemuStatusDeviceEventFree);
    return st;
}

qemuDomainStatus *
qemuDomainStatusRef(qemuDomainStatus *st)
{
    g_atomic_int_inc(&st->refs);
    return st;
}

void
qemuDomainStatusFree(qemuDomainStatus *st)
{
    if (!st || !g_atomic_int_dec_and_test(&st->refs))
        return;
    g_free(st->name);
    g_free(st->uuid);
    g_free(st->reason);
    g_free(st->defXML);
    g_free(st->handoff);
    g_ptr_array_unref(st->owners);
    g_ptr_array_unref(st->deviceEvents);
    g_free(st);
}

char *
qemuDomainStatusPath(const qemuDriverConfig *cfg, const char *name,
                     const char *suffix)
{
    g_autofree char *file = g_strdup_printf("%s.%s", name, suffix);

    return g_build_filename(cfg->qemuRunDir, file, NULL);
}

gboolean
qemuDomainStatusSave(const qemuDriverConfig *cfg, const qemuDomainStatus *st,
                     GError **errp)
{
    g_autoptr(JsonGenerator) gen = json_generator_new();
    g_autoptr(JsonNode) root = json_node_alloc();
    g_autofree char *path = qemuDomainStatusPath(cfg, st->name, "status");
    g_autofree char *text = NULL;
    JsonObject *obj = json_object_new();
    JsonArray *owners = json_array_new();
    size_t i;

    if (!virFileMakeDirs(cfg->qemuRunDir, errp)) {
        json_object_unref(obj);
        json_array_unref(owners);
        return FALSE;
    }
    json_object_set_string_member(obj, "name", st->name);
    json_object_set_string_member(obj, "uuid", st->uuid);
    json_object_set_string_member(obj, "state",
                                  qemuDomainStateTypeToString(st->state));
    json_object_set_string_member(obj, "reason", st->reason ? st->reason : "");
    json_object_set_int_member(obj, "supervisor-pid", st->supervisorPid);
    json_object_set_int_member(obj, "supervisor-start", st->supervisorStart);
    json_object_set_int_member(obj, "qemu-pid", st->qemuPid);
    json_object_set_int_member(obj, "qemu-start", st->qemuStart);
    json_object_set_int_member(obj, "qemu-uid", st->qemuUid);
    json_object_set_int_member(obj, "started-at", st->startedAt);
    json_object_set_string_member(obj, "handoff", st->handoff ? st->handoff : "");
    for (i = 0; i < st->owners->len; i++) {
        qemuStatusOwner *own = g_ptr_array_index(st->owners, i);
        JsonObject *o = json_object_new();

        json_object_set_string_member(o, "path", own->path);
        json_object_set_int_member(o, "uid", own->uid);
        json_object_set_int_member(o, "gid", own->gid);
        json_object_set_int_member(o, "mode", own->mode);
        json_array_add_object_element(owners, o);
    }
    json_object_set_array_member(obj, "owners", owners);
    if (st->deviceEvents && st->deviceEvents->len) {
        JsonArray *evs = json_array_new();

        for (i = 0; i < st->deviceEvents->len; i++) {
            qemuStatusDeviceEvent *ev = g_ptr_array_index(st->deviceEvents, i);
            JsonObject *o = json_object_new();

            json_object_set_int_member(o, "seq", ev->seq);
            json_object_set_string_member(o, "event", ev->removed ?
                                          "removed" : "removal-failed");
            json_object_set_string_member(o, "alias", ev->alias);
            json_array_add_object_element(evs, o);
        }
        json_object_set_array_member(obj, "device-events", evs);
    }
    json_object_set_string_member(obj, "definition", st->defXML ? st->defXML : "");
    json_node_init_object(root, obj);
    json_object_unref(obj);
    json_generator_set_root(gen, root);
    json_generator_set_pretty(gen, TRUE);
    text = json_generator_to_data(gen, NULL);
    return virFileWriteAtomic(path, text, errp);
}

qemuDomainStatus *
qemuDomainStatusLoad(const qemuDriverConfig *cfg, const char *name,
                     GError **errp)
{
    g_autofree char *path = qemuDomainStatusPath(cfg, name, "status");
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autoptr(qemuDomainStatus) st = qemuDomainStatusNew();
    g_autoptr(GError) lerr = NULL;
    JsonObject *obj;
    JsonArray *owners;
    JsonArray *evs;
    guint i;

    if (!g_file_test(path, G_FILE_TEST_EXISTS))
        return NULL;
    if (!json_parser_load_from_file(parser, path, &lerr) ||
        !JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser))) {
        virReportError(errp, VIR_ERR_READ_FAILED,
                       "the runtime state %s is unreadable (%s); remove it "
                       "once no QEMU of domain '%s' runs", path,
                       lerr ? lerr->message : "not a JSON object", name);
        return NULL;
    }
    obj = json_node_get_object(json_parser_get_root(parser));
    st->name = g_strdup(json_object_get_string_member_with_default(obj, "name", name));
    st->uuid = g_strdup(json_object_get_string_member_with_default(obj, "uuid", ""));
    st->state = qemuDomainStateTypeFromString(
        json_object_get_string_member_with_default(obj, "state", "running"));
    if (st->state < 0)
        st->state = QEMU_STATE_RUNNING;
    st->reason = g_strdup(json_object_get_string_member_with_default(obj, "reason", ""));
    st->supervisorPid = json_object_get_int_member_with_default(obj, "supervisor-pid", 0);
    st->supervisorStart = json_object_get_int_member_with_default(obj, "supervisor-start", 0);
    st->qemuPid = json_object_get_int_member_with_default(obj, "qemu-pid", 0);
    st->qemuStart = json_object_get_int_member_with_default(obj, "qemu-start", 0);
    st->qemuUid = json_object_get_int_member_with_default(obj, "qemu-uid", 0);
    st->startedAt = json_object_get_int_member_with_default(obj, "started-at", 0);
    st->handoff = g_strdup(json_object_get_string_member_with_default(obj, "handoff", ""));
    st->defXML = g_strdup(json_object_get_string_member_with_default(obj, "definition", ""));
    owners = json_object_has_member(obj, "owners") ?
        json_object_get_array_member(obj, "owners") : NULL;
    for (i = 0; owners && i < json_array_get_length(owners); i++) {
        JsonObject *o = json_array_get_object_element(owners, i);
        qemuStatusOwner *own;

        if (!o || !json_object_has_member(o, "path"))
            continue;
        own = g_new0(qemuStatusOwner, 1);
        own->path = g_strdup(json_object_get_string_member(o, "path"));
        own->uid = json_object_get_int_member_with_default(o, "uid", 0);
        own->gid = json_object_get_int_member_with_default(o, "gid", 0);
        own->mode = json_object_get_int_member_with_default(o, "mode", 0600);
        g_ptr_array_add(st->owners, own);
    }
    evs = json_object_has_member(obj, "device-events") ?
        json_object_get_array_member(obj, "device-events") : NULL;
    for (i = 0; evs && i < json_array_get_length(evs); i++) {
        JsonObject *o = json_array_get_object_element(evs, i);
        qemuStatusDeviceEvent *ev;

        if (!o || !json_object_has_member(o, "alias"))
            continue;
        ev = g_new0(qemuStatusDeviceEvent, 1);
        ev->seq = json_object_get_int_member_with_default(o, "seq", 0);
        ev->removed = g_strcmp0(json_object_get_string_member_with_default(
                                    o, "event", ""), "removed") == 0;
        ev->alias = g_strdup(json_object_get_string_member(o, "alias"));
        g_ptr_array_add(st->deviceEvents, ev);
    }
    return g_steal_pointer(&st);
}

int
qemuDomainStatusFindOwner(const qemuDomainStatus *st, const char *path)
{
    guint i;

    for (i = 0; i < st->owners->len; i++) {
        if (g_str_equal(((qemuStatusOwner *) g_ptr_array_index(st->owners, i))->path,
                        path))
            return i;
    }
    return -1;
}

void
qemuDomainStatusAddDeviceEvent(qemuDomainStatus *st, gboolean removed,
                               const char *alias)
{
    qemuStatusDeviceEvent *ev = g_new0(qemuStatusDeviceEvent, 1);
    guint64 last = 0;

    if (st->deviceEvents->len)
        last = ((qemuStatusDeviceEvent *) g_ptr_array_index(
                    st->deviceEvents, st->deviceEvents->len - 1))->seq;
    ev->seq = last + 1;
    ev->removed = removed;
    ev->alias = g_strdup(alias);
    g_ptr_array_add(st->deviceEvents, ev);
    if (st->deviceEvents->len > QEMU_STATUS_DEVICE_EVENTS)
        g_ptr_array_remove_index(st->deviceEvents, 0);
}

int
qemuDomainStatusLock(const qemuDriverConfig *cfg, const char *name)
{
    g_autofree char *path = qemuDomainStatusPath(cfg, name, "lock");
    int fd;
    int saved;

    if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0)
        return -1;
    if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

gboolean
qemuDomainStatusSupervised(const qemuDriverConfig *cfg, const char *name)
{
    g_autofree char *path = qemuDomainStatusPath(cfg, name, "lock");
    gboolean held;
    int fd;

    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        return FALSE;
    held = flock(fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK;
    close(fd);
    return held;
}

char *
qemuDomainStatusShutoffReason(const qemuDriverConfig *cfg, const char *name)
{
    g_autofree char *path = qemuDomainStatusPath(cfg, name, "shutoff");
    char *text = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return NULL;
    return g_strstrip(text);
}

gboolean
qemuDomainStatusSetShutoff(const qemuDriverConfig *cfg, const char *name,
                           const char *reason, GError **errp)
{
    g_autofree char *path = qemuDomainStatusPath(cfg, name, "shutoff");
    g_autofree char *text = g_strdup_printf("%s\n", reason);

    if (!virFileMakeDirs(cfg->qemuRunDir, errp))
        return FALSE;
    return virFileWriteAtomic(path, text, errp);
}
