/*
 * tce_ksft.h: kselftest-style TAP output for the kernel contract tests
 *
 * A test binary declares a table of cases; each case returns PASS, FAIL or
 * SKIP with a one-line reason.  Output is TAP 13 ("ok N name",
 * "not ok N name", "ok N name # SKIP reason"); exit status 0 when all ran
 * cases passed, 1 on any failure, 4 when nothing could run (kselftest's
 * KSFT_SKIP).  Static and dynamic builds, any architecture.
 */
#pragma once

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { KSFT_PASS = 0, KSFT_FAIL = 1, KSFT_SKIP = 4 };

typedef struct {
    const char *name;
    int (*fn)(char *why, size_t whylen);
} ksft_case;

#define KSFT_WHY(...) snprintf(why, whylen, __VA_ARGS__)

/* Expect @expr to fail with errno @err (returns from the case otherwise) */
#define EXPECT_ERRNO(expr, err) do { \
    errno = 0; \
    long _r = (long) (expr); \
    if (_r >= 0 || errno != (err)) { \
        KSFT_WHY("%s returned %ld errno %d (%s), expected %s", #expr, _r, \
                 errno, strerror(errno), #err); \
        return KSFT_FAIL; \
    } \
} while (0)

/* Expect @expr to succeed (>= 0) */
#define EXPECT_OK(expr) do { \
    errno = 0; \
    long _r = (long) (expr); \
    if (_r < 0) { \
        KSFT_WHY("%s failed: errno %d (%s)", #expr, errno, strerror(errno)); \
        return KSFT_FAIL; \
    } \
} while (0)

#define EXPECT_TRUE(cond, ...) do { \
    if (!(cond)) { \
        KSFT_WHY(__VA_ARGS__); \
        return KSFT_FAIL; \
    } \
} while (0)

#define REQUIRE(cond, ...) do { \
    if (!(cond)) { \
        KSFT_WHY(__VA_ARGS__); \
        return KSFT_SKIP; \
    } \
} while (0)

static inline int
ksft_run(const char *suite, const ksft_case *cases, size_t n)
{
    size_t i;
    int pass = 0, fail = 0, skip = 0;

    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("TAP version 13\n1..%zu\n", n);
    printf("# %s: kernel contract tests for tcevirt\n", suite);
    for (i = 0; i < n; i++) {
        char why[512] = "";
        int rc = cases[i].fn(why, sizeof(why));

        if (rc == KSFT_PASS) {
            printf("ok %zu %s\n", i + 1, cases[i].name);
            pass++;
        } else if (rc == KSFT_SKIP) {
            printf("ok %zu %s # SKIP %s\n", i + 1, cases[i].name, why);
            skip++;
        } else {
            printf("# %s: %s\n", cases[i].name, why);
            printf("not ok %zu %s\n", i + 1, cases[i].name);
            fail++;
        }
    }
    printf("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:%d error:0\n",
           pass, fail, skip);
    if (fail)
        return KSFT_FAIL;
    if (pass == 0)
        return KSFT_SKIP;
    return KSFT_PASS;
}
