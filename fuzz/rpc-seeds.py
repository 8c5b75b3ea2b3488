#!/usr/bin/python3
"""Writes the seed corpus of fuzz/rpc_fuzz.c: one file per client session
shape (virsh's connection preamble, then the calls of one verb), frames
built as virsh 11.3 sends them.  usage: rpc-seeds.py DIR"""
import os
import struct
import sys
import uuid as uuidlib


def frame(proc, body=b"", prog=0x20008086, typ=0, serial=1):
    hdr = struct.pack(">IIiiIi", prog, 1, proc, typ, serial, 0)
    return struct.pack(">I", 28 + len(body)) + hdr + body


def s(v):
    b = v.encode()
    return struct.pack(">I", len(b)) + b + b"\0" * ((4 - len(b) % 4) % 4)


def opt(v):
    return struct.pack(">I", 0) if v is None else struct.pack(">I", 1) + s(v)


def u(v):
    return struct.pack(">I", v)


def dom(name="guest"):
    return s(name) + uuidlib.UUID(int=0x1234).bytes + struct.pack(">i", -1)


pre = (frame(66) + frame(60, u(10)) + frame(1, opt("qemu:///system") + u(0)) +
       frame(60, u(14)) + frame(60, u(15)) + frame(360))
xml = "<domain type='kvm'><name>guest</name><memory>524288</memory>" \
      "<os><type arch='ppc64le' machine='pseries'>hvm</type></os></domain>"
seeds = {
    "preamble": pre,
    "version": pre + frame(157) + frame(4) + frame(3) + frame(59),
    "list": pre + frame(273, u(1) + u(3)) + frame(212, dom() + u(0)),
    "define": pre + frame(350, s(xml) + u(1)),
    "start-paused": pre + frame(23, s("guest")) + frame(196, dom() + u(1)),
    "dominfo": pre + frame(23, s("guest")) + frame(19, dom()) +
    frame(16, dom()) + frame(151, dom()) + frame(15, dom()) +
    frame(183, dom() + u(0)) + frame(122),
    "dumpxml": pre + frame(14, dom() + u(3)),
    "undefine": pre + frame(150, dom()) + frame(183, dom() + u(0)) +
    frame(187, dom() + u(0)) + frame(231, dom() + u(0)),
    "nodedev": pre + frame(285, u(1) + u(2)) + frame(113, s("pci_0000_01_00_0")) +
    frame(114, s("pci_0000_01_00_0") + u(0)) +
    frame(301, s("pci_0000_01_00_0") + opt("vfio") + u(0)),
    "events": pre + frame(316, u(0) + u(0)) + frame(316, u(15) + u(1) + dom()) +
    frame(317, u(1)),
    "domcaps": pre + frame(342, opt("/usr/bin/qemu-system-ppc64") +
                           opt("ppc64le") + opt("pseries") + opt("kvm") + u(0)),
    "keepalive": pre + frame(1, prog=0x6b656570, typ=2, serial=0),
}
os.makedirs(sys.argv[1], exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(sys.argv[1], name), "wb") as f:
        f.write(data)
