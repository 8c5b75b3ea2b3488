/*
 * domain_fuzz.c: fuzz target for the domain XML parser and everything
 * behind it (validation, normalization, formatting, argv)
 *
 * Built with libFuzzer by `make fuzz`; replayed over fuzz/corpus by
 * `make check` through replay_main.c.
 */
#include <config.h>

#include <stdint.h>
#include <string.h>

#include "qemu_domain.h"
#include "qemu_command.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(virDomainDef) def = NULL;
    g_autoptr(virDomainDef) def2 = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *xml = NULL;
    g_auto(GStrv) argv = NULL;

    def = qemuDomainDefParseAndNormalize((const char *) data, size,
                                         "fuzz.xml", warnings, &err);
    if (!def) {
        /* every refusal carries a message */
        if (!err || !err->message || !*err->message)
            __builtin_trap();
        return 0;
    }
    xml = virDomainDefFormat(def);
    if (!(argv = qemuBuildCommandLine(def, NULL, &err)))
        __builtin_trap();
    /* what we print must parse again */
    g_clear_error(&err);
    def2 = qemuDomainDefParseAndNormalize(xml, strlen(xml), "fuzz-out.xml",
                                          warnings, &err);
    if (!def2)
        __builtin_trap();
    return 0;
}
