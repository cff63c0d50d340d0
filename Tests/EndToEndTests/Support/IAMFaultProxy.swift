import Foundation
import TestSupport

/// An HTTP proxy in front of moto that answers some requests itself with the failures IAM
/// produces under load: HTTP 400 `Throttling` ("Rate exceeded") for every 3rd request and HTTP 500
/// `ServiceFailure` for every 7th (a fixed pattern, so runs are repeatable). Everything else is
/// forwarded unchanged. A small Python program (python3 is on every machine that runs moto).
final class IAMFaultProxy: Sendable {
    let url: String
    let process: ChildProcess

    static func start(upstream: String, logDirectory: String) async throws -> IAMFaultProxy {
        let python = try TestTools.find("python3", install: "install Python 3")
        let port = try TestTools.freePort()
        let process = try ChildProcess(
            name: "iam-fault-proxy", executable: python, arguments: ["-c", script, String(port), upstream],
            environment: ProcessInfo.processInfo.environment, logDirectory: logDirectory)
        let deadline = ContinuousClock.now + .seconds(20)
        while !process.log.contains("listening") {
            guard process.isRunning, ContinuousClock.now < deadline else {
                await process.stop()
                throw TestSetupError("the IAM fault proxy did not start:\n\(process.log)")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        return IAMFaultProxy(url: "http://127.0.0.1:\(port)", process: process)
    }

    private init(url: String, process: ChildProcess) {
        self.url = url
        self.process = process
    }

    func stop() async { await process.stop() }

    static let script = #"""
        import http.server, sys, threading, urllib.request, urllib.error
        port, upstream = int(sys.argv[1]), sys.argv[2]
        lock = threading.Lock()
        count = [0]
        THROTTLE = b'<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>fault-proxy</RequestId></ErrorResponse>'
        FAILURE = b'<ErrorResponse><Error><Type>Receiver</Type><Code>ServiceFailure</Code><Message>injected failure</Message></Error><RequestId>fault-proxy</RequestId></ErrorResponse>'

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with lock:
                    count[0] += 1
                    n = count[0]
                if n % 3 == 0:
                    return self.answer(400, THROTTLE)
                if n % 7 == 0:
                    return self.answer(500, FAILURE)
                request = urllib.request.Request(upstream + self.path, data=body, method="POST")
                for key, value in self.headers.items():
                    if key.lower() not in ("host", "content-length", "connection"):
                        request.add_header(key, value)
                try:
                    with urllib.request.urlopen(request, timeout=30) as response:
                        self.answer(response.status, response.read(), response.headers.get("Content-Type"))
                except urllib.error.HTTPError as error:
                    self.answer(error.code, error.read(), error.headers.get("Content-Type"))

            def answer(self, status, payload, content_type="text/xml"):
                self.send_response(status)
                self.send_header("Content-Type", content_type or "text/xml")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        print("listening", flush=True)
        server.serve_forever()
        """#
}
