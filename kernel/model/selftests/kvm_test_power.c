/*
 * kvm_test_power.c: kernel/selftests/kvm_test.c built as on POWER
 *
 * kvm_test.c picks its expectations at compile time (ON_POWER from
 * __powerpc64__).  Built here for x86 it checks the x86 KVM; this unit
 * compiles the same source with the POWER expectations so that its POWER
 * cases run against the model's fake POWER /dev/kvm (host line "kvm
 * power").  The system headers are included first, for this machine, then
 * the powerpc-only uAPI struct is supplied.  The test source is unchanged.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <sys/mman.h>
#include <sys/wait.h>
#include <linux/kvm.h>

#include "tce_selftest.h"

#ifndef __powerpc64__
/* arch/powerpc/include/uapi/asm/kvm.h */
struct kvm_create_spapr_tce_64 {
    __u64 liobn;
    __u32 page_shift;
    __u32 flags;
    __u64 offset;       /* in pages */
    __u64 size;         /* in pages */
};
# define __powerpc64__ 1
#endif

#include "kvm_test.c"
