#!/usr/bin/env python3
"""bench/start: what tcevirt's start and destroy cost over QEMU itself.

For a hostdev-free TCG pseries domain (tests/qemuxml2argvdata/pseries-basic.xml):
  tcevirt   wall time of `tcevirt start --paused` + `tcevirt destroy`
            (supervisor fork, seccomp listener, QMP negotiation, realize
            checks, status files; then quit, teardown, runtime cleanup)
  by hand   the same QEMU argv started directly until its QMP greeting
            arrives, then SIGKILL and wait
Medians of N runs.  usage: start.py TCEVIRT XML [N]
"""
import os, shutil, signal, socket, statistics, subprocess, sys, tempfile, time

tcevirt, xml = sys.argv[1], sys.argv[2]
runs = int(sys.argv[3]) if len(sys.argv) > 3 else 20
tmp = tempfile.mkdtemp()
os.chmod(tmp, 0o711)
env = dict(os.environ, TCEVIRT_STATE_DIR=f"{tmp}/state", TCEVIRT_RUN_DIR=f"{tmp}/run",
           TCEVIRT_CONF=f"{tmp}/qemu.conf",
           TCEVIRT_QEMU_USER="nobody" if os.geteuid() == 0 else "")
open(f"{tmp}/qemu.conf", "w").write("[qemu]\n")
name = "bench-start"
dom = open(xml).read()
import re
dom = re.sub(r"<name>.*?</name>", f"<name>{name}</name>", dom)
dom = re.sub(r"<uuid>.*?</uuid>", "", dom)
open(f"{tmp}/dom.xml", "w").write(dom)

def tv(*args):
    subprocess.run([tcevirt, *args], env=env, check=True, stdout=subprocess.DEVNULL)

tv("define", f"{tmp}/dom.xml")

def one_tcevirt():
    t0 = time.monotonic()
    tv("start", "--paused", name)
    t1 = time.monotonic()
    tv("destroy", name)
    t2 = time.monotonic()
    return t1 - t0, t2 - t1

# the same argv, by hand
argv = subprocess.run([tcevirt, "domxml-to-native", f"{tmp}/dom.xml"], env=env, check=True,
                      capture_output=True, text=True).stdout
words = []
for line in argv.splitlines():
    line = line.rstrip(" \\")
    words += [w.strip("'") for w in re.findall(r"'[^']*'|\S+", line)]
sock = f"{tmp}/hand.sock"
words = [re.sub(r"path=[^,]*monitor\.sock", f"path={sock}", w) for w in words]

def one_hand():
    if os.path.exists(sock):
        os.unlink(sock)
    t0 = time.monotonic()
    p = subprocess.Popen(words, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while True:
        try:
            s = socket.socket(socket.AF_UNIX)
            s.connect(sock)
            break
        except OSError:
            s.close()
            time.sleep(0.0005)
    greeting = s.recv(4096)
    t1 = time.monotonic()
    assert b"QMP" in greeting
    p.send_signal(signal.SIGKILL)
    p.wait()
    s.close()
    return t1 - t0

for _ in range(2):          # warm the page cache
    one_tcevirt(); one_hand()
start, destroy, hand = [], [], []
for _ in range(runs):
    a, b = one_tcevirt()
    start.append(a); destroy.append(b)
    hand.append(one_hand())
ms = lambda v: statistics.median(v) * 1000
print(f"bench-start: {runs} runs, medians")
print(f"bench-start: QEMU by hand to its QMP greeting   {ms(hand):7.1f} ms")
print(f"bench-start: tcevirt start --paused             {ms(start):7.1f} ms")
print(f"bench-start: tcevirt destroy                    {ms(destroy):7.1f} ms")
print(f"bench-start: start+destroy / by hand            {(ms(start) + ms(destroy)) / ms(hand):7.2f}x")
print(f"bench-start: start / by hand                    {ms(start) / ms(hand):7.2f}x")
shutil.rmtree(tmp, ignore_errors=True)
