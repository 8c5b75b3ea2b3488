/*
 * virinotify.c: reading an inotify descriptor's queue
 */
#include <config.h>

#include <errno.h>
#include <unistd.h>

#include "virinotify.h"

void
virInotifyDrain(int fd, virInotifyFunc func, gpointer data)
{
    char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
    ssize_t n;

    while ((n = read(fd, buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR)) {
        char *p = buf;

        while (n > 0 && p < buf + n) {
            const struct inotify_event *ev = (const struct inotify_event *) p;

            func(ev, data);
            p += sizeof(*ev) + ev->len;
        }
    }
}
