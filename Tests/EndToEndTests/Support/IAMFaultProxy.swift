import Foundation
import TestSupport

/// An HTTP proxy in front of moto that answers some requests itself with the failures IAM
/// produces under load: HTTP 400 `Throttling` ("Rate exceeded") for every 3rd request and HTTP 500
/// `ServiceFailure` for every 7th (a fixed pattern, so runs are repeatable). Everything else is
/// forwarded unchanged. The program is `scripts/fault_run/iam_fault_proxy.py` (`--pattern fixed`),
/// the same one `scripts/fault-run.sh` runs with seeded random faults.
final class IAMFaultProxy: Sendable {
    let url: String
    let process: ChildProcess

    static func start(upstream: String, logDirectory: String) async throws -> IAMFaultProxy {
        let python = try TestTools.find("python3", install: "install Python 3")
        let port = try TestTools.freePort()
        let program = TestTools.repositoryRoot + "/scripts/fault_run/iam_fault_proxy.py"
        let process = try ChildProcess(
            name: "iam-fault-proxy", executable: python,
            arguments: [program, "--port", String(port), "--upstream", upstream, "--pattern", "fixed", "--exit-on-stdin-eof"],
            environment: ProcessInfo.processInfo.environment, logDirectory: logDirectory, holdsStdinOpen: true)
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
}
