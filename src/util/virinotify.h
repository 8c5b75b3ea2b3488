/*
 * virinotify.h: reading an inotify descriptor's queue
 */
#pragma once

#include <glib.h>
#include <sys/inotify.h>

typedef void (*virInotifyFunc)(const struct inotify_event *ev, gpointer data);

/* Calls @func for every event queued on the non-blocking inotify @fd and
 * returns once the queue is empty.  An event is queued when the change
 * it reports completes, so after this returns every change finished
 * before the call has been seen. */
void virInotifyDrain(int fd, virInotifyFunc func, gpointer data);
