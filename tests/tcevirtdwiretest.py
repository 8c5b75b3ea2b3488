#!/usr/bin/python3
"""tcevirtd against frames no libvirt client would send, and many clients.

Hostile and broken input must get an error reply or a closed connection,
never a crash, and the daemon keeps serving everyone else: bad frame
lengths, unknown programs, truncated and trailing arguments, absurd
string lengths and array counts, an unknown procedure; keepalive PING;
64 clients at once; a client that never reads its replies while another
is served.  The frames are written by hand here on purpose (libvirt's
clients cannot send them).  TAP.

usage: tcevirtdwiretest.py SOCKET   (tests/tcevirtdtest.sh wire)
"""
import socket
import struct
import sys
import threading
import time

path = sys.argv[1]
n = 0
failed = 0
REMOTE, KEEPALIVE = 0x20008086, 0x6b656570
CALL, REPLY, MESSAGE = 0, 1, 2


def ok(name, cond, detail=""):
    global n, failed
    n += 1
    print(("ok" if cond else "not ok") + f" {n} {name}")
    if not cond:
        failed += 1
        for line in str(detail).splitlines()[:20]:
            print(f"# {line}")


def frame(proc, body=b"", prog=REMOTE, vers=1, typ=CALL, serial=1):
    hdr = struct.pack(">IIiiIi", prog, vers, proc, typ, serial, 0)
    return struct.pack(">I", 4 + len(hdr) + len(body)) + hdr + body


def xstr(s):
    b = s.encode()
    return struct.pack(">I", len(b)) + b + b"\0" * ((4 - len(b) % 4) % 4)


def connect():
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(10)
    s.connect(path)
    return s


def recv_frame(s):
    """(header tuple, body) or None when the daemon closed"""
    def exact(k):
        buf = b""
        while len(buf) < k:
            part = s.recv(k - len(buf))
            if not part:
                return None
            buf += part
        return buf
    head = exact(4)
    if head is None:
        return None
    (length,) = struct.unpack(">I", head)
    rest = exact(length - 4)
    if rest is None:
        return None
    return struct.unpack(">IIiiIi", rest[:24]), rest[24:]


def error_code(body):
    return struct.unpack(">i", body[:4])[0]


def opened():
    s = connect()
    s.sendall(frame(1, struct.pack(">I", 0) + struct.pack(">I", 0)))
    r = recv_frame(s)
    assert r and r[0][5] == 0, r
    return s


def closed(s):
    try:
        return recv_frame(s) is None
    except ConnectionResetError:
        return True             # closed with our bytes unread
    except socket.timeout:
        return False


def alive():
    """a fresh client still gets answers"""
    try:
        s = opened()
        s.sendall(frame(3, serial=7))
        r = recv_frame(s)
        s.close()
        return r is not None and r[0][5] == 0 and b"QEMU" in r[1]
    except Exception:
        return False


# frame lengths outside 28 .. 16 MiB: the stream cannot be trusted, closed
for name, length in (("below the header", 4), ("zero", 0),
                     ("above 16 MiB", 16 * 1024 * 1024 + 1),
                     ("4 GiB", 0xffffffff)):
    s = connect()
    s.sendall(struct.pack(">I", length) + b"\0" * 24)
    ok(f"a frame length {name} closes that connection", closed(s))
    s.close()
ok("... and the daemon serves the next client", alive())

s = opened()
s.sendall(frame(3, prog=0x11223344, serial=9))
r = recv_frame(s)
ok("an unknown program: an RPC error reply (39) with its serial",
   r and r[0][5] == 1 and r[0][4] == 9 and error_code(r[1]) == 39, r)
s.sendall(frame(3, vers=7, serial=10))
r = recv_frame(s)
ok("an unknown version: an RPC error reply", r and error_code(r[1]) == 39, r)
s.sendall(frame(1))
r = recv_frame(s)
ok("truncated arguments: an RPC error reply", r and error_code(r[1]) == 39, r)
s.sendall(frame(66, b"\0\0\0\0"))
r = recv_frame(s)
ok("trailing bytes after the arguments: an RPC error reply",
   r and error_code(r[1]) == 39, r)
s.sendall(frame(23, struct.pack(">I", 0xfffffff0) + b"x" * 16))
r = recv_frame(s)
ok("a string length of 4 GiB: an RPC error reply", r and error_code(r[1]) == 39, r)
s.sendall(frame(23, struct.pack(">I", 5) + b"ab\0cd\0\0\0"))
r = recv_frame(s)
ok("a string with a NUL inside: an RPC error reply",
   r and error_code(r[1]) == 39, r)
s.sendall(frame(316, struct.pack(">i", 0) + struct.pack(">I", 7)))
r = recv_frame(s)
ok("a boolean that is 7: an RPC error reply", r and error_code(r[1]) == 39, r)
s.sendall(frame(9999, serial=11))
r = recv_frame(s)
ok("an unknown procedure: NO_SUPPORT (3) naming it",
   r and error_code(r[1]) == 3 and b"9999" in r[1], r)
s.sendall(frame(1, typ=4, serial=12))
r = recv_frame(s)
ok("a call with file descriptors: NO_SUPPORT", r and error_code(r[1]) == 3, r)
s.sendall(frame(1, prog=KEEPALIVE, typ=MESSAGE, serial=0))
r = recv_frame(s)
ok("keepalive PING: PONG", r and r[0][0] == KEEPALIVE and r[0][2] == 2, r)
s.sendall(frame(3, serial=13))
r = recv_frame(s)
ok("the connection is still up after all of that",
   r and r[0][5] == 0 and r[0][4] == 13, r)
s.close()

# before CONNECT_OPEN only the preamble may be called
s = connect()
s.sendall(frame(3, serial=2))
r = recv_frame(s)
ok("a call before CONNECT_OPEN: an error reply", r and r[0][5] == 1, r)
s.close()

# 64 clients at once, each with its own calls
results = []


def client(i):
    try:
        c = opened()
        for k in range(5):
            c.sendall(frame(273, struct.pack(">iI", 1, 3), serial=100 + k))
            r = recv_frame(c)
            assert r and r[0][5] == 0 and r[0][4] == 100 + k
        c.close()
        results.append(True)
    except Exception as e:
        results.append(e)


threads = [threading.Thread(target=client, args=(i,)) for i in range(64)]
t0 = time.monotonic()
for t in threads:
    t.start()
for t in threads:
    t.join()
ok("64 clients at once are all answered",
   results.count(True) == 64, [r for r in results if r is not True][:3])
print(f"# 64 clients x 5 list calls: {time.monotonic() - t0:.2f} s")

# a client that sends and never reads does not hold up another
slow = opened()
slow.settimeout(0.2)
sent = 0
try:
    while sent < 2000:
        slow.sendall(frame(7, serial=sent))     # capabilities, ~4 KiB each
        sent += 1
except (socket.timeout, BlockingIOError):
    pass
t0 = time.monotonic()
fine = alive()
took = time.monotonic() - t0
ok("a client that never reads does not hold up another", fine and took < 5,
   f"{took:.2f} s")
slow.close()
ok("... and the daemon serves on after it went", alive())

# a client that pinged (so it has an event loop) and then went silent is
# dead: dropped after 30 s without a word (checked every 5 s)
quiet = opened()
quiet.sendall(frame(1, prog=KEEPALIVE, typ=MESSAGE, serial=0))
r = recv_frame(quiet)
quiet.settimeout(45)
t0 = time.monotonic()
gone = closed(quiet)
took = time.monotonic() - t0
ok("a client silent 30 s after a keepalive PING is dropped",
   gone and 29 < took < 41, f"closed={gone} after {took:.1f} s")
quiet.close()

print(f"1..{n}")
sys.exit(1 if failed else 0)
