"""A long-lived Python process that opens a connection per request, as a service using SQLAlchemy's NullPool does:
connect, SELECT 1, close, at a fixed rate, nothing held between requests and no sleep inside a connection.

Usage: python3 pymysql_churn.py HOST PORT USER RATE SECONDS [--tls] [anything else, ignored]
The password comes from MYSQL_PWD. Prints "started <pid>" after the first connection and, at the end,
"done <connections> <seconds> <p50_ms> <p95_ms> <max_ms>" (connection lifetimes, connect to close).
"""
import os
import ssl
import sys
import time

import pymysql


def main():
    host, port, user, rate, seconds = sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4]), float(sys.argv[5])
    ctx = None
    if "--tls" in sys.argv[6:]:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    password = os.environ.get("MYSQL_PWD", "")
    lifetimes = []
    start = time.monotonic()
    next_at = start
    period = 1.0 / rate
    while time.monotonic() - start < seconds:
        t0 = time.perf_counter()
        conn = pymysql.connect(host=host, port=port, user=user, password=password, ssl=ctx, connect_timeout=5)
        t_connected = time.perf_counter()
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT 1")
                cur.fetchall()
            if ctx is not None and not lifetimes:
                with conn.cursor() as cur:
                    cur.execute("SHOW STATUS LIKE 'Ssl_cipher'")
                    cipher = cur.fetchall()[0][1]
                    if not cipher:
                        print("error: the connection is not encrypted", flush=True)
                        sys.exit(3)
        finally:
            conn.close()
        lifetimes.append(time.perf_counter() - t0)
        if len(lifetimes) <= 3:
            print("connection %d: connected in %.2f ms, closed after %.2f ms" % (len(lifetimes), 1000 * (t_connected - t0),
                                                                              1000 * lifetimes[-1]), flush=True)
        if len(lifetimes) == 1:
            print("started %d" % os.getpid(), flush=True)
        next_at += period
        delay = next_at - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        elif delay < -1.0:
            next_at = time.monotonic()  # far behind: do not burst to catch up
    elapsed = time.monotonic() - start
    lifetimes.sort()
    n = len(lifetimes)
    print("done %d %.3f %.3f %.3f %.3f" % (n, elapsed, 1000 * lifetimes[n // 2], 1000 * lifetimes[int(n * 0.95)],
                                           1000 * lifetimes[-1]), flush=True)


if __name__ == "__main__":
    main()
