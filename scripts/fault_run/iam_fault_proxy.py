"""An HTTP proxy in front of moto that answers some IAM requests with the failures IAM produces
under load, so the operator's retries and idempotence are tested against a real IAM API.

One program for both users: the end-to-end tests start it (Tests/EndToEndTests/Support/
IAMFaultProxy.swift) and so does scripts/fault-run.sh.

Modes:
  --pattern fixed   every 3rd request is HTTP 400 Throttling, every 7th HTTP 500 ServiceFailure
                    (the rest forwarded): repeatable to the request, for small tests.
  --pattern random  each request draws from a generator seeded with --seed (decisions are taken in
                    arrival order): --throttle (default 0.20) HTTP 400 Throttling "Rate exceeded";
                    --server-error (0.05) HTTP 500 ServiceFailure or InternalFailure;
                    --truncate (0.01) a 200 status line and part of a body sent without forwarding,
                    then the connection closed; --lose-after (0.01) the request forwarded to moto
                    (so a write happened) and moto's answer cut off mid-body, then closed.

Control (on the proxy's own port, not forwarded):
  GET  /fault-proxy/stats  {"faults_on": bool, "requests": {ACTION: {OUTCOME: count}}}, where OUTCOME
                           is throttled, server_error, truncated, lost_after_upstream_<status> (moto
                           answered <status>, the client got half of it), or upstream_<status> (moto
                           answered and the client received it whole).
  POST /fault-proxy/off    forward everything from now on;  POST /fault-proxy/on  faults again.

Prints "listening PORT" once serving (--port 0 picks a free port). Exits when stdin reaches EOF
with --exit-on-stdin-eof (so it dies with the test process that started it).
"""
import argparse
import http.server
import json
import random
import socket
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request

THROTTLE = (b'<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded'
            b'</Message></Error><RequestId>fault-proxy</RequestId></ErrorResponse>')


def server_failure(code):
    return (f'<ErrorResponse><Error><Type>Receiver</Type><Code>{code}</Code><Message>injected failure'
            f'</Message></Error><RequestId>fault-proxy</RequestId></ErrorResponse>').encode()


class FaultPlan:
    """Decides each request's fate and counts outcomes; thread-safe."""

    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.random = random.Random(args.seed)
        self.count = 0
        self.on = True
        self.stats = {}

    def decide(self):
        with self.lock:
            self.count += 1
            if not self.on:
                return "forward"
            if self.args.pattern == "fixed":
                if self.count % 3 == 0:
                    return "throttled"
                return "server_error" if self.count % 7 == 0 else "forward"
            draw = self.random.random()
            for outcome, rate in (("throttled", self.args.throttle), ("server_error", self.args.server_error),
                                  ("truncated", self.args.truncate), ("lost_after_upstream", self.args.lose_after)):
                if draw < rate:
                    return outcome
                draw -= rate
            return "forward"

    def server_error_code(self):
        with self.lock:
            return "InternalFailure" if self.random.random() < 0.5 else "ServiceFailure"

    def record(self, action, outcome):
        with self.lock:
            by_outcome = self.stats.setdefault(action, {})
            by_outcome[outcome] = by_outcome.get(outcome, 0) + 1

    def snapshot(self):
        with self.lock:
            return {"faults_on": self.on, "requests": json.loads(json.dumps(self.stats))}

    def switch(self, on):
        with self.lock:
            self.on = on


def make_handler(plan, upstream):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            if self.path == "/fault-proxy/stats":
                return self.answer(200, json.dumps(plan.snapshot()).encode(), "application/json")
            self.answer(404, b"not found", "text/plain")

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if self.path in ("/fault-proxy/on", "/fault-proxy/off"):
                plan.switch(self.path.endswith("/on"))
                return self.answer(200, json.dumps(plan.snapshot()).encode(), "application/json")
            action = urllib.parse.parse_qs(body.decode("utf-8", "replace")).get("Action", ["?"])[0]
            outcome = plan.decide()
            if outcome == "throttled":
                plan.record(action, outcome)
                return self.answer(400, THROTTLE)
            if outcome == "server_error":
                plan.record(action, outcome)
                return self.answer(500, server_failure(plan.server_error_code()))
            if outcome == "truncated":
                plan.record(action, outcome)
                return self.cut_off(200, b"<" + action.encode() + b"Response><" + action.encode() + b"Result>" + b" " * 200, "text/xml")
            status, payload, content_type = self.forward(body)
            if outcome == "lost_after_upstream":
                plan.record(action, f"{outcome}_{status}")
                return self.cut_off(status, payload, content_type)
            plan.record(action, f"upstream_{status}")
            self.answer(status, payload, content_type)

        def forward(self, body):
            request = urllib.request.Request(upstream + self.path, data=body, method="POST")
            for key, value in self.headers.items():
                if key.lower() not in ("host", "content-length", "connection"):
                    request.add_header(key, value)
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    return response.status, response.read(), response.headers.get("Content-Type")
            except urllib.error.HTTPError as error:
                return error.code, error.read(), error.headers.get("Content-Type")

        def answer(self, status, payload, content_type="text/xml"):
            self.send_response(status)
            self.send_header("Content-Type", content_type or "text/xml")
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(payload)
            self.close_connection = True

        def cut_off(self, status, payload, content_type):
            """The status line, the headers (announcing the whole body) and half the body, then close."""
            self.send_response(status)
            self.send_header("Content-Type", content_type or "text/xml")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload[: max(1, len(payload) // 2)])
            self.wfile.flush()
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

        def log_message(self, *args):
            pass

    return Handler


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--upstream", required=True, help="moto's URL, e.g. http://127.0.0.1:5000")
    parser.add_argument("--pattern", choices=["fixed", "random"], default="fixed")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--throttle", type=float, default=0.20)
    parser.add_argument("--server-error", type=float, default=0.05)
    parser.add_argument("--truncate", type=float, default=0.01)
    parser.add_argument("--lose-after", type=float, default=0.01)
    parser.add_argument("--exit-on-stdin-eof", action="store_true")
    args = parser.parse_args()
    rates = (args.throttle, args.server_error, args.truncate, args.lose_after)
    if any(rate < 0 for rate in rates) or sum(rates) > 1:
        parser.error("--throttle, --server-error, --truncate and --lose-after must be >= 0 and add up to at most 1")
    plan = FaultPlan(args)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(plan, args.upstream.rstrip("/")))
    server.daemon_threads = True
    print(f"listening {server.server_address[1]}", flush=True)
    if args.exit_on_stdin_eof:
        threading.Thread(target=lambda: (sys.stdin.read(), server.shutdown()), daemon=True).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
