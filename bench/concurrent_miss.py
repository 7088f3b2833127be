#!/usr/bin/env python3
"""Opens N connections to the gateway, then sends GET <path> on all of them at the same instant (a barrier)
while the cache is empty; prints the status counts. Loopback only, bounded: one request per connection."""
import argparse
import collections
import http.client
import threading


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", default="/nuts/orders")
    parser.add_argument("-n", type=int, default=500)
    args = parser.parse_args()
    connections = [http.client.HTTPConnection("127.0.0.1", args.port, timeout=30) for _ in range(args.n)]
    for c in connections:
        c.connect()
    barrier = threading.Barrier(args.n)
    statuses = collections.Counter()
    lock = threading.Lock()

    def fire(conn):
        barrier.wait()
        try:
            conn.request("GET", args.path)
            status = conn.getresponse().status
        except Exception as e:  # counted, not hidden
            status = type(e).__name__
        with lock:
            statuses[status] += 1

    threads = [threading.Thread(target=fire, args=(c,)) for c in connections]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(dict(statuses))


if __name__ == "__main__":
    main()
