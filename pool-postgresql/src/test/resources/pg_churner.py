# Naive churn from another process, as a Django view with CONN_MAX_AGE=0 makes it: connect, SELECT 1, close, paced
# at a fixed rate. psycopg2 (libpq) with its default sslmode=prefer, unless the DSN says otherwise.
# Usage: pg_churner.py <dsn> <per-second> <seconds>. Prints "started" after the first connection, then
# "done <count> <elapsed-nanoseconds>".
import sys
import time

import psycopg2

dsn, rate, seconds = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
period = 1.0 / rate
count = 0
start = time.monotonic_ns()
next_at = time.monotonic()
end_at = next_at + seconds
while time.monotonic() < end_at:
    conn = psycopg2.connect(dsn)
    cur = conn.cursor()
    cur.execute("SELECT 1")
    cur.fetchone()
    conn.close()
    count += 1
    if count == 1:
        print("started", flush=True)
    next_at += period
    delay = next_at - time.monotonic()
    if delay > 0:
        time.sleep(delay)
print("done", count, time.monotonic_ns() - start, flush=True)
