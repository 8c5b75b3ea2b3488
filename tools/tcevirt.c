/*
 * tcevirt.c: virsh-like command line for pseries guests with VFIO devices
 */
#include <config.h>

#include <stdio.h>
#include <string.h>
#include <locale.h>

#include "tcevirt.h"
#include "virerror.h"

void
tcevirtPrintError(const GError *err)
{
    if (err->domain == VIR_ERROR)
        fprintf(stderr, "error: %s: %s\n", virErrorCodeDescription(err->code),
                err->message);
    else
        fprintf(stderr, "error: %s\n", err->message);
}

void
tcevirtPrintWarnings(GPtrArray *warnings)
{
    size_t i;

    for (i = 0; warnings && i < warnings->len; i++)
        fprintf(stderr, "warning: %s\n", (char *) g_ptr_array_index(warnings, i));
}

int
tcevirtFail(const GError *err, GPtrArray *warnings)
{
    tcevirtPrintWarnings(warnings);
    tcevirtPrintError(err);
    return 1;
}

const tcevirtVerb *
tcevirtFindVerb(const char *name)
{
    size_t i;

    for (i = 0; tcevirtVerbs[i].name; i++) {
        if (g_str_equal(tcevirtVerbs[i].name, name))
            return &tcevirtVerbs[i];
    }
    return NULL;
}

int
tcevirtUsageError(const char *verb, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    fprintf(stderr, "error: %s\n", msg);
    fprintf(stderr, "Run 'tcevirt help %s' for usage.\n", verb);
    return 2;
}

static void
tcevirtUsage(FILE *out)
{
    size_t i;

    fprintf(out,
            "Usage: tcevirt VERB [OPTIONS] [ARGS]\n"
            "\n"
            "tcevirt runs QEMU pseries guests with VFIO PCI passthrough on "
            "IBM POWER hosts,\nfrom libvirt domain XML.\n\nVerbs:\n");
    for (i = 0; tcevirtVerbs[i].name; i++)
        fprintf(out, "  %-20s %s\n", tcevirtVerbs[i].name,
                tcevirtVerbs[i].summary);
    fprintf(out, "\nRun 'tcevirt help VERB' for a verb's manual page.\n");
}

int
main(int argc, char **argv)
{
    const tcevirtVerb *verb;

    setlocale(LC_ALL, "");
    if (argc < 2) {
        tcevirtUsage(stderr);
        return 2;
    }
    if (g_str_equal(argv[1], "--help") || g_str_equal(argv[1], "-h")) {
        tcevirtUsage(stdout);
        return 0;
    }
    if (g_str_equal(argv[1], "--version") || g_str_equal(argv[1], "version")) {
        printf("tcevirt %s\n", TCEVIRT_VERSION);
        return 0;
    }
    if (!(verb = tcevirtFindVerb(argv[1]))) {
        fprintf(stderr, "error: unknown verb '%s'\n", argv[1]);
        tcevirtUsage(stderr);
        return 2;
    }
    if (argc > 2 && (g_str_equal(argv[2], "--help") ||
                     g_str_equal(argv[2], "-h"))) {
        fputs(verb->help, stdout);
        return 0;
    }
    return verb->run(argc - 1, argv + 1);
}


int
tcevirtParseTimeout(const char *verb, int argc, char **argv, int *i,
                    guint64 *seconds)
{
    if (*i + 1 >= argc ||
        !g_ascii_string_to_unsigned(argv[*i + 1], 10, 1, 3600, seconds, NULL))
        return tcevirtUsageError(verb, "--timeout takes a number of seconds "
                                 "from 1 to 3600");
    (*i)++;
    return 0;
}
