/*
 * tce_kvm.h: the KVM-VFIO device as the contract tests use it
 *
 * uAPI names older headers lack (KVM_DEV_VFIO_FILE is 6.5's name of
 * KVM_DEV_VFIO_GROUP, same numbers) and KVM_SET_DEVICE_ATTR on the
 * device's VFIO file group.
 */
#pragma once

#include <stdint.h>
#include <sys/ioctl.h>
#include <linux/kvm.h>

#ifndef KVM_CAP_SPAPR_TCE_VFIO
# define KVM_CAP_SPAPR_TCE_VFIO 142
#endif
#ifndef KVM_DEV_VFIO_FILE
# define KVM_DEV_VFIO_FILE KVM_DEV_VFIO_GROUP
# define KVM_DEV_VFIO_FILE_ADD KVM_DEV_VFIO_GROUP_ADD
# define KVM_DEV_VFIO_FILE_DEL KVM_DEV_VFIO_GROUP_DEL
#endif
#ifndef KVM_DEV_VFIO_GROUP_SET_SPAPR_TCE
# define KVM_DEV_VFIO_GROUP_SET_SPAPR_TCE 3
#endif

/* KVM_SET_DEVICE_ATTR of the VFIO file group: @arg is an fd (ADD, DEL) or
 * a struct kvm_vfio_spapr_tce (SET_SPAPR_TCE) */
static inline int
vfio_file_attr(int dev, __u64 attr, void *arg)
{
    struct kvm_device_attr a = {
        .group = KVM_DEV_VFIO_FILE, .attr = attr, .addr = (uintptr_t) arg,
    };
    return ioctl(dev, KVM_SET_DEVICE_ATTR, &a);
}
