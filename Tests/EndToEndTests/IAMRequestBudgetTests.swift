import Foundation
import Testing

extension EndToEndSuite {
    /// `iamRequestsPerSecond` (docs/design.md section 12) in the running operator: a resource
    /// needing more IAM calls than one second's budget converges all the same, some of its calls
    /// having waited for a token, and the IAM requests sent stay within the budget's rate.
    @Suite("End to end: the IAM request budget")
    struct IAMRequestBudgetTests {
        @Test("with a budget of 3 requests per second, a resource converges and its calls wait for tokens")
        func aSmallBudgetMakesCallsWait() async throws {
            try await TestCluster.with { cluster in
                try await cluster.apply(Manifests.access(name: "my-app"))
                let started = ContinuousClock.now
                let running = try cluster.startOperator(resyncPeriod: "10m", extraArguments: ["--iam-requests-per-second", "3"])
                try await cluster.waitForCondition("production", "my-app", type: .ready, status: "True")
                let elapsed = started.duration(to: .now)
                let metrics = try await running.metrics()
                let waited = metrics["trustline_iam_budget_waited_requests_total"] ?? 0
                let sent = metrics.filter { $0.key.hasPrefix("trustline_aws_requests_total{service=\"iam\"") }.values.reduce(0, +)
                #expect(waited >= 1, "no IAM request waited for the budget; IAM requests sent: \(sent)")
                #expect((metrics["trustline_iam_budget_wait_seconds_total"] ?? 0) > 0)
                // At most a burst of 3 plus 3 a second since the operator started.
                let seconds = Double(elapsed.components.seconds) + 1
                #expect(sent <= 3 + 3 * seconds, "\(sent) IAM requests in \(elapsed)")
            }
        }
    }
}
