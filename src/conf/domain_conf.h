/*
 * domain_conf.h: the domain definition (libvirt domain XML for pseries)
 *
 * Ownership: a virDomainDef owns every device in its arrays; device
 * structures own their strings.  Memory sizes are kept in KiB, like libvirt.
 */
#pragma once

#include <glib.h>

#include "virenum.h"
#include "virpci.h"
#include "viruuid.h"

typedef enum {
    VIR_TRISTATE_BOOL_ABSENT = 0,
    VIR_TRISTATE_BOOL_YES,
    VIR_TRISTATE_BOOL_NO,
    VIR_TRISTATE_BOOL_LAST
} virTristateBool;
VIR_ENUM_DECL(virTristateBool);

typedef enum {
    VIR_TRISTATE_SWITCH_ABSENT = 0,
    VIR_TRISTATE_SWITCH_ON,
    VIR_TRISTATE_SWITCH_OFF,
    VIR_TRISTATE_SWITCH_LAST
} virTristateSwitch;
VIR_ENUM_DECL(virTristateSwitch);

typedef enum {
    VIR_DOMAIN_VIRT_NONE = 0,
    VIR_DOMAIN_VIRT_KVM,
    VIR_DOMAIN_VIRT_QEMU,
    VIR_DOMAIN_VIRT_LAST
} virDomainVirtType;
VIR_ENUM_DECL(virDomainVirt);

typedef enum {
    VIR_ARCH_NONE = 0,
    VIR_ARCH_PPC64,
    VIR_ARCH_PPC64LE,
    VIR_ARCH_LAST
} virArch;
VIR_ENUM_DECL(virArch);

typedef enum {
    VIR_DOMAIN_LIFECYCLE_NONE = 0,
    VIR_DOMAIN_LIFECYCLE_DESTROY,
    VIR_DOMAIN_LIFECYCLE_RESTART,
    VIR_DOMAIN_LIFECYCLE_PRESERVE,
    VIR_DOMAIN_LIFECYCLE_RENAME_RESTART,
    VIR_DOMAIN_LIFECYCLE_COREDUMP_DESTROY,
    VIR_DOMAIN_LIFECYCLE_COREDUMP_RESTART,
    VIR_DOMAIN_LIFECYCLE_LAST
} virDomainLifecycleAction;
VIR_ENUM_DECL(virDomainLifecycleAction);

/* ---- addresses and common device info ---- */

typedef enum {
    VIR_DOMAIN_DEVICE_ADDRESS_TYPE_NONE = 0,
    VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI,
    VIR_DOMAIN_DEVICE_ADDRESS_TYPE_DRIVE,
    VIR_DOMAIN_DEVICE_ADDRESS_TYPE_SPAPRVIO,
    VIR_DOMAIN_DEVICE_ADDRESS_TYPE_USB,
    VIR_DOMAIN_DEVICE_ADDRESS_TYPE_LAST
} virDomainDeviceAddressType;
VIR_ENUM_DECL(virDomainDeviceAddress);

typedef struct {
    int type;                       /* virDomainDeviceAddressType */
    virPCIDeviceAddress pci;        /* guest address: bus = PHB index */
    int multifunction;              /* virTristateSwitch */
    struct {
        unsigned int controller, bus, target, unit;
    } drive;
    guint64 spaprvioReg;
    gboolean spaprvioHasReg;
    struct {
        unsigned int bus;
        char *port;
    } usb;
} virDomainDeviceAddress;

typedef struct {
    char *alias;
    virDomainDeviceAddress addr;
    unsigned int bootIndex;         /* <boot order='N'/>, 0 = none */
    gboolean hasRom;
    int romBar;                     /* virTristateSwitch */
    char *romFile;
} virDomainDeviceInfo;

/* ---- controllers ---- */

typedef enum {
    VIR_DOMAIN_CONTROLLER_TYPE_PCI = 0,
    VIR_DOMAIN_CONTROLLER_TYPE_USB,
    VIR_DOMAIN_CONTROLLER_TYPE_SCSI,
    VIR_DOMAIN_CONTROLLER_TYPE_VIRTIO_SERIAL,
    VIR_DOMAIN_CONTROLLER_TYPE_LAST
} virDomainControllerType;
VIR_ENUM_DECL(virDomainController);

typedef enum {
    VIR_DOMAIN_CONTROLLER_MODEL_DEFAULT = 0,
    VIR_DOMAIN_CONTROLLER_MODEL_PCI_ROOT,
    VIR_DOMAIN_CONTROLLER_MODEL_USB_QEMU_XHCI,
    VIR_DOMAIN_CONTROLLER_MODEL_USB_NEC_XHCI,
    VIR_DOMAIN_CONTROLLER_MODEL_USB_PCI_OHCI,
    VIR_DOMAIN_CONTROLLER_MODEL_USB_NONE,
    VIR_DOMAIN_CONTROLLER_MODEL_SCSI_VIRTIO,
    VIR_DOMAIN_CONTROLLER_MODEL_SCSI_IBMVSCSI,
    VIR_DOMAIN_CONTROLLER_MODEL_LAST
} virDomainControllerModel;
VIR_ENUM_DECL(virDomainControllerModel);

#define VIR_DOMAIN_PHB_MAX_INDEX 30

typedef struct {
    int type;                       /* virDomainControllerType */
    unsigned int idx;
    int model;                      /* virDomainControllerModel */
    /* pci-root = spapr-pci-host-bridge */
    gboolean hasModelName;
    int targetIndex;                /* -1 = not set */
    int numaNode;                   /* -1 = not set */
    /* virtio-serial */
    unsigned int ports, vectors;
    virDomainDeviceInfo info;
} virDomainControllerDef;

/* ---- host devices ---- */

typedef struct _virDomainNetDef virDomainNetDef;

typedef struct {
    int managed;                    /* virTristateBool */
    gboolean hasDriver;             /* <driver name='vfio'/> */
    virDomainNetDef *parentNet;     /* <interface type='hostdev'>, not owned */
    virPCIDeviceAddress source;
    virDomainDeviceInfo info;
    /* not part of the XML: filled in from the host at normalization */
    int iommuGroup;                 /* -1 = not present on the host */
} virDomainHostdevDef;

/* ---- disks ---- */

typedef enum {
    VIR_DOMAIN_DISK_TYPE_FILE = 0,
    VIR_DOMAIN_DISK_TYPE_BLOCK,
    VIR_DOMAIN_DISK_TYPE_LAST
} virDomainDiskType;
VIR_ENUM_DECL(virDomainDiskType);

typedef enum {
    VIR_DOMAIN_DISK_DEVICE_DISK = 0,
    VIR_DOMAIN_DISK_DEVICE_CDROM,
    VIR_DOMAIN_DISK_DEVICE_LAST
} virDomainDiskDevice;
VIR_ENUM_DECL(virDomainDiskDevice);

typedef enum {
    VIR_DOMAIN_DISK_BUS_NONE = 0,
    VIR_DOMAIN_DISK_BUS_VIRTIO,
    VIR_DOMAIN_DISK_BUS_SCSI,
    VIR_DOMAIN_DISK_BUS_LAST
} virDomainDiskBus;
VIR_ENUM_DECL(virDomainDiskBus);

typedef enum {
    VIR_STORAGE_FORMAT_NONE = 0,
    VIR_STORAGE_FORMAT_RAW,
    VIR_STORAGE_FORMAT_QCOW2,
    VIR_STORAGE_FORMAT_LAST
} virStorageFileFormat;
VIR_ENUM_DECL(virStorageFileFormat);

typedef enum {
    VIR_DOMAIN_DISK_CACHE_DEFAULT = 0,
    VIR_DOMAIN_DISK_CACHE_NONE,
    VIR_DOMAIN_DISK_CACHE_WRITETHRU,
    VIR_DOMAIN_DISK_CACHE_WRITEBACK,
    VIR_DOMAIN_DISK_CACHE_DIRECTSYNC,
    VIR_DOMAIN_DISK_CACHE_UNSAFE,
    VIR_DOMAIN_DISK_CACHE_LAST
} virDomainDiskCache;
VIR_ENUM_DECL(virDomainDiskCache);

typedef enum {
    VIR_DOMAIN_DISK_IO_DEFAULT = 0,
    VIR_DOMAIN_DISK_IO_NATIVE,
    VIR_DOMAIN_DISK_IO_THREADS,
    VIR_DOMAIN_DISK_IO_URING,
    VIR_DOMAIN_DISK_IO_LAST
} virDomainDiskIo;
VIR_ENUM_DECL(virDomainDiskIo);

typedef enum {
    VIR_DOMAIN_DISK_DISCARD_DEFAULT = 0,
    VIR_DOMAIN_DISK_DISCARD_UNMAP,
    VIR_DOMAIN_DISK_DISCARD_IGNORE,
    VIR_DOMAIN_DISK_DISCARD_LAST
} virDomainDiskDiscard;
VIR_ENUM_DECL(virDomainDiskDiscard);

typedef struct {
    int type;                       /* virDomainDiskType */
    int device;                     /* virDomainDiskDevice */
    gboolean hasDriver;
    int format;                     /* virStorageFileFormat */
    int cache;                      /* virDomainDiskCache */
    int io;                         /* virDomainDiskIo */
    int discard;                    /* virDomainDiskDiscard */
    unsigned int iothread;          /* <driver iothread='N'>, 0 = none */
    char *src;                      /* NULL: empty cdrom */
    char *dst;                      /* target dev, e.g. vda, sda */
    int bus;                        /* virDomainDiskBus */
    gboolean readonly;
    gboolean shareable;
    char *serial;
    unsigned int logicalBlockSize;  /* <blockio>, 0 = default */
    unsigned int physicalBlockSize;
    guint64 iotune[6];              /* VIR_DOMAIN_DISK_IOTUNE_*, 0 = none */
    virDomainDeviceInfo info;
} virDomainDiskDef;

typedef enum {
    VIR_DOMAIN_DISK_IOTUNE_TOTAL_BYTES = 0,
    VIR_DOMAIN_DISK_IOTUNE_READ_BYTES,
    VIR_DOMAIN_DISK_IOTUNE_WRITE_BYTES,
    VIR_DOMAIN_DISK_IOTUNE_TOTAL_IOPS,
    VIR_DOMAIN_DISK_IOTUNE_READ_IOPS,
    VIR_DOMAIN_DISK_IOTUNE_WRITE_IOPS,
    VIR_DOMAIN_DISK_IOTUNE_LAST
} virDomainDiskIotune;
VIR_ENUM_DECL(virDomainDiskIotune);

/* ---- network interfaces ---- */

typedef enum {
    VIR_DOMAIN_NET_TYPE_USER = 0,
    VIR_DOMAIN_NET_TYPE_ETHERNET,
    VIR_DOMAIN_NET_TYPE_BRIDGE,
    VIR_DOMAIN_NET_TYPE_HOSTDEV,
    VIR_DOMAIN_NET_TYPE_VHOSTUSER,
    VIR_DOMAIN_NET_TYPE_LAST
} virDomainNetType;
VIR_ENUM_DECL(virDomainNet);

typedef enum {
    VIR_DOMAIN_NET_MODEL_DEFAULT = 0,
    VIR_DOMAIN_NET_MODEL_VIRTIO,
    VIR_DOMAIN_NET_MODEL_SPAPR_VLAN,
    VIR_DOMAIN_NET_MODEL_E1000,
    VIR_DOMAIN_NET_MODEL_LAST
} virDomainNetModel;
VIR_ENUM_DECL(virDomainNetModel);

struct _virDomainNetDef {
    int type;                       /* virDomainNetType */
    unsigned char mac[6];
    gboolean hasMac;
    int model;                      /* virDomainNetModel */
    char *ifname;                   /* <target dev=.../> */
    char *bridge;                   /* <source bridge=.../> */
    char *vhostuserPath;            /* <source type='unix' path=...> */
    gboolean vhostuserServer;       /* mode='server': QEMU listens */
    int packed;                     /* <driver packed=...>, virTristateSwitch */
    char *virtPortType;             /* <virtualport type='openvswitch'> */
    char *virtPortInterfaceID;
    unsigned int mtu;
    int targetManaged;              /* <target managed=...>, virTristateBool */
    unsigned int queues;            /* <driver queues='N'/> */
    unsigned int rxQueueSize, txQueueSize;
    int driverName;                 /* 0 default, 1 vhost, 2 qemu */
    gboolean hasVlan;
    unsigned int vlanTag;
    virDomainHostdevDef *hostdev;   /* type='hostdev': in def->hostdevs */
    virDomainDeviceInfo info;
};

/* ---- character devices ---- */

typedef enum {
    VIR_DOMAIN_CHR_DEVICE_SERIAL = 0,
    VIR_DOMAIN_CHR_DEVICE_CONSOLE,
    VIR_DOMAIN_CHR_DEVICE_CHANNEL,
    VIR_DOMAIN_CHR_DEVICE_LAST
} virDomainChrDeviceType;
VIR_ENUM_DECL(virDomainChrDevice);

typedef enum {
    VIR_DOMAIN_CHR_TYPE_PTY = 0,
    VIR_DOMAIN_CHR_TYPE_FILE,
    VIR_DOMAIN_CHR_TYPE_UNIX,
    VIR_DOMAIN_CHR_TYPE_NULL,
    VIR_DOMAIN_CHR_TYPE_TCP,
    VIR_DOMAIN_CHR_TYPE_LAST
} virDomainChrType;
VIR_ENUM_DECL(virDomainChr);

typedef enum {
    VIR_DOMAIN_CHR_TARGET_NONE = 0,
    VIR_DOMAIN_CHR_TARGET_SPAPR_VIO_SERIAL,   /* serial */
    VIR_DOMAIN_CHR_TARGET_SERIAL,             /* console */
    VIR_DOMAIN_CHR_TARGET_VIRTIO,             /* console, channel */
    VIR_DOMAIN_CHR_TARGET_LAST
} virDomainChrTargetType;
VIR_ENUM_DECL(virDomainChrTarget);

typedef struct {
    int deviceType;                 /* virDomainChrDeviceType */
    int type;                       /* virDomainChrType */
    char *path;                     /* file, unix */
    char *host;                     /* tcp */
    char *service;                  /* tcp port */
    gboolean listen;                /* unix, tcp: mode='bind' */
    int append;                     /* file: virTristateSwitch */
    int targetType;                 /* virDomainChrTargetType */
    int targetPort;                 /* -1 = not set */
    char *targetName;               /* channel */
    gboolean hasModel;              /* <model name='spapr-vty'/> */
    char *logFile;
    int logAppend;                  /* virTristateSwitch */
    virDomainDeviceInfo info;
} virDomainChrDef;

/* ---- other devices ---- */

typedef enum {
    VIR_DOMAIN_INPUT_TYPE_TABLET = 0,
    VIR_DOMAIN_INPUT_TYPE_KBD,
    VIR_DOMAIN_INPUT_TYPE_MOUSE,
    VIR_DOMAIN_INPUT_TYPE_LAST
} virDomainInputType;
VIR_ENUM_DECL(virDomainInput);

typedef struct {
    int type;                       /* virDomainInputType */
    virDomainDeviceInfo info;
} virDomainInputDef;

typedef enum {
    VIR_DOMAIN_VIDEO_TYPE_DEFAULT = 0,
    VIR_DOMAIN_VIDEO_TYPE_VGA,
    VIR_DOMAIN_VIDEO_TYPE_NONE,
    VIR_DOMAIN_VIDEO_TYPE_VIRTIO,
    VIR_DOMAIN_VIDEO_TYPE_LAST
} virDomainVideoType;
VIR_ENUM_DECL(virDomainVideo);

typedef struct {
    int type;                       /* virDomainVideoType */
    unsigned int vram;              /* KiB, 0 = default */
    unsigned int heads;
    int primary;                    /* virTristateBool */
    virDomainDeviceInfo info;
} virDomainVideoDef;

typedef enum {
    VIR_DOMAIN_GRAPHICS_LISTEN_NONE = 0,
    VIR_DOMAIN_GRAPHICS_LISTEN_ADDRESS,
    VIR_DOMAIN_GRAPHICS_LISTEN_SOCKET,
    VIR_DOMAIN_GRAPHICS_LISTEN_LAST
} virDomainGraphicsListenType;
VIR_ENUM_DECL(virDomainGraphicsListen);

typedef struct {
    int port;                       /* -1 = autoport */
    gboolean autoport;
    char *keymap;
    int listenType;                 /* virDomainGraphicsListenType */
    gboolean hasListenNone;         /* <listen type='none'/> given */
    char *listenAddress;
    char *socket;
} virDomainGraphicsDef;             /* type='vnc' only */

typedef enum {
    VIR_DOMAIN_MEMBALLOON_MODEL_VIRTIO = 0,
    VIR_DOMAIN_MEMBALLOON_MODEL_NONE,
    VIR_DOMAIN_MEMBALLOON_MODEL_LAST
} virDomainMemballoonModel;
VIR_ENUM_DECL(virDomainMemballoonModel);

typedef struct {
    int model;                      /* virDomainMemballoonModel */
    int autodeflate;                /* virTristateSwitch */
    int freePageReporting;          /* virTristateSwitch */
    unsigned int period;            /* <stats period='N'/>, 0 = none */
    virDomainDeviceInfo info;
} virDomainMemballoonDef;

typedef struct {
    unsigned int model;             /* always pseries */
} virDomainPanicDef;

typedef enum {
    VIR_DOMAIN_WATCHDOG_ACTION_RESET = 0,
    VIR_DOMAIN_WATCHDOG_ACTION_SHUTDOWN,
    VIR_DOMAIN_WATCHDOG_ACTION_POWEROFF,
    VIR_DOMAIN_WATCHDOG_ACTION_PAUSE,
    VIR_DOMAIN_WATCHDOG_ACTION_DUMP,
    VIR_DOMAIN_WATCHDOG_ACTION_NONE,
    VIR_DOMAIN_WATCHDOG_ACTION_INJECTNMI,
    VIR_DOMAIN_WATCHDOG_ACTION_LAST
} virDomainWatchdogAction;
VIR_ENUM_DECL(virDomainWatchdogAction);

typedef struct {
    int action;                     /* virDomainWatchdogAction */
    gboolean hasAction;
    virDomainDeviceInfo info;
} virDomainWatchdogDef;             /* model='i6300esb' */

typedef struct {
    char *backendPath;              /* /dev/urandom, /dev/random, /dev/hwrng */
    unsigned int rateBytes;
    unsigned int ratePeriod;
    virDomainDeviceInfo info;
} virDomainRNGDef;                  /* model='virtio', backend model='random' */

/* ---- cpu, numa, tuning ---- */

typedef enum {
    VIR_CPU_MODE_NONE = 0,
    VIR_CPU_MODE_CUSTOM,
    VIR_CPU_MODE_HOST_MODEL,
    VIR_CPU_MODE_HOST_PASSTHROUGH,
    VIR_CPU_MODE_LAST
} virCPUMode;
VIR_ENUM_DECL(virCPUMode);

typedef struct {
    unsigned int id;
    char *cpus;                     /* cpu list, e.g. "0-3" */
    guint64 memory;                 /* KiB */
    char *memAccess;                /* shared|private, kept */
} virDomainNumaCell;

typedef struct {
    gboolean present;
    int mode;                       /* virCPUMode */
    char *match;                    /* kept verbatim: exact|minimum|strict */
    char *check;                    /* none|partial|full */
    char *model;                    /* POWER8, POWER9, POWER10 */
    char *fallback;                 /* allow|forbid */
    gboolean hasTopology;
    unsigned int sockets, dies, cores, threads;
    GArray *cells;                  /* of virDomainNumaCell */
} virCPUDef;

typedef struct {
    unsigned int vcpu;              /* vcpu or iothread id */
    char *cpuset;
} virDomainVcpuPin;

typedef struct {
    gboolean hasShares, hasPeriod, hasQuota;
    guint64 shares;
    guint64 period;
    gint64 quota;
    char *emulatorpin;
    GArray *vcpupins;               /* of virDomainVcpuPin */
    GArray *iothreadpins;           /* of virDomainVcpuPin */
} virDomainCputune;

typedef enum {
    VIR_DOMAIN_NUMATUNE_MODE_NONE = 0,
    VIR_DOMAIN_NUMATUNE_MODE_STRICT,
    VIR_DOMAIN_NUMATUNE_MODE_PREFERRED,
    VIR_DOMAIN_NUMATUNE_MODE_INTERLEAVE,
    VIR_DOMAIN_NUMATUNE_MODE_RESTRICTIVE,
    VIR_DOMAIN_NUMATUNE_MODE_LAST
} virDomainNumatuneMode;
VIR_ENUM_DECL(virDomainNumatuneMode);

typedef struct {
    unsigned int cellid;
    int mode;                       /* virDomainNumatuneMode */
    char *nodeset;
} virDomainNumatuneMemnode;

typedef struct {
    gboolean present;
    int mode;                       /* <memory mode=...> */
    char *nodeset;
    GArray *memnodes;               /* of virDomainNumatuneMemnode */
} virDomainNumatune;

typedef struct {
    guint64 size;                   /* KiB */
    char *nodeset;
} virDomainHugePage;

/* ---- features ---- */

typedef enum {
    VIR_DOMAIN_CAP_VALUE_NONE = 0,
    VIR_DOMAIN_CAP_VALUE_BROKEN,
    VIR_DOMAIN_CAP_VALUE_WORKAROUND,
    VIR_DOMAIN_CAP_VALUE_FIXED,
    VIR_DOMAIN_CAP_VALUE_LAST
} virDomainCapValue;                /* cfpc, sbbc */
VIR_ENUM_DECL(virDomainCapValue);

typedef enum {
    VIR_DOMAIN_IBS_NONE = 0,
    VIR_DOMAIN_IBS_BROKEN,
    VIR_DOMAIN_IBS_WORKAROUND,
    VIR_DOMAIN_IBS_FIXED_IBS,
    VIR_DOMAIN_IBS_FIXED_CCD,
    VIR_DOMAIN_IBS_FIXED_NA,
    VIR_DOMAIN_IBS_LAST
} virDomainIBS;
VIR_ENUM_DECL(virDomainIBS);

typedef enum {
    VIR_DOMAIN_HPT_RESIZING_NONE = 0,
    VIR_DOMAIN_HPT_RESIZING_ENABLED,
    VIR_DOMAIN_HPT_RESIZING_DISABLED,
    VIR_DOMAIN_HPT_RESIZING_REQUIRED,
    VIR_DOMAIN_HPT_RESIZING_LAST
} virDomainHPTResizing;
VIR_ENUM_DECL(virDomainHPTResizing);

typedef enum {
    VIR_DOMAIN_IC_MODE_NONE = 0,
    VIR_DOMAIN_IC_MODE_XICS,
    VIR_DOMAIN_IC_MODE_XIVE,
    VIR_DOMAIN_IC_MODE_DUAL,
    VIR_DOMAIN_IC_MODE_LAST
} virDomainICMode;
VIR_ENUM_DECL(virDomainICMode);

typedef struct {
    gboolean present;               /* <features> was given */
    gboolean acpi, apic;            /* kept for libvirt compatibility */
    int kvmHidden;                  /* <kvm><hidden state>, kept */
    int pmu;                        /* virTristateSwitch, kept */
    int htm;                        /* virTristateSwitch */
    int nestedHV;
    int ccfAssist;
    int cfpc;                       /* virDomainCapValue */
    int sbbc;
    int ibs;                        /* virDomainIBS */
    gboolean hasHPT;
    int hptResizing;                /* virDomainHPTResizing */
    guint64 hptMaxPageSize;         /* KiB, 0 = not set */
} virDomainFeatures;

/* ---- the domain ---- */

typedef enum {
    VIR_DOMAIN_BOOT_HD = 0,
    VIR_DOMAIN_BOOT_CDROM,
    VIR_DOMAIN_BOOT_NETWORK,
    VIR_DOMAIN_BOOT_LAST
} virDomainBootDev;
VIR_ENUM_DECL(virDomainBootDev);

typedef enum {
    VIR_DOMAIN_CLOCK_OFFSET_UTC = 0,
    VIR_DOMAIN_CLOCK_OFFSET_LOCALTIME,
    VIR_DOMAIN_CLOCK_OFFSET_LAST
} virDomainClockOffset;
VIR_ENUM_DECL(virDomainClockOffset);

typedef struct _virDomainDef virDomainDef;
struct _virDomainDef {
    gint refs;                      /* virDomainDefRef / virDomainDefFree */
    int virtType;                   /* virDomainVirtType */
    char *name;
    unsigned char uuid[VIR_UUID_BUFLEN];
    gboolean uuidGenerated;         /* the XML had no <uuid> */
    char *title;
    char *description;
    char *metadata;                 /* serialized <metadata>, verbatim */
    int icMode;                     /* from tcevirt metadata */

    struct {
        guint64 maxMemory;          /* KiB, <maxMemory>, 0 = none */
        unsigned int slots;
        guint64 total;              /* KiB, <memory> */
        guint64 current;            /* KiB, <currentMemory> */
        GArray *hugepages;          /* of virDomainHugePage */
        gboolean hasHugepages;
        gboolean locked;
        gboolean nosharepages;
        int source;                 /* 0 anonymous, 1 file, 2 memfd */
        gboolean hasSource;
        int access;                 /* 0 default, 1 shared, 2 private */
        int allocation;             /* 0 default, 1 immediate, 2 ondemand */
        gboolean discard;
        gboolean memfd, shared, prealloc; /* derived for the backend */
        guint64 hardLimit;          /* KiB, 0 = not set */
    } mem;

    unsigned int maxvcpus;
    unsigned int vcpus;             /* current */
    unsigned int iothreads;
    char *cpuset;
    int vcpuPlacement;              /* 0 default, 1 static, 2 auto */
    virDomainCputune cputune;
    virDomainNumatune numatune;
    virCPUDef cpu;

    struct {
        int arch;                   /* virArch */
        char *machine;
        char *kernel;
        char *initrd;
        char *cmdline;
        int bootDevs[VIR_DOMAIN_BOOT_LAST];
        size_t nBootDevs;
        int bootmenu;               /* virTristateBool */
        unsigned int bootmenuTimeout; /* ms, 0 = not set */
        gboolean hasBootmenuTimeout;
    } os;

    virDomainFeatures features;
    int clockOffset;                /* virDomainClockOffset */
    gboolean hasClock;
    GPtrArray *timers;              /* "name\ttickpolicy\tpresent", kept */
    GPtrArray *perfEvents;          /* "name\tenabled", kept */
    int onPoweroff, onReboot, onCrash; /* virDomainLifecycleAction */

    char *emulator;
    GPtrArray *controllers;         /* virDomainControllerDef */
    GPtrArray *disks;               /* virDomainDiskDef */
    GPtrArray *nets;                /* virDomainNetDef */
    GPtrArray *hostdevs;            /* virDomainHostdevDef */
    GPtrArray *serials;             /* virDomainChrDef */
    GPtrArray *consoles;            /* virDomainChrDef */
    GPtrArray *channels;            /* virDomainChrDef */
    GPtrArray *inputs;              /* virDomainInputDef */
    GPtrArray *videos;              /* virDomainVideoDef */
    GPtrArray *graphics;            /* virDomainGraphicsDef */
    GPtrArray *rngs;                /* virDomainRNGDef */
    GPtrArray *panics;              /* virDomainPanicDef */
    GPtrArray *watchdogs;           /* virDomainWatchdogDef */
    virDomainMemballoonDef *memballoon;
};

virDomainDef *virDomainDefNew(void);
/* A definition shared between threads (the daemon's cache) is read-only:
 * whoever holds a reference must not change it */
virDomainDef *virDomainDefRef(virDomainDef *def);
/* Drops a reference; the last one frees */
void virDomainDefFree(virDomainDef *def);
/* The host device of @def whose source is @addr, or NULL */
virDomainHostdevDef *virDomainDefFindHostdev(const virDomainDef *def,
                                             const virPCIDeviceAddress *addr);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainDef, virDomainDefFree);

void virDomainControllerDefFree(virDomainControllerDef *def);
void virDomainHostdevDefFree(virDomainHostdevDef *def);
void virDomainDiskDefFree(virDomainDiskDef *def);
void virDomainNetDefFree(virDomainNetDef *def);
void virDomainChrDefFree(virDomainChrDef *def);
void virDomainInputDefFree(virDomainInputDef *def);
void virDomainVideoDefFree(virDomainVideoDef *def);
void virDomainGraphicsDefFree(virDomainGraphicsDef *def);
void virDomainRNGDefFree(virDomainRNGDef *def);
void virDomainMemballoonDefFree(virDomainMemballoonDef *def);
void virDomainWatchdogDefFree(virDomainWatchdogDef *def);
void virDomainDeviceInfoClear(virDomainDeviceInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainControllerDef, virDomainControllerDefFree);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainHostdevDef, virDomainHostdevDefFree);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainDiskDef, virDomainDiskDefFree);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainNetDef, virDomainNetDefFree);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainChrDef, virDomainChrDefFree);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainInputDef, virDomainInputDefFree);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainVideoDef, virDomainVideoDefFree);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainGraphicsDef, virDomainGraphicsDefFree);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainRNGDef, virDomainRNGDefFree);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainMemballoonDef, virDomainMemballoonDefFree);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainWatchdogDef, virDomainWatchdogDefFree);

virDomainControllerDef *virDomainControllerDefNew(int type, unsigned int idx);
virDomainControllerDef *virDomainDefFindController(const virDomainDef *def,
                                                   int type,
                                                   unsigned int idx);
gboolean virDomainControllerIsPHB(const virDomainControllerDef *cont);

/* The device info of every device with an address or alias of its own
 * (consoles excluded: a serial console is its serial port), in a fixed
 * order: controllers, disks, interfaces, hostdevs, serials, channels,
 * inputs, videos, rngs, watchdogs, balloon.  The array does not own them. */
GPtrArray *virDomainDefCollectDeviceInfos(const virDomainDef *def);

/* vda -> 0, vdz -> 25, vdaa -> 26, ... (the letters after the prefix) */
guint virDomainDiskNameToIndex(const char *dst);
#define VIR_DOMAIN_DISK_MAX_INDEX 16383

gboolean virMacAddrParse(const char *str, unsigned char *mac);
char *virMacAddrFormat(const unsigned char *mac);

/* parse (domain_parse.c) / format (domain_format.c) */
virDomainDef *virDomainDefParseString(const char *xml, size_t len,
                                      const char *filename, GError **errp);
virDomainDef *virDomainDefParseFile(const char *path, GError **errp);
char *virDomainDefFormat(const virDomainDef *def);
