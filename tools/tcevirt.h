/*
 * tcevirt.h: the command line tool's verbs
 */
#pragma once

#include <glib.h>

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
    const char *help;               /* man-page style text */
} tcevirtVerb;

extern const tcevirtVerb tcevirtVerbs[];

void tcevirtPrintError(const GError *err);
void tcevirtPrintWarnings(GPtrArray *warnings);
const tcevirtVerb *tcevirtFindVerb(const char *name);
int tcevirtUsageError(const char *verb, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

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
extern const char tcevirtNodedevDetachHelp[];
extern const char tcevirtNodedevReattachHelp[];
extern const char tcevirtNodedevListHelp[];
extern const char tcevirtNodedevDumpXMLHelp[];
extern const char tcevirtNodedevPreflightHelp[];
extern const char tcevirtHostValidateHelp[];
extern const char tcevirtMemlockHelp[];
