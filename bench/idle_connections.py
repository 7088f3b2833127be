#!/usr/bin/env python3
"""Opens N connections that send half a request line and headers and then nothing (slowloris), keeps them open,
and times normal GET requests on fresh connections meanwhile. Prints the latency with and without the idle
connections, and how many of them the server still held open at the end. Needs `ulimit -n` above N + 100."""
import argparse
import http.client
import socket
import statistics
import time


def timed_gets(host, port, path, count):
    times = []
    for _ in range(count):
        start = time.perf_counter()
        conn = http.client.HTTPConnection(host, port, timeout=30)
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        conn.close()
        if response.status != 200:
            raise SystemExit(f"GET {path} answered {response.status}")
        times.append((time.perf_counter() - start) * 1000)
    return times


def describe(times):
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"p50 {statistics.median(ordered):.1f} ms, p99 {p99:.1f} ms, max {ordered[-1]:.1f} ms"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", default="/nuts/config")
    parser.add_argument("-n", "--idle", type=int, default=8000)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()

    timed_gets(args.host, args.port, args.path, 20)  # warm-up
    before = timed_gets(args.host, args.port, args.path, args.requests)

    idle = []
    start = time.perf_counter()
    for _ in range(args.idle):
        s = socket.create_connection((args.host, args.port), timeout=30)
        s.sendall(b"GET " + args.path.encode() + b" HTTP/1.1\r\nHost: bench\r\n")
        idle.append(s)
    opened = time.perf_counter() - start

    during = timed_gets(args.host, args.port, args.path, args.requests)

    # How many did the server still hold? A closed one reads as end of stream at once.
    for s in idle:
        s.setblocking(False)
    alive = 0
    for s in idle:
        try:
            alive += 1 if s.recv(1) else 0
        except BlockingIOError:
            alive += 1
        except OSError:
            pass
    for s in idle:
        s.close()

    print(f"idle connections: {args.idle} opened in {opened:.1f} s, {alive} still open after the requests")
    print(f"GET {args.path} without them ({args.requests} requests): {describe(before)}")
    print(f"GET {args.path} with {args.idle} idle connections open ({args.requests} requests): {describe(during)}")


if __name__ == "__main__":
    main()
