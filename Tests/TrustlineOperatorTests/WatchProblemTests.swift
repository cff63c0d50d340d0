import ControllerRuntime
import Foundation
import HTTPTransport
import KubeClient
import KubeModels
import Logging
import Synchronization
import Testing
import TrustlineCore
@testable import TrustlineOperator

/// A failing list or watch, as the runtime classifies, logs and waits it out (issue 9, item 7):
/// a missing CRD or an RBAC denial keeps `/readyz` failing and is retried, never fatal.
@Suite struct WatchProblemTests {
    static let crd = WorkloadAwsAccess.descriptor
    static let core = ServiceAccount.descriptor
    static let forbiddenText =
        #"workloadawsaccesses.trustline.dev is forbidden: User "system:serviceaccount:trustline-system:trustline" cannot list resource "workloadawsaccesses" in API group "trustline.dev" at the cluster scope"#

    struct ClassificationCase: Sendable, CustomTestStringConvertible {
        var label: String
        var error: any Error & Sendable
        var kind: ResourceDescriptor
        var expected: WatchProblem?
        var testDescription: String { label }
    }

    static let classificationCases: [ClassificationCase] = [
        ClassificationCase(
            label: "404 page not found on the CRD's kind", error: KubeAPIError(code: 404, status: Status(message: "404 page not found", code: 404)),
            kind: crd, expected: .kindNotServed(detail: "404 page not found")),
        ClassificationCase(
            label: "403 keeps the server's message", error: KubeAPIError(code: 403, status: Status(message: forbiddenText, reason: "Forbidden", code: 403)),
            kind: crd, expected: .forbidden(detail: forbiddenText)),
        ClassificationCase(
            label: "401", error: KubeAPIError(code: 401, status: Status(message: "Unauthorized", reason: "Unauthorized", code: 401)),
            kind: core, expected: .unauthorized(detail: "Unauthorized")),
        ClassificationCase(
            label: "404 on a core kind is no missing CRD", error: KubeAPIError(code: 404, status: Status(message: "not found", code: 404)),
            kind: core, expected: .other(detail: "Kubernetes API error 404: not found")),
        ClassificationCase(label: "cancellation is the operator stopping", error: CancellationError(), kind: crd, expected: nil),
        ClassificationCase(label: "a cancelled transfer too", error: HTTPTransportError.cancelled, kind: crd, expected: nil),
    ]

    @Test(arguments: classificationCases)
    func classification(_ testCase: ClassificationCase) {
        #expect(WatchProblem.classify(testCase.error, kind: testCase.kind) == testCase.expected)
    }

    @Test func messagesNameTheCRDOrTheDeniedVerbAndSayWhatToDo() {
        let missing = WatchProblem.kindNotServed(detail: "404 page not found").message(kind: Self.crd, namespace: nil)
        #expect(missing.contains("the CustomResourceDefinition workloadawsaccesses.trustline.dev is not installed"))
        #expect(missing.contains("kubectl apply -k config/default") && missing.contains("kubectl apply -f crds/"))
        #expect(missing.contains("in all namespaces"))
        let denied = WatchProblem.forbidden(detail: Self.forbiddenText).message(kind: Self.crd, namespace: "team-a")
        #expect(denied.contains(#"cannot list resource "workloadawsaccesses" in API group "trustline.dev""#))
        #expect(denied.contains("in namespace team-a"))
        #expect(denied.contains("keeps retrying"))
    }

    @Test func aPersistingProblemIsLoggedOnceThenOncePerInterval() {
        var log = WatchProblemLog(reminderInterval: .seconds(60))
        let t0 = ContinuousClock.now
        let missing = WatchProblem.kindNotServed(detail: "a")
        let decisions = [
            log.shouldLog(missing, at: t0),
            log.shouldLog(.kindNotServed(detail: "b"), at: t0 + .seconds(59)),
            log.shouldLog(missing, at: t0 + .seconds(60)),
            // A different problem is said at once.
            log.shouldLog(.forbidden(detail: "x"), at: t0 + .seconds(61)),
        ]
        #expect(decisions == [true, false, true, true])
        let recoveries = [log.recovered(), log.recovered()]
        #expect(recoveries == [true, false])
        // After a recovery the problem is news again.
        let again = log.shouldLog(missing, at: t0 + .seconds(62))
        #expect(again)
    }

    /// A scripted list and watch: each attempt either fails with the next error or yields the events.
    final class ScriptedAttempts: Sendable {
        let failures: Mutex<[KubeAPIError]>
        let attempts = Mutex(0)
        init(failures: [KubeAPIError]) { self.failures = Mutex(failures) }

        func next() -> AsyncThrowingStream<ObjectKey, any Error> {
            attempts.withLock { $0 += 1 }
            let failure = failures.withLock { $0.isEmpty ? nil : $0.removeFirst() }
            return AsyncThrowingStream { continuation in
                if let failure {
                    continuation.finish(throwing: failure)
                } else {
                    continuation.yield(ObjectKey(namespace: "production", name: "my-app"))
                    continuation.finish()
                }
            }
        }
    }

    @Test func theSourceWaitsOutAMissingCRDUnreadyAndRecoversByItself() async throws {
        let notFound = KubeAPIError(code: 404, status: Status(message: "404 page not found", code: 404))
        let script = ScriptedAttempts(failures: [notFound, notFound, notFound])
        let health = OperatorHealth()
        health.markReady()
        let sleeps = Mutex<[Duration]>([])
        let readyDuringSleeps = Mutex<[Bool]>([])
        let lines = LogLines()
        let watch = RecoveringWatch(
            name: "workloadawsaccesses@*", kind: Self.crd, namespace: nil, events: { script.next() }, health: health,
            logger: lines.logger(format: .json, level: .debug), reminderInterval: .seconds(3600),
            environment: RetryEnvironment(
                now: { ContinuousClock.now },
                sleep: { delay in
                    sleeps.withLock { $0.append(delay) }
                    readyDuringSleeps.withLock { $0.append(health.isReady) }
                },
                random: { 0.5 }))
        let emitted = Mutex<[ObjectKey]>([])
        try await watch.run(keys: { [$0] }, emit: { key in emitted.withLock { $0.append(key) } })

        let attempts = script.attempts.withLock { $0 }
        let keys = emitted.withLock { $0 }
        let delays = sleeps.withLock { $0 }
        let readiness = readyDuringSleeps.withLock { $0 }
        #expect(attempts == 4)
        #expect(keys == [ObjectKey(namespace: "production", name: "my-app")])
        // Backoff 0.8 s doubling (jitter 0.5 gives the base delay), and unready all along.
        #expect(delays == [.milliseconds(800), .milliseconds(1600), .milliseconds(3200)])
        #expect(readiness == [false, false, false])
        #expect(health.isReady)
        let logged = try lines.parsed(.json)
        let errors = logged.filter { $0["level"] == "error" }
        #expect(errors.count == 1, "said once at error level, the retries at debug: \(errors)")
        #expect(errors.first?["msg"]?.contains("workloadawsaccesses.trustline.dev is not installed") == true)
        #expect(logged.filter { $0["level"] == "debug" && $0["msg"]?.hasPrefix("still failing") == true }.count == 2)
        #expect(logged.contains { $0["level"] == "info" && $0["msg"] == "watching workloadawsaccesses again" })
    }
}
