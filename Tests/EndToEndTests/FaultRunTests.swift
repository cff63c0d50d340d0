import Foundation
import TestSupport
import Testing

extension EndToEndSuite {
    /// Issue 14 item 4: the fault run at CI size. It runs `scripts/fault-run.sh` itself, the same
    /// driver as the full run of the README's "Fault run" (N = 50, a fixed seed, 3 SIGKILLs), and
    /// reads its JSON report: every check of `scripts/fault_run/report.py` must pass, and the
    /// faults must really have happened.
    @Suite("End to end: fault run")
    struct FaultRunTests {
        static let count = 50
        static let seed = 20_261_206
        static let kills = 3
        /// The whole run (start, converge, checks, delete, stop), well under 5 minutes on 2 cores.
        static let timeLimit: Duration = .seconds(280)

        @Test("50 resources through IAM and Kubernetes faults and 3 operator kills: nothing lost, doubled or left behind")
        func faultRunLosesNothing() async throws {
            let bash = try TestTools.find("bash", install: "install bash")
            let serverBinary = try BuiltProducts.executable("kube-test-server")
            let binDirectory = (serverBinary as NSString).deletingLastPathComponent
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("trustline-fault-run-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let reportPath = (directory as NSString).appendingPathComponent("report.json")
            let run = try ChildProcess(
                name: "fault-run", executable: bash,
                arguments: [
                    TestTools.repositoryRoot + "/scripts/fault-run.sh", "--count", String(Self.count), "--seed", String(Self.seed),
                    "--kills", String(Self.kills), "--bin-dir", binDirectory, "--report", reportPath, "--timeout", "150",
                ],
                logDirectory: directory)
            let deadline = ContinuousClock.now + Self.timeLimit
            while run.isRunning && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(500))
            }
            let finishedInTime = !run.isRunning
            let status = finishedInTime ? await run.waitForExit() : await run.stop(grace: .seconds(40))
            let output = run.recentLog(characters: 6000)
            #expect(finishedInTime, "the fault run took longer than \(Self.timeLimit):\n\(output)")
            #expect(status == 0, "scripts/fault-run.sh exited \(status):\n\(output)")

            let report = try FaultRunReport(path: reportPath)
            #expect(report.failure == nil, "\(report.failure ?? "")")
            #expect(!report.checks.isEmpty)
            for check in report.checks {
                #expect(check.ok, "\(check.name): \(check.detail)")
            }
            #expect(report.count == Self.count)
            #expect(report.seed == Self.seed)
            #expect(report.killCount == Self.kills)
            #expect(report.operatorStarts == Self.kills + 1)
            // The faults happened: IAM throttling and 500s, and conflicts and dropped watches.
            #expect(report.iamFaults["throttled", default: 0] > 0, "\(report.iamFaults)")
            #expect(report.iamFaults["server_error", default: 0] > 0, "\(report.iamFaults)")
            #expect(report.kubeFaults["status409", default: 0] > 0, "\(report.kubeFaults)")
            #expect(report.kubeFaults["watchDrops", default: 0] > 0, "\(report.kubeFaults)")
            // Nothing lost or doubled, nothing left behind.
            #expect(report.orphans.isEmpty)
            #expect(report.rolesOfOursAfterConverge == Self.count)
            #expect(report.rolesOfOursAfterDelete == 0)
            #expect(report.resourcesLeft == 0)
        }
    }
}
