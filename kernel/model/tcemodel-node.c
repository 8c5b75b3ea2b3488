/*
 * tcemodel-node.c: owner, mode and DAC of the fake host's /dev/vfio nodes
 *
 * On the real host /dev/vfio/vfio and /dev/vfio/N are character devices
 * that devtmpfs creates (drivers/base/devtmpfs.c, handle_create()):
 * root:root, with the mode the driver asks for, else 0600:
 *   - /dev/vfio/vfio: the misc device vfio_dev of drivers/vfio/container.c
 *     (.minor = VFIO_MINOR (196), .nodename = "vfio/vfio",
 *     .mode = S_IRUGO | S_IWUGO): crw-rw-rw- root root 10, 196;
 *   - /dev/vfio/N: the group cdev of drivers/vfio/group.c
 *     (vfio_devnode() names it and sets no mode): crw------- root root,
 *     dynamic major (class "vfio").  vfio_create_group() adds it with the
 *     group's first VFIO device, vfio_device_remove_group() deletes it
 *     (cdev_device_del()) with the last one; devtmpfs' handle_remove()
 *     unlinks the node whatever was done to it, so a later bind creates a
 *     fresh root:root 0600 node.
 *
 * The model's node is a regular file DIR/dev/vfio/NAME (created and
 * removed by tcemodel-sysfs.c like the kernel's cdev) whose content holds
 * the modelled attributes, "UID GID MODE\n" (MODE octal); an empty file
 * has the defaults above.  Removing the file therefore resets them, as
 * devtmpfs does.  The files are 0666 in the tree so that any process of
 * the fake host may update them; they are read and written only under
 * the model lock (DIR/lock).
 *
 * Permission checks mirror the VFS: generic_permission()/
 * acl_permission_check() (fs/namei.c) with the caller's fsuid, fsgid and
 * supplementary groups, CAP_DAC_OVERRIDE / CAP_DAC_READ_SEARCH from the
 * effective set; chown_ok()/chgrp_ok()/inode_owner_or_capable()
 * (fs/attr.c, setattr_prepare()) with CAP_CHOWN, CAP_FOWNER, CAP_FSETID.
 * User namespaces and ACLs are not modelled.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "tcemodel.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <linux/capability.h>

#define TCEMODEL_MAY_EXEC 1
#define TCEMODEL_MAY_WRITE 2
#define TCEMODEL_MAY_READ 4


/* the defaults of node @name; false if /dev/vfio/@name is no node */
static bool
tcemodelNodeDefaults(const char *name, tcemodelNode *node)
{
    *node = (tcemodelNode) { 0 };
    if (g_str_equal(name, "vfio")) {
        node->mode = 0666;
        node->rdev = makedev(10, 196);      /* MISC_MAJOR, VFIO_MINOR */
        return true;
    }
    if (!*name || strspn(name, "0123456789") != strlen(name) ||
        strlen(name) > 9)
        return false;
    node->mode = 0600;
    node->rdev = makedev(TCEMODEL_VFIO_GROUP_MAJOR, atoi(name));
    return true;
}


bool
tcemodelNodeName(const char *name)
{
    tcemodelNode node;

    return tcemodelNodeDefaults(name, &node);
}


/* The attributes of node @name; the caller holds the model lock. */
int
tcemodelNodeRead(const char *root, const char *name, tcemodelNode *node)
{
    g_autofree char *path = tcemodelPath(root, "/dev/vfio/%s", name);
    g_autofree char *data = NULL;
    unsigned int uid, gid, mode;
    struct stat sb;
    int ret;

    if (!tcemodelNodeDefaults(name, node))
        return -ENOENT;
    if (stat(path, &sb) < 0)
        return -errno;
    if (!S_ISREG(sb.st_mode))
        return -ENOENT;
    if ((ret = tcemodelFileRead(path, &data)) < 0)
        return ret;
    if (*data && sscanf(data, "%u %u %o", &uid, &gid, &mode) == 3) {
        node->uid = uid;
        node->gid = gid;
        node->mode = mode & 07777;
    }
    return 0;
}


/* Store the attributes of node @name in place; the caller holds the lock. */
static int
tcemodelNodeWrite(const char *root, const char *name, const tcemodelNode *node)
{
    g_autofree char *path = tcemodelPath(root, "/dev/vfio/%s", name);
    g_autofree char *data = g_strdup_printf("%u %u %o\n",
                                            (unsigned int)node->uid,
                                            (unsigned int)node->gid,
                                            (unsigned int)node->mode);
    size_t len = strlen(data);
    int fd;
    int ret = 0;

    /* not O_CREAT: the node may not come back behind vfio's back */
    if ((fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW)) < 0)
        return -errno;
    if (write(fd, data, len) != (ssize_t)len)
        ret = errno ? -errno : -EIO;
    if (close(fd) < 0 && ret == 0)
        ret = -errno;
    return ret;
}


/* ------------------------------------------------------------------ */
/* credentials                                                         */

bool
tcemodelCapable(int cap)
{
    struct __user_cap_header_struct hdr = {
        .version = _LINUX_CAPABILITY_VERSION_3,
    };
    struct __user_cap_data_struct data[2] = { { 0 } };

    if (syscall(SYS_capget, &hdr, data) < 0)
        return false;
    return data[cap / 32].effective & (1U << (cap % 32));
}


static bool
tcemodelCapPermitted(int cap)
{
    struct __user_cap_header_struct hdr = {
        .version = _LINUX_CAPABILITY_VERSION_3,
    };
    struct __user_cap_data_struct data[2] = { { 0 } };

    if (syscall(SYS_capget, &hdr, data) < 0)
        return false;
    return data[cap / 32].permitted & (1U << (cap % 32));
}


typedef struct {
    uid_t uid;          /* fsuid */
    gid_t gid;          /* fsgid */
    bool real;          /* access(): real ids, caps as access_override_creds() */
} tcemodelCred;


/* the current fsuid/fsgid: setfs[ug]id(-1) changes nothing, returns it */
static tcemodelCred
tcemodelCredCurrent(void)
{
    return (tcemodelCred) {
        .uid = setfsuid(-1),
        .gid = setfsgid(-1),
    };
}


static bool
tcemodelCredCapable(const tcemodelCred *cred, int cap)
{
    /* access_override_creds(): root keeps its permitted set, others none */
    if (cred->real)
        return cred->uid == 0 && tcemodelCapPermitted(cap);
    return tcemodelCapable(cap);
}


/* in_group_p(): fsgid or a supplementary group */
static bool
tcemodelCredInGroup(const tcemodelCred *cred, gid_t gid)
{
    g_autofree gid_t *groups = NULL;
    int n;
    int i;

    if (cred->gid == gid)
        return true;
    if ((n = getgroups(0, NULL)) <= 0)
        return false;
    groups = g_new(gid_t, n);
    if ((n = getgroups(n, groups)) < 0)
        return false;
    for (i = 0; i < n; i++) {
        if (groups[i] == gid)
            return true;
    }
    return false;
}


/* generic_permission() for a non-directory: 0 or -EACCES */
static int
tcemodelNodePermission(const tcemodelNode *node, int mask,
                       const tcemodelCred *cred)
{
    mode_t mode = node->mode;

    mask &= TCEMODEL_MAY_READ | TCEMODEL_MAY_WRITE | TCEMODEL_MAY_EXEC;
    /* acl_permission_check() */
    if (cred->uid == node->uid)
        mode >>= 6;
    else if (tcemodelCredInGroup(cred, node->gid))
        mode >>= 3;
    if (!(mask & ~mode & 7))
        return 0;

    if (mask == TCEMODEL_MAY_READ &&
        tcemodelCredCapable(cred, CAP_DAC_READ_SEARCH))
        return 0;
    /* read/write always overridable, exec with at least one x bit */
    if ((!(mask & TCEMODEL_MAY_EXEC) || (node->mode & 0111)) &&
        tcemodelCredCapable(cred, CAP_DAC_OVERRIDE))
        return 0;
    return -EACCES;
}


/*
 * may_open() of a file owned by @uid:@gid with mode @mode for open(2)
 * @flags, as the calling process: 0 or -EACCES.
 */
int
tcemodelMayOpen(uid_t uid, gid_t gid, mode_t mode, int flags)
{
    tcemodelNode node = { .uid = uid, .gid = gid, .mode = mode & 07777 };

    return tcemodelNodeMayOpen(&node, flags);
}


/*
 * may_open() of node @node for open(2) @flags: 0 or -EACCES.  The caller
 * holds the model lock.
 */
int
tcemodelNodeMayOpen(const tcemodelNode *node, int flags)
{
    /* ACC_MODE(): O_RDONLY read, O_WRONLY write, O_RDWR and 3 both */
    static const int acc[] = {
        TCEMODEL_MAY_READ, TCEMODEL_MAY_WRITE,
        TCEMODEL_MAY_READ | TCEMODEL_MAY_WRITE,
        TCEMODEL_MAY_READ | TCEMODEL_MAY_WRITE,
    };
    tcemodelCred cred = tcemodelCredCurrent();

    if (flags & O_PATH)
        return 0;
    return tcemodelNodePermission(node, acc[flags & O_ACCMODE], &cred);
}


/* ------------------------------------------------------------------ */
/* path operations (take the model lock)                               */

int
tcemodelNodeStat(const char *root, const char *name, tcemodelNode *node)
{
    int lockfd;
    int ret;

    if ((lockfd = tcemodelLockAcquire(root)) < 0)
        return lockfd;
    ret = tcemodelNodeRead(root, name, node);
    tcemodelLockRelease(lockfd);
    return ret;
}


/* faccessat(2) (do_faccessat()): @mode F_OK or R_OK|W_OK|X_OK */
int
tcemodelNodeAccess(const char *root, const char *name, int mode, int flags)
{
    tcemodelNode node;
    tcemodelCred cred = tcemodelCredCurrent();
    int ret;

    if (mode & ~(R_OK | W_OK | X_OK))
        return -EINVAL;
    if (!(flags & AT_EACCESS)) {
        /* access_override_creds(): real ids */
        cred.uid = getuid();
        cred.gid = getgid();
        cred.real = true;
    }
    if ((ret = tcemodelNodeStat(root, name, &node)) < 0 || mode == F_OK)
        return ret;
    /* R_OK/W_OK/X_OK are MAY_READ/MAY_WRITE/MAY_EXEC */
    return tcemodelNodePermission(&node, mode, &cred);
}


/*
 * chown_common() + setattr_prepare(): @uid/@gid (uid_t)-1 leave a field
 * alone.  Returns 0 or -errno.
 */
int
tcemodelNodeChown(const char *root, const char *name, uid_t uid, gid_t gid)
{
    tcemodelCred cred = tcemodelCredCurrent();
    tcemodelNode node;
    bool setUid = uid != (uid_t)-1;
    bool setGid = gid != (gid_t)-1;
    int lockfd;
    int ret;

    if ((lockfd = tcemodelLockAcquire(root)) < 0)
        return lockfd;
    if ((ret = tcemodelNodeRead(root, name, &node)) < 0)
        goto out;

    /* chown_ok(): the owner may "change" to itself, else CAP_CHOWN */
    if (setUid && !(cred.uid == node.uid && uid == node.uid) &&
        !tcemodelCapable(CAP_CHOWN)) {
        ret = -EPERM;
        goto out;
    }
    /* chgrp_ok(): the owner to its own groups, else CAP_CHOWN */
    if (setGid && !(cred.uid == node.uid &&
                   (gid == node.gid || tcemodelCredInGroup(&cred, gid))) &&
        !tcemodelCapable(CAP_CHOWN)) {
        ret = -EPERM;
        goto out;
    }

    /* chown_common(): ATTR_KILL_SUID, ATTR_KILL_SGID for non-directories */
    node.mode &= ~S_ISUID;
    if (node.mode & S_IXGRP)
        node.mode &= ~S_ISGID;
    if (setUid)
        node.uid = uid;
    if (setGid)
        node.gid = gid;
    ret = tcemodelNodeWrite(root, name, &node);

 out:
    tcemodelLockRelease(lockfd);
    return ret;
}


/* chmod_common() + setattr_prepare(): 0 or -errno */
int
tcemodelNodeChmod(const char *root, const char *name, mode_t mode)
{
    tcemodelCred cred = tcemodelCredCurrent();
    tcemodelNode node;
    int lockfd;
    int ret;

    if ((lockfd = tcemodelLockAcquire(root)) < 0)
        return lockfd;
    if ((ret = tcemodelNodeRead(root, name, &node)) < 0)
        goto out;

    /* inode_owner_or_capable() */
    if (cred.uid != node.uid && !tcemodelCapable(CAP_FOWNER)) {
        ret = -EPERM;
        goto out;
    }
    node.mode = mode & 07777;
    /* the setgid bit needs the group or CAP_FSETID */
    if (!tcemodelCredInGroup(&cred, node.gid) && !tcemodelCapable(CAP_FSETID))
        node.mode &= ~S_ISGID;
    ret = tcemodelNodeWrite(root, name, &node);

 out:
    tcemodelLockRelease(lockfd);
    return ret;
}
