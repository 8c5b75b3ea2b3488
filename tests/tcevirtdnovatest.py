#!/usr/bin/python3
"""OpenStack Nova's sequence against tcevirtd, with Debian's python3-libvirt.

What nova/virt/libvirt/host.py and guest.py call, in their order: openAuth,
the three domain events and the close callback, version checks, host and
domain capabilities parsed the way Nova parses them, the PCI/net/vDPA
device listing with each device's XML, then an instance's life (define
with a managed hostdev, start paused, resume, info, XML, destroy with the
lifecycle events, undefine) and the error codes Nova branches on.  TAP.

usage: tcevirtdnovatest.py URI DOMAIN-XML HOTPLUG-DOMAIN-XML
       (tests/tcevirtdtest.sh nova)
"""
import sys
import threading
import time
import xml.etree.ElementTree as ET

import libvirt

uri, xmlpath, hotpath = sys.argv[1:4]
n = 0
failed = 0


def ok(name, cond, detail=""):
    global n, failed
    n += 1
    if cond:
        print(f"ok {n} {name}")
    else:
        failed += 1
        print(f"not ok {n} {name}")
        for line in str(detail).splitlines()[:40]:
            print(f"# {line}")


def code_of(fn):
    try:
        fn()
    except libvirt.libvirtError as e:
        return e.get_error_code(), e.get_error_message()
    return None, None


libvirt.registerErrorHandler(lambda ctx, err: None, None)
libvirt.virEventRegisterDefaultImpl()


def loop():
    while True:
        libvirt.virEventRunDefaultImpl()


threading.Thread(target=loop, daemon=True).start()

# host.py: _connect -> openAuth with Nova's auth callback
auth = [[libvirt.VIR_CRED_AUTHNAME, libvirt.VIR_CRED_ECHOPROMPT,
         libvirt.VIR_CRED_REALM, libvirt.VIR_CRED_PASSPHRASE,
         libvirt.VIR_CRED_NOECHOPROMPT, libvirt.VIR_CRED_EXTERNAL],
        lambda creds, opaque: 0, None]
conn = libvirt.openAuth(uri, auth, 0)
ok("openAuth", conn is not None)

events = []
cond = threading.Condition()


def lifecycle(c, dom, event, detail, opaque):
    with cond:
        events.append((dom.name(), event, detail))
        cond.notify_all()


ids = []
ids.append(conn.domainEventRegisterAny(
    None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE, lifecycle, None))
devevents = []


def device_event(kind):
    def cb(c, dom, alias, opaque):
        with cond:
            devevents.append((kind, dom.name(), alias))
            cond.notify_all()
    return cb


ids.append(conn.domainEventRegisterAny(
    None, libvirt.VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED,
    device_event("removed"), None))
ids.append(conn.domainEventRegisterAny(
    None, libvirt.VIR_DOMAIN_EVENT_ID_DEVICE_REMOVAL_FAILED,
    device_event("removal-failed"), None))
ok("the three domain events Nova registers are accepted",
   len(set(ids)) == 3 and all(i >= 0 for i in ids), ids)
conn.registerCloseCallback(lambda c, reason, o: None, None)
ok("close callback registered", True)

# driver.py version gates: libvirt >= 10.0.0 (NEXT_MIN), QEMU >= 8.2.2
lib = conn.getLibVersion()
ok("getLibVersion >= 10.0.0", lib >= 10000000, lib)
ver = conn.getVersion()
ok("getVersion is QEMU's (>= 8.2.2)", ver >= 8002002, ver)
ok("getType is QEMU", conn.getType() == "QEMU", conn.getType())
ok("getHostname", conn.getHostname() != "")

# host.py get_capabilities, as LibvirtConfigCaps parses it
caps = ET.fromstring(conn.getCapabilities())
host_arch = caps.find("host/cpu/arch").text
topo = caps.find("host/cpu/topology")
ok("host cpu topology has sockets, cores, threads",
   topo is not None and all(int(topo.get(k)) > 0
                            for k in ("sockets", "cores", "threads")))
cells = caps.find("host/topology")[0]
cpus = [c for cell in cells for c in cell.find("cpus")]
ok("NUMA cells with memory and cpus carrying socket_id and siblings",
   len(cells) >= 1 and all(int(cell.find("memory").text) > 0 for cell in cells)
   and cpus and all(c.get("siblings") and c.get("socket_id") is not None
                    for c in cpus))
ok("each cell lists its page sizes",
   all(int(p.get("size")) > 0 for cell in cells for p in cell.findall("pages")))
guests = {g.find("arch").get("name"): g for g in caps.findall("guest")}
ok("ppc64 and ppc64le guests", {"ppc64", "ppc64le"} <= set(guests), guests)

# host.py get_domain_capabilities: per guest arch, the default machine
# (pseries for ppc64le, None for ppc64) and every canonical alias
virt_type = "kvm" if guests["ppc64le"].find("arch/domain[@type='kvm']") \
    is not None else "qemu"
asked = 0
for arch, guest in guests.items():
    emulator = guest.find("arch/emulator").text
    aliases = [m.text for m in guest.findall("arch/machine[@canonical]")]
    machines = set(aliases) | {"pseries" if arch == "ppc64le" else None}
    for mt in machines:
        dc = ET.fromstring(conn.getDomainCapabilities(emulator, arch, mt,
                                                      virt_type, 0))
        asked += 1
        buses = [v.text for v in dc.findall(".//enum[@name='bus']/value")]
        models = [v.text for v in
                  dc.findall(".//enum[@name='modelType']/value")]
        ok(f"domcapabilities {arch}/{mt}: machine, os, disk buses, video models",
           dc.find("machine") is not None and dc.find("os") is not None
           and "virtio" in buses and models,
           ET.tostring(dc).decode()[:2000])
ok("asked once per alias of each guest", asked >= 3, asked)

# host.py list_all_devices(NET | PCI_DEV | VDPA) and each device's XML
flags = (libvirt.VIR_CONNECT_LIST_NODE_DEVICES_CAP_NET |
         libvirt.VIR_CONNECT_LIST_NODE_DEVICES_CAP_PCI_DEV |
         libvirt.VIR_CONNECT_LIST_NODE_DEVICES_CAP_VDPA)
devs = conn.listAllDevices(flags)
names = [d.name() for d in devs]
ok("listAllDevices(NET|PCI_DEV|VDPA) lists the PCI devices",
   "pci_0002_01_00_0" in names, names)
good = True
for d in devs:
    x = ET.fromstring(d.XMLDesc(0))
    cap = x.find("capability[@type='pci']")
    good &= cap is not None and cap.find("vendor").get("id") is not None \
        and cap.find("product").get("id") is not None
ok("every device's XML has the pci capability with vendor and product", good)
ok("listAllDevices(MDEV) is empty, not an error",
   conn.listAllDevices(libvirt.VIR_CONNECT_LIST_NODE_DEVICES_CAP_MDEV) == [])

# an instance: guest.py create / launch / destroy / delete
xml = open(xmlpath).read()
dom = conn.defineXML(xml)
ok("defineXML with a managed hostdev", dom.name() == "td-nova")
uuid = dom.UUIDString()
dom = conn.lookupByUUIDString(uuid)
dom.createWithFlags(libvirt.VIR_DOMAIN_START_PAUSED)
state, reason = dom.state()
ok("createWithFlags(START_PAUSED): paused",
   state == libvirt.VIR_DOMAIN_PAUSED, (state, reason))
dom.resume()
info = dom.info()
ok("resume, then info: running with its vCPUs and memory",
   info[0] == libvirt.VIR_DOMAIN_RUNNING and info[1] == 512 * 1024
   and info[3] == 1, info)
x = ET.fromstring(dom.XMLDesc(0))
ok("XMLDesc: the hostdev with its alias and guest address",
   x.find("devices/hostdev/alias") is not None and
   x.find("devices/hostdev/address[@type='pci']") is not None)
ok("isActive and isPersistent", dom.isActive() == 1 and dom.isPersistent() == 1)
code, msg = code_of(lambda: dom.create())
ok("starting a running domain: VIR_ERR_OPERATION_INVALID (55)",
   code == libvirt.VIR_ERR_OPERATION_INVALID, (code, msg))

# driver.py attach_interface / _detach_with_retry: a hostdev hot-plugged
# into a running instance, then detached live with the DEVICE_REMOVED wait
# Nova does
inst = dom
dom = conn.defineXML(open(hotpath).read())
dom.create()
hostdev = ("<hostdev mode='subsystem' type='pci' managed='yes'><source>"
           "<address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>"
           "</source></hostdev>")
dom.attachDeviceFlags(hostdev, libvirt.VIR_DOMAIN_AFFECT_LIVE)
x = ET.fromstring(dom.XMLDesc(0))
hot = [h for h in x.findall("devices/hostdev")
       if h.find("source/address").get("domain") == "0x0000"]
alias = hot[0].find("alias").get("name") if hot else None
ok("attachDeviceFlags(AFFECT_LIVE): the live XML has it with alias and address",
   alias is not None and hot[0].find("address[@type='pci']") is not None,
   dom.XMLDesc(0))
ok("... not in the persistent definition",
   "0x0000" not in [h.find("source/address").get("domain") for h in
                    ET.fromstring(dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE))
                    .findall("devices/hostdev")])
dom.detachDeviceFlags(hostdev, libvirt.VIR_DOMAIN_AFFECT_LIVE)
with cond:
    cond.wait_for(lambda: ("removed", "td-hot", alias) in devevents,
                  timeout=20)
ok("detachDeviceFlags(AFFECT_LIVE), then DEVICE_REMOVED with its alias",
   ("removed", "td-hot", alias) in devevents, devevents)
x = ET.fromstring(dom.XMLDesc(0))
ok("... and the live XML no longer has it (Nova's check before it stops "
   "retrying)", all(h.find("alias").get("name") != alias
                    for h in x.findall("devices/hostdev")))
code, msg = code_of(lambda: dom.detachDeviceFlags(
    hostdev, libvirt.VIR_DOMAIN_AFFECT_LIVE))
ok("detaching it again: VIR_ERR_DEVICE_MISSING (99), Nova's DeviceNotFound",
   code == libvirt.VIR_ERR_DEVICE_MISSING, (code, msg))
code, msg = code_of(lambda: dom.attachDeviceFlags(
    "<disk type='file' device='disk'><source file='/dev/null'/>"
    "<target dev='vda' bus='virtio'/></disk>", libvirt.VIR_DOMAIN_AFFECT_LIVE))
ok("attaching a disk live: VIR_ERR_OPERATION_UNSUPPORTED (84)",
   code == libvirt.VIR_ERR_OPERATION_UNSUPPORTED, (code, msg))
dom.destroy()
dom.undefine()
dom = inst
dom.destroy()
ok("destroy: shut off", dom.info()[0] == libvirt.VIR_DOMAIN_SHUTOFF)

want = [(libvirt.VIR_DOMAIN_EVENT_STARTED, libvirt.VIR_DOMAIN_EVENT_STARTED_BOOTED),
        (libvirt.VIR_DOMAIN_EVENT_SUSPENDED, libvirt.VIR_DOMAIN_EVENT_SUSPENDED_PAUSED),
        (libvirt.VIR_DOMAIN_EVENT_RESUMED, libvirt.VIR_DOMAIN_EVENT_RESUMED_UNPAUSED),
        (libvirt.VIR_DOMAIN_EVENT_STOPPED, libvirt.VIR_DOMAIN_EVENT_STOPPED_DESTROYED)]
with cond:
    cond.wait_for(lambda: ("td-nova",) + want[-1] in events, timeout=10)
got = [(e, d) for (name, e, d) in events if name == "td-nova"]
ok("lifecycle events: started, suspended, resumed, stopped destroyed",
   all(w in got for w in want) and
   [w for w in got if w in want] == want, got)

dom.undefineFlags(libvirt.VIR_DOMAIN_UNDEFINE_MANAGED_SAVE |
                  libvirt.VIR_DOMAIN_UNDEFINE_NVRAM)
code, msg = code_of(lambda: conn.lookupByUUIDString(uuid))
ok("lookup of the undefined UUID: VIR_ERR_NO_DOMAIN (42)",
   code == libvirt.VIR_ERR_NO_DOMAIN, (code, msg))
code, msg = code_of(lambda: conn.defineXML("<domain type='kvm'><name>x</name>"))
ok("bad XML: VIR_ERR_XML_ERROR (27)", code == libvirt.VIR_ERR_XML_ERROR,
   (code, msg))
code, msg = code_of(lambda: conn.nodeDeviceLookupByName("pci_0009_09_00_0"))
ok("missing node device: VIR_ERR_NO_NODE_DEVICE (53)",
   code == libvirt.VIR_ERR_NO_NODE_DEVICE, (code, msg))
code, msg = code_of(lambda: conn.baselineCPU(["<cpu/>"], 0))
ok("baselineCPU: VIR_ERR_NO_SUPPORT (3), which Nova tolerates",
   code == libvirt.VIR_ERR_NO_SUPPORT, (code, msg))
ok("the connection is still up after NO_SUPPORT", conn.getType() == "QEMU")
code, msg = code_of(lambda: conn.listAllNetworks(0))
ok("an unsupported procedure names itself: VIR_ERR_NO_SUPPORT",
   code == libvirt.VIR_ERR_NO_SUPPORT and "procedure" in msg, (code, msg))

for i in ids:
    conn.domainEventDeregisterAny(i)
conn.unregisterCloseCallback()
conn.close()
print(f"1..{n}")
sys.exit(1 if failed else 0)
