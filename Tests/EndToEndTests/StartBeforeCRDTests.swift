import Foundation
import KubeModels
import Testing
import TestSupport
import TrustlineCore

extension EndToEndSuite {
    /// Issue 9, item 7: `kubectl apply -k` creates the CRD and the Deployment together, so the
    /// operator may start first. It must say which CRD is missing and how to install it, stay
    /// unready, keep running, and start reconciling by itself once the CRD is there. The probe
    /// and metrics addresses and leader election come from the `--config` file here (item 3).
    @Suite("End to end: the operator starts before its CRD")
    struct StartBeforeCRDTests {
        static let missingCRD = "the CustomResourceDefinition workloadawsaccesses.trustline.dev is not installed"

        @Test("no CRD: one clear error naming it and how to install it, /readyz 503, /healthz 200, no exit; CRD applied: Ready without a restart")
        func waitsForTheCRD() async throws {
            try await TestCluster.with(applyCRDs: false) { cluster in
                let running = try cluster.startOperator(resyncPeriod: "10m", configFile: ["leaderElect: true"])
                try await cluster.eventually(timeout: .seconds(60), "the missing-CRD error in the log") { () -> Bool? in
                    guard running.process.isRunning else { throw TestSetupError("trustline exited:\n\(running.process.log)") }
                    return running.process.log.contains(Self.missingCRD) ? true : nil
                }
                #expect(try await running.probe("/readyz") == 503)
                #expect(try await running.probe("/healthz") == 200)
                // Several retries later it still runs, and said it once at error level, not at every retry.
                try await Task.sleep(for: .seconds(4))
                #expect(running.process.isRunning)
                let errorLines = running.process.log.split(separator: "\n").filter { $0.contains("level=error") && $0.contains(Self.missingCRD) }
                #expect(errorLines.count == 1, "\(errorLines)")
                let line = String(errorLines.first ?? "")
                #expect(line.contains("kubectl apply -k config/default") && line.contains("kubectl apply -f crds/"), "\(line)")
                #expect(running.process.log.contains("msg=\"still failing: \(Self.missingCRD)"), "retries are logged at debug level")
                #expect(try await running.probe("/readyz") == 503)
                // leaderElect from the file: it campaigned and leads.
                #expect(running.process.log.contains("campaigning for leadership"))

                try await cluster.applyCRDs()
                try await cluster.applySample("production-my-app.yaml")
                try await cluster.waitForCondition("production", "my-app", type: .ready, status: "True", timeout: .seconds(90))
                try await cluster.eventually(timeout: .seconds(30), "/readyz 200") { () -> Bool? in
                    try await running.probe("/readyz") == 200 ? true : nil
                }
                #expect(running.process.isRunning, "the same process, no restart")
                #expect(running.process.log.contains("watching workloadawsaccesses again"))
                let resource = try #require(try await cluster.resource("production", "my-app"))
                #expect(resource.status?.condition(.reconciling)?.status == .false)
                #expect(resource.status?.condition(.stalled)?.status == .false)
            }
        }
    }
}
