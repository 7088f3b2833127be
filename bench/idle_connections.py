#!/usr/bin/env python3
"""Times a normal request (p50/p99 of 500 sequential GETs on one keep-alive connection) before and while --idle
TCP connections are open to the service and idle (connected, nothing sent). Closes every socket it opened.
Needs an open-files limit above --idle (ulimit -n)."""
import argparse
import http.client
import socket
import time


def timings(port, path, n):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        samples.append((time.perf_counter() - start) * 1000)
        if response.status != 200:
            raise SystemExit(f"GET {path} answered {response.status}")
    conn.close()
    samples.sort()
    return samples[len(samples) // 2], samples[int(len(samples) * 0.99) - 1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--idle", type=int, default=8000)
    parser.add_argument("--path", default="/nuts/orders")
    parser.add_argument("-n", type=int, default=500)
    args = parser.parse_args()
    timings(args.port, args.path, 100)  # warm
    p50, p99 = timings(args.port, args.path, args.n)
    print(f"no idle connections:      p50 {p50:.2f} ms  p99 {p99:.2f} ms")
    idle = []
    try:
        for _ in range(args.idle):
            s = socket.create_connection(("127.0.0.1", args.port), timeout=10)
            idle.append(s)
        time.sleep(1)
        p50, p99 = timings(args.port, args.path, args.n)
        print(f"{len(idle)} idle connections: p50 {p50:.2f} ms  p99 {p99:.2f} ms")
    finally:
        for s in idle:
            s.close()


if __name__ == "__main__":
    main()
