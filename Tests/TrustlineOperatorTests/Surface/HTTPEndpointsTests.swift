import Foundation
import HTTPTransport
import Testing
@testable import TrustlineOperator

/// `/metrics`, `/healthz` and `/readyz` served over real HTTP on a free loopback port.
struct HTTPEndpointsTests {
    /// Status and body of one GET.
    struct Answer: Equatable {
        var status: Int
        var body: String
    }

    @Test func metricsServesThePrometheusTextWithAWSCounters() async throws {
        let metrics = OperatorMetrics()
        let client = MeteredHTTPClient(
            wrapping: ScriptedHTTPClient { _ throws(HTTPTransportError) in HTTPResponse(status: 200) }, service: "iam", metrics: metrics)
        _ = try await client.send(ScriptedHTTPClient.queryRequest(action: "CreateRole"))
        metrics.recordReconcile(.done, duration: .milliseconds(12))

        try await RunningEndpoint.with({ HTTPEndpoints.metrics(host: "127.0.0.1", port: 0, metrics: metrics, logger: $0) }) { base in
            let response = try await RunningEndpoint.get(base, "/metrics")
            #expect(response.status == 200)
            #expect(response.headers["Content-Type"]?.hasPrefix("text/plain; version=0.0.4") == true)
            let text = try PrometheusText(String(decoding: response.body, as: UTF8.self))
            #expect(text.values("trustline_aws_requests_total", ["service": "iam", "action": "CreateRole", "code": "OK"]) == [1])
            #expect(text.values("trustline_iam_writes_total", ["action": "CreateRole"]) == [1])
            #expect(text.values("trustline_reconciles_total", ["result": "success"]) == [1])

            // Served live: a later request shows later counts.
            _ = try await client.send(ScriptedHTTPClient.queryRequest(action: "CreateRole"))
            let again = try PrometheusText(String(decoding: try await RunningEndpoint.get(base, "/metrics").body, as: UTF8.self))
            #expect(again.values("trustline_iam_writes_total", ["action": "CreateRole"]) == [2])

            #expect(try await RunningEndpoint.get(base, "/healthz").status == 404, "the metrics port serves only /metrics")
        }
    }

    @Test func readyzFlipsWithOperatorHealthAndHealthzReportsFailure() async throws {
        let health = OperatorHealth()
        try await RunningEndpoint.with({ HTTPEndpoints.health(host: "127.0.0.1", port: 0, health: health, logger: $0) }) { base in
            func check(_ path: String) async throws -> Answer {
                let response = try await RunningEndpoint.get(base, path)
                return Answer(status: response.status, body: String(decoding: response.body, as: UTF8.self))
            }
            var answer: Answer
            // Starting: live, not ready.
            answer = try await check("/healthz")
            #expect(answer == Answer(status: 200, body: "ok\n"))
            answer = try await check("/readyz")
            #expect(answer == Answer(status: 503, body: "not ready\nstarting: the resource caches have not synced yet\n"))

            health.markReady()
            answer = try await check("/readyz")
            #expect(answer == Answer(status: 200, body: "ok\n"))
            answer = try await check("/healthz")
            #expect(answer == Answer(status: 200, body: "ok\n"))

            // A watch waiting out a missing CRD: unready (saying why), still live; ready again once it recovers.
            health.setWaiting(on: "workloadawsaccesses@*", "the CustomResourceDefinition workloadawsaccesses.trustline.dev is not installed")
            answer = try await check("/readyz")
            #expect(answer == Answer(status: 503, body: "not ready\nworkloadawsaccesses@*: the CustomResourceDefinition workloadawsaccesses.trustline.dev is not installed\n"))
            answer = try await check("/healthz")
            #expect(answer == Answer(status: 200, body: "ok\n"))
            health.clearWaiting(on: "workloadawsaccesses@*")
            answer = try await check("/readyz")
            #expect(answer == Answer(status: 200, body: "ok\n"))

            health.markFailed("the WorkloadAwsAccess watch gave up")
            answer = try await check("/healthz")
            #expect(answer == Answer(status: 500, body: "unhealthy: the WorkloadAwsAccess watch gave up\n"))
            answer = try await check("/readyz")
            #expect(answer == Answer(status: 503, body: "not ready\nthe WorkloadAwsAccess watch gave up\n"))

            answer = try await check("/metrics")
            #expect(answer.status == 404, "the probe port serves only the probes")
        }
    }

    @Test func twoEndpointsOnPortZeroGetDifferentPorts() async throws {
        let health = OperatorHealth()
        try await RunningEndpoint.with({ HTTPEndpoints.health(host: "127.0.0.1", port: 0, health: health, logger: $0) }) { first in
            try await RunningEndpoint.with({ HTTPEndpoints.health(host: "127.0.0.1", port: 0, health: health, logger: $0) }) { second in
                #expect(first.port != second.port)
                let statuses = [try await RunningEndpoint.get(first, "/healthz").status, try await RunningEndpoint.get(second, "/healthz").status]
                #expect(statuses == [200, 200])
            }
        }
    }

    @Test func aStoppedEndpointNoLongerAnswers() async throws {
        let base = try await RunningEndpoint.with({ HTTPEndpoints.health(host: "127.0.0.1", port: 0, health: OperatorHealth(), logger: $0) }) { base in
            let status = try await RunningEndpoint.get(base, "/healthz").status
            #expect(status == 200)
            return base
        }
        await #expect(throws: HTTPTransportError.self) {
            _ = try await RunningEndpoint.get(base, "/healthz")
        }
    }
}

/// The state `/healthz` and `/readyz` read.
struct OperatorHealthTests {
    @Test func readyOnlyAfterMarkReadyAndUntilAFailure() {
        let health = OperatorHealth()
        #expect(!health.isReady && health.problem == nil)
        health.markReady()
        #expect(health.isReady && health.problem == nil)
        health.markFailed("event source gave up")
        #expect(!health.isReady)
        #expect(health.problem == "event source gave up")
        health.markReady()
        #expect(!health.isReady, "a failure is final: marking ready again does not hide it")
    }
}
