/*
 * tcevirt.h: the command line tool's verbs
 */
#pragma once

#include <glib.h>

#include "qemu_driver.h"

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
    const char *help;               /* man-page style text */
} tcevirtVerb;

extern const tcevirtVerb tcevirtVerbs[];

void tcevirtPrintError(const GError *err);
void tcevirtPrintWarnings(GPtrArray *warnings);
/* Prints @warnings and @err; returns the exit status 1 */
int tcevirtFail(const GError *err, GPtrArray *warnings);
const tcevirtVerb *tcevirtFindVerb(const char *name);
int tcevirtUsageError(const char *verb, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* "--timeout SECONDS" at argv[*i] (1-3600): the value in @seconds and *i
 * past it, 0; or the usage error's exit status */
int tcevirtParseTimeout(const char *verb, int argc, char **argv, int *i,
                        guint64 *seconds);

/* The contents of FILE ('-': standard input; *@file becomes "(stdin)") */
char *tcevirtReadXML(const char **file, gsize *len, GError **errp);

/* A defined or running domain by name or UUID, warnings printed (a
 * dead supervisor's teardown is finished first) */
qemuDriverDomain *tcevirtLookup(qemuDriver *drv, const char *dom,
                                gboolean inactive, GError **errp);

/* STATEDIR for persistent state: $TCEVIRT_STATE_DIR or the built-in one */
const char *tcevirtStateDir(void);

/* the verbs, one file each group (tcevirt_*.c) */
int tcevirtCmdNodedevDetach(int argc, char **argv);
int tcevirtCmdNodedevReattach(int argc, char **argv);
int tcevirtCmdNodedevList(int argc, char **argv);
int tcevirtCmdNodedevDumpXML(int argc, char **argv);
int tcevirtCmdNodedevPreflight(int argc, char **argv);
int tcevirtCmdHostValidate(int argc, char **argv);
int tcevirtCmdMemlock(int argc, char **argv);
int tcevirtCmdDefine(int argc, char **argv);
int tcevirtCmdDomtce(int argc, char **argv);
int tcevirtCmdStart(int argc, char **argv);
int tcevirtCmdDestroy(int argc, char **argv);
int tcevirtCmdShutdown(int argc, char **argv);
int tcevirtCmdSuspend(int argc, char **argv);
int tcevirtCmdResume(int argc, char **argv);
int tcevirtCmdAttachDevice(int argc, char **argv);
int tcevirtCmdDetachDevice(int argc, char **argv);

int tcevirtCmdUndefine(int argc, char **argv);
int tcevirtCmdDumpXML(int argc, char **argv);
int tcevirtCmdList(int argc, char **argv);
int tcevirtCmdDominfo(int argc, char **argv);
int tcevirtCmdDomstate(int argc, char **argv);
extern const char tcevirtNodedevDetachHelp[];
extern const char tcevirtNodedevReattachHelp[];
extern const char tcevirtNodedevListHelp[];
extern const char tcevirtNodedevDumpXMLHelp[];
extern const char tcevirtNodedevPreflightHelp[];
extern const char tcevirtHostValidateHelp[];
extern const char tcevirtMemlockHelp[];
extern const char tcevirtDefineHelp[];
extern const char tcevirtDomtceHelp[];
extern const char tcevirtStartHelp[];
extern const char tcevirtDestroyHelp[];
extern const char tcevirtShutdownHelp[];
extern const char tcevirtSuspendHelp[];
extern const char tcevirtResumeHelp[];
extern const char tcevirtAttachDeviceHelp[];
extern const char tcevirtDetachDeviceHelp[];

extern const char tcevirtUndefineHelp[];
extern const char tcevirtDumpXMLHelp[];
extern const char tcevirtListHelp[];
extern const char tcevirtDominfoHelp[];
extern const char tcevirtDomstateHelp[];
