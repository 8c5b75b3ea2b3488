/*
 * tcemodel-host.h: host description files (kernel/model/hosts/NAME.host)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "tcemodel.h"

typedef struct {
    unsigned int domain;
    int numa;                   /* -1: no NUMA node */
    unsigned int line;
} tcemodelHostPhb;

typedef struct {
    int id;
    char *type;                 /* contents of iommu_groups/N/type */
    unsigned int line;
} tcemodelHostGroup;

typedef struct {
    char *bdf;
    unsigned int vendor;
    unsigned int device;
    unsigned int subvendor;
    unsigned int subdevice;
    unsigned int class;
    unsigned int revision;
    int group;                  /* -1: no IOMMU group */
    char *driver;               /* bound driver, NULL: none */
    char *natural;              /* driver a probe picks, NULL: none */
    char *override;             /* driver_override, NULL: (null) */
    bool bridge;                /* header type 1 */
    bool multifunction;         /* another function shares the slot */
    char *reset;                /* supported reset methods, "" if none */
    int numa;
    unsigned int line;
} tcemodelHostDevice;

typedef struct {
    char *file;
    char *name;
    GPtrArray *iommu;           /* "KEY=VALUE" for ROOT/model/iommu */
    bool kvm;                   /* "kvm power": fake /dev/kvm */
    GPtrArray *phbs;            /* tcemodelHostPhb */
    GPtrArray *groups;          /* tcemodelHostGroup, sorted by id */
    GPtrArray *drivers;         /* char *, sorted */
    GPtrArray *devices;         /* tcemodelHostDevice, file order */
} tcemodelHost;

tcemodelHost *tcemodelHostParse(const char *file, char **err);
void tcemodelHostFree(tcemodelHost *host);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(tcemodelHost, tcemodelHostFree);
