#!/usr/bin/env python3
"""A loopback HTTP server that answers a scripted sequence of faults, for the retry tests.

Usage: fault_server.py SCRIPT_JSON
SCRIPT_JSON is a list of steps; request N gets step N (the last step repeats). A step is one of:
  {"status": 400, "body": "<xml>", "date_offset": 7200}   answer (optional Date header shifted by seconds)
  {"reset": true}                                          close the connection with a TCP reset
  {"hang": 5}                                              read the request, then stay silent N seconds
The server prints its port on stdout once listening. Every request except the control ones is
recorded; GET /__requests returns them as JSON (method, path, headers, body). Exits on stdin EOF.
"""
import email.utils
import json
import socket
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SCRIPT = json.loads(sys.argv[1])
RECORDED = []
LOCK = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # keep test output clean
        pass

    def do_GET(self):
        if self.path == "/__requests":
            with LOCK:
                payload = json.dumps(RECORDED).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            return
        self.handle_scripted()

    def do_POST(self):
        self.handle_scripted()

    def do_PUT(self):
        self.handle_scripted()

    def handle_scripted(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        with LOCK:
            index = len(RECORDED)
            RECORDED.append({
                "method": self.command,
                "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": body,
            })
        step = SCRIPT[min(index, len(SCRIPT) - 1)]
        if step.get("reset"):
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return
        if "hang" in step:
            time.sleep(step["hang"])
            self.close_connection = True
            return
        payload = step.get("body", "").encode()
        self.send_response(step.get("status", 200))
        date = time.time() + step.get("date_offset", 0)
        self.send_header("Date", email.utils.formatdate(date, usegmt=True))
        self.send_header("Content-Type", "text/xml")
        self.send_header("x-amzn-RequestId", f"fault-{index}")
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(payload)
        self.close_connection = True

    def send_response(self, code, message=None):
        # BaseHTTPRequestHandler adds its own Date header; ours (possibly shifted) must be the only one.
        self.log_request(code)
        self.send_response_only(code, message)
        self.send_header("Server", "fault-server")


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        while sys.stdin.buffer.read(4096):
            pass
    except Exception:
        pass
    server.shutdown()


if __name__ == "__main__":
    main()
