#!/usr/bin/python3
"""bench/rpc: tcevirtd against libvirt's own libvirtd, in the same run.

Both daemons serve the same hostdev-free TCG pseries domain
(tests/qemuxml2argvdata/pseries-basic.xml) to the same clients: Debian's
python3-libvirt (one connection, calls in a loop) and virsh (a process per
command).  Measured per daemon:
  lookupByName, info, XMLDesc   per-call latency, median of N calls
  start --paused, destroy       createWithFlags(START_PAUSED) and destroy
                                through python (median of 20), and
                                `virsh start --paused` as a process
  QEMU by hand                  the same QEMU argv started directly (one
                                right before each start, for each daemon), until
                                its QMP greeting and until it answers
                                qmp_capabilities (what start costs at least:
                                a started domain takes commands)
  list --all, 1000 domains      `virsh list --all` with 1000 defined domains
  64 clients                    64 connections at once, 20 lookup+info each
libvirtd and virtlogd are started when they are not running (Debian's
libvirt-daemon-system from bookworm-backports must be installed; make
bench installs it) and stopped afterwards only if this script started them.

usage: rpc.py TCEVIRTD TCEVIRT [N]      (as root)
"""
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import libvirt

tcevirtd, tcevirt = sys.argv[1], sys.argv[2]
N = int(sys.argv[3]) if len(sys.argv) > 3 else 300
top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
xml = open(os.path.join(top, "tests/qemuxml2argvdata/pseries-basic.xml")).read()
xml = re.sub(r"<uuid>.*?</uuid>", "", xml)
libvirt.registerErrorHandler(lambda ctx, err: None, None)


def named(name):
    return re.sub(r"<name>.*?</name>", f"<name>{name}</name>", xml)


def median_ms(samples):
    return statistics.median(samples) * 1000


started = []
tmp = tempfile.mkdtemp()
os.chmod(tmp, 0o711)
try:
    # libvirtd, when it is not already running
    for daemon in ("virtlogd", "libvirtd"):
        if subprocess.run(["pgrep", "-x", daemon], stdout=subprocess.DEVNULL).returncode:
            subprocess.run([daemon, "-d"], check=True)
            time.sleep(0.5)
            started.append(daemon)
    env = dict(os.environ, TCEVIRT_STATE_DIR=f"{tmp}/state",
               TCEVIRT_RUN_DIR=f"{tmp}/run", TCEVIRT_CONF=f"{tmp}/qemu.conf",
               TCEVIRT_QEMU_USER="nobody" if os.geteuid() == 0 else "")
    open(f"{tmp}/qemu.conf", "w").write("[qemu]\n")
    sock = f"{tmp}/sock"
    daemon = subprocess.Popen([tcevirtd, "--socket", sock], env=env,
                              stderr=subprocess.DEVNULL)
    while not os.path.exists(sock + "-ro"):
        time.sleep(0.01)
    backends = [("tcevirtd", f"qemu+unix:///system?socket={sock}"),
                ("libvirtd 11.3", "qemu:///system")]

    # QEMU by hand: tcevirt's argv for the domain, to the QMP greeting
    open(f"{tmp}/hand.xml", "w").write(named("bench-hand"))
    argv = subprocess.run([tcevirt, "domxml-to-native", f"{tmp}/hand.xml"],
                          env=env, check=True, capture_output=True,
                          text=True).stdout
    words = []
    for line in argv.splitlines():
        words += [w.strip("'") for w in re.findall(r"'[^']*'|\S+",
                                                   line.rstrip(" \\"))]
    hsock = f"{tmp}/hand.sock"
    words = [re.sub(r"path=[^,]*monitor\.sock", f"path={hsock}", w) for w in words]
    def by_hand():
        """QEMU by hand: (to its greeting, until it answers), seconds"""
        if os.path.exists(hsock):
            os.unlink(hsock)
        t0 = time.monotonic()
        p = subprocess.Popen(words, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        while True:
            try:
                s = socket.socket(socket.AF_UNIX)
                s.connect(hsock)
                if s.recv(4096):
                    break
            except OSError:
                time.sleep(0.001)
        greeting = time.monotonic() - t0
        # the greeting comes from the monitor thread while QEMU still
        # builds the machine: it answers a command only once that is done
        s.sendall(b'{"execute": "qmp_capabilities"}\n')
        answer = b""
        while b'"return"' not in answer and b'"error"' not in answer:
            answer += s.recv(4096)
        answered = time.monotonic() - t0
        s.close()
        p.kill()
        p.wait()
        return greeting, answered

    results = {}

    def record(what, who, value):
        results.setdefault(what, {})[who] = value

    for who, uri in backends:
        conn = libvirt.open(uri)
        dom = conn.defineXML(named("bench-rpc"))
        for what, fn in (("lookupByName (us)", lambda: conn.lookupByName("bench-rpc")),
                         ("info (us)", dom.info),
                         ("XMLDesc (us)", lambda: dom.XMLDesc(0))):
            samples = []
            for i in range(N):
                t0 = time.perf_counter()
                fn()
                samples.append(time.perf_counter() - t0)
            record(what, who, median_ms(samples) * 1000)
        # each start is paired with one by hand right before it, so that
        # both see the same machine (this VM's speed wanders by minutes)
        starts, destroys, virsh_starts, hand, ready = [], [], [], [], []
        for i in range(20):
            g, a = by_hand()
            hand.append(g)
            ready.append(a)
            t0 = time.monotonic()
            dom.createWithFlags(libvirt.VIR_DOMAIN_START_PAUSED)
            t1 = time.monotonic()
            dom.destroy()
            t2 = time.monotonic()
            starts.append(t1 - t0)
            destroys.append(t2 - t1)
        for i in range(5):
            t0 = time.monotonic()
            subprocess.run(["virsh", "-c", uri, "start", "--paused", "bench-rpc"],
                           check=True, stdout=subprocess.DEVNULL)
            virsh_starts.append(time.monotonic() - t0)
            dom.destroy()
        record("QEMU by hand to its QMP greeting (ms)", who, median_ms(hand))
        record("QEMU by hand until it answers QMP (ms)", who, median_ms(ready))
        record("start --paused, python (ms)", who, median_ms(starts))
        record("destroy, python (ms)", who, median_ms(destroys))
        record("virsh start --paused (ms)", who, median_ms(virsh_starts))
        record("start / QEMU by hand, to its greeting", who,
               median_ms(starts) / median_ms(hand))
        record("start / QEMU by hand, until it answers", who,
               median_ms(starts) / median_ms(ready))

        # 64 clients at once
        def client():
            c = libvirt.open(uri)
            for i in range(20):
                c.lookupByName("bench-rpc").info()
            c.close()
        threads = [threading.Thread(target=client) for i in range(64)]
        t0 = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        record("64 clients x 20 lookup+info (ms)", who,
               (time.monotonic() - t0) * 1000)

        # virsh list --all with 1000 defined domains
        extra = [conn.defineXML(named(f"bench-rpc-{i:04d}")) for i in range(999)]
        lists = []
        for i in range(5):
            t0 = time.monotonic()
            subprocess.run(["virsh", "-c", uri, "list", "--all"], check=True,
                           stdout=subprocess.DEVNULL)
            lists.append(time.monotonic() - t0)
        record("virsh list --all, 1000 domains (ms)", who, median_ms(lists))
        for d in extra:
            d.undefine()
        dom.undefine()
        conn.close()
finally:
    if "daemon" in dir() and daemon.poll() is None:
        daemon.terminate()
        daemon.wait()
    for d in reversed(started):
        subprocess.run(["pkill", "-x", d])
    shutil.rmtree(tmp, ignore_errors=True)

names = [b[0] for b in backends]
print(f"bench-rpc: {N} calls per latency figure, medians")
print(f"{'':40s}" + "".join(f"{n:>16s}" for n in names))
for what, row in results.items():
    print(f"{what:40s}" + "".join(f"{row[n]:16.2f}" if what.startswith("start / ")
                                  else f"{row[n]:16.1f}" for n in names))
