#!/usr/bin/env python3
"""A stand-in for the Thetanuts hosts, for trying the service and for benchmarks: the orders feed at /feed/
(quotes re-dated to stay live), the book indexer under /book/ (every path the service calls: user positions and
history, stats, referrer state, update). Run it and point the service at it:

    python3 bench/fixture_upstream.py &
    THETANUTS_ORDERS_URL=http://127.0.0.1:19080/feed/ THETANUTS_INDEXER_URL=http://127.0.0.1:19080/book ./mvnw spring-boot:run

Every answer waits --delay-ms first. GET /__hits returns the count of
requests per path as JSON; POST /__reset clears it. Listens on 127.0.0.1 only."""
import argparse
import json
import os
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "src", "test", "resources", "fixtures")
FIXTURE_NOW = 1780480800


def load(name):
    with open(os.path.join(FIXTURES, name), "rb") as f:
        return f.read()


def live_orders(count=None):
    """The fixture feed shifted so that 'now' is the real now: quotes valid for an hour. With a count, the
    fixture's orders are repeated to that many, each copy with its own signature (so its own id) and price."""
    feed = json.loads(load("orders.json"))
    shift = int(time.time()) - FIXTURE_NOW
    if count is not None:
        fixture = feed["data"]["orders"]
        copies = []
        for i in range(count):
            signed = json.loads(json.dumps(fixture[i % len(fixture)]))
            if i >= len(fixture):
                signed["signature"] = signed["signature"][:-8] + format(i, "06x") + signed["signature"][-2:]
                signed["order"]["price"] = str(int(signed["order"]["price"]) + i * 1000)
            copies.append(signed)
        feed["data"]["orders"] = copies
    for signed in feed["data"]["orders"]:
        order = signed["order"]
        order["orderExpiryTimestamp"] = int(order["orderExpiryTimestamp"]) + shift + 3600
        order["expiry"] = int(order["expiry"]) + shift
        # The nonce hashes orderExpiryTimestamp (REFERENCE 2.5), so the signed one no longer fits the re-dated quote
        # (nutsgate leaves out a quote whose nonce is not its own). The field is optional: the service computes it.
        signed.pop("nonce", None)
    return json.dumps(feed).encode()


class Handler(BaseHTTPRequestHandler):
    hits = {}
    lock = threading.Lock()
    delay = 0.0
    orders = b""
    healed = threading.Event()

    def log_message(self, *args):
        pass

    def _send(self, status, body):
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a hung request released late)

    def _route(self):
        path = self.path.split("?")[0]
        if path == "/__hits":
            with Handler.lock:
                return self._send(200, json.dumps(Handler.hits).encode())
        if path == "/__reset":
            with Handler.lock:
                Handler.hits.clear()
            return self._send(200, b"{}")
        if path == "/__hang":
            Handler.healed.clear()
            return self._send(200, b"{}")
        if path == "/__heal":
            Handler.healed.set()
            return self._send(200, b"{}")
        with Handler.lock:
            Handler.hits[path] = Handler.hits.get(path, 0) + 1
        Handler.healed.wait()
        if Handler.delay:
            time.sleep(Handler.delay)
        if path in ("/feed", "/feed/"):
            return self._send(200, Handler.orders)
        if re.fullmatch(r"/book/user/0x[0-9a-f]{40}/positions", path):
            return self._send(200, load("positions.json"))
        if re.fullmatch(r"/book/user/0x[0-9a-f]{40}/history", path):
            return self._send(200, load("history.json"))
        if path == "/book/stats":
            return self._send(200, load("stats.json"))
        if path == "/book/update":
            return self._send(200, b'{"status":"success"}')
        referrer = re.fullmatch(r"/book/referrer/(0x[0-9a-fA-F]{40})/state", path)
        if referrer:
            state = {"referrer": referrer.group(1), "positions": {}, "lastUpdateTimestamp": int(time.time())}
            return self._send(200, json.dumps(state).encode())
        return self._send(404, b'{"error":"not found"}')

    do_GET = _route
    do_POST = _route


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=19080)
    parser.add_argument("--delay-ms", type=int, default=0)
    parser.add_argument("--orders", type=int, default=None, help="repeat the fixture's orders to this many")
    args = parser.parse_args()
    Handler.delay = args.delay_ms / 1000
    Handler.orders = live_orders(args.orders)
    Handler.healed.set()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    server.request_queue_size = 1024
    server.serve_forever()


if __name__ == "__main__":
    main()
