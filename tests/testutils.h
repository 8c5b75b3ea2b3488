/*
 * testutils.h: helpers for golden-file tests
 */
#pragma once

#include <glib.h>

/* Compares @actual with the file @path; with VIR_TEST_REGENERATE=1 set
 * in the environment the file is (re)written instead.  Returns TRUE when
 * they match (or the file was regenerated). */
gboolean testCompareToFile(const char *actual, const char *path);

/* Removes @path when regenerating (the expectation no longer applies);
 * otherwise fails if it exists. */
gboolean testExpectNoFile(const char *path);

gboolean testRegenerate(void);

/* Sorted list of files in @dir ending in @suffix (names without suffix) */
GPtrArray *testListCases(const char *dir, const char *suffix);
