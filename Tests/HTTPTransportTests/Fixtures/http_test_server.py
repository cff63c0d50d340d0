#!/usr/bin/env python3
"""Loopback HTTP(S) server for the HTTPTransport tests.

Listens on 127.0.0.1 (port 0 unless --port), prints "PORT <n>" once listening, and serves until
killed. Standard library only. Options:
  --tls-cert/--tls-key   serve HTTPS with this certificate and key (PEM files)
  --client-ca            require a client certificate issued by this CA (mutual TLS)
  --alpn-h2              offer "h2" over ALPN and answer HTTP/2 connections (see serve_h2)
  --unaccepting          listen but never accept, with a full queue (see serve_unaccepting)

Endpoints:
  GET  /hello                 200 "hello"
  ANY  /echo...               200 JSON: method, path (as received), headers, body
  GET  /status/<code>         that status, body "status <code>"
  GET  /connections           JSON: connections accepted so far
  GET  /chunked-lines         chunked body; lines split across chunks and packed within chunks
  GET  /lines?count=N         chunked body of N numbered lines, sent as fast as possible
  GET  /endless               a line every 10 ms until the client goes away
  GET  /never                 never answers; waits until the client goes away
  GET  /closed                JSON: how many /endless or /never clients went away, and when
  GET  /reset                 resets the connection (RST) without answering
  GET  /hang-up               closes the connection (FIN) without answering
  GET  /lines-then-reset      chunked body of three lines, then a RST
"""
import argparse
import json
import os
import select
import signal
import socket
import socketserver
import ssl
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

STATE_LOCK = threading.Lock()
STATE = {"connections": 0, "closed": 0, "closed_at": []}

# Chunks of /chunked-lines: "alpha" spans three chunks, chunk 3 packs three lines, CRLF endings
# appear too, and the body ends with an unterminated line.
CHUNKED_LINES = [b"al", b"ph", b"a\nbeta\r\ngam", b"ma\n", b"delta\nepsilon\nzeta\n", b"eta\r", b"\nthe-end"]


def record_close():
    with STATE_LOCK:
        STATE["closed"] += 1
        STATE["closed_at"].append(time.time())


def peer_gone(sock, wait):
    """True when the client closed or reset the connection (waits up to `wait` seconds)."""
    try:
        readable, _, _ = select.select([sock], [], [], wait)
        if not readable:
            return False
        return sock.recv(1) == b""
    except (OSError, ValueError):
        return True


def linger_close(tls_socket):
    raw = socket.socket(fileno=os.dup(tls_socket.fileno()))
    raw.settimeout(1.0)
    try:
        while raw.recv(4096):
            pass
    except OSError:
        pass
    finally:
        raw.close()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    tls_context = None

    def setup(self):
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if self.tls_context is not None:
            self.request = self.tls_context.wrap_socket(
                self.request, server_side=True, do_handshake_on_connect=False)
            try:
                self.request.do_handshake()
            except ssl.SSLError:
                # Under TLS 1.3 the client has already sent its request when we reject its
                # certificate; closing now would make the kernel answer that data with a RST,
                # which discards our alert at the client. Drain first (a lingering close).
                linger_close(self.request)
                raise
            if self.request.selected_alpn_protocol() == "h2":
                serve_h2(self.request)
                raise ConnectionAbortedError("h2 connection served")
        super().setup()

    def log_message(self, format, *args):
        pass

    def send_body(self, status, body, content_type="text/plain"):
        # 204, 205 and 304 carry no content (RFC 9110); bytes after their headers would be read
        # as the start of the next response on a reused connection ("HTTP/0.9").
        if status in (204, 205, 304):
            body = b""
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def send_json(self, value):
        self.send_body(200, json.dumps(value).encode(), "application/json")

    def start_chunked(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

    def write_chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))

    def end_chunked(self):
        self.wfile.write(b"0\r\n\r\n")

    def reset_connection(self):
        # SO_LINGER with a zero timeout makes close() send a RST instead of a FIN.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()

    def handle_any(self):
        url = urlparse(self.path)
        query = parse_qs(url.query)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if url.path == "/hello":
            self.send_body(200, b"hello")
        elif url.path.startswith("/echo"):
            self.send_json({
                "method": self.command,
                "path": self.path,
                "headers": [[k, v] for k, v in self.headers.items()],
                "body": body.decode("utf-8", "replace"),
            })
        elif url.path.startswith("/status/"):
            code = int(url.path.rsplit("/", 1)[1])
            self.send_body(code, b"status %d" % code)
        elif url.path == "/connections":
            with STATE_LOCK:
                self.send_json({"connections": STATE["connections"]})
        elif url.path == "/closed":
            with STATE_LOCK:
                self.send_json({"closed": STATE["closed"], "closed_at": STATE["closed_at"]})
        elif url.path == "/chunked-lines":
            self.start_chunked()
            for chunk in CHUNKED_LINES:
                self.write_chunk(chunk)
                time.sleep(0.03)
            self.end_chunked()
        elif url.path == "/lines":
            count = int(query.get("count", ["1000"])[0])
            self.start_chunked()
            pending = []
            for index in range(count):
                pending.append(b"line-%06d %s\n" % (index, b"x" * 40))
                if len(pending) == 50:
                    self.write_chunk(b"".join(pending))
                    pending = []
            if pending:
                self.write_chunk(b"".join(pending))
            self.end_chunked()
        elif url.path == "/endless":
            self.start_chunked()
            index = 0
            while True:
                try:
                    self.write_chunk(b"tick-%d\n" % index)
                except OSError:
                    record_close()
                    return
                index += 1
                if peer_gone(self.connection, 0.01):
                    record_close()
                    return
        elif url.path == "/never":
            while not peer_gone(self.connection, 0.05):
                pass
            record_close()
            self.close_connection = True
        elif url.path == "/reset":
            self.reset_connection()
        elif url.path == "/hang-up":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
        elif url.path == "/lines-then-reset":
            self.start_chunked()
            self.write_chunk(b"one\ntwo\nthree\n")
            time.sleep(0.05)
            self.reset_connection()
        else:
            self.send_body(404, b"no such endpoint")

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = handle_any


# --- Minimal HTTP/2 (RFC 9113) for the ALPN test: answers every request stream with
# ":status 200", a content-type and the body "h2 hello, connections <n>" (connections accepted
# so far, so tests can see multiplexing). Request headers are not decoded.

def h2_frame(kind, flags, stream, payload):
    return struct.pack(">I", len(payload))[1:] + bytes([kind, flags]) + struct.pack(">I", stream) + payload


def hpack_literal(name, value):
    # Literal header field without indexing, new name, no Huffman coding (RFC 7541 6.2.2).
    assert len(name) < 127 and len(value) < 127
    return b"\x00" + bytes([len(name)]) + name + bytes([len(value)]) + value


def read_exact(sock, count):
    data = b""
    while len(data) < count:
        part = sock.recv(count - len(data))
        if not part:
            raise ConnectionError("peer closed")
        data += part
    return data


def serve_h2(sock):
    preface = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
    if read_exact(sock, len(preface)) != preface:
        return
    sock.sendall(h2_frame(0x4, 0, 0, b""))  # our SETTINGS
    with STATE_LOCK:
        body = b"h2 hello, connections %d" % STATE["connections"]
    while True:
        header = read_exact(sock, 9)
        length = int.from_bytes(header[:3], "big")
        kind, flags = header[3], header[4]
        stream = int.from_bytes(header[5:9], "big") & 0x7FFFFFFF
        read_exact(sock, length)
        if kind == 0x4 and not flags & 0x1:  # SETTINGS -> ACK
            sock.sendall(h2_frame(0x4, 0x1, 0, b""))
        elif kind == 0x6 and not flags & 0x1:  # PING -> PING ACK
            sock.sendall(h2_frame(0x6, 0x1, 0, b"\0" * 8))
        elif kind == 0x1 and flags & 0x4:  # complete HEADERS -> response
            block = b"\x88" + hpack_literal(b"content-type", b"text/plain") \
                + hpack_literal(b"content-length", str(len(body)).encode())
            sock.sendall(h2_frame(0x1, 0x4, stream, block) + h2_frame(0x0, 0x1, stream, body))
        elif kind == 0x7:  # GOAWAY
            return


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def process_request(self, request, client_address):
        with STATE_LOCK:
            STATE["connections"] += 1
        super().process_request(request, client_address)

    def handle_error(self, request, client_address):
        pass  # failed handshakes and dropped clients are what several tests provoke


def serve_unaccepting(port):
    """A listener whose accept queue is full and never drained: Linux drops further SYNs, so
    new connections hang in connect (for connect-timeout tests)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", port))
    listener.listen(0)
    fillers = []
    for _ in range(2):
        filler = socket.socket()
        filler.setblocking(False)
        filler.connect_ex(listener.getsockname())
        fillers.append(filler)
    time.sleep(0.2)
    print("PORT %d" % listener.getsockname()[1], flush=True)
    while True:
        time.sleep(3600)


def main():
    # The test runner may start us with signals blocked; make SIGTERM/SIGINT work again.
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--client-ca")
    parser.add_argument("--alpn-h2", action="store_true")
    parser.add_argument("--unaccepting", action="store_true")
    args = parser.parse_args()

    if args.unaccepting:
        serve_unaccepting(args.port)
        return

    if args.tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        if args.client_ca:
            context.load_verify_locations(args.client_ca)
            context.verify_mode = ssl.CERT_REQUIRED
        context.set_alpn_protocols(["h2", "http/1.1"] if args.alpn_h2 else ["http/1.1"])
        Handler.tls_context = context

    server = Server(("127.0.0.1", args.port), Handler)
    print("PORT %d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
