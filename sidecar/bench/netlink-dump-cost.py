#!/usr/bin/env python3
"""What one netlink sock_diag dump of TCP sockets costs here, per kind of request: wall time and this process's
system CPU per dump, averaged over N dumps, and how many sockets each dump returned. The kernel walks its whole TCP
hash table for every dump, whatever the filter; a SOCK_DIAG_BY_FAMILY dump names one address family, the compat
TCPDIAG_GETSOCK dump takes both in one walk (what the sidecar's sampler asks for).
  python3 sidecar/bench/netlink-dump-cost.py [PORT=3306] [N=300]
The filter is the sampler's: remote 127.0.0.1:PORT (IPv4) and ::ffff:127.0.0.1:PORT (IPv6)."""
import resource
import socket
import struct
import sys
import time

PORT = int(sys.argv[1]) if len(sys.argv) > 1 else 3306
N = int(sys.argv[2]) if len(sys.argv) > 2 else 300
V4 = socket.inet_aton("127.0.0.1")
MAPPED = b"\0" * 10 + b"\xff\xff" + V4
SYN_SENT_ESTABLISHED = (1 << 1) | (1 << 2)
ESTABLISHED_TIME_WAIT = (1 << 1) | (1 << 6)


def bytecode(conditions):
    """An OR of INET_DIAG_BC_D_COND host conditions, laid out as the sidecar's InetDiag does."""
    ops = [(4 + 8 + len(a), struct.pack("=BBHi", family, len(a) * 8, 0, PORT) + a) for family, a in conditions]
    total = sum(length + 4 for length, _ in ops) - 4
    out = b""
    for i, (length, body) in enumerate(ops):
        out += struct.pack("=BBH", 8, length, length + 4) + body
        if i < len(ops) - 1:
            out += struct.pack("=BBH", 1, 4, total - len(out))
    return out


def by_family(family, states, bc):
    attr = struct.pack("=HH", 4 + len(bc), 1) + bc if bc is not None else b""
    body = struct.pack("=BBBBI", family, 6, 0, 0, states) + b"\0" * 48 + attr
    return struct.pack("=IHHII", 16 + len(body), 20, 0x301, 1, 0) + body


def compat(states, bc):
    attr = struct.pack("=HH", 4 + len(bc), 1) + bc
    body = struct.pack("=BBBB", 2, 0, 0, 0) + b"\0" * 48 + struct.pack("=II", states, 0) + attr
    return struct.pack("=IHHII", 16 + len(body), 18, 0x301, 1, 0) + body


def run(request):
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 4)
    found = 0
    t0, r0 = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF)
    for _ in range(N):
        s.send(request)
        done = False
        while not done:
            data = s.recv(65536)
            off = 0
            while off < len(data):
                length, kind = struct.unpack_from("=IH", data, off)
                if kind == 3:
                    done = True
                elif kind == 2:
                    err = struct.unpack_from("=i", data, off + 16)[0]
                    if err:
                        raise OSError(-err, "netlink error")
                else:
                    found += 1
                off += (length + 3) & ~3
    t1, r1 = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF)
    s.close()
    return 1000 * (t1 - t0) / N, 1000 * (r1.ru_stime - r0.ru_stime) / N, found / N


KINDS = [
    ("IPv4, SYN_SENT+ESTABLISHED, filtered", by_family(2, SYN_SENT_ESTABLISHED, bytecode([(2, V4)]))),
    ("IPv6, SYN_SENT+ESTABLISHED, filtered", by_family(10, SYN_SENT_ESTABLISHED, bytecode([(10, MAPPED)]))),
    ("both families in one (compat), filtered", compat(SYN_SENT_ESTABLISHED, bytecode([(2, V4), (10, MAPPED)]))),
    ("IPv4, ESTABLISHED+TIME_WAIT, filtered", by_family(2, ESTABLISHED_TIME_WAIT, bytecode([(2, V4)]))),
    ("IPv4, every state, no filter", by_family(2, 0xfff, None)),
]
with open("/proc/net/sockstat") as f:
    print(" ".join(l.strip() for l in f if l.startswith("TCP")))
for name, request in KINDS:
    try:
        wall, system, found = run(request)
        print("%-42s %.3f ms wall, %.3f ms system CPU per dump, %.1f sockets per dump" % (name, wall, system, found))
    except OSError as e:
        print("%-42s refused: %s" % (name, e))
